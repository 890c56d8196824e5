package world

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

// act is an event reduced for interaction tables.
type act struct {
	Kind     EventKind
	Action   string `json:",omitempty"`
	Text     string `json:",omitempty"`
	Callback string `json:",omitempty"`
}

func acts(events []Event) []act {
	out := make([]act, len(events))
	for i, e := range events {
		out[i] = act{Kind: e.Kind, Action: e.Action, Text: e.Text, Callback: e.Callback}
	}
	return out
}

func TestTap(t *testing.T) {
	const (
		chat   = `{"aps":{"alert":"Agent: hello","category":"chat_message"}}`
		fraud  = `{"aps":{"alert":"Was it you?","category":"fraud_alert"}}`
		poll   = `{"aps":{"alert":"Lunch?","category":"poll"}}`
		pay    = `{"aps":{"alert":"Bill due","category":"payment_reminder"}}`
		big    = `{"aps":{"alert":"Pick","category":"big"}}`
		unDef  = device.UNNotificationDefaultActionIdentifier
		unDism = device.UNNotificationDismissActionIdentifier
	)
	appState := act{Kind: EventAppState}
	unlock := func(id string) act { return act{Kind: EventUnlock, Action: id} }
	told := func(id, text, cb string) []act {
		return []act{{Kind: EventAction, Action: id, Text: text, Callback: cb}, {Kind: EventCompletion, Action: id, Callback: cb}}
	}
	cat5 := func(f []*device.Device) {
		c := device.Category{ID: "big"}
		for _, id := range []string{"A1", "A2", "A3", "A4", "A5"} {
			c.Actions = append(c.Actions, device.Action{ID: id, Title: id})
		}
		for _, d := range f {
			d.Apps[0].Categories = append(d.Apps[0].Categories, c)
		}
	}
	tests := []struct {
		name         string
		device       string
		state        device.AppState // "" leaves the default (background)
		body         string
		action, text string
		want         []act
		wantErr      any // pointer to the error type wanted
	}{
		{name: "iOS 8 background action (apns.md#V34)", device: "ios8", body: chat, action: "MARK_READ",
			want: told("MARK_READ", "", device.CallbackHandleAction)},
		{name: "iOS 8 action launches a not-running app in the background", device: "ios8", state: device.AppNotRunning, body: chat, action: "MARK_READ",
			want: append([]act{appState}, told("MARK_READ", "", device.CallbackHandleAction)...)},
		{name: "iOS 9 reply in responseInfo (apns.md#V34)", device: "ios9", body: chat, action: "REPLY", text: "on my way",
			want: told("REPLY", "on my way", device.CallbackHandleActionResponse)},
		{name: "iOS 10 reply as userText (apns.md#V43)", device: "ios10", body: chat, action: "REPLY", text: "ok",
			want: told("REPLY", "ok", device.CallbackDidReceiveResponse)},
		{name: "iOS 10 body tap (apns.md#V44)", device: "ios10", body: chat, action: device.KeyDefault,
			want: append([]act{appState}, told(unDef, "", device.CallbackDidReceiveResponse)...)},
		{name: "iOS 10 body tap by its UN identifier", device: "ios10", body: chat, action: unDef,
			want: append([]act{appState}, told(unDef, "", device.CallbackDidReceiveResponse)...)},
		{name: "iOS 6 body tap, app not running: launch (apns.md#V26)", device: "ios6", state: device.AppNotRunning, body: poll, action: device.KeyDefault,
			want: []act{appState, {Kind: EventAction, Action: device.KeyDefault, Callback: device.CallbackLaunch}}},
		{name: "iOS 6 View button, app in background (apns.md#V25)", device: "ios6", body: poll, action: device.ButtonView,
			want: []act{appState, {Kind: EventAction, Action: device.KeyDefault, Callback: string(device.CallbackDidReceiveRemote) + " (state inactive)"}}},
		{name: "iOS 7 body tap, app not running: launch then fetch handler", device: "ios7", state: device.AppNotRunning, body: poll, action: device.KeyDefault,
			want: append([]act{appState}, told(device.KeyDefault, "", device.CallbackLaunch+", then "+string(device.CallbackFetch))...)},
		{name: "iOS 6 Close: no callback (apns.md#V27)", device: "ios6", body: poll, action: device.ButtonClose,
			want: []act{{Kind: EventDismissed}}},
		{name: "iOS 9 dismiss: no callback (apns.md#V27)", device: "ios9", body: fraud, action: device.KeyDismiss,
			want: []act{{Kind: EventDismissed}}},
		{name: "iOS 10 dismiss without customDismissAction (apns.md#V41)", device: "ios10", body: poll, action: device.KeyDismiss,
			want: []act{{Kind: EventDismissed}}},
		{name: "iOS 10 dismiss with customDismissAction (apns.md#V41, V44)", device: "ios10", body: fraud, action: device.KeyDismiss,
			want: append([]act{{Kind: EventDismissed}}, told(unDism, "", device.CallbackDidReceiveResponse)...)},
		{name: "iOS 10 dismiss of a not-running app launches it in the background", device: "ios10", state: device.AppNotRunning, body: fraud, action: unDism,
			want: append([]act{{Kind: EventDismissed}, appState}, told(unDism, "", device.CallbackDidReceiveResponse)...)},
		{name: "locked: foreground action asks to unlock (apns.md#V33)", device: "ios18-locked", body: pay, action: "PAY_NOW",
			want: func() []act {
				tell := told("PAY_NOW", "", device.CallbackDidReceiveResponse) // action, completion
				return []act{unlock("PAY_NOW"), appState, tell[0], {Kind: EventDeepLink, Action: "PAY_NOW"}, tell[1]}
			}()},
		{name: "locked: authenticationRequired background action", device: "ios18-locked", body: fraud, action: "REPORT_FRAUD",
			want: append([]act{unlock("REPORT_FRAUD")}, told("REPORT_FRAUD", "", device.CallbackDidReceiveResponse)...)},
		{name: "locked: plain background action needs no unlock", device: "ios18-locked", body: fraud, action: "IT_WAS_ME",
			want: told("IT_WAS_ME", "", device.CallbackDidReceiveResponse)},
		{name: "locked: body tap opens the app", device: "ios18-locked", body: fraud, action: device.KeyDefault,
			want: append([]act{unlock(device.KeyDefault), appState}, told(unDef, "", device.CallbackDidReceiveResponse)...)},
		{name: "text input before iOS 9", device: "ios8", body: chat, action: "REPLY", text: "x", wantErr: new(*ActionNotAvailableError)},
		{name: "custom action before iOS 8", device: "ios7", body: poll, action: "OK", wantErr: new(*ActionNotAvailableError)},
		{name: "fifth action on iOS 9: only 4 fit (apns.md#V31)", device: "ios9", body: big, action: "A5", wantErr: new(*ActionNotAvailableError)},
		// apns.md#U41: the banner it arrived in shows two; the alert's
		// second step shows it.
		{name: "fourth action on iOS 9 is not on the banner", device: "ios9", body: big, action: "A4", wantErr: new(*ActionNotReachableError)},
		{name: "text on a plain action", device: "ios10", body: chat, action: "MARK_READ", text: "x", wantErr: new(*ActionNotAvailableError)},
		{name: "text on a body tap", device: "ios10", body: chat, action: device.KeyDefault, text: "x", wantErr: new(*ActionNotAvailableError)},
		{name: "unknown action", device: "ios10", body: chat, action: "NOPE", wantErr: new(*UnknownActionError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t, cat5)
			if tt.state != "" {
				if err := w.SetAppState(tt.device, device.DefaultBundleID, tt.state); err != nil {
					t.Fatal(err)
				}
			}
			if err := push(t, w, tt.device, "n1", tt.body); err != nil {
				t.Fatal(err)
			}
			from := w.Log().Last()
			got, err := w.Tap(context.Background(), tt.device, "n1", tt.action, tt.text)
			if tt.wantErr != nil {
				if !errors.As(err, tt.wantErr) {
					t.Fatalf("Tap error = %v (%T), want %T", err, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Tap: %v", err)
			}
			if diff := cmp.Diff(tt.want, acts(got)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(logSince(w, from), got); diff != "" {
				t.Errorf("Tap's events differ from the log's (-log +returned):\n%s", diff)
			}
		})
	}
}

func TestTapUnlocksDevice(t *testing.T) {
	w, _ := testWorld(t)
	if err := push(t, w, "ios18-locked", "n1", `{"aps":{"alert":"x"}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tap(context.Background(), "ios18-locked", "", device.KeyDefault, ""); err != nil {
		t.Fatal(err)
	}
	dv, app := onlyApp(t, w, "ios18-locked")
	if diff := cmp.Diff([]any{false, device.AppForeground}, []any{dv.Locked, app.State}); diff != "" {
		t.Errorf("locked, state after opening (-want +got):\n%s", diff)
	}
}

func TestTapErrors(t *testing.T) {
	w, _ := testWorld(t)
	ctx := context.Background()
	if err := push(t, w, "ios10", "n1", `{"aps":{"alert":"x"}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tap(ctx, "ios10", "n1", device.KeyDefault, ""); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name                   string
		ctx                    context.Context
		device, apnsID, action string
		want                   string
	}{
		{"unknown device", ctx, "nokia", "", device.KeyDefault,
			`unknown device "nokia" (devices: ios6, ios7, ios8, ios9, ios10, ios12, ios15, ios17, ios18-locked)`},
		{"gone", ctx, "ios10", "n1", device.KeyDefault, `notification n1 on device "ios10" is gone (acted)`},
		{"never there", ctx, "ios10", "zz", device.KeyDefault, `device "ios10" has no notification zz`},
		{"nothing shown", ctx, "ios9", "", device.KeyDefault, `device "ios9" shows no notification`},
		{"cancelled", cancelled, "ios10", "", device.KeyDefault, `tap on ios10: context canceled`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.Tap(tt.ctx, tt.device, tt.apnsID, tt.action, "")
			if err == nil {
				t.Fatal("Tap succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
	if err := w.SetAppState("ios10", device.DefaultBundleID, device.AppBackground); err != nil {
		t.Fatal(err)
	}
	if err := push(t, w, "ios10", "n2", `{"aps":{"alert":"x","category":"chat_message"}}`); err != nil {
		t.Fatal(err)
	}
	_, err := w.Tap(ctx, "ios10", "", "NOPE", "")
	want := `device "ios10": notification n2 has no action "NOPE" (it shows: REPLY, MARK_READ, default, dismiss)`
	if err == nil || err.Error() != want {
		t.Errorf("unknown action error = %v, want %s", err, want)
	}
}
