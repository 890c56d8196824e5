package scenarios

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/world"
)

// expectEvents checks the events logged since the previous expect_events
// step, after advancing the virtual clock by Within.
func (r *run) expectEvents(step int, e *EventsExpect) error {
	if e.Within != nil {
		if err := r.advance(e.Within.D()); err != nil {
			return err
		}
	}
	events, missed := r.log.Since(r.mark, 0)
	if missed > 0 {
		return fmt.Errorf("the event log overwrote %d events before they were checked; raise the log size", missed)
	}
	r.mark = r.log.Last()
	ordered := e.Ordered == nil || *e.Ordered
	assigned := matchEvents(e.Events, events, ordered)
	ok := true
	for _, a := range assigned {
		if a < 0 {
			ok = false
		}
	}
	if !ok {
		how := "in this order"
		if !ordered {
			how = "in any order"
		}
		d := cmp.Diff(wantLines(e.Events), gotLines(e.Events, events, assigned))
		return failf(d+"\nevents seen:\n"+listEvents(events, 40), "expected events %s did not all happen", how)
	}
	for _, m := range e.Absent {
		for _, ev := range events {
			if m.matches(ev) {
				return failf("", "event %s happened, want it absent: %s", m.line(), ev.Message)
			}
		}
	}
	return nil
}

// matchEvents assigns each matcher an event index (-1 when none). Ordered
// matching is a greedy subsequence; otherwise each matcher takes the first
// unused event it matches.
func matchEvents(ms []EventMatch, events []world.Event, ordered bool) []int {
	out := make([]int, len(ms))
	used := make([]bool, len(events))
	next := 0
	for i, m := range ms {
		out[i] = -1
		from := 0
		if ordered {
			from = next
		}
		for j := from; j < len(events); j++ {
			if !used[j] && m.matches(events[j]) {
				out[i], used[j] = j, true
				next = j + 1
				break
			}
		}
	}
	return out
}

// matches reports whether ev satisfies every field m sets.
func (m EventMatch) matches(ev world.Event) bool {
	switch {
	case m.Kind != ev.Kind,
		m.Device != "" && m.Device != ev.Device,
		m.App != "" && m.App != ev.App,
		m.Action != "" && m.Action != ev.Action,
		m.Text != nil && *m.Text != ev.Text,
		m.Callback != "" && m.Callback != ev.Callback,
		m.Context != "" && m.Context != ev.Context,
		m.URL != "" && m.URL != ev.URL && !strings.HasSuffix(ev.URL, m.URL),
		m.Status != nil && *m.Status != ev.Status,
		m.Reason != "" && m.Reason != ev.Reason,
		m.HTTPStatus != 0 && m.HTTPStatus != ev.HTTPStatus,
		m.Message != "" && !strings.Contains(ev.Message, m.Message):
		return false
	}
	if m.Body != nil {
		var got any
		if json.Unmarshal([]byte(ev.Text), &got) != nil || !subset(jsonable(m.Body), got) {
			return false
		}
	}
	return true
}

// subset reports whether want is contained in got: every key of a wanted
// object present with a matching value, lists equal element by element,
// scalars equal (numbers compared as numbers).
func subset(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !subset(wv, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !subset(w[i], g[i]) {
				return false
			}
		}
		return true
	case nil:
		return got == nil
	}
	if wf, ok := number(want); ok {
		gf, ok := number(got)
		return ok && wf == gf
	}
	return reflect.DeepEqual(want, got) || fmt.Sprint(want) == fmt.Sprint(got)
}

func number(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

// line formats a matcher as "kind field=value ...", fields in a fixed
// order.
func (m EventMatch) line() string {
	return m.render(func(f string) (string, bool) { return m.field(f) })
}

var matchFields = []string{"device", "app", "action", "text", "callback", "context", "url", "status", "reason", "http_status", "message", "body"}

func (m EventMatch) field(name string) (string, bool) {
	switch name {
	case "device":
		return m.Device, m.Device != ""
	case "app":
		return m.App, m.App != ""
	case "action":
		return m.Action, m.Action != ""
	case "text":
		if m.Text != nil {
			return *m.Text, true
		}
	case "callback":
		return m.Callback, m.Callback != ""
	case "context":
		return string(m.Context), m.Context != ""
	case "url":
		return m.URL, m.URL != ""
	case "status":
		if m.Status != nil {
			return itoa(*m.Status), true
		}
	case "reason":
		return m.Reason, m.Reason != ""
	case "http_status":
		return itoa(m.HTTPStatus), m.HTTPStatus != 0
	case "message":
		return m.Message, m.Message != ""
	case "body":
		if m.Body != nil {
			b, _ := json.Marshal(jsonable(m.Body))
			return string(b), true
		}
	}
	return "", false
}

func (m EventMatch) render(get func(string) (string, bool)) string {
	var b strings.Builder
	b.WriteString(string(m.Kind))
	for _, f := range matchFields {
		if v, ok := get(f); ok {
			fmt.Fprintf(&b, " %s=%q", f, v)
		}
	}
	return b.String()
}

// eventField is an event's value for a matcher field.
func eventField(ev world.Event, name string) string {
	switch name {
	case "device":
		return ev.Device
	case "app":
		return ev.App
	case "action":
		return ev.Action
	case "text", "body":
		return ev.Text
	case "callback":
		return ev.Callback
	case "context":
		return string(ev.Context)
	case "url":
		return ev.URL
	case "status":
		return itoa(ev.Status)
	case "reason":
		return ev.Reason
	case "http_status":
		return itoa(ev.HTTPStatus)
	case "message":
		return ev.Message
	}
	return ""
}

func wantLines(ms []EventMatch) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.line()
	}
	return out
}

// gotLines shows the events of the kinds the matchers name (on the
// devices they name), each through the fields its kind's matchers use; a
// matched event reads exactly as its matcher, so only what differs shows
// in the diff.
func gotLines(ms []EventMatch, events []world.Event, assigned []int) []string {
	byEvent := map[int]int{}
	for i, j := range assigned {
		if j >= 0 {
			byEvent[j] = i
		}
	}
	type scope struct {
		fields  map[string]bool
		devices map[string]bool // nil: any device
	}
	kinds := map[world.EventKind]*scope{}
	for _, m := range ms {
		sc := kinds[m.Kind]
		if sc == nil {
			sc = &scope{fields: map[string]bool{}, devices: map[string]bool{}}
			kinds[m.Kind] = sc
		}
		for _, f := range matchFields {
			if _, ok := m.field(f); ok {
				sc.fields[f] = true
			}
		}
		if m.Device == "" {
			sc.devices = nil
		} else if sc.devices != nil {
			sc.devices[m.Device] = true
		}
	}
	var out []string
	for j, ev := range events {
		if i, ok := byEvent[j]; ok {
			out = append(out, ms[i].line())
			continue
		}
		sc := kinds[ev.Kind]
		if sc == nil || (sc.devices != nil && !sc.devices[ev.Device]) {
			continue
		}
		shown := EventMatch{Kind: ev.Kind}
		out = append(out, shown.render(func(f string) (string, bool) {
			return eventField(ev, f), sc.fields[f]
		}))
	}
	return out
}

// listEvents prints events one per line for a failure report, at most n.
func listEvents(events []world.Event, n int) string {
	var b strings.Builder
	for i, ev := range events {
		if i == n {
			fmt.Fprintf(&b, "  … %d more\n", len(events)-n)
			break
		}
		who := ev.Device
		if who == "" {
			who = "-"
		}
		fmt.Fprintf(&b, "  #%d %s %s %s: %s\n", ev.Seq, ev.Time.Format("15:04:05.000"), ev.Kind, who, ev.Message)
	}
	if len(events) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}
