package world

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/device"
)

// TestSnapshotFollowsEveryChange pushes, changes the device through each
// of the World's mutators, and pushes again: the second push must be
// rendered on the device as it is after the change (two-phase delivery,
// prepare.go), never on the snapshot the first push built. testWorld's
// snapshot check also fails the test when a mutator forgets changed().
func TestSnapshotFollowsEveryChange(t *testing.T) {
	ctx := context.Background()
	const body = `{"aps":{"alert":{"title":"Bill","body":"Pay €5 today"},"category":"poll","thread-id":"t"}}`
	provisional := func(f []*device.Device) {
		for _, d := range f {
			if d.Name == "ios12" {
				d.Apps[0].Permission = device.PermissionProvisional
			}
		}
	}
	onIOS17 := func(f func(d *device.Device)) func([]*device.Device) {
		return func(fleet []*device.Device) {
			for _, d := range fleet {
				if d.Name == "ios17" {
					f(d)
				}
			}
		}
	}
	other := device.App{BundleID: "com.example.other", Categories: device.DefaultCategories()}
	tests := []struct {
		name   string
		device string
		body   string // default: body
		mutate func([]*device.Device)
		change func(w *World) error
	}{
		{name: "SetLocked", device: "ios17", change: func(w *World) error { return w.SetLocked("ios17", true) }},
		{name: "SetAppState", device: "ios17", change: func(w *World) error {
			return w.SetAppState("ios17", device.DefaultBundleID, device.AppForeground)
		}},
		{name: "SetPermission", device: "ios17", change: func(w *World) error {
			return w.SetPermission("ios17", device.DefaultBundleID, device.PermissionDenied)
		}},
		{name: "SetChatOpen", device: "ios17", change: func(w *World) error { return w.SetChatOpen("ios17", device.DefaultBundleID, true) }},
		{name: "SetChatOpen closed", device: "ios17", mutate: onIOS17(func(d *device.Device) {
			d.Apps[0].State, d.Apps[0].ChatOpen = device.AppForeground, true
		}), change: func(w *World) error { return w.SetChatOpen("ios17", device.DefaultBundleID, false) }},
		{name: "Install another app", device: "ios17", change: func(w *World) error { return w.Install("ios17", other) }},
		{name: "Uninstall another app", device: "ios17", mutate: onIOS17(func(d *device.Device) {
			o := other
			o.Token = device.DeviceToken("ios17", o.BundleID)
			d.Apps = append(d.Apps, &o)
		}), change: func(w *World) error { return w.Uninstall("ios17", other.BundleID) }},
		{name: "SetFocus", device: "ios17", change: func(w *World) error { return w.SetFocus("ios17", "Work", nil) }},
		{name: "SetShowPreviews", device: "ios17", change: func(w *World) error { return w.SetShowPreviews("ios17", device.PreviewsNever) }},
		{name: "SetOffline and back", device: "ios17", change: func(w *World) error {
			if err := w.SetOffline("ios17", true); err != nil {
				return err
			}
			return w.SetOffline("ios17", false)
		}},
		{name: "Uninstall and Install", device: "ios17", change: func(w *World) error {
			if err := w.Uninstall("ios17", device.DefaultBundleID); err != nil {
				return err
			}
			app := *device.DefaultFleet()[0].Apps[0]
			app.Token = "" // a reinstall gets a new token (apns.md#D05)
			app.AlertStyle = device.StyleAlert
			return w.Install("ios17", app)
		}},
		{name: "a tap that opens the app", device: "ios18-locked", change: func(w *World) error {
			_, err := w.Tap(ctx, "ios18-locked", "", device.KeyDefault, "")
			return err
		}},
		{name: "an action that needs the device unlocked", device: "ios18-locked", body: `{"aps":{"alert":"Card used","category":"fraud_alert"}}`,
			change: func(w *World) error {
				_, err := w.Tap(ctx, "ios18-locked", "", "REPORT_FRAUD", "")
				return err
			}},
		{name: "Keep on a provisional notification", device: "ios12", mutate: provisional, change: func(w *World) error {
			_, err := w.Tap(ctx, "ios12", "", device.ButtonKeep, "")
			return err
		}},
		{name: "a script that opens the chat", device: "ios17", mutate: onIOS17(func(d *device.Device) {
			d.Apps[0].Handler.Actions = map[string]device.Script{device.KeyDefault: {OpenChat: true}}
		}), change: func(w *World) error {
			_, err := w.Tap(ctx, "ios17", "", device.KeyDefault, "")
			return err
		}},
		{name: "a script that opens the chat of a foreground app", device: "ios17", mutate: onIOS17(func(d *device.Device) {
			d.Apps[0].Handler.Actions = map[string]device.Script{device.KeyDefault: {OpenChat: true}}
		}), change: func(w *World) error {
			// The app comes to the foreground, a push rebuilds the
			// snapshot, then the tap's script opens the chat: no state
			// change of the app's run state drops the snapshot this time.
			if err := w.SetAppState("ios17", device.DefaultBundleID, device.AppForeground); err != nil {
				return err
			}
			if err := route(w, "ios17", "mid", body); err != nil {
				return err
			}
			_, err := w.Tap(ctx, "ios17", "before", device.KeyDefault, "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t, tt.mutate)
			body := body
			if tt.body != "" {
				body = tt.body
			}
			if err := push(t, w, tt.device, "before", body); err != nil {
				t.Fatal(err)
			}
			if err := tt.change(w); err != nil {
				t.Fatalf("change: %v", err)
			}
			// A reinstalled app has a new token: push to the one it has.
			dv, err := w.Device(tt.device)
			if err != nil {
				t.Fatal(err)
			}
			a := dv.App(device.DefaultBundleID)
			if err := route(w, tt.device, "after", body, func(n *fakeapns.Notification) { n.Token = a.Token }); err != nil {
				t.Fatal(err)
			}
			notes, err := w.Notifications(tt.device)
			if err != nil {
				t.Fatal(err)
			}
			var after *Delivered
			for i := range notes {
				if notes[i].ApnsID == "after" {
					after = &notes[i]
				}
			}
			if after == nil {
				// Not stored (denied, chat open): the check of testWorld
				// still ran on the delivery.
				return
			}
			want := device.RenderAll(&dv.Device, a, after.Notification)
			if diff := cmp.Diff(want, after.Presentations); diff != "" {
				t.Errorf("the push after the change is not rendered on the changed device (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPreparedWorkDroppedOnChange changes the device between the two
// phases of a delivery: the prepared rendering is not used.
func TestPreparedWorkDroppedOnChange(t *testing.T) {
	w, _ := testWorld(t)
	p, err := device.ParsePayload([]byte(`{"aps":{"alert":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	n := device.Notification{ApnsID: "x", Priority: 10, PushType: "alert", Payload: p}
	tok := device.DeviceToken("ios17", device.DefaultBundleID)
	pre := w.prepareFor(tok, n)
	if pre == nil {
		t.Fatal("nothing prepared for an online device")
	}
	if err := w.SetLocked("ios17", true); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	usable := w.usable(pre, w.byName["ios17"], n)
	w.mu.Unlock()
	if usable {
		t.Fatal("work prepared before SetLocked is used after it")
	}
	if got := fmt.Sprint(w.staleSnapshots); got != "[]" {
		t.Errorf("stale snapshots recorded: %s", got)
	}
}
