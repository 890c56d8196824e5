package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
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
	// Status is a second header line that stays in view, e.g. where
	// pushsim serve listens (--serve); "" has none.
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
	paneResponses
	paneLog
	paneCount
)

var paneNames = [...]string{"Fleet", "Phone", "Composer", "Responses", "Event log"}

// overlay is what covers the panes. Every overlay is modal: it takes every
// key until esc or q closes it (Update's overlayKey).
type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlayMatrix
	overlayDetail
	overlayMessages
	overlayRules
	overlayFaults
)

// MinWidth and MinHeight are the smallest terminal the layout is drawn
// in; below it the TUI says so rather than hiding buttons (as btop does).
const (
	MinWidth  = 80
	MinHeight = 24
)

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
	// pager is the help, a detail or the message history while one is
	// open.
	pager pager
	// faultsV is the Faults overlay's state.
	faultsV    faultsView
	pagerTitle string

	focus      pane
	overlay    overlay
	mode       Mode
	production bool
	// toAll: ctrl+s sends to every device (the default, so one send shows
	// every era at once) rather than the selected one.
	toAll  bool
	dialog *dialog
	rec    *recorder
	status string
	// messages are the status messages so far, newest last, with their
	// time: a message cut in the header is read in full here (H).
	messages []message
	// arrival is the context each notification arrived in, by apns-id,
	// from the log's presented events.
	arrival map[string]device.Context

	lastSeq uint64
	// lastSend is the Backend's sequence of the last send read.
	lastSend uint64
	// sendsDue counts request events whose send the Backend had not
	// listed yet (serve's Records observe after the World logs), and
	// sendsTries how often Update has looked again for them.
	sendsDue, sendsTries int
	wake                 <-chan struct{}
	unsubscribe          func()
	rects                [paneCount]rect
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
	m := &Model{ctx: ctx, opts: opts, arrival: map[string]device.Context{}}
	if opts.Real != nil {
		m.production = opts.Real.Production
	}
	m.common = Common{Styles: NewStyles(opts.Dark), Keys: NewKeyMap()}
	c := &m.common
	m.fleet = &fleetPane{Common: &Common{Styles: c.Styles, Keys: c.Keys}, bundle: opts.Bundle}
	m.phone = newPhonePane(&Common{Styles: c.Styles, Keys: c.Keys})
	m.composer = newComposerPane(&Common{Styles: c.Styles, Keys: c.Keys})
	m.toAll, m.composer.toAll = true, true
	m.responses = &responsesPane{Common: &Common{Styles: c.Styles, Keys: c.Keys}, own: map[string]bool{}}
	m.log = newLogPane(&Common{Styles: c.Styles, Keys: c.Keys}, opts.LogSize)
	m.matrix = newMatrixPane(&Common{Styles: c.Styles, Keys: c.Keys})
	m.help = help.New()
	m.help.Styles = c.Styles.Help
	if opts.Status != "" {
		// The header line may cut it; the history has it whole.
		m.messages = append(m.messages, message{at: opts.Now(), text: opts.Status})
	}
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

// SetSize lays the panes out for a w×h terminal: the header (two lines
// with --serve: the listen addresses stay visible), a top row (fleet,
// phone, composer), a bottom row (responses, event log), the footer.
func (m *Model) SetSize(w, h int) {
	m.common.Width, m.common.Height = w, h
	w, h = max(w, MinWidth), max(h, MinHeight)
	bodyH := h - 1 - m.headerHeight()
	topH := max(8, bodyH*3/5)
	botH := bodyH - topH
	// The fleet is as wide as its longest device name needs, so that no
	// name is cut into another's prefix (ios1… for ios10 and ios18).
	fw := min(34, max(22, m.fleet.nameWidth()+fleetColumns+2))
	pw := min(46, max(screen0, w*3/8))
	if w-fw-pw < 24 {
		pw = max(screen0, w-fw-24)
	}
	cw := w - fw - pw
	rw := w * 2 / 5
	top := m.headerHeight()
	m.rects[paneFleet] = rect{0, top, fw, topH}
	m.rects[panePhone] = rect{fw, top, pw, topH}
	m.rects[paneComposer] = rect{fw + pw, top, cw, topH}
	m.rects[paneResponses] = rect{0, top + topH, rw, botH}
	m.rects[paneLog] = rect{rw, top + topH, w - rw, botH}
	// Inner sizes: the border takes one cell each side; the title sits in
	// the top border.
	m.fleet.SetSize(fw-2, topH-2)
	m.phone.SetSize(pw-2, topH-2)
	m.composer.SetSize(cw-2, topH-2)
	m.responses.SetSize(rw-2, botH-2)
	m.log.SetSize(w-rw-2, botH-2)
	m.matrix.SetSize(w-2, bodyH-2)
	m.pager.setHeight(bodyH - 2)
	m.help.SetWidth(w)
}

// screen0 is the narrowest phone pane: a drawing plus its border.
const screen0 = 26

// tooSmall: the terminal is smaller than the layout needs.
func (m *Model) tooSmall() bool {
	return m.common.Width < MinWidth || m.common.Height < MinHeight
}

func (m *Model) headerHeight() int {
	if m.opts.Status != "" {
		return 2
	}
	return 1
}

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
	if m.tooSmall() {
		msg := fmt.Sprintf("terminal too small (need %d×%d)\n\nthis one is %d×%d: make it larger\nor press q to quit", MinWidth, MinHeight, w, h)
		return lipgloss.Place(max(1, w), max(1, h), lipgloss.Center, lipgloss.Center, msg)
	}
	bodyH := h - 1 - m.headerHeight()
	m.responses.focused = m.focus == paneResponses
	m.log.focused = m.focus == paneLog
	var body []string
	switch m.overlay {
	case overlayHelp, overlayDetail, overlayMessages, overlayRules:
		body = m.box(m.pagerTitle, m.pager.view(w-2, m.common.Styles), w, bodyH, true)
	case overlayFaults:
		body = m.box("Faults: the fake APNs misbehaves", m.faultsView(bodyH-2), w, bodyH, true)
	case overlayMatrix:
		body = m.box("Matrix: the composer's payload on every device", m.matrix.View(), w, bodyH, true)
	default:
		body = append(joinH(m.paneBox(paneFleet, m.fleet.View()), m.paneBox(panePhone, m.phone.View()), m.paneBox(paneComposer, m.composer.View())),
			joinH(m.paneBox(paneResponses, m.responses.View()), m.paneBox(paneLog, m.log.View()))...)
	}
	out := fitLines(strings.Join(body, "\n"), w, bodyH)
	if m.dialog != nil {
		out = fitLines(lipgloss.Place(w, bodyH, lipgloss.Center, lipgloss.Center, m.dialog.View(m.common.Styles, m.common.Keys, w)), w, bodyH)
	}
	return m.header() + "\n" + strings.Join(out, "\n") + "\n" + m.footer()
}

func (m *Model) paneBox(p pane, content string) []string {
	r := m.rects[p]
	return m.box(paneNames[p], content, r.w, r.h, m.focus == p)
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

// header is the mode, the recording and the newest status message; with
// --serve a second line keeps the listen addresses in view.
func (m *Model) header() string {
	st := m.common.Styles
	w := m.common.Width
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
		parts = append(parts, st.Recording.Render("● REC "+m.rec.summary()))
	}
	left := strings.Join(parts, " · ")
	line := left
	if m.status != "" {
		room := w - ansi.StringWidth(left) - 3
		msg := m.status
		if ansi.StringWidth(msg) > room {
			// Cut, and say where the whole message is.
			msg = ansi.Truncate(msg, max(0, room-9), "…") + " (H: all)"
		}
		line = left + " · " + st.Dim.Render(msg)
	}
	line = ansi.Truncate(line, w, "…")
	if m.opts.Status != "" {
		line += "\n" + st.Dim.Render(ansi.Truncate(m.opts.Status, w, "…"))
	}
	return line
}

// setStatus shows msg in the header and keeps it in the history.
func (m *Model) setStatus(msg string) {
	m.status = msg
	if msg == "" {
		return
	}
	m.messages = append(m.messages, message{at: m.opts.Now(), text: msg})
	if len(m.messages) > maxMessages {
		m.messages = m.messages[len(m.messages)-maxMessages:]
	}
}

// message is one status message of the history.
type message struct {
	at   time.Time
	text string
}

// maxMessages bounds the history.
const maxMessages = 500

// footer names the keys of what has the keyboard: the dialog, an
// overlay, a text field, or the focused pane.
func (m *Model) footer() string {
	return ansi.Truncate(m.help.ShortHelpView(m.footerKeys()), m.common.Width, "…")
}

func (m *Model) footerKeys() []key.Binding {
	k := m.common.Keys
	switch {
	case m.tooSmall():
		return []key.Binding{k.Quit}
	case m.dialog != nil:
		return m.dialog.keys(k)
	case m.overlay == overlayFaults:
		return []key.Binding{withHelp(k.Up, "↑↓", "select"), withHelp(k.FaultAdd, "enter", "add"), withHelp(k.FaultRemove, "d", "remove"), withHelp(k.FaultMore, "+/-", "count"), withHelp(k.FaultToken, "t", "device"), withHelp(k.Close, "esc/q", "close")}
	case m.overlay != overlayNone:
		closeKeys := map[overlay]string{overlayMatrix: "esc/q/m", overlayHelp: "esc/q/?", overlayMessages: "esc/q/H", overlayDetail: "esc/q", overlayRules: "esc/q/e"}[m.overlay]
		return []key.Binding{withHelp(k.Up, "↑↓", "scroll"), withHelp(k.PageDown, "pgup/pgdn", "page"), withHelp(k.Home, "home/end", "top/bottom"), withHelp(k.Close, closeKeys, "close"), withHelp(k.ForceQuit, "ctrl+c", "quit")}
	case m.phone.replying != "":
		return []key.Binding{withHelp(k.SendReply, "enter", "send reply"), withHelp(k.Cancel, "esc", "cancel")}
	case m.log.filtering:
		return []key.Binding{withHelp(k.Detail, "enter", "keep filter"), withHelp(k.ClearFilter, "esc", "clear filter")}
	}
	// Short words: the footer fits 80 columns (TestFooterFits); ? has
	// the long ones.
	h := withHelp
	paneKeys := []key.Binding{h(k.NextPane, "tab", "pane"), h(k.Help, "?", "help"), k.Quit}
	if m.common.Width >= 100 {
		// Room for the fault rules, which no pane owns (at 80 columns
		// they are in the help only).
		paneKeys = []key.Binding{h(k.NextPane, "tab", "pane"), h(k.Faults, "F", "faults"), h(k.Help, "?", "help"), k.Quit}
	}
	taps := h(k.Buttons, "1-9 b d", "tap/body/dismiss")
	switch m.focus {
	case paneFleet:
		// The fleet's taps are short: its state keys take the room.
		return append([]key.Binding{h(k.Up, "↑↓", "device"), h(k.Buttons, "1-9 b d", "tap"), h(k.Lock, "l s p w f v", "state")}, paneKeys...)
	case panePhone:
		// The drawing says itself when it scrolls ("↓ 3 more (pgdn)").
		return append([]key.Binding{taps, h(k.Reply, "r", "reply"), h(k.PrevCtx, "←→", "context")}, paneKeys...)
	case paneComposer:
		return []key.Binding{h(k.LeaveEditor, "esc", "leave editor (q ? m type text)"), k.Send, h(k.Template, "alt+t", "template"), h(k.NextPane, "tab", "pane")}
	case paneResponses:
		return append([]key.Binding{h(k.Up, "↑↓", "select"), k.Detail, h(k.PageDown, "pgup/pgdn", "page")}, paneKeys...)
	}
	keys := []key.Binding{h(k.Up, "↑↓", "select"), k.Detail, k.Filter}
	if m.log.filter.Value() != "" || m.log.onlyDevice != "" {
		keys = append(keys, k.ClearFilter)
	} else {
		keys = append(keys, h(k.OnlyDevice, "o", "device"))
	}
	return append(keys, h(k.Follow, "end", "follow"), h(k.Help, "?", "help"), k.Quit)
}

// helpLines is the help, one section per pane, laid out in as many
// columns as the width takes.
func (m *Model) helpLines(w int) []string {
	st := m.common.Styles
	var blocks [][]string
	colW := 0
	for _, sec := range m.common.Keys.sections() {
		kw := 0
		for _, b := range sec.bindings {
			kw = max(kw, ansi.StringWidth(b.Help().Key))
		}
		block := []string{st.Header.Render(sec.title)}
		for _, b := range sec.bindings {
			block = append(block, fmt.Sprintf("  %-*s %s", kw, b.Help().Key, b.Help().Desc))
		}
		for _, l := range block {
			colW = max(colW, ansi.StringWidth(l))
		}
		blocks = append(blocks, block)
	}
	colW = min(colW+2, w)
	cols := max(1, w/colW)
	var out []string
	for i := 0; i < len(blocks); i += cols {
		row := blocks[i:min(len(blocks), i+cols)]
		h := 0
		for _, b := range row {
			h = max(h, len(b))
		}
		for j := range h {
			var line strings.Builder
			for _, b := range row {
				l := ""
				if j < len(b) {
					l = b[j]
				}
				line.WriteString(l + strings.Repeat(" ", max(0, colW-ansi.StringWidth(l))))
			}
			out = append(out, strings.TrimRight(line.String(), " "))
		}
		out = append(out, "")
	}
	return append(out, st.Dim.Render("Buttons: "+device.MarksLegend), st.Dim.Render(ansi.Wrap("The footer always shows the keys of what has the keyboard.", w, "")))
}
