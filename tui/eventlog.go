package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/world"
)

// logPane is the one event log, scrollable and filterable, with a
// selected line that enter opens. It keeps at most capacity events and
// draws only the visible window: with a filter it scans back from the
// bottom until the window is full, so a frame costs the window, not the
// log.
type logPane struct {
	*Common
	events   []Event
	capacity int
	missed   uint64
	// back is how many matching events are hidden below the window; pos
	// is the selected event, counted in matching events from the newest
	// (0: the newest, and new events are followed).
	back, pos  int
	filter     textinput.Model
	filtering  bool
	onlyDevice string
	// deviceW is the device column's width: the longest device name, so
	// that no name is cut into another's prefix.
	deviceW int
	focused bool
	// drawn is the pos of each row of the last frame, for clicks.
	drawn []int
}

func newLogPane(c *Common, capacity int) *logPane {
	ti := textinput.New()
	ti.Prompt = "filter> "
	ti.Placeholder = "device, kind or text"
	ti.SetStyles(textinput.DefaultStyles(c.Styles.IsDark))
	return &logPane{Common: c, capacity: max(1, capacity), filter: ti, deviceW: 6}
}

func (l *logPane) SetSize(w, h int) {
	l.Width, l.Height = w, h
	l.filter.SetWidth(max(1, w-len(l.filter.Prompt)-1))
	l.clamp()
}

// Append adds events; when the selection is not on the newest the window
// stays on the same events rather than jumping.
func (l *logPane) Append(evs []Event, missed uint64) {
	l.missed += missed
	if l.pos > 0 {
		mt := l.matcher()
		for _, e := range evs {
			if mt.match(e) {
				l.pos++
				l.back++
			}
		}
	}
	l.events = append(l.events, evs...)
	if over := len(l.events) - l.capacity; over > 0 {
		// Copy down rather than reslice so the backing array stays
		// bounded by capacity.
		n := copy(l.events, l.events[over:])
		clear(l.events[n:])
		l.events = l.events[:n]
		l.clamp()
	}
}

// rows is how many events the window shows.
func (l *logPane) rows() int {
	h := max(1, l.Height)
	if l.footer() != "" {
		h--
	}
	return max(1, h)
}

// matching counts the events the filter lets through.
func (l *logPane) matching() int {
	mt := l.matcher()
	if mt.device == "" && len(mt.terms) == 0 {
		return len(l.events)
	}
	n := 0
	for _, e := range l.events {
		if mt.match(e) {
			n++
		}
	}
	return n
}

// Move moves the selection n events older (negative: newer), scrolling
// the window to keep it in view, never past the oldest event.
func (l *logPane) Move(n int) {
	total := l.matching()
	l.pos = max(0, min(total-1, l.pos+n))
	// Twice: the window loses a row to the "newer below" line once it
	// leaves the bottom.
	for range 2 {
		rows := l.rows()
		if l.pos < l.back {
			l.back = l.pos
		}
		if l.pos >= l.back+rows {
			l.back = l.pos - rows + 1
		}
		l.back = max(0, min(l.back, total-rows))
	}
}

// clamp keeps the selection and the window inside the log.
func (l *logPane) clamp() {
	if l.pos == 0 && l.back == 0 {
		return
	}
	l.Move(0)
}

// Follow jumps to the newest event and keeps following.
func (l *logPane) Follow() { l.back, l.pos = 0, 0 }

// Selected is the selected event.
func (l *logPane) Selected() (Event, bool) {
	mt := l.matcher()
	skip := l.pos
	for i := len(l.events) - 1; i >= 0; i-- {
		if !mt.match(l.events[i]) {
			continue
		}
		if skip == 0 {
			return l.events[i], true
		}
		skip--
	}
	return Event{}, false
}

// SelectRow selects the event drawn at row y of the pane.
func (l *logPane) SelectRow(y int) {
	if y >= 0 && y < len(l.drawn) && l.drawn[y] >= 0 {
		l.pos = l.drawn[y]
	}
}

// matcher is the filter, parsed once per frame.
type matcher struct {
	device string
	terms  []string
}

func (l *logPane) matcher() matcher {
	return matcher{device: l.onlyDevice, terms: strings.Fields(strings.ToLower(l.filter.Value()))}
}

// match: the device filter, then each term: "device:NAME", "kind:KIND" or
// text found in the device, kind, action or message.
func (mt matcher) match(e Event) bool {
	if mt.device != "" && e.Device != mt.device {
		return false
	}
	for _, term := range mt.terms {
		k, v, ok := strings.Cut(term, ":")
		switch {
		case ok && k == "device":
			if !strings.EqualFold(e.Device, v) {
				return false
			}
		case ok && k == "kind":
			if !strings.EqualFold(string(e.Kind), v) {
				return false
			}
		case !strings.Contains(strings.ToLower(e.Device+" "+string(e.Kind)+" "+e.Action+" "+e.Message), term):
			return false
		}
	}
	return true
}

// footer is the pane's last line: the filter being typed, or what is
// hidden (a kept filter, newer events below the window).
func (l *logPane) footer() string {
	if l.filtering {
		return l.filter.View()
	}
	var parts []string
	if l.filter.Value() != "" || l.onlyDevice != "" {
		parts = append(parts, l.describeFilter()+" (esc clears)")
	}
	if l.back > 0 {
		parts = append(parts, fmt.Sprintf("↓ %d newer below (end follows)", l.back))
	}
	return strings.Join(parts, " · ")
}

// View draws the visible window of matching events.
func (l *logPane) View() string {
	w, h := max(1, l.Width), max(1, l.Height)
	rows := l.rows()
	foot := l.footer()
	// Walk back from the newest event, skipping the l.back newest matches.
	window := make([]Event, 0, rows)
	skip := l.back
	mt := l.matcher()
	for i := len(l.events) - 1; i >= 0 && len(window) < rows; i-- {
		e := l.events[i]
		if !mt.match(e) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		window = append(window, e)
	}
	lines := make([]string, 0, h)
	l.drawn = l.drawn[:0]
	if l.missed > 0 && len(window) < rows {
		lines = append(lines, l.Styles.Warn.Render(ansi.Truncate(fmt.Sprintf("… %d older events were dropped from the log's ring", l.missed), w, "…")))
		l.drawn = append(l.drawn, -1)
	}
	for i := len(window) - 1; i >= 0; i-- {
		pos := l.back + i
		lines = append(lines, l.line(window[i], w, l.focused && pos == l.pos))
		l.drawn = append(l.drawn, pos)
	}
	if len(lines) == 0 {
		lines = append(lines, l.Styles.Dim.Render("no events"))
	}
	if foot != "" {
		for len(lines) < rows {
			lines = append(lines, "")
		}
		lines = append(lines, l.Styles.Dim.Render(ansi.Truncate(ansi.Strip(foot), w, "…")))
		if l.filtering {
			lines[len(lines)-1] = foot
		}
	}
	return strings.Join(lines, "\n")
}

func (l *logPane) describeFilter() string {
	var parts []string
	if l.onlyDevice != "" {
		parts = append(parts, "device "+l.onlyDevice)
	}
	if v := l.filter.Value(); v != "" {
		parts = append(parts, fmt.Sprintf("%q", v))
	}
	return "showing " + strings.Join(parts, " and ")
}

// line is one event on one line; enter on it shows all of it.
func (l *logPane) line(e Event, w int, selected bool) string {
	s := fmt.Sprintf("%s %-10s %-*s %s", e.Time.Format("15:04:05"), kindLabel(e.Kind), l.deviceW, e.Device, e.Message)
	if w >= 80 {
		s = fmt.Sprintf("%5d ", e.Seq) + s
	}
	if l.focused {
		// The selection is marked in text, not by colour alone.
		mark := "  "
		if selected {
			mark = "> "
		}
		s = mark + s
	}
	s = ansi.Truncate(s, w, "…")
	if selected {
		return l.Styles.Selected.Render(s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s))))
	}
	switch e.Kind {
	case world.EventRejected, world.EventError, world.EventWatchdog, world.EventDoubleCompletion:
		return l.Styles.Error.Render(s)
	case world.EventAction, world.EventCompletion:
		return l.Styles.OK.Render(s)
	case world.EventExpired, world.EventExtensionTimedOut:
		// Lost or drawn without the extension's changes: worth a look.
		return l.Styles.Warn.Render(s)
	}
	return s
}

// kindLabels are the kinds longer than the log's 10-column kind column,
// each said so that none is cut into another's name ("extension_" was
// three kinds); the detail view and the / filter use the full kind.
var kindLabels = map[world.EventKind]string{
	world.EventDeliveredLate:      "late deliv",
	world.EventDoubleCompletion:   "2nd compl.",
	world.EventExtensionStarted:   "ext start",
	world.EventExtensionCompleted: "ext done",
	world.EventExtensionTimedOut:  "ext late",
}

// kindLabel is a kind as the log's kind column shows it: at most 10
// columns.
func kindLabel(k world.EventKind) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return ansi.Truncate(string(k), 10, "")
}
