package world

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

// TestArrivalPresentation: the presented event names the context the user
// first sees the notification in, and carries what that context draws,
// never an empty presentation.
func TestArrivalPresentation(t *testing.T) {
	type got struct {
		Kind    EventKind
		Context device.Context
		Style   device.Style
		Body    string
	}
	app := func(deviceName string, f func(*device.App)) func([]*device.Device) {
		return func(fleet []*device.Device) {
			for _, d := range fleet {
				if d.Name == deviceName {
					f(d.App(device.DefaultBundleID))
				}
			}
		}
	}
	lock := func(deviceName string) func([]*device.Device) {
		return func(fleet []*device.Device) {
			for _, d := range fleet {
				if d.Name == deviceName {
					d.Locked = true
				}
			}
		}
	}
	tests := []struct {
		name   string
		device string
		mutate []func([]*device.Device)
		body   string
		want   got
	}{
		{"the user chose the alert style (apns.md#V05)", "ios8",
			[]func([]*device.Device){app("ios8", func(a *device.App) { a.AlertStyle = device.StyleAlert })},
			`{"aps":{"alert":"Lunch?","category":"poll"}}`,
			got{EventPresented, device.ContextAlert, device.StyleAlert, "Lunch?"}},
		{"passive: no banner, listed in Notification Center (apns.md#V49)", "ios15", nil,
			`{"aps":{"alert":"FYI","interruption-level":"passive"}}`,
			got{EventPresented, device.ContextNotificationCenter, device.StyleNotificationCenter, "FYI"}},
		{"passive on a locked device: the lock screen list", "ios18-locked", nil,
			`{"aps":{"alert":"FYI","interruption-level":"passive"}}`,
			// An iPhone 16 hides previews while locked (apns.md#V71, V72).
			got{EventPresented, device.ContextLockScreen, device.StyleLockScreen, "Notification"}},
		{"provisional on a locked device: Notification Center only (apns.md#V48)", "ios17",
			[]func([]*device.Device){lock("ios17"), app("ios17", func(a *device.App) { a.Permission = device.PermissionProvisional })},
			`{"aps":{"alert":"Hi"}}`,
			got{EventPresented, device.ContextNotificationCenter, device.StyleNotificationCenter, "Notification"}}, // apns.md#V71, V72
		{"iOS 7, never asked: registration was the prompt (apns.md#V08)", "ios7",
			[]func([]*device.Device){app("ios7", func(a *device.App) { a.Permission = device.PermissionNotDetermined })},
			`{"aps":{"alert":"Hi"}}`,
			got{EventPresented, device.ContextBanner, device.StyleBanner, "Hi"}},
		{"title only before iOS 10: nothing drawn, not presented (apns.md#P06)", "ios8", nil,
			`{"aps":{"alert":{"title":"Only a title"}}}`,
			got{Kind: EventSuppressed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t, tt.mutate...)
			from := w.Log().Last()
			if err := push(t, w, tt.device, "n1", tt.body); err != nil {
				t.Fatalf("push: %v", err)
			}
			var out []got
			for _, e := range logSince(w, from) {
				if e.Kind != EventPresented && e.Kind != EventSuppressed {
					continue
				}
				g := got{Kind: e.Kind, Context: e.Context}
				if e.Presentation != nil {
					g.Style, g.Body = e.Presentation.Style, e.Presentation.Body
				}
				out = append(out, g)
			}
			if diff := cmp.Diff([]got{tt.want}, out); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
