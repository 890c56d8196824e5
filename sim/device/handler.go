package device

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Handler scripts the app's code: what it does when the user answers a
// notification. Keys of Actions are action identifiers, "default" (a tap
// on the body), "dismiss", or "fetch" (a silent push, apns.md#C05); "*"
// applies to any identifier not listed. With no script at all the app
// completes at once.
type Handler struct {
	// Actions are the app's scripts by action identifier, or default,
	// dismiss, fetch, or * for any other.
	Actions map[string]Script `json:"actions,omitempty" yaml:"actions,omitempty"`
	// Routes are tried in order before Actions, like an SDK's
	// canHandleNotification(with:) (seed 002: ASAPP): the first route whose
	// When matches the notification's userInfo and that has a script for
	// the identifier (or "*") handles it.
	Routes []Route `json:"routes,omitempty" yaml:"routes,omitempty"`
	// WillPresent is a short form of App.ForegroundPresentation: what the
	// app's willPresent returns while it is in the foreground on iOS 10+
	// (apns.md#V45): "banner" (banner, sound and badge) or "none". Empty
	// means none, as for an app with no delegate; ForegroundPresentation,
	// when set, wins.
	WillPresent string `json:"will_present,omitempty" yaml:"will_present,omitempty"`
}

// Handler keys with a meaning of their own.
const (
	KeyDefault = "default" // a tap on the body
	KeyDismiss = "dismiss" // a dismissal reported to the app
	KeyFetch   = "fetch"   // a silent push's fetchCompletionHandler
	KeyAny     = "*"       // any identifier not listed
)

// Handler.WillPresent values.
const (
	// WillPresentNone: the app shows nothing while in the foreground.
	WillPresentNone = "none"
	// WillPresentBanner: the app shows a banner with sound and badge.
	WillPresentBanner = "banner"
)

// Route is a part of the app's code that handles only the notifications
// its When matches.
type Route struct {
	// Name labels the route in events; its When key by default.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// When is the test of the notification's userInfo the route handles.
	When Match `json:"when" yaml:"when"`
	// Actions are the route's scripts by action identifier, as in
	// Handler.Actions.
	Actions map[string]Script `json:"actions" yaml:"actions"`
}

// Match tests the notification's userInfo (the whole payload, custom keys
// included, apns.md#P04). Key is a dotted path such as "asapp.type" or
// "aps.category"; with Equals empty the key only has to be present,
// otherwise its value (a string, or the JSON text of any other value) must
// equal Equals.
type Match struct {
	// Key is a dotted path into the payload, such as asapp.type.
	Key string `json:"key" yaml:"key"`
	// Equals is the value the key must have; when empty, the key only has
	// to be present.
	Equals string `json:"equals,omitempty" yaml:"equals,omitempty"`
}

// Matches reports whether the payload's userInfo satisfies m. An empty Key
// matches everything.
func (m Match) Matches(p Payload) bool {
	if m.Key == "" {
		return true
	}
	raw, ok := LookupPath(p.Raw, m.Key)
	if len(p.Raw) == 0 {
		// A Payload built in code has no Raw: start from its custom keys.
		first, rest, nested := strings.Cut(m.Key, ".")
		raw, ok = p.Custom[first]
		if ok && nested {
			raw, ok = LookupPath(raw, rest)
		}
	}
	if !ok {
		return false
	}
	if m.Equals == "" {
		return true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == m.Equals
	}
	return string(bytes.TrimSpace(raw)) == m.Equals
}

// LookupPath walks a dotted path through nested JSON objects.
func LookupPath(doc json.RawMessage, path string) (json.RawMessage, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		var obj map[string]json.RawMessage
		if json.Unmarshal(cur, &obj) != nil || obj == nil {
			return nil, false
		}
		next, ok := obj[part]
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// Script returns the script for key (an action identifier or one of the
// Key constants) for a notification with payload p, and the name of the
// route that chose it ("" for Actions).
func (h Handler) Script(key string, p Payload) (Script, string) {
	for _, r := range h.Routes {
		if !r.When.Matches(p) {
			continue
		}
		if s, ok := pick(r.Actions, key); ok {
			name := r.Name
			if name == "" {
				name = r.When.Key
			}
			return s, name
		}
	}
	s, _ := pick(h.Actions, key)
	return s, ""
}

func pick(m map[string]Script, key string) (Script, bool) {
	if s, ok := m[key]; ok {
		return s, true
	}
	s, ok := m[KeyAny]
	return s, ok
}

// Completion says when the app calls the completion handler it was given.
type Completion string

// Completion behaviours (apns.md#C01–C03, U16). The empty value means
// CompleteAfter.
const (
	CompleteAfter Completion = "after" // after Script.Delay (0 = at once)
	CompleteNever Completion = "never" // the watchdog ends the app
	CompleteTwice Completion = "twice" // called a second time: a warning
)

// Script is what the app does for one action identifier.
type Script struct {
	// Complete is when the app calls its completion handler: after Delay
	// (the default), never (the watchdog ends the app) or twice.
	Complete Completion `json:"complete,omitempty" yaml:"complete,omitempty"`
	// Delay is how long the app works before it completes (e.g. 2s).
	Delay time.Duration `json:"delay,omitempty" yaml:"delay,omitempty"`
	// DeepLink is a URL the app opens.
	DeepLink string `json:"deep_link,omitempty" yaml:"deep_link,omitempty"`
	// Webhook is a URL the app POSTs the action id and typed text to.
	Webhook string `json:"webhook,omitempty" yaml:"webhook,omitempty"`
	// OpenChat marks the app's chat screen visible afterwards.
	OpenChat bool `json:"open_chat,omitempty" yaml:"open_chat,omitempty"`
}
