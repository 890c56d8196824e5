package world

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

// apns.md#V60, V61, S06: a simctl-style injection runs the service
// extension too; nothing is on screen until it completes.
func TestInjectRunsServiceExtension(t *testing.T) {
	w, clk := testWorld(t, func(f []*device.Device) {
		f[6].Apps[0].ServiceExtension = &device.ServiceExtension{Body: "rewritten", Delay: time.Second} // ios15
	})
	mark := w.Log().Last()
	d, err := w.DeliverPayload(context.Background(), "ios15", device.DefaultBundleID, []byte(`{"aps":{"alert":"sent","mutable-content":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Presentations) != 0 {
		t.Errorf("Deliver returned presentations %v before the extension completed", d.Presentations)
	}
	clk.Advance(time.Second)
	want := []EventKind{EventExtensionStarted, EventExtensionCompleted, EventDelivered, EventPresented}
	if diff := cmp.Diff(want, kinds(logSince(w, mark))); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	notes, _ := w.Notifications("ios15")
	if len(notes) != 1 || notes[0].Notification.Payload.Aps.Alert.Body != "rewritten" {
		t.Errorf("on the device: %+v", notes)
	}
}

// apns.md#C10: Reset forgets deferred pushes and their timers.
func TestResetForgetsDeferred(t *testing.T) {
	w, clk := testWorld(t)
	for i := 0; i < 5; i++ {
		_ = push(t, w, "ios15", "", `{"aps":{"content-available":1}}`)
	}
	w.Reset()
	mark := w.Log().Last()
	clk.Advance(2 * time.Hour)
	for _, k := range kinds(logSince(w, mark)) {
		if k == EventWake || k == EventDelivered {
			t.Errorf("after Reset a deferred push still woke the app: %v", kinds(logSince(w, mark)))
		}
	}
}
