package inspect_test

import (
	"testing"

	"github.com/pushsim/pushsim/sim/world"
)

// PATCH devices/{name} toggles the device settings of issue 19: offline
// (apns.md#T20–T22), focus (V68) and show_previews (V71).
func TestDevicesPatchOfflineFocusPreviews(t *testing.T) {
	f := newFixture(t)
	var got world.DeviceView
	if status := f.call(t, "PATCH", "devices/ios17", `{"offline":true,"focus":"Work","show_previews":"never"}`, &got); status != 200 {
		t.Fatalf("PATCH = %d", status)
	}
	if !got.Offline || got.Focus == nil || got.Focus.Name != "Work" || got.ShowPreviews != "never" {
		t.Errorf("after PATCH: offline %v focus %+v previews %q", got.Offline, got.Focus, got.ShowPreviews)
	}
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"while offline"}}`)
	got = world.DeviceView{}
	f.call(t, "GET", "devices/ios17", "", &got)
	if got.Stored != 1 || got.Unread != 0 {
		t.Errorf("offline: stored %d unread %d, want 1 stored and nothing on the device", got.Stored, got.Unread)
	}
	got = world.DeviceView{}
	if status := f.call(t, "PATCH", "devices/ios17", `{"offline":false,"focus":""}`, &got); status != 200 {
		t.Fatalf("PATCH back = %d", status)
	}
	if got.Stored != 0 || got.Unread != 1 || got.Focus != nil || len(got.Stacks) != 1 {
		t.Errorf("back online: stored %d unread %d focus %+v stacks %d", got.Stored, got.Unread, got.Focus, len(got.Stacks))
	}
	var e apiError
	if status := f.call(t, "PATCH", "devices/ios17", `{"show_previews":"sometimes"}`, &e); status != 400 || e.Field != "show_previews" {
		t.Errorf("bad show_previews: %d %+v, want 400 naming the field", status, e)
	}
}
