package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

// Options configure the TUI.
type Options struct {
	Backend Backend
	// Bundle is the app the composer sends to; default device.DefaultBundleID.
	Bundle string
	// LogSize is how many events the log pane keeps; default 10000.
	LogSize int
	// RecordDir is where recordings are written; default ".".
	RecordDir string
	// FleetFile is the fleet file the backend runs, named in recordings so
	// that they replay on the same devices; "" is the default fleet.
	FleetFile string
	// Real sends to Apple; nil when real mode is not configured, and then
	// RealMissing says what is missing: the mode switch shows it rather
	// than pretending to send.
	Real        *RealSender
	RealMissing string
	// Now is the wall clock for timestamps; default time.Now.
	Now func() time.Time
	// Status is the first line of status (e.g. where pushsim serve
	// listens).
	Status string
	// Dark is the initial background guess until the terminal answers
	// (it may never, e.g. under tmux: charm-v2.md gotcha 10).
	Dark bool
}

// RealSender sends to Apple with the credentials given on the command
// line (pushsim send's --real flags).
type RealSender struct {
	// Production: Apple's production environment; sends ask first.
	Production bool
	// Token is the real device token to send to.
	Token string
	Send  func(ctx context.Context, r Request) (provider.Response, error)
}

// pane identifies a focusable pane, in tab order.
type pane int

const (
	paneFleet pane = iota
	panePhone
	paneComposer
	paneLog
	paneCount
)

var paneNames = [...]string{"Fleet", "Phone", "Composer", "Event log"}

// Mode is where sends go.
type Mode int

// The two modes.
const (
	ModeSim Mode = iota
	ModeReal
)

// Model is the root model: it owns the layout, routes messages to the panes
// and alone returns a tea.View.
type Model struct {
	ctx    context.Context
	opts   Options
	common Common

	fleet     *fleetPane
	phone     *phonePane
	composer  *composerPane
	responses *responsesPane
	log       *logPane
	matrix    *matrixPane
	help      help.Model

	focus      pane
	showHelp   bool
	showMatrix bool
	mode       Mode
	production bool
	// toAll: ctrl+s sends to every device (the default, so one send shows
	// every era at once) rather than the selected one.
	toAll  bool
	dialog *dialog
	rec    *recorder
	status string

	lastSeq     uint64
	wake        <-chan struct{}
	unsubscribe func()
	rects       [paneCount]rect
}

// rect is a pane's place on the screen, border included.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// New builds the root model. ctx bounds every command it starts; cancel it
// after the program exits so no goroutine outlives it.
func New(ctx context.Context, opts Options) *Model {
	if opts.Bundle == "" {
		opts.Bundle = device.DefaultBundleID
	}
	if opts.LogSize <= 0 {
		opts.LogSize = 10000
	}
	if opts.RecordDir == "" {
		opts.RecordDir = "."
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Model{ctx: ctx, opts: opts, status: opts.Status}
	if opts.Real != nil {
		m.production = opts.Real.Production
	}
	m.common = Common{Styles: NewStyles(opts.Dark), Keys: NewKeyMap()}
	c := &m.common
	m.fleet = &fleetPane{Common: &Common{Styles: c.Styles, Keys: c.Keys}, bundle: opts.Bundle}
	m.phone = newPhonePane(&Common{Styles: c.Styles, Keys: c.Keys})
	m.composer = newComposerPane(&Common{Styles: c.Styles, Keys: c.Keys})
	m.toAll, m.composer.toAll = true, true
	m.responses = &responsesPane{Common: &Common{Styles: c.Styles, Keys: c.Keys}}
	m.log = newLogPane(&Common{Styles: c.Styles, Keys: c.Keys}, opts.LogSize)
	m.matrix = &matrixPane{Common: &Common{Styles: c.Styles, Keys: c.Keys}}
	m.help = help.New()
	m.help.Styles = c.Styles.Help
	m.wake, m.unsubscribe = opts.Backend.Subscribe()
	m.readEvents()
	m.refresh()
	m.SetSize(80, 24)
	return m
}

// Close drops the event-log subscription.
func (m *Model) Close() {
	if m.unsubscribe != nil {
		m.unsubscribe()
		m.unsubscribe = nil
	}
}

// Init asks the terminal for its background and starts listening for events.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, waitEvents(m.ctx, m.wake))
}

// setStyles swaps every pane's styles (on tea.BackgroundColorMsg).
func (m *Model) setStyles(isDark bool) {
	st := NewStyles(isDark)
	m.common.Styles = st
	for _, c := range []*Common{m.fleet.Common, m.phone.Common, m.composer.Common, m.responses.Common, m.log.Common, m.matrix.Common} {
		c.Styles = st
	}
	m.help.Styles = st.Help
	m.matrix.key = ""
}

// SetSize lays the panes out for a w×h terminal: header, a top row (fleet,
// phone, composer), a bottom row (responses, event log), the help line.
func (m *Model) SetSize(w, h int) {
	w, h = max(w, 40), max(h, 12)
	m.common.Width, m.common.Height = w, h
	bodyH := h - 2
	topH := max(8, bodyH*3/5)
	botH := bodyH - topH
	fw := min(30, max(22, w/4))
	pw := min(46, max(screen0, w*3/8))
	cw := w - fw - pw
	rw := w / 3
	m.rects[paneFleet] = rect{0, 1, fw, topH}
	m.rects[panePhone] = rect{fw, 1, pw, topH}
	m.rects[paneComposer] = rect{fw + pw, 1, cw, topH}
	m.rects[paneLog] = rect{rw, 1 + topH, w - rw, botH}
	// Inner sizes: the border takes one cell each side; the title sits in
	// the top border.
	m.fleet.SetSize(fw-2, topH-2)
	m.phone.SetSize(pw-2, topH-2)
	m.composer.SetSize(cw-2, topH-2)
	m.responses.SetSize(rw-2, botH-2)
	m.log.SetSize(w-rw-2, botH-2)
	m.matrix.SetSize(w, bodyH)
	m.help.SetWidth(w)
}

// screen0 is the narrowest phone pane: a drawing plus its border.
const screen0 = 24

// View draws the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "pushsim"
	return v
}

func (m *Model) render() string {
	w, h := m.common.Width, m.common.Height
	var body []string
	switch {
	case m.showHelp:
		body = m.box("Help (? closes)", m.fullHelp(w-2), w, h-2, true)
	case m.showMatrix:
		body = fitLines(m.matrix.View(), w, h-2)
	default:
		r := m.rects[paneLog]
		body = append(joinH(m.paneBox(paneFleet, m.fleet.View()), m.paneBox(panePhone, m.phone.View()), m.paneBox(paneComposer, m.composer.View())),
			joinH(m.box("Responses", m.responses.View(), r.x, r.h, false), m.paneBox(paneLog, m.log.View()))...)
	}
	out := fitLines(strings.Join(body, "\n"), w, h-2)
	if m.dialog != nil {
		out = fitLines(lipgloss.Place(w, h-2, lipgloss.Center, lipgloss.Center, m.dialog.View(m.common.Styles, w)), w, h-2)
	}
	return m.header() + "\n" + strings.Join(out, "\n") + "\n" + m.footer()
}

func (m *Model) paneBox(p pane, content string) []string {
	r := m.rects[p]
	return m.box(paneNames[p], content, r.w, r.h, m.focus == p && !m.showHelp)
}

// box draws content in a w×h border with the title in the top edge; the
// focused pane has a thick border and a ▶ before its title, so focus is
// not shown by colour alone. It cuts and pads by hand rather than with a
// lipgloss Width/Height style, which re-wraps the text: a frame stays
// well under the 2 ms budget (BenchmarkView).
func (m *Model) box(title, content string, w, h int, focused bool) []string {
	st := m.common.Styles.Pane
	if focused {
		st = m.common.Styles.PaneFocused
		title = "▶ " + title
	}
	b := st.GetBorderStyle()
	paint := lipgloss.NewStyle().Foreground(st.GetBorderTopForeground())
	iw, ih := max(0, w-2), max(0, h-2)
	title = ansi.Truncate(" "+title+" ", max(0, w-4), "…")
	out := make([]string, 0, h)
	out = append(out, paint.Render(b.TopLeft+b.Top)+m.common.Styles.PaneTitle.Render(title)+
		paint.Render(strings.Repeat(b.Top, max(0, w-3-ansi.StringWidth(title)))+b.TopRight))
	left, right := paint.Render(b.Left), paint.Render(b.Right)
	for _, l := range fitLines(content, iw, ih) {
		out = append(out, left+l+right)
	}
	return append(out, paint.Render(b.BottomLeft+strings.Repeat(b.Bottom, iw)+b.BottomRight))
}

// fitLines cuts s to h lines of exactly w cells, padding with spaces.
func fitLines(s string, w, h int) []string {
	lines := strings.SplitN(s, "\n", h+1)
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		if lw := ansi.StringWidth(l); lw > w {
			l = ansi.Truncate(l, w, "")
		} else if lw < w {
			l += strings.Repeat(" ", w-lw)
		}
		out[i] = l
	}
	return out
}

// joinH puts blocks of equal height side by side.
func joinH(blocks ...[]string) []string {
	if len(blocks) == 0 {
		return nil
	}
	out := make([]string, len(blocks[0]))
	for i := range out {
		var b strings.Builder
		for _, bl := range blocks {
			if i < len(bl) {
				b.WriteString(bl[i])
			}
		}
		out[i] = b.String()
	}
	return out
}

func (m *Model) header() string {
	st := m.common.Styles
	parts := []string{st.Header.Render("pushsim")}
	if m.mode == ModeReal {
		env := "sandbox"
		if m.production {
			env = "PRODUCTION"
		}
		parts = append(parts, st.Warn.Render("REAL mode ("+env+")"))
	} else {
		parts = append(parts, "sim mode")
	}
	if m.rec != nil {
		parts = append(parts, st.Recording.Render(fmt.Sprintf("● REC %d steps", len(m.rec.steps))))
	}
	if m.showMatrix {
		parts = append(parts, "matrix (m closes)")
	}
	left := strings.Join(parts, " · ")
	right := st.Dim.Render(m.status)
	gap := max(1, m.common.Width-ansi.StringWidth(left)-ansi.StringWidth(right))
	return ansi.Truncate(left+strings.Repeat(" ", gap)+right, m.common.Width, "…")
}

func (m *Model) footer() string {
	return ansi.Truncate(m.help.ShortHelpView(m.common.Keys.ShortHelp()), m.common.Width, "…")
}

// fullHelp lays the help columns out in as many blocks as the width needs,
// so no binding is cut off at 80 columns.
func (m *Model) fullHelp(w int) string {
	groups := m.common.Keys.FullHelp()
	hm := m.help
	hm.SetWidth(0)
	var blocks []string
	start := 0
	for i := 1; i <= len(groups); i++ {
		if i < len(groups) && lipgloss.Width(hm.FullHelpView(groups[start:i+1])) <= w {
			continue
		}
		blocks = append(blocks, hm.FullHelpView(groups[start:i]))
		start = i
	}
	blocks = append(blocks, "", m.common.Styles.Dim.Render(device.MarksLegend))
	return strings.Join(blocks, "\n\n")
}
