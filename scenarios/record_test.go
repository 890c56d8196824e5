package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// TestRecordReplays: a live session on the harness (sends, taps, a reply,
// a dismissal, state changes, a watchdog) is recorded, written as YAML,
// read back and replayed: it passes, and its steps are the session's.
func TestRecordReplays(t *testing.T) {
	ctx := context.Background()
	fleet := []*device.Device{
		{Name: "ios9", Version: device.MustVersion("9.3")},
		{Name: "ios17", Version: device.MustVersion("17.6"), Locked: true},
	}
	for _, d := range fleet {
		a := device.DefaultApp("development", device.DeviceToken(d.Name, device.DefaultBundleID))
		a.Handler.Actions["NOK"] = device.Script{Complete: device.CompleteNever}
		a.Handler.Actions["PAY_NOW"] = device.Script{DeepLink: "bank://pay"}
		d.Apps = []*device.App{a}
	}
	// The session's own copy: the world changes its devices.
	session, err := (&Scenario{devices: fleet}).freshFleet()
	if err != nil {
		t.Fatal(err)
	}
	clock := clock.NewVirtual(DefaultStart())
	log := world.NewEventLogClock(0, clock)
	h, err := harness.Start(ctx, harness.Config{Fleet: session, Clock: clock, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	}()
	send := func(dev, body string) {
		t.Helper()
		v, err := h.World.Device(dev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Provider.Send(ctx, provider.Request{Token: v.Apps[0].Token, Topic: device.DefaultBundleID, Payload: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	tap := func(dev, action, text string) {
		t.Helper()
		if _, err := h.World.Tap(ctx, dev, "", action, text); err != nil {
			t.Fatal(err)
		}
	}
	send("ios9", `{"aps":{"alert":"Lunch?","category":"poll"}}`)
	send("ios17", `{"aps":{"alert":"Bill due","category":"payment_reminder"}}`)
	clock.Advance(2_000_000_000)
	tap("ios17", "PAY_NOW", "")
	tap("ios9", "NOK", "")
	clock.Advance(31_000_000_000)
	send("ios9", `{"aps":{"alert":"Anna: hi","category":"chat_message"}}`)
	tap("ios9", "REPLY", "on my way")
	if err := h.World.SetLocked("ios17", true); err != nil {
		t.Fatal(err)
	}
	// Pay now brought the app to the foreground, where it shows nothing
	// (apns.md#V45); back in the background the fraud alert is shown.
	if err := h.World.SetAppState("ios17", device.DefaultBundleID, device.AppBackground); err != nil {
		t.Fatal(err)
	}
	if err := h.World.SetAppState("ios9", device.DefaultBundleID, device.AppForeground); err != nil {
		t.Fatal(err)
	}
	send("ios17", `{"aps":{"alert":"Fraud?","category":"fraud_alert"}}`)
	if _, err := h.World.Tap(ctx, "ios17", "", device.KeyDismiss, ""); err != nil {
		t.Fatal(err)
	}
	if err := h.World.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	events, _ := log.Since(0, 0)

	rec := Record(events, RecordOptions{Name: "recorded", Fleet: fleet, Payload: PayloadsFromWorld(h.World)})
	data, err := rec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("recorded.yaml", data)
	if err != nil {
		t.Fatalf("the recording does not parse: %v\n%s", err, data)
	}
	var kinds []string
	for _, st := range back.Steps {
		kinds = append(kinds, st.Kind())
	}
	want := []string{
		"send", "expect_response", "expect_screen",
		"send", "expect_response", "expect_screen",
		"advance", "tap", "expect_events",
		"tap", "expect_events",
		"advance", "send", "expect_response", "expect_screen",
		"reply", "expect_events",
		"set", "set", "set",
		"send", "expect_response", "expect_screen",
		"dismiss", "expect_events",
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("recorded steps (-want +got):\n%s\n%s", diff, data)
	}
	res := RunOne(ctx, back, Options{})
	if !res.Passed {
		t.Errorf("the recording does not replay: %s\n%s", res.Failure, data)
	}
	for _, s := range []string{"watchdog", "deep_link", "bank://pay", "on my way", "com.apple.UNNotificationDismissActionIdentifier"} {
		if !strings.Contains(string(data), s) {
			t.Errorf("the recording lacks %q:\n%s", s, data)
		}
	}
}
