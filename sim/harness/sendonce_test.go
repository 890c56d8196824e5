package harness_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
)

// TestSendOnceDeliversAndTaps goes through the real flow (apns2 → fake
// APNs → device) and checks the outcome and its text form agree.
func TestSendOnceDeliversAndTaps(t *testing.T) {
	fleet := device.DefaultFleet()
	topic := fleet[0].Apps[0].BundleID
	out, err := harness.SendOnce(context.Background(), harness.SendConfig{
		Fleet: fleet, Targets: fleet[:1], Tap: device.KeyDefault,
		Request: provider.Request{Topic: topic, PushType: "alert", Payload: []byte(`{"aps":{"alert":"hello"}}`)},
	})
	if err != nil {
		t.Fatalf("SendOnce: %v", err)
	}
	if len(out.Devices) != 1 || out.Rejected() {
		t.Fatalf("want one accepted send, got %+v", out.Devices)
	}
	d := out.Devices[0]
	if d.Delivered == nil || !d.Tapped || d.TapErr != nil || len(d.TapEvents) == 0 {
		t.Fatalf("want delivered and tapped, got delivered=%v tapped=%v err=%v events=%d", d.Delivered != nil, d.Tapped, d.TapErr, len(d.TapEvents))
	}
	var b strings.Builder
	out.WriteText(&b)
	for _, want := range []string{"APNs       200  apns-id " + d.Response.ApnsID, "hello", "  tap " + device.KeyDefault + "\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
