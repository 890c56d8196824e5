package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
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
}

// Payload is a parsed notification body (apns.md section 3).
type Payload struct {
	Aps Aps `json:"aps"`
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
	// Keys lists every key present in aps, in any order, so that lint can
	// flag unknown ones (apns.md#P04).
	Keys []string `json:"-"`
}

// Alert is aps.alert, from a string (the body) or a dictionary
// (apns.md#P05, P06).
type Alert struct {
	Title        string   `json:"title,omitempty"`
	TitleLocKey  string   `json:"title-loc-key,omitempty"`
	TitleLocArgs []string `json:"title-loc-args,omitempty"`
	Subtitle     string   `json:"subtitle,omitempty"`
	Body         string   `json:"body,omitempty"`
	LocKey       string   `json:"loc-key,omitempty"`
	LocArgs      []string `json:"loc-args,omitempty"`
	// ActionLocKey renames the legacy "View" button; ActionLocKeyNull is
	// set when the key was JSON null, which leaves a single OK button
	// (apns.md#V20).
	ActionLocKey     string `json:"action-loc-key,omitempty"`
	ActionLocKeyNull bool   `json:"-"`
	LaunchImage      string `json:"launch-image,omitempty"`
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

// ParsePayload parses a notification body. Invalid JSON gives a
// *SyntaxError; a top level that is not an object, or an "aps" that is not
// an object, gives a plain error.
func ParsePayload(b []byte) (Payload, error) {
	p := Payload{Raw: append(json.RawMessage(nil), b...)}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return p, jsonError(b, err)
	}
	if top == nil {
		return p, fmt.Errorf("payload is not a JSON object (apns.md#P01)")
	}
	rawAps, ok := top["aps"]
	delete(top, "aps")
	p.Custom = top
	if !ok {
		return p, nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(rawAps, &keys); err != nil || keys == nil {
		return p, fmt.Errorf(`"aps" is not a JSON object (apns.md#P01)`)
	}
	for k := range keys {
		p.Aps.Keys = append(p.Aps.Keys, k)
	}
	if err := json.Unmarshal(rawAps, &p.Aps); err != nil {
		return p, fmt.Errorf(`"aps": %w`, err)
	}
	if len(p.Aps.RawAlert) > 0 && !bytes.Equal(p.Aps.RawAlert, []byte("null")) {
		a, err := parseAlert(p.Aps.RawAlert)
		if err != nil {
			return p, err
		}
		p.Aps.Alert = a
	}
	if len(p.Aps.RawSound) > 0 {
		var name string
		if json.Unmarshal(p.Aps.RawSound, &name) == nil {
			p.Aps.Sound = name
		} else {
			var critical struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(p.Aps.RawSound, &critical); err != nil {
				return p, fmt.Errorf(`"aps.sound" must be a string or a dictionary (apns.md#P08)`)
			}
			p.Aps.Sound = critical.Name
		}
	}
	return p, nil
}

func parseAlert(raw json.RawMessage) (*Alert, error) {
	var body string
	if json.Unmarshal(raw, &body) == nil {
		return &Alert{Body: body}, nil
	}
	var a Alert
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf(`"aps.alert" must be a string or a dictionary (apns.md#P05): %v`, err)
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(raw, &keys)
	if v, ok := keys["action-loc-key"]; ok && bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		a.ActionLocKeyNull = true
	}
	return &a, nil
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
