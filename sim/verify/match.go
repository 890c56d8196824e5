package verify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

// Request is one request of the journal as the matcher sees it: what the
// backend sent and what the fake APNs answered.
type Request struct {
	Seq         uint64    `json:"seq"`
	ReceivedAt  time.Time `json:"received_at,omitzero"`
	Environment string    `json:"environment"`
	ApnsID      string    `json:"apns_id"`
	UniqueID    string    `json:"apns_unique_id,omitempty"`
	Token       string    `json:"token,omitempty"`
	// Device and App own the token; empty for a token no device has.
	Device     string `json:"device,omitempty"`
	App        string `json:"app,omitempty"`
	Topic      string `json:"topic,omitempty"`
	PushType   string `json:"push_type,omitempty"`
	Priority   int    `json:"priority,omitempty"`
	CollapseID string `json:"collapse_id,omitempty"`
	Status     int    `json:"status"`
	Reason     string `json:"reason,omitempty"`
	// Payload is the body when it is JSON; PayloadText when it is not.
	Payload     json.RawMessage `json:"payload,omitempty"`
	PayloadText string          `json:"payload_text,omitempty"`
}

// FromRecord turns a fake APNs Record into a Request. Rejected requests
// that never reached the Router carry no Notification: their fields come
// from the headers and :path, as sent.
func FromRecord(seq uint64, r fakeapns.Record) Request {
	q := Request{
		Seq: seq, ReceivedAt: r.ReceivedAt, Environment: string(r.Environment),
		ApnsID: r.ApnsID, UniqueID: r.UniqueID, Status: r.Status, Reason: string(r.Reason),
	}
	if n := r.Notification; n != nil {
		q.Token, q.Topic, q.PushType, q.Priority, q.CollapseID = strings.ToLower(n.Token), n.Topic, n.PushType, n.Priority, n.CollapseID
	} else {
		h := r.Header
		if h == nil {
			h = http.Header{}
		}
		if t, ok := strings.CutPrefix(r.Path, "/3/device/"); ok {
			q.Token = strings.ToLower(t)
		}
		q.Topic, q.PushType, q.CollapseID = h.Get("apns-topic"), h.Get("apns-push-type"), h.Get("apns-collapse-id")
		q.Priority = 10 // apns.md#H17: absent means 10
		if p := h.Get("apns-priority"); p != "" {
			q.Priority, _ = strconv.Atoi(p)
		}
	}
	if len(r.Payload) > 0 {
		if json.Valid(r.Payload) {
			q.Payload = json.RawMessage(r.Payload)
		} else {
			q.PayloadText = string(r.Payload)
		}
	}
	return q
}

// Result is the outcome of a Verification over a journal.
type Result struct {
	// Holds is whether the count held.
	Holds bool `json:"holds"`
	// Want is the count asked for, e.g. "exactly 1".
	Want string `json:"want"`
	// Matcher describes the match in words.
	Matcher string `json:"matcher"`
	// Count is how many requests matched; Checked how many were looked at
	// (those after Since).
	Count   int    `json:"count"`
	Checked int    `json:"checked"`
	Since   uint64 `json:"since,omitempty"`
	// Summary is one line saying whether it held and, when not, why.
	Summary string `json:"summary"`
	// Matches are the matching requests, oldest first, at most
	// MaxMatches of them (the newest); MoreMatches counts those left out.
	Matches     []Request `json:"matches"`
	MoreMatches int       `json:"more_matches,omitempty"`
	// NearMisses, when too few requests matched, are the closest others,
	// nearest first, with how each differs.
	NearMisses []NearMiss `json:"near_misses,omitempty"`
	// Closest is the near misses in one line: "2 requests to this token:
	// 1 rejected DeviceTokenNotForTopic, 1 with category poll, not
	// fraud_alert".
	Closest string `json:"closest,omitempty"`
}

// NearMiss is a request that did not match, and how it differs.
type NearMiss struct {
	Request
	// Differences are plain-word phrases, one per criterion that failed
	// (a rejection first).
	Differences []string `json:"differences"`
	// Description is Differences joined into one phrase.
	Description string `json:"description"`
	distance    int
}

// maxNearMisses bounds the near misses an answer lists.
const maxNearMisses = 5

// MaxMatches bounds the matches an answer lists; Count stays exact.
const MaxMatches = 100

// maxTextMatches bounds the matches Text prints.
const maxTextMatches = 10

// Spec returns the Verification m was compiled from.
func (m *Matcher) Spec() Verification { return m.spec }

// Want is the count in words: "exactly 1".
func (m *Matcher) Want() string { return fmt.Sprintf("%s %d", m.count, m.n) }

// Matches reports whether q matches.
func (m *Matcher) Matches(q Request) bool {
	_, diffs := m.diff(q)
	return len(diffs) == 0
}

// Evaluate checks m over reqs (the journal, oldest first).
func (m *Matcher) Evaluate(reqs []Request) Result {
	res := Result{Want: m.Want(), Matcher: m.describe(), Since: m.spec.Since, Matches: []Request{}}
	var misses []NearMiss
	for _, q := range reqs {
		if q.Seq <= m.spec.Since {
			continue
		}
		res.Checked++
		dist, diffs := m.diff(q)
		if len(diffs) == 0 {
			res.Matches = append(res.Matches, q)
			continue
		}
		misses = append(misses, NearMiss{Request: q, Differences: diffs, Description: strings.Join(diffs, "; "), distance: dist})
	}
	res.Count = len(res.Matches)
	if n := len(res.Matches) - MaxMatches; n > 0 {
		res.Matches, res.MoreMatches = res.Matches[n:], n
	}
	switch m.count {
	case CountExactly:
		res.Holds = res.Count == m.n
	case CountAtLeast:
		res.Holds = res.Count >= m.n
	case CountAtMost:
		res.Holds = res.Count <= m.n
	}
	noun := "requests"
	if m.n == 1 {
		noun = "request"
	}
	among := fmt.Sprintf("found %d among %d %s", res.Count, res.Checked, plural(res.Checked, "request"))
	if m.spec.Since > 0 {
		among += fmt.Sprintf(" after seq %d", m.spec.Since)
	}
	verdict := "OK"
	if !res.Holds {
		verdict = "FAIL"
	}
	res.Summary = fmt.Sprintf("%s: want %s %s matching %s; %s", verdict, res.Want, noun, res.Matcher, among)
	if res.Holds || res.Count > m.n {
		return res // too many: the matches themselves are the story
	}
	sort.SliceStable(misses, func(i, j int) bool {
		if misses[i].distance != misses[j].distance {
			return misses[i].distance < misses[j].distance
		}
		return misses[i].Seq > misses[j].Seq
	})
	// The near misses are the requests at the smallest distance: those
	// further off would only bury the one difference that matters.
	keep := 0
	for keep < len(misses) && keep < maxNearMisses && misses[keep].distance == misses[0].distance {
		keep++
	}
	more := len(misses) - keep
	misses = misses[:keep]
	res.NearMisses = misses
	res.Closest = m.closest(misses, more)
	return res
}

// closest is the near misses in one line, grouped by what differs.
func (m *Matcher) closest(misses []NearMiss, more int) string {
	if len(misses) == 0 {
		return ""
	}
	head := fmt.Sprintf("%d closest %s", len(misses), plural(len(misses), "request"))
	all := func(f func(q Request) bool) bool {
		for _, nm := range misses {
			if !f(nm.Request) {
				return false
			}
		}
		return true
	}
	sp := m.spec.Match
	switch {
	case sp.Token != "" && all(func(q Request) bool { return strings.EqualFold(q.Token, sp.Token) }):
		head = fmt.Sprintf("%d %s to this token", len(misses), plural(len(misses), "request"))
	case sp.Topic != "" && all(func(q Request) bool { return q.Topic == sp.Topic }):
		head = fmt.Sprintf("%d %s to this topic", len(misses), plural(len(misses), "request"))
	}
	var order []string
	counts := map[string]int{}
	for _, nm := range misses {
		if counts[nm.Description] == 0 {
			order = append(order, nm.Description)
		}
		counts[nm.Description]++
	}
	parts := make([]string, len(order))
	for i, d := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[d], d)
	}
	out := head + ": " + strings.Join(parts, ", ")
	if more > 0 {
		out += fmt.Sprintf(" (%d more %s further off)", more, plural(more, "request"))
	}
	return out
}

// Text is the result as a person reads it: the summary, the near misses
// in one line, then one line per near miss (or per match when there were
// too many).
func (r Result) Text() string {
	var b strings.Builder
	b.WriteString(r.Summary)
	b.WriteByte('\n')
	if r.Closest != "" {
		b.WriteString("near misses: " + r.Closest + "\n")
		for _, nm := range r.NearMisses {
			fmt.Fprintf(&b, "  seq %d%s: %s\n", nm.Seq, to(nm.Request), nm.Description)
		}
		return b.String()
	}
	if !r.Holds && len(r.Matches) > 0 {
		b.WriteString("matches:\n")
		shown := r.Matches
		if len(shown) > maxTextMatches {
			shown = shown[len(shown)-maxTextMatches:]
		}
		if n := r.Count - len(shown); n > 0 {
			fmt.Fprintf(&b, "  (%d older %s not listed)\n", n, plural(n, "match"))
		}
		for _, q := range shown {
			fmt.Fprintf(&b, "  seq %d%s: %s\n", q.Seq, to(q), outcome(q))
		}
	}
	return b.String()
}

// to names where a request went: " to ios17" or " to token 1a2b3c4d…".
func to(q Request) string {
	switch {
	case q.Device != "":
		return " to " + q.Device
	case q.Token != "":
		return " to token " + short(q.Token)
	}
	return ""
}

// outcome is "accepted" or "rejected 410 Unregistered".
func outcome(q Request) string {
	if q.Status == http.StatusOK {
		return "accepted"
	}
	return fmt.Sprintf("rejected %d %s", q.Status, q.Reason)
}

// diff compares q with the match: a distance (how far off; a different
// token counts double, since it is another device) and one phrase per
// failed criterion.
func (m *Matcher) diff(q Request) (int, []string) {
	sp := m.spec.Match
	dist := 0
	var out []string
	add := func(w int, format string, a ...any) {
		dist += w
		out = append(out, fmt.Sprintf(format, a...))
	}
	rejected := q.Status != http.StatusOK
	wantAccepted := sp.Status == http.StatusOK || (sp.Reason != nil && *sp.Reason == "")
	switch {
	case rejected && wantAccepted:
		add(1, "rejected %s", rejection(q))
	case sp.Status != 0 && sp.Status != q.Status && !rejected:
		add(1, "accepted, not answered %d", sp.Status)
	case sp.Status != 0 && sp.Status != q.Status:
		add(1, "answered %d %s, not %d", q.Status, q.Reason, sp.Status)
	case sp.Reason != nil && *sp.Reason != q.Reason && !rejected:
		add(1, "accepted, not rejected %s", *sp.Reason)
	case sp.Reason != nil && *sp.Reason != q.Reason:
		add(1, "rejected %s, not %s", rejection(q), *sp.Reason)
	}
	if sp.Token != "" && !strings.EqualFold(sp.Token, q.Token) {
		if q.Device != "" {
			add(2, "to %s (%s), not %s", q.Device, short(q.Token), short(strings.ToLower(sp.Token)))
		} else {
			add(2, "to token %s, not %s", orNone(short(q.Token)), short(strings.ToLower(sp.Token)))
		}
	}
	if sp.Topic != "" && sp.Topic != q.Topic {
		add(1, "with topic %s, not %s", orNone(q.Topic), sp.Topic)
	}
	if sp.PushType != "" && sp.PushType != q.PushType {
		add(1, "with push type %s, not %s", orNone(q.PushType), sp.PushType)
	}
	if sp.Priority != 0 && sp.Priority != q.Priority {
		add(1, "with priority %d, not %d", q.Priority, sp.Priority)
	}
	if sp.Environment != "" && sp.Environment != q.Environment {
		add(1, "in %s, not %s", q.Environment, sp.Environment)
	}
	if sp.CollapseID != nil && *sp.CollapseID != q.CollapseID {
		add(1, "with collapse id %s, not %s", val(q.CollapseID), val(*sp.CollapseID))
	}
	if len(m.payload) > 0 {
		var doc any
		switch {
		case len(q.Payload) == 0:
			add(len(m.payload), "payload is not JSON")
		case json.Unmarshal(q.Payload, &doc) != nil:
			add(len(m.payload), "payload is not JSON")
		default:
			for _, c := range m.payload {
				if phrase := c.check(doc); phrase != "" {
					add(1, "%s", phrase)
				}
			}
		}
	}
	return dist, out
}

// check returns "" when doc meets c, else how it does not.
func (c payloadCond) check(doc any) string {
	got, ok := lookup(doc, c.tokens)
	name := c.name()
	switch c.op {
	case "exists":
		switch {
		case c.exists && !ok:
			return "without " + name
		case !c.exists && ok:
			return fmt.Sprintf("with %s %s, want none", name, render(got))
		}
		return ""
	case "contains":
		if !ok {
			return fmt.Sprintf("without %s, want one containing %s", name, render(c.value))
		}
		if contains(got, c.value) {
			return ""
		}
		return fmt.Sprintf("with %s %s, not containing %s", name, render(got), render(c.value))
	}
	if !ok {
		return fmt.Sprintf("without %s, want %s", name, render(c.value))
	}
	if reflect.DeepEqual(got, c.value) {
		return ""
	}
	return fmt.Sprintf("with %s %s, not %s", name, render(got), render(c.value))
}

// name is how a phrase names the pointed-at value: its last key
// ("category") when that is a plain key, else the whole pointer.
func (c payloadCond) name() string {
	if len(c.tokens) == 0 {
		return "payload"
	}
	last := c.tokens[len(c.tokens)-1]
	if _, err := strconv.Atoi(last); err == nil || last == "" || strings.ContainsAny(last, " /~") {
		return c.pointer
	}
	return last
}

// contains: a substring of a string, an element of an array (or, for an
// array value, each of its elements), a subset of an object, or equal.
func contains(got, want any) bool {
	switch g := got.(type) {
	case string:
		w, ok := want.(string)
		return ok && strings.Contains(g, w)
	case []any:
		if ws, ok := want.([]any); ok {
			for _, w := range ws {
				if !contains(g, w) {
					return false
				}
			}
			return true
		}
		for _, e := range g {
			if reflect.DeepEqual(e, want) || subset(e, want) {
				return true
			}
		}
		return false
	case map[string]any:
		return subset(g, want)
	}
	return reflect.DeepEqual(got, want)
}

// subset: every key of want is in got with a value that contains it.
func subset(got, want any) bool {
	g, ok1 := got.(map[string]any)
	w, ok2 := want.(map[string]any)
	if !ok1 || !ok2 {
		return false
	}
	for k, wv := range w {
		gv, ok := g[k]
		if !ok {
			return false
		}
		if _, isObj := wv.(map[string]any); isObj {
			if !subset(gv, wv) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(gv, wv) {
			return false
		}
	}
	return true
}

// describe is the match in words: "token 1a2b3c4d…, topic com.x,
// category = fraud_alert"; "any request" when it has no criteria.
func (m *Matcher) describe() string {
	sp := m.spec.Match
	var p []string
	if sp.Token != "" {
		p = append(p, "token "+short(strings.ToLower(sp.Token)))
	}
	if sp.Topic != "" {
		p = append(p, "topic "+sp.Topic)
	}
	if sp.PushType != "" {
		p = append(p, "push type "+sp.PushType)
	}
	if sp.Priority != 0 {
		p = append(p, fmt.Sprintf("priority %d", sp.Priority))
	}
	if sp.Environment != "" {
		p = append(p, "in "+sp.Environment)
	}
	if sp.Status != 0 {
		p = append(p, fmt.Sprintf("status %d", sp.Status))
	}
	if sp.Reason != nil {
		if *sp.Reason == "" {
			p = append(p, "accepted")
		} else {
			p = append(p, "reason "+*sp.Reason)
		}
	}
	if sp.CollapseID != nil {
		p = append(p, "collapse id "+val(*sp.CollapseID))
	}
	for _, c := range m.payload {
		switch c.op {
		case "exists":
			if c.exists {
				p = append(p, c.pointer+" present")
			} else {
				p = append(p, c.pointer+" absent")
			}
		case "contains":
			p = append(p, c.pointer+" containing "+render(c.value))
		default:
			p = append(p, c.pointer+" = "+render(c.value))
		}
	}
	if len(p) == 0 {
		return "any request"
	}
	return "{" + strings.Join(p, ", ") + "}"
}

// rejection is "400 DeviceTokenNotForTopic", or the reason alone for the
// status the reason always has.
func rejection(q Request) string {
	if q.Reason == "" {
		return strconv.Itoa(q.Status)
	}
	if fakeapns.Reason(q.Reason).Status() == q.Status {
		return q.Reason
	}
	return fmt.Sprintf("%d %s", q.Status, q.Reason)
}

// short cuts a device token to its first 8 characters: enough to tell
// tokens apart in a line.
func short(tok string) string {
	if len(tok) <= 12 {
		return tok
	}
	return tok[:8] + "…"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// val is word, or "none" for the empty string.
func val(s string) string {
	if s == "" {
		return "none"
	}
	return word(s)
}

// word prints a string bare when it reads as one word, quoted otherwise.
func word(s string) string {
	if s == "" || strings.ContainsAny(s, " ,;:\"'\t\n") {
		return strconv.Quote(s)
	}
	return s
}

// render prints a JSON value compactly; strings as word does.
func render(v any) string {
	if s, ok := v.(string); ok {
		return word(s)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(data) > 60 {
		return string(data[:57]) + "…"
	}
	return string(data)
}

func plural(n int, noun string) string {
	switch {
	case n == 1:
		return noun
	case strings.HasSuffix(noun, "ch"):
		return noun + "es"
	}
	return noun + "s"
}
