package world

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

// TestBadgeOnlyInTheForeground: a push with a badge and a sound but no
// alert, to an app in the foreground, is presented through willPresent
// from iOS 10 (its options decide the sound and badge, apns.md#V45); before
// 10 the running app is told with state active and the system plays and
// badges nothing (V24); in the background it is badge and sound only.
func TestBadgeOnlyInTheForeground(t *testing.T) {
	const body = `{"aps":{"badge":5,"sound":"ping.caf"}}`
	tests := []struct {
		device     string
		foreground bool
		want       brief
	}{
		{"ios17", true, brief{Kind: EventSuppressed, Callback: string(device.CallbackWillPresent),
			Message: "no alert: app in the foreground, its willPresent decides the sound and badge; nothing drawn (apns.md#V45)"}},
		{"ios9", true, brief{Kind: EventSuppressed, Callback: string(device.CallbackFetch),
			Message: "no alert: app in the foreground, told with state active; no system sound or badge (apns.md#V24)"}},
		{"ios6", true, brief{Kind: EventSuppressed, Callback: string(device.CallbackDidReceiveRemote),
			Message: "no alert: app in the foreground, told with state active; no system sound or badge (apns.md#V24)"}},
		{"ios17", false, brief{Kind: EventSuppressed, Message: "no alert: badge and sound only, nothing shown (apns.md#U23)"}},
	}
	for _, tt := range tests {
		w, _ := testWorld(t)
		if tt.foreground {
			if err := w.SetAppState(tt.device, device.DefaultBundleID, device.AppForeground); err != nil {
				t.Fatal(err)
			}
		}
		from := w.Log().Last()
		if err := push(t, w, tt.device, "b", body); err != nil {
			t.Fatal(err)
		}
		var got []brief
		for _, b := range briefs(logSince(w, from)) {
			if b.Kind == EventSuppressed {
				got = append(got, b)
			}
		}
		if diff := cmp.Diff([]brief{tt.want}, got); diff != "" {
			t.Errorf("%s, foreground %v (-want +got):\n%s", tt.device, tt.foreground, diff)
		}
	}
}
