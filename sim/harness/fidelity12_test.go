package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// TestFidelityThroughTheFlow sends through apns2 → TLS/HTTP/2 → fakeapns →
// the device for the rows the scenario library does not script:
// delegate methods (apns.md#U45), collapse-id by version (U46), a
// mistyped aps key (U47) and a banner timing out (U49).
func TestFidelityThroughTheFlow(t *testing.T) {
	ctx := context.Background()
	fleet := device.DefaultFleet()
	for _, d := range fleet {
		if d.Name == "ios9" {
			d.Apps[0].Implements = []string{device.ImplementsHandleAction} // seed 000's app
		}
	}
	clk := clock.NewVirtual(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	h, err := Start(ctx, Config{Fleet: fleet, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	send := func(dev, body, collapse string) string {
		t.Helper()
		d, err := h.World.Device(dev)
		if err != nil {
			t.Fatal(err)
		}
		res, err := h.Provider.Send(ctx, provider.Request{Token: d.Apps[0].Token, Topic: device.DefaultBundleID, Payload: []byte(body), CollapseID: collapse})
		if err != nil || res.Status != 200 {
			t.Fatalf("send to %s: %v %+v", dev, err, res)
		}
		return res.ApnsID
	}
	events := func(from uint64) []world.Event {
		evs, _ := h.Log.Since(from, 0)
		return evs
	}
	has := func(evs []world.Event, kind world.EventKind, text string) bool {
		for _, e := range evs {
			if e.Kind == kind && strings.Contains(e.Message+" "+e.Callback, text) {
				return true
			}
		}
		return false
	}

	t.Run("U45: iOS 9 app with only the iOS 8 method", func(t *testing.T) {
		id := send("ios9", `{"aps":{"alert":"Agent: hi","category":"chat_message"}}`, "")
		from := h.Log.Last()
		if _, err := h.World.Tap(ctx, "ios9", id, "REPLY", "on my way"); err != nil {
			t.Fatal(err)
		}
		evs := events(from)
		if !has(evs, world.EventAction, device.CallbackHandleAction) || !has(evs, world.EventAction, "lost") {
			t.Errorf("want the iOS 8 callback and the typed text lost:\n%v", evs)
		}
	})
	t.Run("U46: collapse-id replaces from iOS 10 only", func(t *testing.T) {
		for _, dev := range []string{"ios9", "ios15"} {
			send(dev, `{"aps":{"alert":"1-0"}}`, "score")
			send(dev, `{"aps":{"alert":"2-0"}}`, "score")
		}
		count := func(dev string) int {
			n, _ := h.World.Notifications(dev)
			c := 0
			for _, d := range n {
				if d.Notification.CollapseID == "score" {
					c++
				}
			}
			return c
		}
		if got := []int{count("ios9"), count("ios15")}; got[0] != 2 || got[1] != 1 {
			t.Errorf("notifications with collapse id on ios9, ios15 = %v, want [2 1]", got)
		}
	})
	t.Run("U47: a string badge is ignored, the alert is shown", func(t *testing.T) {
		from := h.Log.Last()
		send("ios17", `{"aps":{"alert":"Hi","badge":"3"}}`, "")
		evs := events(from)
		if !has(evs, world.EventPresented, "") || !has(evs, world.EventNote, "ignores this key") {
			t.Errorf("want presented and the ignored key noted:\n%v", evs)
		}
		if dv, _ := h.World.Device("ios17"); dv.Badges[device.DefaultBundleID] != 0 {
			t.Errorf("badge = %d, want none", dv.Badges[device.DefaultBundleID])
		}
	})
	t.Run("U49: a banner times out, nothing reaches the app", func(t *testing.T) {
		id := send("ios17", `{"aps":{"alert":"Was it you?","category":"fraud_alert"}}`, "")
		from := h.Log.Last()
		if _, err := h.World.Tap(ctx, "ios17", id, world.KeyTimeout, ""); err != nil {
			t.Fatal(err)
		}
		evs := events(from)
		if !has(evs, world.EventTimedOut, "nothing is delivered") || has(evs, world.EventAction, "") {
			t.Errorf("want timed_out and no action:\n%v", evs)
		}
		n, _ := h.World.Notifications("ios17")
		last := n[len(n)-1]
		if last.State != world.NotificationShown || last.Context != device.ContextNotificationCenter {
			t.Errorf("after the timeout: %s in %s, want shown in notification-center", last.State, last.Context)
		}
		// Clearing it from Notification Center is a dismissal: reported,
		// the category asks for it (apns.md#V41, U49).
		from = h.Log.Last()
		if _, err := h.World.Tap(ctx, "ios17", id, device.KeyDismiss, ""); err != nil {
			t.Fatal(err)
		}
		if !has(events(from), world.EventAction, device.UNNotificationDismissActionIdentifier) {
			t.Errorf("dismiss not reported:\n%v", events(from))
		}
	})
}
