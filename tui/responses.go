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
	// step is the recorder's step for this send, or -1.
	step int
}

// responsesPane lists the last sends: status, reason, apns-id, latency.
type responsesPane struct {
	*Common
	results []sendResult
}

// maxResults bounds the list; older sends live in the event log.
const maxResults = 200

func (r *responsesPane) SetSize(w, h int) { r.Width, r.Height = w, h }

func (r *responsesPane) Add(res sendResult) {
	r.results = append(r.results, res)
	if len(r.results) > maxResults {
		r.results = r.results[len(r.results)-maxResults:]
	}
}

// View draws the newest sends, newest at the bottom.
func (r *responsesPane) View() string {
	w, h := max(1, r.Width), max(1, r.Height)
	if len(r.results) == 0 {
		return r.Styles.Dim.Render(ansi.Wrap("no sends yet", w, ""))
	}
	// Newest last; failed sends wrap so the whole error can be read.
	var lines []string
	for i := len(r.results) - 1; i >= 0 && len(lines) < h; i-- {
		l := strings.Split(r.line(r.results[i], w), "\n")
		lines = append(l, lines...)
	}
	return strings.Join(lines[max(0, len(lines)-h):], "\n")
}

func (r *responsesPane) line(res sendResult, w int) string {
	at := res.At.Format("15:04:05")
	dev := res.Request.Device
	if res.Err != nil {
		return r.Styles.Error.Render(ansi.Wrap(fmt.Sprintf("%s %s ✗ %v", at, dev, res.Err), w, ""))
	}
	resp := res.Response
	// Latency before the apns-id: on a narrow pane the id is what is cut.
	lat := resp.Latency.Round(100 * time.Microsecond)
	if resp.Sent() {
		return r.Styles.OK.Render(ansi.Truncate(fmt.Sprintf("%s %s %d OK %s %s", at, dev, resp.Status, lat, resp.ApnsID), w, "…"))
	}
	return r.Styles.Error.Render(ansi.Truncate(fmt.Sprintf("%s %s %d %s %s %s", at, dev, resp.Status, resp.Reason, lat, resp.ApnsID), w, "…"))
}
