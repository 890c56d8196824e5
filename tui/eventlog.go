package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"
)

// logPane is the one event log, scrollable and filterable. It keeps at most
// capacity events and draws only the visible window: with a filter it
// scans back from the bottom until the window is full, so a frame costs
// the window, not the log.
type logPane struct {
	*Common
	events   []Event
	capacity int
	missed   uint64
	// back is how many matching events are hidden below the window; 0
	// follows new events as they arrive.
	back       int
	filter     textinput.Model
	filtering  bool
	onlyDevice string
}

func newLogPane(c *Common, capacity int) *logPane {
	ti := textinput.New()
	ti.Prompt = "filter> "
	ti.Placeholder = "device, kind or text"
	ti.SetStyles(textinput.DefaultStyles(c.Styles.IsDark))
	return &logPane{Common: c, capacity: max(1, capacity), filter: ti}
}

func (l *logPane) SetSize(w, h int) {
	l.Width, l.Height = w, h
	l.filter.SetWidth(max(1, w-len(l.filter.Prompt)-1))
}

// Append adds events; when the window is scrolled up it stays on the same
// events rather than jumping.
func (l *logPane) Append(evs []Event, missed uint64) {
	l.missed += missed
	if l.back > 0 {
		mt := l.matcher()
		for _, e := range evs {
			if mt.match(e) {
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
	}
}

// Scroll moves the window up (positive) or down by n events.
func (l *logPane) Scroll(n int) { l.back = max(0, l.back+n) }

// Follow jumps to the newest event and keeps following.
func (l *logPane) Follow() { l.back = 0 }

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
			if !strings.EqualFold(e.Kind, v) {
				return false
			}
		case !strings.Contains(strings.ToLower(e.Device+" "+e.Kind+" "+e.Action+" "+e.Message), term):
			return false
		}
	}
	return true
}

// View draws the visible window of matching events.
func (l *logPane) View() string {
	w, h := max(1, l.Width), max(1, l.Height)
	rows := h
	var foot string
	switch {
	case l.filtering:
		foot = l.filter.View()
	case l.filter.Value() != "" || l.onlyDevice != "":
		foot = l.Styles.Dim.Render(ansi.Truncate(l.describeFilter(), w, "…"))
	}
	if foot != "" {
		rows--
	}
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
	if l.missed > 0 && len(window) < rows {
		lines = append(lines, l.Styles.Warn.Render(fmt.Sprintf("… %d older events were dropped from the log's ring", l.missed)))
	}
	for i := len(window) - 1; i >= 0; i-- {
		lines = append(lines, l.line(window[i], w))
	}
	if len(lines) == 0 {
		lines = append(lines, l.Styles.Dim.Render("no events"))
	}
	if foot != "" {
		for len(lines) < rows {
			lines = append(lines, "")
		}
		lines = append(lines, foot)
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
	s := "showing " + strings.Join(parts, " and ")
	if l.back > 0 {
		s += fmt.Sprintf(" · %d newer below (G follows)", l.back)
	}
	return s
}

func (l *logPane) line(e Event, w int) string {
	s := fmt.Sprintf("%5d %s %-10s %-8s %s", e.Seq, e.Time.Format("15:04:05"), ansi.Truncate(e.Kind, 10, ""), ansi.Truncate(e.Device, 8, ""), e.Message)
	s = ansi.Truncate(s, w, "…")
	switch e.Kind {
	case "rejected", "error", "watchdog", "double-completion":
		return l.Styles.Error.Render(s)
	case "action", "completion":
		return l.Styles.OK.Render(s)
	}
	return s
}
