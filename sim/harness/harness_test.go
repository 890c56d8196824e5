package harness

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// TestHarnessEndToEnd walks the one flow: apns2 over TLS and HTTP/2 with a
// JWT, the fake's validation and routing, the device's rendering, a tap,
// and the completion handler on the virtual clock.
func TestHarnessEndToEnd(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewVirtual(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	h, err := Start(ctx, Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	})

	body := []byte(`{"aps":{"alert":"Lunch at noon?","category":"poll"}}`)
	buttons := map[string][]string{}
	apnsIDs := map[string]string{}
	for _, dev := range []string{"ios7", "ios8"} {
		d, err := h.World.Device(dev)
		if err != nil {
			t.Fatal(err)
		}
		res, err := h.Provider.Send(ctx, provider.Request{Token: d.Apps[0].Token, Topic: device.DefaultBundleID, Payload: body})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != 200 || res.ApnsID == "" {
			t.Fatalf("%s: response %+v, want 200 with an apns-id", dev, res)
		}
		apnsIDs[dev] = res.ApnsID
		delivered, err := h.World.Notifications(dev)
		if err != nil {
			t.Fatal(err)
		}
		if len(delivered) != 1 {
			t.Fatalf("%s: %d notifications delivered, want 1", dev, len(delivered))
		}
		for _, p := range delivered[0].Presentations {
			if p.Context != device.ContextAlert {
				continue
			}
			for _, b := range p.Buttons {
				buttons[dev] = append(buttons[dev], b.Title)
			}
		}
	}
	want := map[string][]string{"ios7": {"Close", "View"}, "ios8": {"Close", "Options"}} // apns.md#V20, V32, U42
	if diff := cmp.Diff(want, buttons); diff != "" {
		t.Errorf("alert buttons (-want +got):\n%s", diff)
	}

	mark := h.Log.Last()
	if _, err := h.World.Tap(ctx, "ios8", apnsIDs["ios8"], "OK", ""); err != nil {
		t.Fatal(err)
	}
	clk.Advance(31 * time.Second)
	events, missed := h.Log.Since(mark, 1000)
	if missed != 0 {
		t.Fatalf("missed %d events", missed)
	}
	var kinds []world.EventKind
	for _, ev := range events {
		kinds = append(kinds, ev.Kind)
	}
	if !slices.Contains(kinds, world.EventAction) || !slices.Contains(kinds, world.EventCompletion) || slices.Contains(kinds, world.EventWatchdog) {
		t.Errorf("events after tap = %v, want an action and a completion and no watchdog", kinds)
	}
}

// TestHarnessRejectsWithAppleReason: the router's answer reaches the client
// as Apple's status and reason, and the log shows the rejected request.
func TestHarnessRejectsWithAppleReason(t *testing.T) {
	ctx := context.Background()
	h, err := Start(ctx, Config{Clock: clock.NewVirtual(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	})
	res, err := h.Provider.Send(ctx, provider.Request{Token: device.DeviceToken("nobody", device.DefaultBundleID), Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"x"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 400 || res.Reason != "BadDeviceToken" {
		t.Errorf("response = %d %s, want 400 BadDeviceToken (apns.md#E11)", res.Status, res.Reason)
	}
	events, _ := h.Log.Since(0, 100)
	if len(events) == 0 || events[len(events)-1].Kind != world.EventRejected {
		t.Errorf("last event = %+v, want a rejected request", events)
	}
}
