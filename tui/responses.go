package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/provider"
)

// sendResult is one send and APNs' answer, or the error that stopped it.
type sendResult struct {
	At       time.Time
	Request  Request
	Response provider.Response
	Err      error
	// Backend: someone else sent it (with --serve); the latency is the
	// fake APNs' own, the TUI's sends show what the client measured.
	Backend bool
}

// responsesPane lists the sends, the TUI's and a backend's: device,
// status and reason, latency, time. A line never cuts a device name or a
// reason: it wraps. ↑/↓ select, enter opens the whole send.
type responsesPane struct {
	*Common
	results []sendResult
	// cursor is the selected result; -1 follows the newest.
	cursor int
	// own are the apns-ids of the TUI's sends not yet seen in the
	// backend's list, so that they are not listed twice.
	own map[string]bool
	// focused: the root draws the selection only when the pane has focus.
	focused bool
}

// maxResults bounds the list; older sends live in the event log.
const maxResults = 500

func (r *responsesPane) SetSize(w, h int) { r.Width, r.Height = w, h }

// AddOwn adds one of the TUI's own sends. Serve's record of it can be
// read before the send's result comes back, and is then listed as a
// backend's: that entry is this send, so it takes its place.
func (r *responsesPane) AddOwn(res sendResult) {
	if res.Err == nil && res.Response.ApnsID != "" {
		for i := range r.results {
			if r.results[i].Backend && r.results[i].Response.ApnsID == res.Response.ApnsID {
				r.results[i] = res
				return
			}
		}
		r.own[res.Response.ApnsID] = true
	}
	r.Add(res)
}

// Add appends one send's result to the list.
func (r *responsesPane) Add(res sendResult) {
	if r.results == nil {
		r.cursor = -1
	}
	r.results = append(r.results, res)
	if over := len(r.results) - maxResults; over > 0 {
		r.results = append(r.results[:0], r.results[over:]...)
		if r.cursor >= 0 {
			r.cursor = max(0, r.cursor-over)
		}
	}
	if len(r.own) > maxResults {
		clear(r.own) // sends the backend never listed
	}
}

// sel is the selected index.
func (r *responsesPane) sel() int {
	if r.cursor < 0 || r.cursor >= len(r.results) {
		return len(r.results) - 1
	}
	return r.cursor
}

// Move moves the selection by n (positive: newer); at the newest it
// follows again.
func (r *responsesPane) Move(n int) {
	if len(r.results) == 0 {
		return
	}
	r.cursor = max(0, min(len(r.results)-1, r.sel()+n))
	if r.cursor == len(r.results)-1 {
		r.cursor = -1
	}
}

// Follow selects the newest and keeps following.
func (r *responsesPane) Follow() { r.cursor = -1 }

// Selected is the selected send.
func (r *responsesPane) Selected() (sendResult, bool) {
	if len(r.results) == 0 {
		return sendResult{}, false
	}
	return r.results[r.sel()], true
}

// SelectRow selects the send drawn at row y of the pane.
func (r *responsesPane) SelectRow(y int) {
	for _, row := range r.layout() {
		if y >= row.top && y < row.top+row.height {
			r.cursor = row.index
			if r.cursor == len(r.results)-1 {
				r.cursor = -1
			}
		}
	}
}

// drawnRow is one result's place in the window.
type drawnRow struct {
	index, top, height int
	lines              []string
}

// layout is the window: the selected result and as many older and newer
// ones as fit, newest at the bottom.
func (r *responsesPane) layout() []drawnRow {
	w, h := max(1, r.Width), max(1, r.Height)
	if len(r.results) == 0 {
		return nil
	}
	sel := r.sel()
	rows := []drawnRow{{index: sel, lines: r.lines(r.results[sel], w, r.focused)}}
	used := len(rows[0].lines)
	// Newer ones below the selection first (so the selection is not
	// always at the bottom while scrolling up), then older ones above.
	for below, above := sel+1, sel-1; used < h && (below < len(r.results) || above >= 0); {
		if below < len(r.results) && (below-sel <= h/3 || above < 0) {
			l := r.lines(r.results[below], w, false)
			if used+len(l) > h {
				break
			}
			rows = append(rows, drawnRow{index: below, lines: l})
			used += len(l)
			below++
			continue
		}
		l := r.lines(r.results[above], w, false)
		if used+len(l) > h {
			break
		}
		rows = append([]drawnRow{{index: above, lines: l}}, rows...)
		used += len(l)
		above--
	}
	top := 0
	for i := range rows {
		rows[i].top, rows[i].height = top, len(rows[i].lines)
		top += rows[i].height
	}
	return rows
}

// View draws the window.
func (r *responsesPane) View() string {
	if len(r.results) == 0 {
		return r.Styles.Dim.Render(ansi.Wrap("no sends yet: ctrl+s sends the composer's payload", max(1, r.Width), ""))
	}
	var out []string
	for _, row := range r.layout() {
		out = append(out, row.lines...)
	}
	return strings.Join(out, "\n")
}

// lines draws one send, wrapped to w: device, status and reason, latency,
// time; a backend's send is marked "backend".
func (r *responsesPane) lines(res sendResult, w int, selected bool) []string {
	at := res.At.Format("15:04:05")
	dev := res.Request.Device
	if dev == "" {
		dev = "unknown token"
	}
	var s string
	st := r.Styles.OK
	switch resp := res.Response; {
	case res.Err != nil:
		s, st = fmt.Sprintf("%s ✗ %v %s", dev, res.Err, at), r.Styles.Error
	case resp.Sent():
		s = fmt.Sprintf("%s %d OK %s %s", dev, resp.Status, latency(resp.Latency), at)
	default:
		s, st = fmt.Sprintf("%s %d %s %s %s", dev, resp.Status, resp.Reason, latency(resp.Latency), at), r.Styles.Error
	}
	if res.Backend {
		s = "backend → " + s
	}
	if cut, ok := strings.CutSuffix(s, " "+at); ok && ansi.StringWidth(s) > w-2 {
		s = cut // the time is in the detail (enter)
	}
	mark := "  "
	if selected {
		mark = "> "
	}
	lines := strings.Split(ansi.Wrap(s, max(1, w-2), ""), "\n")
	for i, l := range lines {
		if i == 0 {
			l = mark + l
		} else {
			l = "  " + l
		}
		if selected {
			l = r.Styles.Selected.Render(l + strings.Repeat(" ", max(0, w-ansi.StringWidth(l))))
		} else {
			l = st.Render(l)
		}
		lines[i] = l
	}
	return lines
}

func latency(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	}
	return d.Round(100 * time.Microsecond).String()
}
