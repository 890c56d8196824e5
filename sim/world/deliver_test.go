package world

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
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

// TestForegroundFetchBeforeIOS10: iOS 7–9 hand a push to the app in the
// foreground through the fetch variant (apns.md#V24, C05); an app whose
// script never calls its completion handler is caught, and since it is in
// the foreground the system only logs a warning (C03).
func TestForegroundFetchBeforeIOS10(t *testing.T) {
	w, clk := testWorld(t, func(f []*device.Device) {
		for _, d := range f {
			if d.Name == "ios9" {
				d.Apps[0].State = device.AppForeground
				d.Apps[0].Handler.Actions = map[string]device.Script{device.KeyFetch: {Complete: device.CompleteNever, DeepLink: "app://refresh"}}
			}
		}
	})
	from := w.Log().Last()
	if err := push(t, w, "ios9", "f", `{"aps":{"alert":"Lunch at noon?"}}`); err != nil {
		t.Fatal(err)
	}
	clk.Advance(DefaultWatchdogLimit + time.Second)
	var got []brief
	for _, b := range briefs(logSince(w, from)) {
		if b.Kind != EventRequest && b.Kind != EventDelivered {
			got = append(got, b)
		}
	}
	want := []brief{
		{Kind: EventSuppressed, Callback: string(device.CallbackFetch), Message: "app in the foreground: no alert, banner or sound; the app is told with state active (apns.md#V24)"},
		{Kind: EventDeepLink, Action: device.KeyFetch, Message: "app opened deep link app://refresh"},
		{Kind: EventWatchdog, Action: device.KeyFetch, Callback: string(device.CallbackFetch),
			Message: "completion handler never called within 30s; the app is in the foreground, so the system only logs a warning (apns.md#C03)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestStreamLimitRefusalLogged: a request refused at the HTTP/2 layer
// for exceeding the stream limit is logged as not answered, saying why
// (apns.md#U83).
func TestStreamLimitRefusalLogged(t *testing.T) {
	w, _ := testWorld(t)
	from := w.Log().Last()
	w.Observe(fakeapns.Record{Path: "/3/device/" + device.DeviceToken("ios17", device.DefaultBundleID), Status: 0,
		Frame: "rst_stream REFUSED_STREAM", Connection: 3, Check: fakeapns.CheckStreamLimit, ApnsID: "r"})
	got := briefs(logSince(w, from))
	want := []brief{{Kind: EventRejected, Message: "not answered: rst_stream REFUSED_STREAM on connection 3: the client opened more streams than the MAX_CONCURRENT_STREAMS it acknowledged; not processed, safe to retry (apns.md#U83)"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
