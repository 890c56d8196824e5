package world

import (
	"context"
	"slices"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// Issue 12 meets issue 19: a notification APNs stored while the device
// was offline (apns.md#T22) is on the device like any other once it lands:
// its badge follows the badge rule (U43) and its actions are tapped in a
// context, as TapIn checks (U41).
func TestLateDeliveryTapsAndBadges(t *testing.T) {
	w, _ := testWorld(t)
	if err := w.SetOffline("ios17", true); err != nil {
		t.Fatal(err)
	}
	_ = push(t, w, "ios17", "late", `{"aps":{"alert":"Parcel","badge":3,"category":"delivery_reschedule"}}`)
	if notes, _ := w.Notifications("ios17"); len(notes) != 0 {
		t.Fatalf("offline device holds %d notifications, want 0", len(notes))
	}
	if err := w.SetOffline("ios17", false); err != nil {
		t.Fatal(err)
	}
	dv, err := w.Device("ios17")
	if err != nil {
		t.Fatal(err)
	}
	if got := dv.Badges[device.DefaultBundleID]; got != 3 {
		t.Errorf("badge after the late delivery = %d, want 3 (apns.md#T22, U43)", got)
	}
	evs, err := w.TapIn(context.Background(), "ios17", "late", "PICK_DAY", "", device.ContextExpanded)
	if err != nil {
		t.Fatalf("tap on the late notification: %v", err)
	}
	if !slices.Contains(kinds(evs), EventAction) {
		t.Errorf("tap events %v, want an action", kinds(evs))
	}
	if _, err := w.TapIn(context.Background(), "ios17", "late", "PICK_DAY", "", device.ContextAlertOptions); err == nil {
		t.Error("tap in alert-options on iOS 17: want a context error (apns.md#U41)")
	}
}

// A tap that needs the device unlocked (apns.md#V33) unlocks it like the
// user does, so the device is awake and its held priority-1 pushes arrive
// (apns.md#C11), as after SetLocked(false).
func TestTapUnlockReleasesHeld(t *testing.T) {
	w, _ := testWorld(t)
	if err := w.SetLocked("ios17", true); err != nil {
		t.Fatal(err)
	}
	// Priority 5: shown, but it does not wake the device for held pushes.
	_ = push(t, w, "ios17", "shown", `{"aps":{"alert":"Open me"}}`, func(n *fakeapns.Notification) { n.Priority = 5 })
	_ = push(t, w, "ios17", "held", `{"aps":{"content-available":1}}`, func(n *fakeapns.Notification) {
		n.Priority, n.PushType = 1, "background"
	})
	mark := w.Log().Last()
	if _, err := w.TapIn(context.Background(), "ios17", "shown", device.KeyDefault, "", ""); err != nil {
		t.Fatal(err)
	}
	var released bool
	for _, e := range logSince(w, mark) {
		if e.ApnsID == "held" && e.Kind == EventDelivered {
			released = true
		}
	}
	if !released {
		t.Errorf("after the tap's unlock the held priority-1 push was not delivered: %v", briefs(logSince(w, mark)))
	}
}
