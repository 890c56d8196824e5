// Package verify checks what a backend sent to the fake APNs, the way
// WireMock verifies an HTTP client: a Verification (a request matcher and
// a count) is evaluated over the journal of requests the fake APNs saw,
// accepted and rejected alike. When the count does not hold, the answer
// names the near misses — the closest requests and, in plain words, how
// each differs. The inspection API (POST /api/v1/verify), the scenario
// step expect_requests and `pushsim verify` share this package.
package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Verification is a matcher and the count it must reach: exactly one of
// Exactly, Minimum (at_least) and Maximum (at_most) is set.
type Verification struct {
	// Match selects the requests to count.
	Match RequestMatch `json:"match" yaml:"match"`
	// Exactly is the number of matching requests.
	Exactly *int `json:"exactly,omitempty" yaml:"exactly,omitempty"`
	// Minimum is the least number of matching requests.
	Minimum *int `json:"at_least,omitempty" yaml:"at_least,omitempty"`
	// Maximum is the most matching requests.
	Maximum *int `json:"at_most,omitempty" yaml:"at_most,omitempty"`
	// Since counts only requests with a journal sequence number above it
	// (the seq of GET /api/v1/notifications); 0 means all.
	Since uint64 `json:"since,omitempty" yaml:"since,omitempty"`
}

// RequestMatch selects requests; only the fields given are compared.
type RequestMatch struct {
	// Token is the device token, compared case-insensitively (apns.md#U17).
	Token string `json:"token,omitempty" yaml:"token,omitempty"`
	// Topic is apns-topic (or the certificate's topic when absent).
	Topic string `json:"topic,omitempty" yaml:"topic,omitempty"`
	// PushType is apns-push-type as sent.
	PushType string `json:"push_type,omitempty" yaml:"push_type,omitempty"`
	// Priority is apns-priority; 10 when the header was absent (apns.md#H17).
	Priority int `json:"priority,omitempty" yaml:"priority,omitempty"`
	// Environment is development or production.
	Environment string `json:"environment,omitempty" yaml:"environment,omitempty"`
	// Status is the HTTP status APNs answered, e.g. 200 or 410.
	Status int `json:"status,omitempty" yaml:"status,omitempty"`
	// Reason is Apple's reason string; "" (explicitly) means accepted.
	Reason *string `json:"reason,omitempty" yaml:"reason,omitempty"`
	// CollapseID is apns-collapse-id; "" (explicitly) means none sent.
	CollapseID *string `json:"collapse_id,omitempty" yaml:"collapse_id,omitempty"`
	// Payload maps RFC 6901 JSON pointers into the body to a condition:
	// a JSON value (equal), {"contains": v} (substring of a string,
	// element of an array, subset of an object), {"exists": bool}, or
	// {"equals": v} for a literal object that looks like an operator.
	Payload map[string]any `json:"payload,omitempty" yaml:"payload,omitempty"`
}

// FieldError is a Verification that cannot be used; Field names the
// offending field as a dotted path ("match.payload./aps/x", "exactly").
type FieldError struct {
	Field string
	Msg   string
}

// Error is "field: message".
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// maxSpec bounds a Verification read from JSON: matchers are small.
const maxSpec = 1 << 20

// Parse reads one Verification from JSON, strictly (no unknown fields,
// no trailing data), and compiles it. Every error is a *FieldError.
func Parse(r io.Reader) (*Matcher, error) {
	v, err := Decode(r)
	if err != nil {
		return nil, err
	}
	return v.Compile()
}

// Decode reads one Verification from JSON as Parse does, without
// compiling it (a caller may add to it first). Every error is a
// *FieldError.
func Decode(r io.Reader) (Verification, error) {
	var v Verification
	data, err := io.ReadAll(io.LimitReader(r, maxSpec+1))
	if err != nil {
		return v, &FieldError{Msg: fmt.Sprintf("reading the matcher: %v", err)}
	}
	if len(data) > maxSpec {
		return v, &FieldError{Msg: fmt.Sprintf("matcher larger than %d bytes", maxSpec)}
	}
	err = decodeStrict(data, &v)
	return v, err
}

// decodeStrict decodes one JSON object into v, naming the field of an
// unknown key or a wrong type.
func decodeStrict(data []byte, v *Verification) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &FieldError{Msg: `empty matcher: expected a JSON object such as {"match": {...}, "exactly": 1}`}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return &FieldError{Msg: "invalid JSON: trailing data after the object"}
		}
		return nil
	}
	var (
		typeErr *json.UnmarshalTypeError
		syntax  *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return &FieldError{Msg: fmt.Sprintf("expected a JSON object, got a JSON %s", typeErr.Value)}
		}
		want := "a string"
		switch k := typeErr.Type.String(); {
		case strings.HasPrefix(k, "map"):
			want = "an object of JSON pointers"
		case strings.Contains(k, "int"):
			want = "a whole number"
		case strings.HasPrefix(k, "verify."):
			want = "an object"
		}
		return &FieldError{Field: typeErr.Field, Msg: fmt.Sprintf("expected %s, got a JSON %s", want, typeErr.Value)}
	case errors.As(err, &syntax):
		return &FieldError{Msg: fmt.Sprintf("invalid JSON at byte %d: %v", syntax.Offset, err)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FieldError{Msg: "invalid JSON: the matcher ends in the middle of a value"}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		if inMatch(data) {
			return &FieldError{Field: "match." + f, Msg: "unknown field; expected one of token, topic, push_type, priority, environment, status, reason, collapse_id, payload"}
		}
		return &FieldError{Field: f, Msg: "unknown field; expected one of match, exactly, at_least, at_most, since"}
	}
	return &FieldError{Msg: fmt.Sprintf("invalid JSON: %v", err)}
}

// inMatch reports whether the unknown field of data is inside match
// (encoding/json does not say where): true when match alone does not
// decode strictly.
func inMatch(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	raw, ok := top["match"]
	if !ok {
		return false
	}
	var m RequestMatch
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	return d.Decode(&m) != nil
}

// Count is the kind of count a Verification asks for.
type Count string

// Counts.
const (
	CountExactly Count = "exactly"
	CountAtLeast Count = "at least"
	CountAtMost  Count = "at most"
)

// Matcher is a compiled Verification, ready to evaluate. It is immutable
// and safe for concurrent use.
type Matcher struct {
	spec    Verification
	count   Count
	n       int
	payload []payloadCond
}

// payloadCond is one compiled payload condition.
type payloadCond struct {
	pointer string
	tokens  []string
	op      string // "equals", "contains", "exists"
	value   any    // normalised JSON (float64, string, bool, nil, []any, map[string]any)
	exists  bool
}

// Compile checks v and compiles it. Every error is a *FieldError.
func (v Verification) Compile() (*Matcher, error) {
	m := &Matcher{spec: v}
	set := 0
	for _, c := range []struct {
		name  string
		kind  Count
		value *int
	}{{"exactly", CountExactly, v.Exactly}, {"at_least", CountAtLeast, v.Minimum}, {"at_most", CountAtMost, v.Maximum}} {
		if c.value == nil {
			continue
		}
		set++
		if *c.value < 0 {
			return nil, &FieldError{Field: c.name, Msg: fmt.Sprintf("%d is negative; expected a count of 0 or more", *c.value)}
		}
		m.count, m.n = c.kind, *c.value
	}
	switch set {
	case 0:
		return nil, &FieldError{Field: "exactly", Msg: "missing count: expected one of exactly, at_least or at_most"}
	case 1:
	default:
		return nil, &FieldError{Field: "exactly", Msg: "more than one count: expected only one of exactly, at_least or at_most"}
	}
	mt := v.Match
	if mt.Priority != 0 && mt.Priority != 1 && mt.Priority != 5 && mt.Priority != 10 {
		return nil, &FieldError{Field: "match.priority", Msg: fmt.Sprintf("%d: expected 1, 5 or 10 (apns.md#H17)", mt.Priority)}
	}
	switch mt.Environment {
	case "", "development", "production":
	default:
		return nil, &FieldError{Field: "match.environment", Msg: fmt.Sprintf("%q: expected development or production", mt.Environment)}
	}
	if mt.Status != 0 && (mt.Status < 100 || mt.Status > 599) {
		return nil, &FieldError{Field: "match.status", Msg: fmt.Sprintf("%d: expected an HTTP status such as 200 or 410", mt.Status)}
	}
	ptrs := make([]string, 0, len(mt.Payload))
	for p := range mt.Payload {
		ptrs = append(ptrs, p)
	}
	sort.Strings(ptrs)
	for _, p := range ptrs {
		field := "match.payload." + p
		tokens, err := ParsePointer(p)
		if err != nil {
			return nil, &FieldError{Field: field, Msg: err.Error()}
		}
		c, err := compileCond(mt.Payload[p])
		if err != nil {
			return nil, &FieldError{Field: field, Msg: err.Error()}
		}
		c.pointer, c.tokens = p, tokens
		m.payload = append(m.payload, c)
	}
	return m, nil
}

// compileCond reads one payload condition.
func compileCond(raw any) (payloadCond, error) {
	v, err := normalize(raw)
	if err != nil {
		return payloadCond{}, err
	}
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != 1 {
		return payloadCond{op: "equals", value: v}, nil
	}
	for k, x := range obj {
		switch k {
		case "equals":
			return payloadCond{op: "equals", value: x}, nil
		case "contains":
			if x == nil {
				return payloadCond{}, errors.New(`"contains" needs a value: a string, a number, an object or an array element`)
			}
			return payloadCond{op: "contains", value: x}, nil
		case "exists":
			b, ok := x.(bool)
			if !ok {
				return payloadCond{}, fmt.Errorf(`"exists" must be true or false, got %s`, render(x))
			}
			return payloadCond{op: "exists", exists: b}, nil
		}
	}
	return payloadCond{op: "equals", value: v}, nil
}

// normalize turns a decoded JSON or YAML value into the types
// encoding/json produces (float64 numbers, map[string]any), so that a
// matcher from a YAML scenario and one from the API compare alike.
func normalize(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("not a JSON value: %v", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("not a JSON value: %v", err)
	}
	return out, nil
}

// ParsePointer splits an RFC 6901 JSON pointer into its reference tokens,
// unescaping ~1 and ~0. "" is the whole document.
func ParsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("%q is not a JSON pointer (RFC 6901): it must be empty or start with /, e.g. /aps/alert/title", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, t := range parts {
		for j := 0; j < len(t); j++ {
			if t[j] != '~' {
				continue
			}
			if j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1') {
				return nil, fmt.Errorf("%q is not a JSON pointer (RFC 6901): ~ must be followed by 0 or 1 (write ~0 for ~ and ~1 for /)", p)
			}
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

// lookup resolves tokens in doc.
func lookup(doc any, tokens []string) (any, bool) {
	cur := doc
	for _, t := range tokens {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[t]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			// RFC 6901: array indexes are decimal without leading zeros.
			if t == "" || (len(t) > 1 && t[0] == '0') {
				return nil, false
			}
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
