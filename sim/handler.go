package sim

import "time"

// Handler scripts the app's code: what it does when the user answers a
// notification. Keys of Actions are action identifiers, "default" (a tap
// on the body) or "dismiss"; "*" applies to any identifier not listed.
type Handler struct {
	Actions map[string]Script `json:"actions,omitempty" yaml:"actions,omitempty"`
}

// Completion says when the app calls the completion handler it was given.
type Completion string

// Completion behaviours (apns.md#C01–C03, U16).
const (
	CompleteAfter Completion = "after" // after Script.Delay (0 = at once)
	CompleteNever Completion = "never" // the watchdog ends the app
	CompleteTwice Completion = "twice" // called a second time: a warning
)

// Script is what the app does for one action identifier.
type Script struct {
	Complete Completion    `json:"complete,omitempty" yaml:"complete,omitempty"`
	Delay    time.Duration `json:"delay,omitempty" yaml:"delay,omitempty"`
	// DeepLink is a URL the app opens.
	DeepLink string `json:"deep_link,omitempty" yaml:"deep_link,omitempty"`
	// Webhook is a URL the app POSTs the action id and typed text to.
	Webhook string `json:"webhook,omitempty" yaml:"webhook,omitempty"`
	// OpenChat marks the app's chat screen visible afterwards.
	OpenChat bool `json:"open_chat,omitempty" yaml:"open_chat,omitempty"`
}
