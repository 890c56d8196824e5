// Package tui is pushsim's terminal UI: one root model (Model) that owns the
// layout and routes messages, a component per pane (fleet, phone, composer,
// responses, event log, matrix) that returns strings, and one Common value
// with sizes, styles and the key map (STYLE.md section 1).
//
// The TUI never blocks on the network and never imports net/http: sends
// and taps run in tea.Cmds against a Backend, and events arrive as
// messages.
package tui

import (
	"context"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// Backend is the simulated world as the TUI drives it: SimBackend, over
// the in-process harness (HarnessBackend) or a running pushsim serve. The
// interface keeps the TUI's side of that line small.
type Backend interface {
	// Devices is a snapshot of the fleet.
	Devices() []Device
	// Notifications lists what is on a device, newest last.
	Notifications(device string) ([]Shown, error)
	// Send posts one notification through the provider (apns2 over
	// HTTP/2). An error means no answer came.
	Send(ctx context.Context, r Request) (provider.Response, error)
	// Tap answers a notification: an action id, ActionDefault (the body)
	// or ActionDismiss; text is the typed reply; in is the context the
	// user sees it in, since an action can be reached only where it is
	// shown (apns.md#U41); "" means where the notification is now.
	Tap(ctx context.Context, device, apnsID, action, text string, in device.Context) error
	SetLocked(device string, locked bool) error
	SetAppState(device, bundleID string, s device.AppState) error
	SetPermission(device, bundleID string, p device.Permission) error
	// SetOffline takes a device off the network or brings it back
	// (apns.md#T20, T22).
	SetOffline(device string, offline bool) error
	// SetFocus turns a Focus on (name) or off ("") (apns.md#V68).
	SetFocus(device, name string) error
	// SetShowPreviews changes the device's Show Previews setting
	// (apns.md#V71).
	SetShowPreviews(device string, p device.Previews) error
	// Events returns up to max events with Seq > after, and how many
	// were lost from the log's ring before the reader got them.
	Events(after uint64, max int) (events []Event, missed uint64)
	// Subscribe gives coalesced wake-ups when events are appended.
	Subscribe() (wake <-chan struct{}, cancel func())
	// Sends lists the requests the fake APNs answered after seq (a
	// sequence of its own), oldest first, when the backend keeps them
	// (pushsim serve does): what a user's backend sent shows in Responses.
	Sends(after uint64) []SendRecord
	// RecordStart marks where a recording begins.
	RecordStart() RecordMark
	// WriteRecording writes the events after mark as a scenario file at
	// path, with scenarios.Record.
	WriteRecording(mark RecordMark, path string, opts RecordingOptions) error
}

// SendRecord is one request the fake APNs answered, as its server saw it.
type SendRecord struct {
	Seq      uint64
	At       time.Time
	Request  Request
	Response provider.Response
}

// Action ids the TUI taps with besides the app's own.
const (
	ActionDefault = "default"
	ActionDismiss = "dismiss"
)

// Device is one device of the fleet as the fleet pane lists it.
type Device struct {
	Name    string
	Model   string
	Version device.Version
	Locked  bool
	// Apps are copies; the TUI never changes them.
	Apps   []device.App
	Unread int
	// Offline, Focus (its name, "" when none) and ShowPreviews (as set;
	// "" is the model's default) are the device's settings of issue 19.
	Offline      bool
	Focus        string
	ShowPreviews device.Previews
	// Stored counts the notifications APNs holds while it is offline
	// (apns.md#T20).
	Stored int
	// Stacks are Notification Center's groups, newest first
	// (apns.md#V64, V65).
	Stacks []world.Stack
}

// App returns the installed app with bundleID, or nil.
func (d *Device) App(bundleID string) *device.App {
	for i := range d.Apps {
		if d.Apps[i].BundleID == bundleID {
			return &d.Apps[i]
		}
	}
	return nil
}

// Shown is one notification on a device.
type Shown struct {
	ApnsID   string
	App      string
	Received time.Time
	// State is what became of it: "shown", "dismissed", "acted"...
	State string
	// Action is what the user did with it, when acted on.
	Action string
	// Arrival is the context it arrived in ("" when the log did not say).
	Arrival device.Context
	// Payload is the body as sent.
	Payload []byte
	// Presentations are the renderings in every context of the device's
	// version.
	Presentations []device.Presentation
}

// Presentation returns the rendering for ctx, if the version has it.
func (s Shown) Presentation(ctx device.Context) (device.Presentation, bool) {
	for _, p := range s.Presentations {
		if p.Context == ctx {
			return p, true
		}
	}
	return device.Presentation{}, false
}

// Event is one entry of the event log, as sim logged it: the log pane
// draws one line of it, the detail view all of it.
type Event = world.Event

// Request is one notification to send to one device's app: the APNs
// request itself, and where it is meant to land.
type Request struct {
	Device   string
	BundleID string
	// Environment is the APNs environment the request goes to (the app's),
	// or went to (a backend's send): Apple's reasons mean different
	// things in each (apns.md#D03).
	Environment fakeapns.Environment
	provider.Request
}
