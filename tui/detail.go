package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
	"github.com/pushsim/pushsim/tui/screen"
)

// The detail views: everything about one event or one send, where the
// panes show a line of it. Nothing is cut: long values wrap.

// field is one "name: value" of a detail, wrapped to w; empty values are
// left out.
func field(out []string, w int, name, value string) []string {
	if value == "" {
		return out
	}
	pad := 16
	lines := strings.Split(ansi.Wrap(value, max(10, w-pad), ""), "\n")
	for i, l := range lines {
		label := ""
		if i == 0 {
			label = name + ":"
		}
		out = append(out, fmt.Sprintf("%-*s%s", pad, label, l))
	}
	return out
}

// rowIDs finds the apns.md row ids cited in texts: "apns.md#V33, V43".
var rowIDs = regexp.MustCompile(`\b[A-Z]{1,2}\d{2}\b`)

func citedRows(texts ...string) string {
	var ids []string
	for _, t := range texts {
		for _, part := range strings.Split(t, "apns.md#")[1:] {
			// The ids follow the anchor, separated by commas or dashes,
			// up to the closing parenthesis.
			part, _, _ = strings.Cut(part, ")")
			for _, id := range rowIDs.FindAllString(part, -1) {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return "apns.md#" + strings.Join(ids, ", ")
}

// eventDetail is every field of e, the notification it concerns (its
// payload, and the drawing when e carries one), and the rows it cites.
func (m *Model) eventDetail(e Event) []string {
	w := m.common.Width - 2
	var out []string
	out = field(out, w, "event", fmt.Sprintf("%d · %s", e.Seq, e.Kind))
	out = field(out, w, "time", e.Time.Format("2006-01-02 15:04:05.000 MST"))
	out = field(out, w, "device", e.Device)
	out = field(out, w, "app", e.App)
	out = field(out, w, "token", e.Token)
	out = field(out, w, "apns-id", e.ApnsID)
	if e.Status != 0 {
		out = field(out, w, "status", fmt.Sprint(e.Status))
	}
	out = field(out, w, "reason", e.Reason)
	out = field(out, w, "action", e.Action)
	if e.Text != "" || e.Kind == world.EventAction && e.Action != "" {
		out = field(out, w, "userText", fmt.Sprintf("%q", e.Text))
	}
	out = field(out, w, "callback", e.Callback)
	out = field(out, w, "context", string(e.Context))
	out = field(out, w, "url", e.URL)
	if e.HTTPStatus != 0 {
		out = field(out, w, "http status", fmt.Sprint(e.HTTPStatus))
	}
	out = field(out, w, "message", e.Message)
	var notes []string
	if p := e.Presentation; p != nil {
		notes = p.Notes
		out = append(out, "", m.common.Styles.Header.Render("Presentation"))
		out = append(out, presentationLines(*p, w, m.common.Styles)...)
	}
	out = field(out, w, "rows", citedRows(append([]string{e.Message}, notes...)...))
	if s, ok := m.notification(e.Device, e.ApnsID); ok {
		out = append(out, "", m.common.Styles.Header.Render("Notification"))
		out = field(out, w, "state", s.State)
		out = field(out, w, "arrived in", string(s.Arrival))
		out = append(out, payloadLines(s.Payload, w)...)
	}
	return out
}

// notification finds the notification apnsID on device.
func (m *Model) notification(device, apnsID string) (Shown, bool) {
	if device == "" || apnsID == "" {
		return Shown{}, false
	}
	shown, err := m.opts.Backend.Notifications(device)
	if err != nil {
		return Shown{}, false
	}
	for _, s := range shown {
		if s.ApnsID == apnsID {
			s.Arrival, _ = m.arrivalOf(apnsID)
			return s, true
		}
	}
	return Shown{}, false
}

// presentationLines is a presentation's fields and its drawing.
func presentationLines(p device.Presentation, w int, st *Styles) []string {
	var out []string
	out = field(out, w, "context", string(p.Context))
	out = field(out, w, "style", string(p.Style))
	out = field(out, w, "title", p.Title)
	out = field(out, w, "subtitle", p.Subtitle)
	out = field(out, w, "body", p.Body)
	out = field(out, w, "sound", p.Sound)
	if p.Badge != nil {
		out = field(out, w, "badge", fmt.Sprint(*p.Badge))
	}
	out = field(out, w, "slider", p.Slider)
	out = field(out, w, "gesture", p.Gesture)
	out = field(out, w, "callback", string(p.Callback))
	for i, b := range p.Buttons {
		var flags []string
		for _, f := range []struct {
			on   bool
			name string
		}{{b.Destructive, "destructive"}, {b.Foreground, "opens the app"}, {b.AuthRequired, "needs unlock"}, {b.TextInput, "text input"}, {b.System, "system"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		v := fmt.Sprintf("%q id %s", b.Title, b.ID)
		if len(flags) > 0 {
			v += " (" + strings.Join(flags, ", ") + ")"
		}
		out = field(out, w, fmt.Sprintf("button %d", i+1), v)
	}
	for _, n := range p.Notes {
		out = field(out, w, "note", n)
	}
	f := screen.Draw(p, screen.Options{Width: min(w, 44), Selected: -1}, &st.Screen)
	return append(append(out, ""), strings.Split(f.View, "\n")...)
}

// payloadLines is the body, indented as JSON when it is JSON.
func payloadLines(body []byte, w int) []string {
	if len(body) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") != nil {
		buf.Reset()
		buf.Write(body)
	}
	out := []string{"payload:"}
	for _, l := range strings.Split(buf.String(), "\n") {
		out = append(out, strings.Split(ansi.Wrap("  "+l, w, ""), "\n")...)
	}
	return out
}

// responseDetail is one send: the request, APNs' answer and what it
// means.
func (m *Model) responseDetail(r sendResult) []string {
	w := m.common.Width - 2
	var out []string
	who := "this TUI (latency measured by the client)"
	if r.Backend {
		who = "a backend (latency measured by the fake APNs)"
	}
	out = field(out, w, "sent by", who)
	out = field(out, w, "time", r.At.Format("2006-01-02 15:04:05.000 MST"))
	out = field(out, w, "device", r.Request.Device)
	out = field(out, w, "app", r.Request.BundleID)
	rq := r.Request.Request
	out = field(out, w, "token", rq.Token)
	out = field(out, w, "topic", rq.Topic)
	out = field(out, w, "push-type", rq.PushType)
	if rq.Priority != 0 {
		out = field(out, w, "priority", fmt.Sprint(rq.Priority))
	}
	if !rq.Expiration.IsZero() {
		out = field(out, w, "expiration", fmt.Sprint(rq.Expiration.Unix()))
	}
	out = field(out, w, "collapse-id", rq.CollapseID)
	out = append(out, "", m.common.Styles.Header.Render("Answer"))
	if r.Err != nil {
		out = field(out, w, "error", r.Err.Error()+" (no answer came)")
	} else {
		resp := r.Response
		out = field(out, w, "status", fmt.Sprint(resp.Status))
		out = field(out, w, "reason", resp.Reason)
		out = field(out, w, "apns-id", resp.ApnsID)
		out = field(out, w, "apns-unique-id", resp.UniqueID)
		if !resp.Timestamp.IsZero() {
			out = field(out, w, "timestamp", resp.Timestamp.UTC().Format(time.RFC3339))
		}
		out = field(out, w, "latency", latency(resp.Latency))
		if !resp.Sent() && resp.Reason != "" {
			env := r.Request.Environment
			if env == "" {
				env = fakeapns.Development // an app without one is a development build (device.App)
			}
			x := provider.Explain(resp.Reason, env)
			out = field(out, w, "meaning", x.Meaning)
			out = field(out, w, "fix", x.Fix)
		}
	}
	if len(rq.Payload) > 0 {
		out = append(append(out, ""), payloadLines(rq.Payload, w)...)
	}
	return out
}

// messageLines is the status history, each message whole.
func (m *Model) messageLines() []string {
	if len(m.messages) == 0 {
		return []string{m.common.Styles.Dim.Render("no messages yet")}
	}
	w := m.common.Width - 2
	var out []string
	for _, msg := range m.messages {
		out = field(out, w, msg.at.Format("15:04:05"), msg.text)
	}
	return out
}
