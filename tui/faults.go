package tui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pushsim/pushsim/fakeapns"
)

// FaultServer is one fake APNs server whose fault rules the Faults
// overlay edits: its environment and its rules.
type FaultServer struct {
	Environment fakeapns.Environment
	Faults      *fakeapns.Faults
}

// FaultBackend is a Backend whose fake APNs servers take fault rules
// (issue 20): SimBackend over a harness (one server) or pushsim serve
// (both environments). A backend without it gets no Faults overlay.
type FaultBackend interface {
	FaultServers() []FaultServer
}

// FaultServers implements FaultBackend.
func (b SimBackend) FaultServers() []FaultServer { return b.Servers }

// faultPreset is one rule the overlay can add: what APNs' clients get
// wrong in production (issue 20, README "Failure modes at the HTTP/2
// level").
type faultPreset struct {
	name string
	rule fakeapns.FaultRule
}

// faultPresets are the rules offered, in the order listed.
var faultPresets = []faultPreset{
	{"429 TooManyRequests", fakeapns.FaultRule{Reason: fakeapns.ReasonTooManyRequests}},         // apns.md#E54
	{"503 ServiceUnavailable", fakeapns.FaultRule{Reason: fakeapns.ReasonServiceUnavailable}},   // apns.md#E56
	{"500 InternalServerError", fakeapns.FaultRule{Reason: fakeapns.ReasonInternalServerError}}, // apns.md#E55
	{`GOAWAY {"reason":"Shutdown"} below in-flight`, fakeapns.FaultRule{Frame: &fakeapns.FrameFault{ // apns.md#T11
		Kind: fakeapns.FrameGoAway, ErrorCode: "NO_ERROR", LastStream: fakeapns.LastStreamBelow, Debug: `{"reason":"Shutdown"}`}}},
	{"RST_STREAM REFUSED_STREAM", fakeapns.FaultRule{Frame: &fakeapns.FrameFault{Kind: fakeapns.FrameRSTStream, ErrorCode: "REFUSED_STREAM"}}},
	{"half-dead connection (no PING ack)", fakeapns.FaultRule{Frame: &fakeapns.FrameFault{Kind: fakeapns.FrameNoPingAck}}},
	{"close mid-stream", fakeapns.FaultRule{Frame: &fakeapns.FrameFault{Kind: fakeapns.FrameClose}}},
	{"idle close (GOAWAY IdleTimeout)", fakeapns.FaultRule{Frame: &fakeapns.FrameFault{Kind: fakeapns.FrameCloseIdle}}},
	{"TLS handshake failure", fakeapns.FaultRule{Frame: &fakeapns.FrameFault{Kind: fakeapns.FrameTLSHandshake}}},
}

// faultsView is the state of the Faults overlay: a cursor over the
// active rules then the presets, the count and the token limit of the
// next rule added.
type faultsView struct {
	cursor int
	// count is how many requests the next rule fires on (Count).
	count int
	// onlyDevice limits the next rule to the selected device's token.
	onlyDevice bool
	// nextID numbers the rules added here, so that one rule on both
	// servers has one id.
	nextID int
}

// faultRow is one active rule as listed: by id, over every server that
// holds it.
type faultRow struct {
	id    string
	rule  fakeapns.FaultRule
	envs  []fakeapns.Environment
	count []int
}

func (m *Model) faultServers() []FaultServer {
	if fb, ok := m.opts.Backend.(FaultBackend); ok {
		return fb.FaultServers()
	}
	return nil
}

// faultRows lists the active rules of every server, merged by id, in the
// order of the first server that lists them.
func (m *Model) faultRows() []faultRow {
	var rows []faultRow
	at := map[string]int{}
	for _, s := range m.faultServers() {
		for _, r := range s.Faults.List() {
			i, ok := at[r.ID]
			if !ok {
				i = len(rows)
				at[r.ID] = i
				rows = append(rows, faultRow{id: r.ID, rule: r})
			}
			rows[i].envs = append(rows[i].envs, s.Environment)
			rows[i].count = append(rows[i].count, r.Count)
		}
	}
	return rows
}

// openFaults shows the Faults overlay.
func (m *Model) openFaults() {
	m.overlay = overlayFaults
	if m.faultsV.count < 1 {
		m.faultsV.count = 1
	}
	m.clampFaults()
}

func (m *Model) clampFaults() {
	n := len(m.faultRows()) + len(faultPresets)
	m.faultsV.cursor = max(0, min(m.faultsV.cursor, n-1))
}

// faultsKey is every key while the Faults overlay is open.
func (m *Model) faultsKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	rows := m.faultRows()
	v := &m.faultsV
	switch {
	case key.Matches(k, km.Up):
		v.cursor--
	case key.Matches(k, km.Down):
		v.cursor++
	case key.Matches(k, km.Home):
		v.cursor = 0
	case key.Matches(k, km.End):
		v.cursor = len(rows) + len(faultPresets) - 1
	case key.Matches(k, km.FaultMore):
		v.count = min(v.count+1, 999)
	case key.Matches(k, km.FaultLess):
		v.count = max(v.count-1, 1)
	case key.Matches(k, km.FaultToken):
		v.onlyDevice = !v.onlyDevice
	case key.Matches(k, km.FaultRemove):
		if v.cursor < len(rows) {
			m.removeFault(rows[v.cursor])
		}
	case key.Matches(k, km.FaultAdd):
		if i := v.cursor - len(rows); i >= 0 && i < len(faultPresets) {
			m.addFault(faultPresets[i])
		}
	}
	m.clampFaults()
	return nil
}

// addFault installs preset on every server, with one id.
func (m *Model) addFault(p faultPreset) {
	servers := m.faultServers()
	if len(servers) == 0 {
		m.setStatus("faults: this backend has no fake APNs to inject into")
		return
	}
	r := p.rule
	if r.Frame != nil {
		f := *r.Frame
		r.Frame = &f
	}
	r.Count = m.faultsV.count
	token, who := m.faultToken(r)
	if m.faultsV.onlyDevice && token == "" {
		m.setStatus("faults: " + who)
		return
	}
	r.Token = token
	// An id no server holds yet: the same rule on both servers.
	for {
		m.faultsV.nextID++
		r.ID = "tui-" + strconv.Itoa(m.faultsV.nextID)
		taken := false
		for _, s := range servers {
			for _, x := range s.Faults.List() {
				taken = taken || x.ID == r.ID
			}
		}
		if !taken {
			break
		}
	}
	var envs []string
	for _, s := range servers {
		if _, err := s.Faults.Add(r); err != nil {
			m.setStatus("faults: " + err.Error())
			return
		}
		envs = append(envs, string(s.Environment))
	}
	// The new rule is listed above the presets: stay on the preset.
	m.faultsV.cursor++
	m.setStatus(fmt.Sprintf("fault %s: %s for the next %s, %s, on %s", r.ID, p.name, plural(r.Count, "request"), who, strings.Join(envs, " and ")))
}

// faultToken is the token the next rule is limited to ("" = any) and
// how to say it. A TLS handshake failure comes before any token.
func (m *Model) faultToken(r fakeapns.FaultRule) (token, who string) {
	if !m.faultsV.onlyDevice {
		return "", "any device"
	}
	if r.Frame != nil && r.Frame.Kind == fakeapns.FrameTLSHandshake {
		return "", "any device (a TLS handshake comes before any token)"
	}
	d, ok := m.fleet.Selected()
	if !ok {
		return "", "no device selected"
	}
	dr, _ := m.composer.Draft()
	req, err := m.request(d, dr)
	if err != nil {
		return "", err.Error()
	}
	return req.Token, d.Name + " only"
}

// removeFault deletes a rule from every server holding it.
func (m *Model) removeFault(row faultRow) {
	n := 0
	for _, s := range m.faultServers() {
		if s.Faults.Remove(row.id) {
			n++
		}
	}
	if n == 0 {
		m.setStatus("fault " + row.id + " was already gone")
		return
	}
	m.setStatus("fault " + row.id + " removed")
}

// faultWhat says what a rule does, in a few words.
func faultWhat(r fakeapns.FaultRule) string {
	var parts []string
	if f := r.Frame; f != nil {
		switch f.Kind {
		case fakeapns.FrameGoAway:
			s := "GOAWAY " + cmpOr(f.ErrorCode, "NO_ERROR") + " " + string(cmpOr(f.LastStream, fakeapns.LastStreamBelow))
			parts = append(parts, s+" "+cmpOr(f.Debug, `{"reason":"Shutdown"}`))
		case fakeapns.FrameRSTStream:
			parts = append(parts, "RST_STREAM "+cmpOr(f.ErrorCode, "REFUSED_STREAM"))
		case fakeapns.FrameNoPingAck:
			parts = append(parts, "no PING ack")
		case fakeapns.FrameClose:
			parts = append(parts, "close mid-stream")
		case fakeapns.FrameCloseIdle:
			parts = append(parts, "idle close")
		case fakeapns.FrameTLSHandshake:
			parts = append(parts, "TLS handshake failure")
		default:
			parts = append(parts, string(f.Kind))
		}
	}
	if r.Reason != "" {
		st := r.Status
		if st == 0 {
			st = r.Reason.Status()
		}
		parts = append(parts, strconv.Itoa(st)+" "+string(r.Reason))
	}
	if r.Latency > 0 || r.LatencyMax > 0 {
		l := "+" + r.Latency.String()
		if r.LatencyMax > r.Latency {
			l += "–" + r.LatencyMax.String()
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, ", ")
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// faultMatch says which requests a rule matches.
func (m *Model) faultMatch(r fakeapns.FaultRule) string {
	var parts []string
	if r.Token != "" {
		name := ""
		for _, d := range m.fleet.devices {
			for _, a := range d.Apps {
				if strings.EqualFold(a.Token, r.Token) {
					name = d.Name
				}
			}
		}
		if name == "" {
			name = "token " + shortToken(r.Token)
		}
		parts = append(parts, name)
	}
	if r.Topic != "" {
		parts = append(parts, r.Topic)
	}
	if r.PushType != "" {
		parts = append(parts, r.PushType)
	}
	if r.Connection != 0 {
		parts = append(parts, "conn "+strconv.FormatUint(r.Connection, 10))
	}
	if r.Probability > 0 && r.Probability < 1 {
		parts = append(parts, strconv.FormatFloat(r.Probability*100, 'f', -1, 64)+"%")
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, " ")
}

func shortToken(t string) string {
	if len(t) > 8 {
		return t[:8] + "…"
	}
	return t
}

// faultLeft says how many requests a row's rule has left, per server
// when they differ.
func faultLeft(row faultRow) string {
	same := true
	for _, c := range row.count {
		same = same && c == row.count[0]
	}
	if same {
		if row.count[0] == 0 {
			return "until removed"
		}
		return strconv.Itoa(row.count[0]) + " left"
	}
	var parts []string
	for i, c := range row.count {
		parts = append(parts, envShort(row.envs[i])+" "+strconv.Itoa(c))
	}
	return strings.Join(parts, " ") + " left"
}

func envShort(e fakeapns.Environment) string {
	if e == fakeapns.Production {
		return "prod"
	}
	return "dev"
}

// faultsLines draws the overlay's content, w cells wide.
func (m *Model) faultsLines() []string {
	st := m.common.Styles
	servers := m.faultServers()
	if len(servers) == 0 {
		return []string{"", "  This backend has no fake APNs: nothing to inject faults into."}
	}
	var envs []string
	for _, s := range servers {
		envs = append(envs, string(s.Environment))
	}
	sort.Strings(envs)
	rows := m.faultRows()
	v := m.faultsV
	mark := func(i int, s string) string {
		if i == v.cursor {
			return st.Selected.Render("▸ " + s)
		}
		return "  " + s
	}
	out := []string{st.Dim.Render("Rules on " + strings.Join(envs, " and ") + ", tried in order; the first that fires wins:")}
	if len(rows) == 0 {
		out = append(out, "  (none)")
	}
	for i, r := range rows {
		line := fmt.Sprintf("%-7s %s · %s · %s", r.id, faultWhat(r.rule), m.faultMatch(r.rule), faultLeft(r))
		if len(servers) > 1 && len(r.envs) < len(servers) {
			line += " · " + envShort(r.envs[0]) + " only"
		}
		out = append(out, mark(i, line))
	}
	who := "any device"
	if v.onlyDevice {
		who = "only " + m.selectedName()
	}
	out = append(out, "", st.Dim.Render(fmt.Sprintf("Add (enter), for the next %s (+/-), %s (t):", plural(v.count, "request"), who)))
	for i, p := range faultPresets {
		out = append(out, mark(len(rows)+i, p.name))
	}
	return out
}

func (m *Model) selectedName() string {
	if d, ok := m.fleet.Selected(); ok {
		return d.Name
	}
	return "the selected device"
}

// faultsView is the overlay's content cut to h lines, scrolled so that
// the selected line shows.
func (m *Model) faultsView(h int) string {
	lines := m.faultsLines()
	sel := 1 + m.faultsV.cursor // the title line comes first
	if rows := len(m.faultRows()); m.faultsV.cursor >= rows {
		sel += 2 // the blank and the "Add" lines
		if rows == 0 {
			sel++ // "(none)"
		}
	}
	if h > 0 && sel >= h {
		lines = lines[sel-h+1:]
	}
	return strings.Join(lines, "\n")
}
