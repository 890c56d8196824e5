package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
	"github.com/pushsim/pushsim/tui/screen"
)

// phonePane draws the selected device's notification in one context, as
// its era draws it, with the buttons as tap targets. The drawing scrolls
// (PgUp/PgDn, the wheel) when the pane is shorter than it; a "more" line
// says so, and a button out of view cannot be tapped by number. The
// reply field, while open, is pinned to the bottom of the pane.
type phonePane struct {
	*Common
	device  Device
	shown   []Shown
	index   int            // into shown; -1 = the newest
	context device.Context // the user's pick for this notification; "" = where it arrived
	// offset is the first line of the drawing and notes in view; auto:
	// View picks it so that the buttons are in view (until the user
	// scrolls).
	offset int
	auto   bool
	frame  screen.Frame
	// frameTop is the pane row of the drawing's first line, for mouse
	// hits; visible are the drawing rows in view.
	frameTop       int
	visFrom, visTo int
	// win is how many lines of the drawing the last frame showed: a page.
	win              int
	reply            textinput.Model
	replying         string // the text-input action being answered
	lastID, lastName string // the notification on screen, to reset the pick
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
	p.follow()
}

// follow resets the context pick and the scroll when another
// notification comes on screen: each notification opens where it arrived
// (issue 14 point 5), not in the context picked for another.
func (p *phonePane) follow() {
	id := ""
	if s, ok := p.Current(); ok {
		id = s.ApnsID
	}
	if id != p.lastID || p.device.Name != p.lastName {
		p.context, p.offset, p.auto = "", 0, true
		p.lastID, p.lastName = id, p.device.Name
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
	p.follow()
}

// Scroll moves the drawing n lines (positive: down); View keeps it in
// range.
func (p *phonePane) Scroll(n int) { p.offset, p.auto = max(0, p.offset+n), false }

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
	p.offset, p.auto = 0, true
}

// shownContext is the user's pick for this notification; else the
// context it arrived in; else the one that shows the most: the lock
// screen of a locked device, the alert, the expanded view, the banner.
func (p *phonePane) shownContext() device.Context {
	ctxs := p.contexts()
	if slices.Contains(ctxs, p.context) {
		return p.context
	}
	if s, ok := p.Current(); ok && slices.Contains(ctxs, s.Arrival) {
		return s.Arrival
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

// Button returns button i (0-based) of the drawing, if it is in view: a
// button the user cannot see cannot be tapped by number.
func (p *phonePane) Button(i int) (device.Button, error) {
	pr, ok := p.Presentation()
	if !ok {
		return device.Button{}, fmt.Errorf("no notification on %s: nothing to tap", p.device.Name)
	}
	if i < 0 || i >= len(pr.Buttons) {
		return device.Button{}, fmt.Errorf("no button %d on this screen", i+1)
	}
	key := strconv.Itoa(i + 1)
	for _, t := range p.frame.Targets {
		if t.Key == key && (t.Row < p.visFrom || t.Row+max(1, t.Height) > p.visTo) {
			return device.Button{}, fmt.Errorf("button %d is not in view: scroll the phone (pgdn, the wheel) to see it first", i+1)
		}
	}
	return pr.Buttons[i], nil
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

// Hit is the target under a click at (x, y) inside the pane.
func (p *phonePane) Hit(x, y int) (screen.Target, bool) {
	row := y - p.frameTop
	if row < p.visFrom || row >= p.visTo {
		return screen.Target{}, false
	}
	return p.frame.Hit(row, x)
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

// bodyHeight is how many lines of the drawing and notes the last frame
// showed: a page for PgUp/PgDn.
func (p *phonePane) bodyHeight() int { return max(2, p.win) }

// View draws the heading, the drawing and its notes in a scrolling
// window, and the reply field.
func (p *phonePane) View() string {
	w := max(screen.MinWidth, p.Width)
	d := p.device
	p.frame, p.visFrom, p.visTo = screen.Frame{}, 0, 0
	if d.Name == "" {
		return p.Styles.Dim.Render("no device selected")
	}
	head := ansi.Truncate(fmt.Sprintf("%s · iOS %s", d.Name, d.Version), w, "…")
	s, ok := p.Current()
	if !ok {
		return head + "\n" + p.Styles.Dim.Render(ansi.Wrap("no notifications yet: ctrl+s sends the composer's payload here", w, ""))
	}
	pos := len(p.shown)
	if p.index >= 0 {
		pos = p.index + 1
	}
	ctx := p.shownContext()
	ctxs := p.contexts()
	sub := fmt.Sprintf("%s %d/%d", ctx, slices.Index(ctxs, ctx)+1, len(ctxs))
	if ctx == s.Arrival {
		sub += " (arrival)"
	}
	sub += fmt.Sprintf(" · notification %d/%d", pos, len(p.shown))
	state := p.Styles.Dim.Render(ansi.Wrap(sub, w, ""))
	if used := usedLabel(s); used != "" {
		state = p.Styles.Warn.Render(ansi.Truncate(used, w, "…")) + "\n" + state
	}
	lines := []string{head, state}
	pr, _ := s.Presentation(ctx)
	p.frame = screen.Draw(pr, screen.Options{Width: min(w, 44), Selected: -1}, &p.Styles.Screen)
	view := p.frame.View
	if usedLabel(s) != "" {
		// A used notification is drawn dim: it can no longer be tapped.
		view = p.Styles.Dim.Render(ansi.Strip(view))
	}
	body := strings.Split(view, "\n")
	frameLines := len(body)
	for _, n := range pr.Notes {
		body = append(body, strings.Split(p.Styles.Dim.Render(ansi.Wrap("· "+n, w, "")), "\n")...)
	}
	if ctx == device.ContextNotificationCenter || ctx == device.ContextLockScreen {
		body = append(body, p.stackLines(w)...)
	}
	lines = strings.Split(strings.Join(lines, "\n"), "\n") // one entry per line
	top := len(lines)
	room := max(1, p.Height-top)
	if p.replying != "" {
		room--
	}
	room = max(1, room)
	win := room
	if len(body) > room {
		win = max(1, room-1) // one line says there is more
	}
	if p.auto {
		// Scroll just far enough for the last button to be in view: the
		// buttons are what one taps; the lines above stay a pgup away.
		p.offset = 0
		for _, t := range p.frame.Targets {
			if t.ID != screen.ActionDefault {
				p.offset = max(p.offset, t.Row+max(1, t.Height)+1-win) // +1: the box's bottom edge
			}
		}
	}
	p.offset = max(0, min(p.offset, len(body)-win))
	p.win = win
	end := min(len(body), p.offset+win)
	out := append(lines, body[p.offset:end]...)
	if len(body) > room {
		var more string
		switch below := len(body) - end; {
		case p.offset > 0 && below > 0:
			more = fmt.Sprintf("↑%d ↓%d more (pgup/pgdn)", p.offset, below)
		case p.offset > 0:
			more = fmt.Sprintf("↑ %d above (pgup)", p.offset)
		default:
			more = fmt.Sprintf("↓ %d more (pgdn)", below)
		}
		out = append(out, p.Styles.Warn.Render(ansi.Truncate(more, w, "")))
	}
	p.frameTop = top - p.offset
	p.visFrom, p.visTo = p.offset, min(end, frameLines)
	if p.replying != "" {
		for len(out) < p.Height-1 {
			out = append(out, "")
		}
		out = append(out, p.reply.View())
	}
	return strings.Join(out, "\n")
}

// stackLines draws what Notification Center and the lock screen list:
// the device's stacks by thread-id, newest first, each with its summary
// line under it (apns.md#V64, V65). The app is named only when the
// stacks are of more than one app; a stack without a thread-id is the
// app's own.
func (p *phonePane) stackLines(w int) []string {
	stacks := p.device.Stacks
	if len(stacks) == 0 {
		return nil
	}
	apps := map[string]bool{}
	for _, st := range stacks {
		apps[st.App] = true
	}
	out := []string{p.Styles.PaneTitle.Render(ansi.Truncate(fmt.Sprintf("Stacks (%d, newest first):", len(stacks)), w, "…"))}
	for _, st := range stacks {
		name := "thread " + st.Thread
		if st.Thread == "" {
			name = "no thread"
		}
		if len(apps) > 1 {
			name = st.App + " " + name
		}
		text := st.Body
		if st.Title != "" {
			text = st.Title + ": " + text
		}
		out = append(out, strings.Split(ansi.Wrap(fmt.Sprintf("▸ %s (%d): %q", name, st.Count, text), w, ""), "\n")...)
		if st.Summary != "" {
			out = append(out, strings.Split(p.Styles.Dim.Render(ansi.Wrap("  └ "+st.Summary, w, "")), "\n")...)
		}
	}
	return out
}

// usedLabel says what became of a notification the user can no longer
// tap; "" while it is shown.
func usedLabel(s Shown) string {
	switch s.State {
	case "", string(world.NotificationShown):
		return ""
	case string(world.NotificationActed):
		if s.Action != "" {
			return "✓ used: acted on with " + s.Action
		}
		return "✓ used: acted on"
	case string(world.NotificationDismissed):
		return "✓ used: dismissed"
	case string(world.NotificationSuppressed):
		return "not shown: suppressed (the log says why)"
	case string(world.NotificationSilent):
		return "not shown: a background push"
	}
	return "no longer shown: " + s.State
}
