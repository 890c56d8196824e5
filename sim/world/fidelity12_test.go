package world

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// setApp changes the default app on the named device before the world is
// built.
func setApp(name string, f func(a *device.App)) func([]*device.Device) {
	return func(fleet []*device.Device) {
		for _, d := range fleet {
			if d.Name == name {
				f(d.Apps[0])
			}
		}
	}
}

// TestTapContexts pins apns.md#U41, U42, U48, U49, U50: where a tap can
// happen and what the system's own buttons do.
func TestTapContexts(t *testing.T) {
	const (
		reschedule = `{"aps":{"alert":"Parcel","category":"delivery_reschedule"}}`
		poll       = `{"aps":{"alert":"Lunch?","category":"poll"}}`
		plain      = `{"aps":{"alert":"Hello"}}`
	)
	alertStyle := func(name string) func([]*device.Device) {
		return setApp(name, func(a *device.App) { a.AlertStyle = device.StyleAlert })
	}
	provisional := setApp("ios12", func(a *device.App) { a.Permission = device.PermissionProvisional })
	tests := []struct {
		name     string
		mutate   func([]*device.Device)
		device   string
		body     string
		taps     [][2]string // action, context; all but the last must succeed
		want     []act
		wantErr  any
		wantMsg  string // part of the error message
		wantPerm device.Permission
	}{
		{name: "U41: iOS 8 banner shows 2 of 3 actions", device: "ios8", body: reschedule,
			taps: [][2]string{{"PICK_DAY", ""}}, wantErr: new(*ActionNotReachableError), wantMsg: "not reachable in the banner"},
		{name: "U41: naming the alert's second step reaches it", device: "ios8", body: reschedule,
			taps: [][2]string{{"PICK_DAY", "alert-options"}},
			want: append([]act{{Kind: EventAppState}}, told2("PICK_DAY", device.CallbackHandleAction)...)}, // a foreground action
		{name: "U41: a context that does not exist", device: "ios8", body: reschedule,
			taps: [][2]string{{"PICK_DAY", "expanded"}}, wantErr: new(*ContextError), wantMsg: "no such context"},
		{name: "U41: iOS 16 banner reaches the expanded view", device: "ios17", body: reschedule,
			taps: [][2]string{{"PICK_DAY", ""}}, want: append([]act{{Kind: EventAppState}}, told2("PICK_DAY", device.CallbackDidReceiveResponse)...)},
		{name: "U42: an action on the alert's first step is refused", mutate: alertStyle("ios8"), device: "ios8", body: poll,
			taps: [][2]string{{"OK", ""}}, wantErr: new(*ActionNotReachableError), wantMsg: "tap system:options first"},
		{name: "U42: Options, then the action", mutate: alertStyle("ios8"), device: "ios8", body: poll,
			taps: [][2]string{{device.ButtonOptions, ""}, {"OK", ""}}, want: told2("OK", device.CallbackHandleAction)},
		{name: "U42: Options is only on the alert", device: "ios8", body: poll,
			taps: [][2]string{{device.ButtonOptions, ""}}, wantErr: new(*ActionNotReachableError), wantMsg: "shown in: alert"},
		{name: "U42: no category, no Options step", mutate: alertStyle("ios9"), device: "ios9", body: plain,
			taps: [][2]string{{device.ButtonOptions, ""}}, wantErr: new(*ActionNotAvailableError)},
		{name: "U48: ok is ambiguous when the app has OK", device: "ios8", body: poll,
			taps: [][2]string{{"ok", ""}}, wantErr: new(*AmbiguousTapError), wantMsg: `"OK"`},
		{name: "U48: ok is ambiguous even where categories are ignored", device: "ios7", body: poll,
			taps: [][2]string{{"ok", ""}}, wantErr: new(*AmbiguousTapError)},
		{name: "U48: system:ok is the legacy dismiss", device: "ios7", body: poll,
			taps: [][2]string{{device.ButtonOK, ""}}, want: []act{{Kind: EventDismissed}}},
		{name: "U48: ok without a colliding action dismisses", device: "ios7", body: plain,
			taps: [][2]string{{"ok", ""}}, want: []act{{Kind: EventDismissed}}},
		{name: "U49: a banner times out, nothing is delivered", device: "ios17", body: `{"aps":{"alert":"x","category":"fraud_alert"}}`,
			taps: [][2]string{{KeyTimeout, ""}}, want: []act{{Kind: EventTimedOut, Action: KeyTimeout}}},
		{name: "U49: only a banner times out", device: "ios18-locked", body: plain,
			taps: [][2]string{{KeyTimeout, ""}}, wantErr: new(*ActionNotAvailableError), wantMsg: "only a banner"},
		{name: "U50: Keep makes the app authorized", mutate: provisional, device: "ios12", body: plain,
			taps: [][2]string{{device.ButtonKeep, ""}}, want: []act{{Kind: EventNote, Action: device.ButtonKeep}}, wantPerm: device.PermissionAuthorized},
		{name: "U50: Turn Off denies", mutate: provisional, device: "ios12", body: plain,
			taps: [][2]string{{device.ButtonTurnOff, ""}}, want: []act{{Kind: EventNote, Action: device.ButtonTurnOff}}, wantPerm: device.PermissionDenied},
		{name: "U50: Keep only on a provisional notification", device: "ios12", body: plain,
			taps: [][2]string{{device.ButtonKeep, ""}}, wantErr: new(*ActionNotAvailableError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t, tt.mutate)
			if err := push(t, w, tt.device, "n1", tt.body); err != nil {
				t.Fatal(err)
			}
			var got []Event
			var err error
			for i, tap := range tt.taps {
				got, err = w.TapIn(context.Background(), tt.device, "n1", tap[0], "", device.Context(tap[1]))
				if i < len(tt.taps)-1 && err != nil {
					t.Fatalf("tap %d (%s): %v", i, tap[0], err)
				}
			}
			if tt.wantErr != nil {
				if !errors.As(err, tt.wantErr) {
					t.Fatalf("error = %v (%T), want %T", err, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("error %q does not contain %q", err, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("tap: %v", err)
			}
			if diff := cmp.Diff(tt.want, acts(got)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if tt.wantPerm != "" {
				dv, _ := w.Device(tt.device)
				if diff := cmp.Diff(tt.wantPerm, dv.Apps[0].Permission); diff != "" {
					t.Errorf("permission (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// told2 is an action and its completion through callback cb.
func told2(id, cb string) []act {
	return []act{{Kind: EventAction, Action: id, Callback: cb}, {Kind: EventCompletion, Action: id, Callback: cb}}
}

// TestActionCallbackByImplements pins apns.md#U45: the callback depends
// on the delegate methods the app has.
func TestActionCallbackByImplements(t *testing.T) {
	const chat = `{"aps":{"alert":"Agent: hello","category":"chat_message"}}`
	tests := []struct {
		name   string
		device string
		impl   []string
		action string
		text   string
		want   []act
		msg    string
	}{
		{name: "iOS 9 app with only the iOS 8 method (seed 000)", device: "ios9", impl: []string{device.ImplementsHandleAction},
			action: "MARK_READ", want: told2("MARK_READ", device.CallbackHandleAction), msg: "withResponseInfo"},
		{name: "iOS 9 typed text is lost without responseInfo", device: "ios9", impl: []string{device.ImplementsHandleAction},
			action: "REPLY", text: "hi", want: told2("REPLY", device.CallbackHandleAction), msg: "lost"},
		{name: "iOS 9 with both methods: responseInfo", device: "ios9", impl: []string{device.ImplementsHandleAction, device.ImplementsResponseInfo},
			action: "MARK_READ", want: told2("MARK_READ", device.CallbackHandleActionResponse)},
		{name: "iOS 15 without a UN delegate: the UIKit method", device: "ios15", impl: []string{device.ImplementsHandleAction},
			action: "MARK_READ", want: told2("MARK_READ", device.CallbackHandleAction), msg: "no UNUserNotificationCenter delegate"},
		{name: "iOS 8 app that implements nothing", device: "ios8", impl: []string{},
			action: "MARK_READ", want: []act{{Kind: EventNote, Action: "MARK_READ"}}, msg: "implements no action callback"},
		{name: "iOS 8 ignores the iOS 9 method", device: "ios8", impl: []string{device.ImplementsResponseInfo},
			action: "MARK_READ", want: []act{{Kind: EventNote, Action: "MARK_READ"}}, msg: "implements no action callback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, clk := testWorld(t, setApp(tt.device, func(a *device.App) { a.Implements = tt.impl }))
			if err := push(t, w, tt.device, "n1", chat); err != nil {
				t.Fatal(err)
			}
			got, err := w.Tap(context.Background(), tt.device, "n1", tt.action, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			a := acts(got)
			for i := range a {
				a[i].Text = "" // compared through the message
			}
			if diff := cmp.Diff(tt.want, a); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if tt.msg != "" && !strings.Contains(got[0].Message, tt.msg) {
				t.Errorf("message %q does not say %q", got[0].Message, tt.msg)
			}
			from := w.Log().Last()
			clk.Advance(DefaultWatchdogLimit + 1)
			for _, ev := range logSince(w, from) {
				if ev.Kind == EventWatchdog {
					t.Errorf("watchdog after an action: %s", ev.Message)
				}
			}
		})
	}
}

// TestDeliveryFidelity pins apns.md#U40, U43, U44, U46, U47 at the
// device: the mixed push, the badge rules, chat open, collapse by version
// and mistyped keys.
func TestDeliveryFidelity(t *testing.T) {
	collapse := func(id string) func(*fakeapns.Notification) {
		return func(n *fakeapns.Notification) { n.CollapseID = id }
	}
	tests := []struct {
		name      string
		mutate    func([]*device.Device)
		device    string
		bodies    []string
		opts      []func(*fakeapns.Notification)
		wantKinds []EventKind // kinds after "delivered" of the last push, in order
		wantBadge int         // the icon's badge afterwards; 0 none
		wantCount int         // notifications on the device
		wantMsg   string      // part of some event's message
	}{
		{name: "U40: mixed push presents and wakes (iOS 9)", device: "ios9",
			bodies:    []string{`{"aps":{"alert":"x","content-available":1}}`},
			wantKinds: []EventKind{EventPresented, EventWake, EventCompletion}, wantCount: 1},
		{name: "U40: mixed push, foreground iOS 15: willPresent and fetch", device: "ios15",
			mutate:    setApp("ios15", func(a *device.App) { a.State = device.AppForeground }),
			bodies:    []string{`{"aps":{"alert":"x","content-available":1}}`},
			wantKinds: []EventKind{EventSuppressed, EventWake, EventCompletion}, wantCount: 1, wantMsg: "willPresent"},
		{name: "U40: mixed push, foreground iOS 9: one fetch call with its completion", device: "ios9",
			mutate:    setApp("ios9", func(a *device.App) { a.State = device.AppForeground }),
			bodies:    []string{`{"aps":{"alert":"x","content-available":1}}`},
			wantKinds: []EventKind{EventSuppressed, EventCompletion}, wantCount: 1},
		{name: "U40/V52: denied hides the alert, the wake still happens", device: "ios15",
			mutate:    setApp("ios15", func(a *device.App) { a.Permission = device.PermissionDenied }),
			bodies:    []string{`{"aps":{"alert":"x","content-available":1}}`},
			wantKinds: []EventKind{EventSuppressed, EventWake, EventCompletion}, wantCount: 1},
		{name: "U43: badge applies when authorized", device: "ios15",
			bodies: []string{`{"aps":{"alert":"x","badge":3}}`}, wantKinds: []EventKind{EventPresented}, wantBadge: 3, wantCount: 1},
		{name: "U43: no badge when denied", device: "ios15",
			mutate: setApp("ios15", func(a *device.App) { a.Permission = device.PermissionDenied }),
			bodies: []string{`{"aps":{"alert":"x","badge":3}}`}, wantKinds: []EventKind{EventSuppressed, EventNote}, wantCount: 1, wantMsg: "badge unchanged"},
		{name: "U43: no badge from a badge-only push when not determined (iOS 8)", device: "ios8",
			mutate: setApp("ios8", func(a *device.App) { a.Permission = device.PermissionNotDetermined }),
			bodies: []string{`{"aps":{"badge":3}}`}, wantKinds: []EventKind{EventNote, EventSuppressed}, wantCount: 1},
		{name: "U43: no badge for provisional delivery", device: "ios12",
			mutate: setApp("ios12", func(a *device.App) { a.Permission = device.PermissionProvisional }),
			bodies: []string{`{"aps":{"alert":"x","badge":3}}`}, wantKinds: []EventKind{EventPresented, EventNote}, wantCount: 1},
		{name: "U43: foreground iOS 9: the app decides", device: "ios9",
			mutate: setApp("ios9", func(a *device.App) { a.State = device.AppForeground }),
			bodies: []string{`{"aps":{"alert":"x","badge":3}}`}, wantKinds: []EventKind{EventSuppressed, EventNote, EventCompletion}, wantCount: 1, wantMsg: "app's own code"},
		{name: "U43: foreground iOS 15 with .badge", device: "ios15",
			mutate: setApp("ios15", func(a *device.App) {
				a.State, a.ForegroundPresentation = device.AppForeground, []string{device.PresentBanner, device.PresentBadge}
			}),
			bodies: []string{`{"aps":{"alert":"x","badge":3}}`}, wantKinds: []EventKind{EventPresented}, wantBadge: 3, wantCount: 1},
		{name: "U44: chat open before iOS 10: the app is told", device: "ios9",
			mutate: setApp("ios9", func(a *device.App) { a.State, a.ChatOpen = device.AppForeground, true }),
			bodies: []string{`{"aps":{"alert":"x"}}`}, wantKinds: []EventKind{EventSuppressed, EventCompletion}, wantCount: 1, wantMsg: "the app's decision"},
		{name: "U46: collapse-id replaces on iOS 10+", device: "ios15", opts: []func(*fakeapns.Notification){collapse("score")},
			bodies: []string{`{"aps":{"alert":"1-0"}}`, `{"aps":{"alert":"2-0"}}`}, wantKinds: []EventKind{EventNote, EventPresented}, wantCount: 1, wantMsg: "replaces"},
		{name: "U46: collapse-id does not replace on iOS 9", device: "ios9", opts: []func(*fakeapns.Notification){collapse("score")},
			bodies: []string{`{"aps":{"alert":"1-0"}}`, `{"aps":{"alert":"2-0"}}`}, wantKinds: []EventKind{EventNote, EventPresented}, wantCount: 2, wantMsg: "shows each push separately"},
		{name: "U47: a string badge is ignored, the alert is shown", device: "ios15",
			bodies: []string{`{"aps":{"alert":"x","badge":"3"}}`}, wantKinds: []EventKind{EventNote, EventPresented}, wantCount: 1, wantMsg: "ignores this key"},
		{name: "U47: a numeric category is ignored: no actions", device: "ios15",
			bodies: []string{`{"aps":{"alert":"x","category":5,"sound":1}}`}, wantKinds: []EventKind{EventNote, EventNote, EventPresented}, wantCount: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t, tt.mutate)
			var from uint64
			for i, body := range tt.bodies {
				from = w.Log().Last()
				if err := push(t, w, tt.device, "n"+string(rune('1'+i)), body, tt.opts...); err != nil {
					t.Fatal(err)
				}
			}
			var kinds []EventKind
			msgs := ""
			seen := false
			for _, ev := range logSince(w, from) {
				msgs += ev.Message + "\n"
				if ev.Kind == EventDelivered {
					seen = true
					continue
				}
				if seen && ev.Kind != EventAppState {
					kinds = append(kinds, ev.Kind)
				}
			}
			if diff := cmp.Diff(tt.wantKinds, kinds); diff != "" {
				t.Errorf("events after delivery (-want +got):\n%s\n%s", diff, msgs)
			}
			if tt.wantMsg != "" && !strings.Contains(msgs, tt.wantMsg) {
				t.Errorf("no event says %q:\n%s", tt.wantMsg, msgs)
			}
			dv, _ := w.Device(tt.device)
			if diff := cmp.Diff(tt.wantBadge, dv.Badges[device.DefaultBundleID]); diff != "" {
				t.Errorf("badge (-want +got):\n%s", diff)
			}
			notes, _ := w.Notifications(tt.device)
			if diff := cmp.Diff(tt.wantCount, len(notes)); diff != "" {
				t.Errorf("notifications on the device (-want +got):\n%s", diff)
			}
		})
	}
}
