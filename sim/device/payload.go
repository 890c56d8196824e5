package device

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Notification is one notification as a device receives it: the payload
// and the APNs headers that shape its delivery.
type Notification struct {
	ApnsID     string    `json:"apns_id"`
	Topic      string    `json:"topic"`
	PushType   string    `json:"push_type,omitempty"`
	Priority   int       `json:"priority"`
	CollapseID string    `json:"collapse_id,omitempty"`
	Payload    Payload   `json:"payload"`
	ReceivedAt time.Time `json:"received_at"`
	// Expiration is apns-expiration: the zero time when absent or 0;
	// ExpirationSet tells "0" (no storage) from absent (apns.md#H16, T21).
	Expiration    time.Time `json:"expiration,omitzero"`
	ExpirationSet bool      `json:"expiration_set,omitempty"`
	// Attachments are added by the app's service extension (apns.md#V62).
	Attachments []string `json:"attachments,omitempty"`
	// ServiceExtension is what the app's service extension did with it:
	// ExtensionModified, ExtensionTimedOut, or empty when none ran
	// (apns.md#V60, V61).
	ServiceExtension string `json:"service_extension,omitempty"`
	// Ignored are the aps keys of the wrong type the device left out
	// (ParseDeliverable, apns.md#U47), as messages.
	Ignored []string `json:"ignored,omitempty"`
}

// Payload is a parsed notification body (apns.md section 3).
type Payload struct {
	Aps Aps `json:"aps"`
	// HasAps is false when the body has no "aps" key at all.
	HasAps bool `json:"-"`
	// Custom holds the keys outside "aps" (apns.md#P01).
	Custom map[string]json.RawMessage `json:"-"`
	// Raw is the body exactly as received.
	Raw json.RawMessage `json:"-"`
}

// Aps is the "aps" dictionary (apns.md#P05–P18).
type Aps struct {
	Alert             *Alert          `json:"-"`
	Badge             *int            `json:"badge,omitempty"`
	Sound             string          `json:"-"`
	Category          string          `json:"category,omitempty"`
	ThreadID          string          `json:"thread-id,omitempty"`
	ContentAvailable  int             `json:"content-available,omitempty"`
	MutableContent    int             `json:"mutable-content,omitempty"`
	InterruptionLevel string          `json:"interruption-level,omitempty"`
	TargetContentID   string          `json:"target-content-id,omitempty"`
	RawAlert          json.RawMessage `json:"alert,omitempty"`
	RawSound          json.RawMessage `json:"sound,omitempty"`
	// CriticalSound is set by a sound dictionary with "critical": 1
	// (iOS 12+, apns.md#P08).
	CriticalSound bool `json:"-"`
	// RelevanceScore is aps.relevance-score (apns.md#P15), nil when absent.
	RelevanceScore *float64 `json:"relevance-score,omitempty"`
	// FilterCriteria is aps.filter-criteria (apns.md#P16).
	FilterCriteria string `json:"filter-criteria,omitempty"`
	// Keys lists every key present in aps, sorted, so that lint can flag
	// unknown ones (apns.md#P04).
	Keys []string `json:"-"`
}

// Alert is aps.alert, from a string (the body) or a dictionary
// (apns.md#P05, P06).
type Alert struct {
	Title           string   `json:"title,omitempty"`
	TitleLocKey     string   `json:"title-loc-key,omitempty"`
	TitleLocArgs    []string `json:"title-loc-args,omitempty"`
	Subtitle        string   `json:"subtitle,omitempty"`
	SubtitleLocKey  string   `json:"subtitle-loc-key,omitempty"`
	SubtitleLocArgs []string `json:"subtitle-loc-args,omitempty"`
	Body            string   `json:"body,omitempty"`
	LocKey          string   `json:"loc-key,omitempty"`
	LocArgs         []string `json:"loc-args,omitempty"`
	// ActionLocKey renames the legacy "View" button; ActionLocKeyNull is
	// set when the key was JSON null, which leaves a single OK button
	// (apns.md#V20).
	ActionLocKey     string `json:"action-loc-key,omitempty"`
	ActionLocKeyNull bool   `json:"-"`
	LaunchImage      string `json:"launch-image,omitempty"`
	// SummaryArg and SummaryArgCount feed grouped summaries (12+,
	// apns.md#P06).
	SummaryArg      string `json:"summary-arg,omitempty"`
	SummaryArgCount int    `json:"summary-arg-count,omitempty"`
	// Keys lists every key of the alert dictionary, sorted; empty for a
	// string alert.
	Keys []string `json:"-"`
}

// SyntaxError is a payload that is not valid JSON, with the line and
// column of the problem.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// FieldError is a payload key with a value of the wrong shape, such as a
// string badge.
type FieldError struct {
	// Field is the key's path, e.g. "aps.badge".
	Field string
	// Row is the apns.md row that defines the key.
	Row string
	Msg string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%q %s (apns.md#%s)", e.Field, e.Msg, e.Row)
}

// LocArgsError is a malformed loc-args list: not an array of strings, or
// shorter than its format needs (apns.md#P06).
type LocArgsError struct {
	// Field is the list's path ("aps.alert.loc-args") or, from Localize,
	// the localization key.
	Field string
	// Index is the offending element, or the 1-based argument the format
	// asks for; -1 when the whole value is wrong.
	Index int
	Msg   string
}

func (e *LocArgsError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("%s[%d]: %s (apns.md#P06)", e.Field, e.Index, e.Msg)
	}
	return fmt.Sprintf("%s: %s (apns.md#P06)", e.Field, e.Msg)
}

// ParsePayload parses a notification body. Invalid JSON gives a
// *SyntaxError; a top level or "aps" that is not an object gives a
// *FieldError, a malformed loc-args list a *LocArgsError, any other key of
// the wrong type a *FieldError. On error the returned Payload still holds
// everything that could be read.
func ParsePayload(b []byte) (Payload, error) {
	p, errs := ParsePayloadAll(b)
	if len(errs) > 0 {
		return p, errs[0]
	}
	return p, nil
}

// ParseDeliverable parses a body the way a device reads it: a key of the
// wrong type inside aps ("badge":"3", "sound":1, "category":5) is left out
// and reported in ignored, and the rest is delivered (apns.md#U47). err is
// set only when nothing can be delivered: invalid JSON, a body or aps that
// is not an object, a malformed loc-args list (apns.md#U02).
func ParseDeliverable(b []byte) (p Payload, ignored []*FieldError, err error) {
	p, errs := ParsePayloadAll(b)
	for _, e := range errs {
		var fe *FieldError
		if errors.As(e, &fe) && strings.HasPrefix(fe.Field, "aps.") {
			ignored = append(ignored, fe)
			continue
		}
		if err == nil {
			err = e
		}
	}
	return p, ignored, err
}

// IgnoredMessages words ParseDeliverable's ignored keys for the log.
func IgnoredMessages(ignored []*FieldError) []string {
	out := make([]string, 0, len(ignored))
	for _, fe := range ignored {
		out = append(out, fe.Error()+": the device ignores this key and delivers the rest (apns.md#U47)")
	}
	return out
}

// ParsePayloadAll reads as much of b as it can and returns every problem, so
// that lint can report them all.
func ParsePayloadAll(b []byte) (Payload, []error) {
	return parsePayload(b, json.Valid(b))
}

// parsePayload is ParsePayloadAll; valid says that b is valid JSON, so
// that its objects can be split into fields without decoding them again
// (objectFields). The decoder's path (valid false) gives the same result
// and the errors of invalid JSON (FuzzParsePayloadPaths).
func parsePayload(b []byte, valid bool) (Payload, []error) {
	p := Payload{Raw: append(json.RawMessage(nil), b...)}
	var top map[string]json.RawMessage
	if err := objectFields(p.Raw, &top, valid); err != nil {
		return p, []error{jsonError(b, err)}
	}
	if top == nil {
		return p, []error{&FieldError{Field: "payload", Row: "P01", Msg: "is not a JSON object"}}
	}
	rawAps, ok := top["aps"]
	delete(top, "aps")
	p.Custom = top
	if !ok {
		return p, nil
	}
	p.HasAps = true
	var keys map[string]json.RawMessage
	if err := objectFields(rawAps, &keys, valid); err != nil || keys == nil {
		return p, []error{&FieldError{Field: "aps", Row: "P01", Msg: "is not a JSON object"}}
	}
	var errs []error
	fail := func(err error) { errs = append(errs, err) }
	p.Aps.Keys = sortedKeys(keys)
	for _, k := range p.Aps.Keys {
		v := keys[k]
		switch k {
		case "alert":
			p.Aps.RawAlert = v
			if !isNull(v) {
				a, aerrs := parseAlert(v, valid)
				p.Aps.Alert = a
				errs = append(errs, aerrs...)
			}
		case "badge":
			var n int
			if err := json.Unmarshal(v, &n); err != nil {
				fail(&FieldError{Field: "aps.badge", Row: "P07", Msg: "must be an integer"})
			} else {
				p.Aps.Badge = &n
			}
		case "sound":
			p.Aps.RawSound = v
			if err := parseSound(v, &p.Aps); err != nil {
				fail(err)
			}
		case "category":
			decodeString(v, "aps.category", "P10", &p.Aps.Category, fail)
		case "thread-id":
			decodeString(v, "aps.thread-id", "P09", &p.Aps.ThreadID, fail)
		case "interruption-level":
			decodeString(v, "aps.interruption-level", "P14", &p.Aps.InterruptionLevel, fail)
		case "target-content-id":
			decodeString(v, "aps.target-content-id", "P13", &p.Aps.TargetContentID, fail)
		case "filter-criteria":
			decodeString(v, "aps.filter-criteria", "P16", &p.Aps.FilterCriteria, fail)
		case "content-available":
			decodeFlag(v, "aps.content-available", "P11", &p.Aps.ContentAvailable, fail)
		case "mutable-content":
			decodeFlag(v, "aps.mutable-content", "P12", &p.Aps.MutableContent, fail)
		case "relevance-score":
			var f float64
			if err := json.Unmarshal(v, &f); err != nil {
				fail(&FieldError{Field: "aps.relevance-score", Row: "P15", Msg: "must be a number"})
			} else {
				p.Aps.RelevanceScore = &f
			}
		}
	}
	return p, errs
}

func parseSound(v json.RawMessage, aps *Aps) error {
	var name string
	if json.Unmarshal(v, &name) == nil {
		aps.Sound = name
		return nil
	}
	var critical struct {
		Critical int     `json:"critical"`
		Name     string  `json:"name"`
		Volume   float64 `json:"volume"`
	}
	if err := json.Unmarshal(v, &critical); err != nil {
		return &FieldError{Field: "aps.sound", Row: "P08", Msg: "must be a string or a dictionary {critical, name, volume}"}
	}
	aps.Sound, aps.CriticalSound = critical.Name, critical.Critical == 1
	return nil
}

func parseAlert(raw json.RawMessage, valid bool) (*Alert, []error) {
	var body string
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '"' && unmarshalString(raw, &body) == nil {
		return &Alert{Body: body}, nil
	}
	var keys map[string]json.RawMessage
	if err := objectFields(raw, &keys, valid); err != nil || keys == nil {
		return nil, []error{&FieldError{Field: "aps.alert", Row: "P05", Msg: "must be a string or a dictionary"}}
	}
	a := &Alert{Keys: sortedKeys(keys)}
	var errs []error
	fail := func(err error) { errs = append(errs, err) }
	str := func(k string, dst *string) { decodeString(keys[k], "aps.alert."+k, "P06", dst, fail) }
	for _, k := range a.Keys {
		v := keys[k]
		switch k {
		case "title":
			str(k, &a.Title)
		case "title-loc-key":
			str(k, &a.TitleLocKey)
		case "title-loc-args":
			a.TitleLocArgs = decodeLocArgs(v, "aps.alert."+k, fail)
		case "subtitle":
			str(k, &a.Subtitle)
		case "subtitle-loc-key":
			str(k, &a.SubtitleLocKey)
		case "subtitle-loc-args":
			a.SubtitleLocArgs = decodeLocArgs(v, "aps.alert."+k, fail)
		case "body":
			str(k, &a.Body)
		case "loc-key":
			str(k, &a.LocKey)
		case "loc-args":
			a.LocArgs = decodeLocArgs(v, "aps.alert."+k, fail)
		case "action-loc-key":
			// JSON null is meaningful here: a single OK button (apns.md#V20).
			if isNull(v) {
				a.ActionLocKeyNull = true
			} else {
				decodeString(v, "aps.alert.action-loc-key", "V20", &a.ActionLocKey, fail)
			}
		case "launch-image":
			str(k, &a.LaunchImage)
		case "summary-arg":
			str(k, &a.SummaryArg)
		case "summary-arg-count":
			if err := json.Unmarshal(v, &a.SummaryArgCount); err != nil {
				fail(&FieldError{Field: "aps.alert.summary-arg-count", Row: "P06", Msg: "must be an integer"})
			}
		}
	}
	return a, errs
}

// decodeLocArgs reads a loc-args list; anything but an array of strings is
// a *LocArgsError, never a panic.
func decodeLocArgs(v json.RawMessage, field string, fail func(error)) []string {
	if isNull(v) {
		return nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(v, &elems); err != nil {
		fail(&LocArgsError{Field: field, Index: -1, Msg: "must be an array of strings"})
		return nil
	}
	out := make([]string, 0, len(elems))
	for i, e := range elems {
		var s string
		if err := unmarshalString(e, &s); err != nil {
			fail(&LocArgsError{Field: field, Index: i, Msg: fmt.Sprintf("must be a string, got %s", clip(e))})
			s = string(e)
		}
		out = append(out, s)
	}
	return out
}

func decodeString(v json.RawMessage, field, row string, dst *string, fail func(error)) {
	if err := unmarshalString(v, dst); err != nil {
		fail(&FieldError{Field: field, Row: row, Msg: "must be a string"})
	}
}

// decodeFlag reads content-available / mutable-content: Apple documents
// the number 1; any other value (0, true, "1") does not set the flag.
func decodeFlag(v json.RawMessage, field, row string, dst *int, fail func(error)) {
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		fail(&FieldError{Field: field, Row: row, Msg: "must be the number 1"})
		return
	}
	if f == 1 {
		*dst = 1
	}
}

// objectFields is json.Unmarshal(v, dst) into a map of raw fields. When v
// is part of a document already known to be valid JSON and is an object,
// it is split by gjson, which walks the bytes once without decoding or
// copying them: the values alias v. Keys are decoded as encoding/json
// decodes them (unmarshalString); a key given twice keeps its last value,
// as encoding/json's map does. Anything else goes to encoding/json, for
// its result and its errors.
func objectFields(v json.RawMessage, dst *map[string]json.RawMessage, valid bool) error {
	r := gjson.ParseBytes(v)
	if !valid || !r.IsObject() {
		return json.Unmarshal(v, dst)
	}
	m := make(map[string]json.RawMessage)
	var err error
	r.ForEach(func(key, value gjson.Result) bool {
		var k string
		if err = unmarshalString(json.RawMessage(key.Raw), &k); err != nil {
			return false
		}
		// Raw is a substring of v: slice v rather than copy it, when
		// gjson knows where (Index 0 means it does not; no value of an
		// object starts there).
		if i, n := value.Index, len(value.Raw); i > 0 && i+n <= len(v) && string(v[i:i+n]) == value.Raw {
			m[k] = v[i : i+n : i+n]
		} else {
			m[k] = json.RawMessage(value.Raw)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("object key: %w", err)
	}
	*dst = m
	return nil
}

// unmarshalString is json.Unmarshal(v, dst) for a string, without the
// decoder for the common case: a quoted string with no escape, no control
// character and valid UTF-8, whose value is its bytes. Every push a
// simulated device receives goes through here several times
// (FuzzUnmarshalString holds it to encoding/json).
func unmarshalString(v json.RawMessage, dst *string) error {
	if n := len(v); n >= 2 && v[0] == '"' && v[n-1] == '"' {
		inner := v[1 : n-1]
		plain := utf8.Valid(inner)
		for _, c := range inner {
			if c < 0x20 || c == '"' || c == '\\' {
				plain = false
				break
			}
		}
		if plain {
			*dst = string(inner)
			return nil
		}
	}
	return json.Unmarshal(v, dst)
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

func sortedKeys(m map[string]json.RawMessage) []string {
	return slices.Sorted(maps.Keys(m))
}

// clip shortens a raw JSON value for an error message.
func clip(v json.RawMessage) string {
	const max = 20
	if len(v) > max {
		return string(v[:max]) + "…"
	}
	return string(v)
}

// jsonError turns encoding/json's error into a SyntaxError with a line and
// column where it has an offset.
func jsonError(b []byte, err error) error {
	var off int64 = -1
	msg := err.Error()
	switch e := err.(type) {
	case *json.SyntaxError:
		// Offset counts the bytes read, including the offending one.
		off = e.Offset
		if off > 0 && off <= int64(len(b)) {
			off--
		}
	case *json.UnmarshalTypeError:
		off = e.Offset
		msg = "payload is not a JSON object (apns.md#P01)"
	}
	if off < 0 {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	line, col := LineCol(b, off)
	return &SyntaxError{Line: line, Column: col, Msg: msg}
}

// LineCol converts a byte offset in b to a 1-based line and column.
func LineCol(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col = 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
