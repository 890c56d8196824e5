package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/tui/screen"
)

// phonePane draws the selected device's notification in one context, as
// its era draws it, with the buttons as tap targets.
type phonePane struct {
	*Common
	device  Device
	shown   []Shown
	index   int            // into shown; -1 = the newest
	context device.Context // the user's pick; "" = automatic
	frame   screen.Frame
	// frameTop is the row of the frame inside the pane, for mouse hits.
	frameTop int
	reply    textinput.Model
	replying string // the text-input action being answered
}

func newPhonePane(c *Common) *phonePane {
	ti := textinput.New()
	ti.Placeholder = "Message"
	ti.Prompt = "reply> "
	ti.SetStyles(textinput.DefaultStyles(c.Styles.IsDark))
	return &phonePane{Common: c, index: -1, reply: ti}
}

func (p *phonePane) SetSize(w, h int) {
	p.Width, p.Height = w, h
	p.reply.SetWidth(max(1, w-len(p.reply.Prompt)-1))
}

// SetDevice shows device d with its notifications.
func (p *phonePane) SetDevice(d Device, shown []Shown) {
	if d.Name != p.device.Name {
		p.index = -1
	}
	p.device, p.shown = d, shown
	if p.index >= len(shown) {
		p.index = -1
	}
}

// Current is the notification on screen.
func (p *phonePane) Current() (Shown, bool) {
	if len(p.shown) == 0 {
		return Shown{}, false
	}
	if p.index < 0 {
		return p.shown[len(p.shown)-1], true
	}
	return p.shown[p.index], true
}

// Step moves to an older (-1) or newer (+1) notification.
func (p *phonePane) Step(delta int) {
	if len(p.shown) == 0 {
		return
	}
	i := p.index
	if i < 0 {
		i = len(p.shown) - 1
	}
	i = max(0, min(len(p.shown)-1, i+delta))
	if i == len(p.shown)-1 {
		i = -1
	}
	p.index = i
}

// contexts are the contexts the current notification was rendered in.
func (p *phonePane) contexts() []device.Context {
	s, ok := p.Current()
	if !ok {
		return nil
	}
	out := make([]device.Context, 0, len(s.Presentations))
	for _, pr := range s.Presentations {
		out = append(out, pr.Context)
	}
	return out
}

// CycleContext picks the previous (-1) or next (+1) context.
func (p *phonePane) CycleContext(delta int) {
	ctxs := p.contexts()
	if len(ctxs) == 0 {
		return
	}
	i := slices.Index(ctxs, p.shownContext())
	p.context = ctxs[(i+delta+len(ctxs))%len(ctxs)]
}

// shownContext is the user's pick when the version has it; otherwise the
// one that shows the most: the lock screen of a locked device, else the
// alert (the legacy Close / View, iOS 8–9's four actions), else the
// expanded view of iOS 10+, else the first.
func (p *phonePane) shownContext() device.Context {
	ctxs := p.contexts()
	if slices.Contains(ctxs, p.context) {
		return p.context
	}
	prefs := []device.Context{device.ContextAlert, device.ContextExpanded, device.ContextBanner}
	if p.device.Locked {
		prefs = append([]device.Context{device.ContextLockScreen}, prefs...)
	}
	for _, c := range prefs {
		if slices.Contains(ctxs, c) {
			return c
		}
	}
	if len(ctxs) > 0 {
		return ctxs[0]
	}
	return ""
}

// Presentation is what is on screen now.
func (p *phonePane) Presentation() (device.Presentation, bool) {
	s, ok := p.Current()
	if !ok {
		return device.Presentation{}, false
	}
	return s.Presentation(p.shownContext())
}

// Button returns the action id behind button i (0-based) on screen.
func (p *phonePane) Button(i int) (string, bool) {
	pr, ok := p.Presentation()
	if !ok || i < 0 || i >= len(pr.Buttons) {
		return "", false
	}
	return tapAction(pr.Buttons[i].ID), true
}

// TextInputAction is the first text-input button on screen.
func (p *phonePane) TextInputAction() (device.Button, bool) {
	pr, ok := p.Presentation()
	if !ok {
		return device.Button{}, false
	}
	for _, b := range pr.Buttons {
		if b.TextInput {
			return b, true
		}
	}
	return device.Button{}, false
}

// Hit maps a click at (x, y) inside the pane to an action id.
func (p *phonePane) Hit(x, y int) (string, bool) {
	t, ok := p.frame.Hit(y-p.frameTop, x)
	if !ok {
		return "", false
	}
	return tapAction(t.ID), true
}

// tapAction maps the system buttons to what the app is told: Close and OK
// dismiss, View opens the app like a tap on the body (apns.md#V20, V25,
// V27).
func tapAction(id string) string {
	switch id {
	case device.ButtonClose, device.ButtonOK, device.ButtonDismiss:
		return ActionDismiss
	case device.ButtonView, screen.ActionDefault:
		return ActionDefault
	}
	return id
}

// View draws the header, the screen and, space allowing, the notes.
func (p *phonePane) View() string {
	w := max(screen.MinWidth, p.Width)
	d := p.device
	if d.Name == "" {
		return p.Styles.Dim.Render("no device selected")
	}
	head := ansi.Truncate(fmt.Sprintf("%s · iOS %s", d.Name, d.Version), w, "…")
	s, ok := p.Current()
	if !ok {
		p.frame = screen.Frame{}
		return head + "\n" + p.Styles.Dim.Render(ansi.Wrap("no notifications yet: ctrl+s sends the composer's payload here", w, ""))
	}
	pos := len(p.shown)
	if p.index >= 0 {
		pos = p.index + 1
	}
	ctx := p.shownContext()
	ctxs := p.contexts()
	sub := fmt.Sprintf("%s %d/%d · %d/%d %s", ctx, slices.Index(ctxs, ctx)+1, len(ctxs), pos, len(p.shown), s.State)
	lines := []string{head, p.Styles.Dim.Render(ansi.Truncate(sub, w, "…"))}
	pr, _ := s.Presentation(ctx)
	p.frame = screen.Draw(pr, screen.Options{Width: min(w, 44), Selected: -1}, &p.Styles.Screen)
	p.frameTop = len(lines)
	lines = append(lines, p.frame.View)
	if p.replying != "" {
		lines = append(lines, p.reply.View())
	}
	used := lipglossHeight(lines)
	for _, n := range pr.Notes {
		n = ansi.Wrap("· "+n, w, "")
		if used+strings.Count(n, "\n")+1 > p.Height {
			break
		}
		lines = append(lines, p.Styles.Dim.Render(n))
		used += strings.Count(n, "\n") + 1
	}
	return strings.Join(lines, "\n")
}

func lipglossHeight(lines []string) int {
	n := 0
	for _, l := range lines {
		n += strings.Count(l, "\n") + 1
	}
	return n
}
