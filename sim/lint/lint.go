package lint

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pushsim/pushsim/sim/device"
)

// Severity grades a lint Finding.
type Severity string

// Severities, most serious first.
const (
	// SeverityError: APNs rejects the push, or no device can use it.
	SeverityError Severity = "error"
	// SeverityWarning: some versions show something other than intended.
	SeverityWarning Severity = "warning"
	// SeverityInfo: worth knowing, nothing breaks.
	SeverityInfo Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// Finding is one lint result.
type Finding struct {
	// Rule is a stable id such as "actions-cut"; tools may filter on it.
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Versions are the iOS versions concerned, as ranges of major
	// versions; written "all", "<8", "8–9", "10+", or several joined by
	// ", ".
	Versions device.Ranges `json:"versions"`
	Message  string        `json:"message"`
	// Fix says what to change.
	Fix string `json:"fix,omitempty"`
	// Row is the apns.md row the rule comes from.
	Row string `json:"row,omitempty"`
}

// Target is what a payload is checked against.
type Target struct {
	// App supplies the registered categories and localised strings; nil
	// skips the checks that need them.
	App *device.App
	// Versions are the devices' iOS versions; empty means every row of the
	// capability table (iOS 3–18). Findings that concern none of them are
	// left out.
	Versions []device.Version
	// PushType is the apns-push-type header; empty when unknown or absent.
	PushType string
	// Priority is apns-priority; 0 when absent, which APNs reads as 10
	// (apns.md#H17).
	Priority int
	// Topic is apns-topic; empty when unknown.
	Topic string
}

// Lint checks a payload against the versions and app of target and
// returns its findings, errors first, then warnings, then infos; within a
// severity, in a fixed rule order. It never panics on any input.
func Lint(payload []byte, target Target) []Finding {
	l := newLinter(target)
	if len(payload) == 0 {
		l.add("payload-empty", SeverityError, "E22", "the payload is empty: APNs answers 400 PayloadEmpty", `send at least {"aps":{}}`, nil)
		return l.findings()
	}
	p, errs := device.ParsePayloadAll(payload)
	for _, err := range errs {
		if l.parseError(err) {
			return l.findings()
		}
	}
	return l.rules(&p, len(payload))
}

// Payload is Lint for a payload already parsed without error, such as
// one a device received: it skips the second parse on the delivery path.
func Payload(p device.Payload, target Target) []Finding {
	return newLinter(target).rules(&p, len(p.Raw))
}

// rules runs every rule that reads a parsed payload.
func (l *linter) rules(p *device.Payload, size int) []Finding {
	l.size(size)
	l.keys(p)
	l.pushType(p)
	l.text(p)
	l.category(p)
	return l.findings()
}

// linter collects findings for one Lint call.
type linter struct {
	t    Target
	rows []device.Capabilities // every row of the table, oldest first
	want []bool                // want[i]: rows[i] is among the target versions
	out  []Finding
}

func newLinter(t Target) *linter {
	l := &linter{t: t, rows: device.TableRows()}
	l.want = make([]bool, len(l.rows))
	for i := range l.rows {
		l.want[i] = len(t.Versions) == 0
	}
	for _, v := range t.Versions {
		row := device.TableRow(v)
		for i := range l.rows {
			if l.rows[i].Row == row.Row {
				l.want[i] = true
			}
		}
	}
	return l
}

// add records a finding that concerns the rows where concerns is true
// (every row when nil), if any of them is a target.
func (l *linter) add(rule string, sev Severity, row, msg, fix string, concerns func(c *device.Capabilities) bool) {
	hit := make([]bool, len(l.rows))
	found := false
	for i := range l.rows {
		hit[i] = concerns == nil || concerns(&l.rows[i])
		found = found || (hit[i] && l.want[i])
	}
	if !found {
		return
	}
	l.out = append(l.out, Finding{Rule: rule, Severity: sev, Versions: l.versions(hit), Message: msg, Fix: fix, Row: row})
}

// perRow computes a message and its apns.md row for every table row and
// adds one finding per distinct non-empty message, so rules whose wording
// depends on the era (4 actions on 8–9, 10 on 10+) read naturally.
func (l *linter) perRow(rule string, sev Severity, fix string, msg func(c *device.Capabilities) (text, row string)) {
	msgs := make([]string, len(l.rows))
	rows := map[string]string{}
	var order []string
	for i := range l.rows {
		m, row := msg(&l.rows[i])
		msgs[i] = m
		if m != "" && !slices.Contains(order, m) {
			order = append(order, m)
			rows[m] = row
		}
	}
	for _, m := range order {
		l.add(rule, sev, rows[m], m, fix, func(c *device.Capabilities) bool { return msgs[l.index(c)] == m })
	}
}

func (l *linter) index(c *device.Capabilities) int {
	for i := range l.rows {
		if &l.rows[i] == c {
			return i
		}
	}
	return -1
}

// versions is the rows marked in hit as ranges of major versions.
func (l *linter) versions(hit []bool) device.Ranges {
	var out device.Ranges
	for i := 0; i < len(hit); i++ {
		if !hit[i] {
			continue
		}
		j := i
		for j+1 < len(hit) && hit[j+1] {
			j++
		}
		var r device.Range
		if i > 0 {
			r.From = l.rows[i].From
		}
		if j+1 < len(l.rows) {
			r.To = l.rows[j+1].From
		}
		out = append(out, r)
		i = j
	}
	return out
}

// String is f on one line: severity, rule, message.
func (f Finding) String() string {
	return fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Message)
}

// Concerns reports whether the finding applies to iOS version v: whether
// v's row of the capability table is among the finding's versions.
func (f Finding) Concerns(v device.Version) bool {
	return f.Versions.Contains(device.TableRow(v).From)
}

// findings returns the findings sorted by severity, keeping rule order.
func (l *linter) findings() []Finding {
	slices.SortStableFunc(l.out, func(a, b Finding) int { return a.Severity.rank() - b.Severity.rank() })
	if l.out == nil {
		return []Finding{}
	}
	return l.out
}

// parseError turns a parse problem into a finding; it reports whether the
// payload is too broken to check further.
func (l *linter) parseError(err error) bool {
	var syn *device.SyntaxError
	var field *device.FieldError
	var locArgs *device.LocArgsError
	switch {
	case errors.As(err, &syn):
		l.add("invalid-json", SeverityError, "P01", fmt.Sprintf("invalid JSON at line %d, column %d: %s", syn.Line, syn.Column, syn.Msg),
			"fix the JSON syntax; the device never shows an unparsable payload (apns.md#U02)", nil)
		return true
	case errors.As(err, &field) && (field.Field == "payload" || field.Field == "aps"):
		l.add("invalid-json", SeverityError, "P01", fmt.Sprintf("%q is not a JSON object", field.Field),
			`the body must be an object with an "aps" dictionary`, nil)
		return true
	case errors.As(err, &locArgs):
		l.add("loc-args-malformed", SeverityError, "P06", locArgs.Error(), "loc-args must be an array of strings", nil)
	case errors.As(err, &field):
		l.add("invalid-value", SeverityError, field.Row, field.Error()+": iOS ignores the key and shows the rest (apns.md#U47)",
			"see apns.md#"+field.Row+" for the key's type", nil)
	default:
		l.add("invalid-json", SeverityError, "P01", err.Error(), "", nil)
		return true
	}
	return false
}

// Delivery is the World's lint hook: the warnings and errors of Lint
// for the one device and app a notification reached, as event messages.
// It runs on every push a simulated device receives, so it checks only
// that device's row of the table (the findings' Versions, which it does
// not return, would name that row alone).
func Delivery(d *device.Device, a *device.App, n device.Notification) []string {
	row := device.TableRow(d.Version)
	rows := device.TableRows()
	i := slices.IndexFunc(rows, func(c device.Capabilities) bool { return c.Row == row.Row })
	l := &linter{t: Target{App: a, Versions: []device.Version{d.Version}, PushType: n.PushType, Priority: n.Priority, Topic: n.Topic},
		rows: rows[i : i+1], want: []bool{true}}
	findings := l.rules(&n.Payload, len(n.Payload.Raw))
	var out []string
	for _, f := range findings {
		if f.Severity == SeverityInfo {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Message))
	}
	return out
}
