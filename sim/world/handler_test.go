package world

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

// timed is an event with its virtual time offset.
type timed struct {
	At     time.Duration
	Kind   EventKind
	Action string `json:",omitempty"`
}

func timeline(events []Event) []timed {
	out := make([]timed, len(events))
	for i, e := range events {
		out[i] = timed{At: e.Time.Sub(t0), Kind: e.Kind, Action: e.Action}
	}
	return out
}

func TestCompletionOnVirtualClock(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name      string
		device    string // default ios10
		state     device.AppState
		action    string
		script    device.Script
		wantTail  []timed // events after the action, over two minutes of virtual time
		wantState device.AppState
	}{
		{name: "at once", action: "MARK_READ", script: device.Script{},
			wantTail: []timed{{0, EventCompletion, "MARK_READ"}}, wantState: device.AppBackground},
		{name: "after 5 s", action: "MARK_READ", script: device.Script{Complete: device.CompleteAfter, Delay: 5 * s},
			wantTail: []timed{{5 * s, EventCompletion, "MARK_READ"}}, wantState: device.AppBackground},
		{name: "twice (apns.md#U16)", action: "MARK_READ", script: device.Script{Complete: device.CompleteTwice, Delay: 2 * s},
			wantTail: []timed{{2 * s, EventCompletion, "MARK_READ"}, {2 * s, EventDoubleCompletion, "MARK_READ"}}, wantState: device.AppBackground},
		{name: "never, iOS 9: watchdog kills a background app (apns.md#C02)", device: "ios9", action: "MARK_READ", script: device.Script{Complete: device.CompleteNever},
			wantTail: []timed{{30 * s, EventWatchdog, "MARK_READ"}, {30 * s, EventAppState, ""}}, wantState: device.AppNotRunning},
		{name: "never, iOS 10+: a warning, the app is suspended (apns.md#C03)", action: "MARK_READ", script: device.Script{Complete: device.CompleteNever},
			wantTail: []timed{{30 * s, EventWatchdog, "MARK_READ"}}, wantState: device.AppBackground},
		{name: "too slow: the watchdog comes first", device: "ios9", action: "MARK_READ", script: device.Script{Delay: 40 * s},
			wantTail: []timed{{30 * s, EventWatchdog, "MARK_READ"}, {30 * s, EventAppState, ""}}, wantState: device.AppNotRunning},
		{name: "never, foreground app: a warning only (apns.md#C03)", action: device.KeyDefault, script: device.Script{Complete: device.CompleteNever},
			wantTail: []timed{{30 * s, EventWatchdog, device.UNNotificationDefaultActionIdentifier}}, wantState: device.AppForeground},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev := tt.device
			if dev == "" {
				dev = "ios10"
			}
			w, clock := testWorld(t, func(f []*device.Device) {
				for _, d := range f {
					d.Apps[0].Handler.Actions = map[string]device.Script{device.KeyAny: tt.script}
				}
			})
			if err := push(t, w, dev, "n1", `{"aps":{"alert":"x","category":"chat_message"}}`); err != nil {
				t.Fatal(err)
			}
			evs, err := w.Tap(context.Background(), dev, "n1", tt.action, "")
			if err != nil {
				t.Fatal(err)
			}
			from := evs[len(evs)-1].Seq
			for _, e := range evs {
				if e.Kind == EventAction {
					from = e.Seq
				}
			}
			clock.Advance(2 * time.Minute)
			if diff := cmp.Diff(tt.wantTail, timeline(logSince(w, from))); diff != "" {
				t.Errorf("after the action (-want +got):\n%s", diff)
			}
			if _, app := onlyApp(t, w, dev); app.State != tt.wantState {
				t.Errorf("app state %s, want %s", app.State, tt.wantState)
			}
			if n := clock.Pending(); n != 0 {
				t.Errorf("%d timers left pending", n)
			}
		})
	}
}

func TestSilentPushWatchdog(t *testing.T) {
	w, clock := testWorld(t, func(f []*device.Device) {
		f[3].Apps[0].Handler.Actions = map[string]device.Script{device.KeyFetch: {Complete: device.CompleteNever}}
	})
	from := w.Log().Last()
	if err := push(t, w, "ios9", "s1", `{"aps":{"content-available":1}}`); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	want := []timed{{0, EventRequest, ""}, {0, EventDelivered, ""}, {0, EventWake, device.KeyFetch},
		{30 * time.Second, EventWatchdog, device.KeyFetch}, {30 * time.Second, EventAppState, ""}}
	if diff := cmp.Diff(want, timeline(logSince(w, from))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHandlerRoutes(t *testing.T) {
	// seed 002: the ASAPP SDK handles only notifications its
	// canHandleNotification(with:) recognises; the app's own code the rest.
	h := device.Handler{
		Actions: map[string]device.Script{device.KeyAny: {}},
		Routes: []device.Route{
			{Name: "asapp", When: device.Match{Key: "asapp"}, Actions: map[string]device.Script{
				device.KeyDefault: {DeepLink: "app://chat", OpenChat: true},
			}},
			{When: device.Match{Key: "kind", Equals: "fraud"}, Actions: map[string]device.Script{device.KeyAny: {Complete: device.CompleteNever}}},
			{When: device.Match{Key: "meta.priority", Equals: "2"}, Actions: map[string]device.Script{device.KeyAny: {Delay: time.Second}}},
		},
	}
	tests := []struct {
		name, body, key string
		want            device.Script
		wantRoute       string
	}{
		{"no custom keys", `{"aps":{}}`, device.KeyDefault, device.Script{}, ""},
		{"asapp default", `{"aps":{},"asapp":{"id":1}}`, device.KeyDefault, device.Script{DeepLink: "app://chat", OpenChat: true}, "asapp"},
		{"asapp route lacks REPLY: falls through", `{"aps":{},"asapp":{}}`, "REPLY", device.Script{}, ""},
		{"equals a string", `{"aps":{},"kind":"fraud"}`, "X", device.Script{Complete: device.CompleteNever}, "kind"},
		{"different string", `{"aps":{},"kind":"promo"}`, "X", device.Script{}, ""},
		{"nested number", `{"aps":{},"meta":{"priority":2}}`, "X", device.Script{Delay: time.Second}, "meta.priority"},
		{"path through a non-object", `{"aps":{},"meta":3}`, "X", device.Script{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := device.ParsePayload([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, route := h.Script(tt.key, p)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("script (-want +got):\n%s", diff)
			}
			if route != tt.wantRoute {
				t.Errorf("route %q, want %q", route, tt.wantRoute)
			}
		})
	}
}

func TestMatchWithoutRaw(t *testing.T) {
	p := device.Payload{Custom: map[string]json.RawMessage{"asapp": json.RawMessage(`{"type":"chat"}`)}}
	got := []bool{
		device.Match{Key: "asapp"}.Matches(p),
		device.Match{Key: "asapp.type", Equals: "chat"}.Matches(p),
		device.Match{Key: "asapp.type", Equals: "promo"}.Matches(p),
		device.Match{Key: "other"}.Matches(p),
	}
	if diff := cmp.Diff([]bool{true, true, false, false}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestChatOpenByScriptSuppressesNext(t *testing.T) {
	w, _ := testWorld(t, func(f []*device.Device) {
		f[7].Apps[0].Handler.Routes = []device.Route{{Name: "asapp", When: device.Match{Key: "asapp"},
			Actions: map[string]device.Script{device.KeyDefault: {DeepLink: "app://chat", OpenChat: true}}}}
	})
	body := `{"aps":{"alert":"Agent: hi"},"asapp":{"conversation":7}}`
	if err := push(t, w, "ios17", "n1", body); err != nil {
		t.Fatal(err)
	}
	evs, err := w.Tap(context.Background(), "ios17", "", device.KeyDefault, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []act{{Kind: EventAppState},
		{Kind: EventAction, Action: device.UNNotificationDefaultActionIdentifier, Callback: device.CallbackDidReceiveResponse},
		{Kind: EventDeepLink, Action: device.UNNotificationDefaultActionIdentifier},
		{Kind: EventNote, Action: device.UNNotificationDefaultActionIdentifier},
		{Kind: EventCompletion, Action: device.UNNotificationDefaultActionIdentifier, Callback: device.CallbackDidReceiveResponse}}
	if diff := cmp.Diff(want, acts(evs)); diff != "" {
		t.Errorf("tap (-want +got):\n%s", diff)
	}
	if evs[2].URL != "app://chat" {
		t.Errorf("deep link URL %q", evs[2].URL)
	}
	from := w.Log().Last()
	if err := push(t, w, "ios17", "n2", body); err != nil {
		t.Fatal(err)
	}
	got := kinds(logSince(w, from))
	if diff := cmp.Diff([]EventKind{EventRequest, EventDelivered, EventSuppressed}, got); diff != "" {
		t.Errorf("while the chat is open (-want +got):\n%s", diff)
	}
}
