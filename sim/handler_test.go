package sim

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
		state     AppState
		action    string
		script    Script
		wantTail  []timed // events after the action, over two minutes of virtual time
		wantState AppState
	}{
		{name: "at once", action: "MARK_READ", script: Script{},
			wantTail: []timed{{0, EventCompletion, "MARK_READ"}}, wantState: AppBackground},
		{name: "after 5 s", action: "MARK_READ", script: Script{Complete: CompleteAfter, Delay: 5 * s},
			wantTail: []timed{{5 * s, EventCompletion, "MARK_READ"}}, wantState: AppBackground},
		{name: "twice (apns.md#U16)", action: "MARK_READ", script: Script{Complete: CompleteTwice, Delay: 2 * s},
			wantTail: []timed{{2 * s, EventCompletion, "MARK_READ"}, {2 * s, EventDoubleCompletion, "MARK_READ"}}, wantState: AppBackground},
		{name: "never, iOS 9: watchdog kills a background app (apns.md#C02)", device: "ios9", action: "MARK_READ", script: Script{Complete: CompleteNever},
			wantTail: []timed{{30 * s, EventWatchdog, "MARK_READ"}, {30 * s, EventAppState, ""}}, wantState: AppNotRunning},
		{name: "never, iOS 10+: a warning, the app is suspended (apns.md#C03)", action: "MARK_READ", script: Script{Complete: CompleteNever},
			wantTail: []timed{{30 * s, EventWatchdog, "MARK_READ"}}, wantState: AppBackground},
		{name: "too slow: the watchdog comes first", device: "ios9", action: "MARK_READ", script: Script{Delay: 40 * s},
			wantTail: []timed{{30 * s, EventWatchdog, "MARK_READ"}, {30 * s, EventAppState, ""}}, wantState: AppNotRunning},
		{name: "never, foreground app: a warning only (apns.md#C03)", action: KeyDefault, script: Script{Complete: CompleteNever},
			wantTail: []timed{{30 * s, EventWatchdog, UNNotificationDefaultActionIdentifier}}, wantState: AppForeground},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev := tt.device
			if dev == "" {
				dev = "ios10"
			}
			w, clock := testWorld(t, func(f []*Device) {
				for _, d := range f {
					d.Apps[0].Handler.Actions = map[string]Script{KeyAny: tt.script}
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
	w, clock := testWorld(t, func(f []*Device) {
		f[3].Apps[0].Handler.Actions = map[string]Script{KeyFetch: {Complete: CompleteNever}}
	})
	from := w.Log().Last()
	if err := push(t, w, "ios9", "s1", `{"aps":{"content-available":1}}`); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	want := []timed{{0, EventRequest, ""}, {0, EventDelivered, ""}, {0, EventWake, KeyFetch},
		{30 * time.Second, EventWatchdog, KeyFetch}, {30 * time.Second, EventAppState, ""}}
	if diff := cmp.Diff(want, timeline(logSince(w, from))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHandlerRoutes(t *testing.T) {
	// seed 002: the ASAPP SDK handles only notifications its
	// canHandleNotification(with:) recognises; the app's own code the rest.
	h := Handler{
		Actions: map[string]Script{KeyAny: {}},
		Routes: []Route{
			{Name: "asapp", When: Match{Key: "asapp"}, Actions: map[string]Script{
				KeyDefault: {DeepLink: "app://chat", OpenChat: true},
			}},
			{When: Match{Key: "kind", Equals: "fraud"}, Actions: map[string]Script{KeyAny: {Complete: CompleteNever}}},
			{When: Match{Key: "meta.priority", Equals: "2"}, Actions: map[string]Script{KeyAny: {Delay: time.Second}}},
		},
	}
	tests := []struct {
		name, body, key string
		want            Script
		wantRoute       string
	}{
		{"no custom keys", `{"aps":{}}`, KeyDefault, Script{}, ""},
		{"asapp default", `{"aps":{},"asapp":{"id":1}}`, KeyDefault, Script{DeepLink: "app://chat", OpenChat: true}, "asapp"},
		{"asapp route lacks REPLY: falls through", `{"aps":{},"asapp":{}}`, "REPLY", Script{}, ""},
		{"equals a string", `{"aps":{},"kind":"fraud"}`, "X", Script{Complete: CompleteNever}, "kind"},
		{"different string", `{"aps":{},"kind":"promo"}`, "X", Script{}, ""},
		{"nested number", `{"aps":{},"meta":{"priority":2}}`, "X", Script{Delay: time.Second}, "meta.priority"},
		{"path through a non-object", `{"aps":{},"meta":3}`, "X", Script{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePayload([]byte(tt.body))
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
	p := Payload{Custom: map[string]json.RawMessage{"asapp": json.RawMessage(`{"type":"chat"}`)}}
	got := []bool{
		Match{Key: "asapp"}.Matches(p),
		Match{Key: "asapp.type", Equals: "chat"}.Matches(p),
		Match{Key: "asapp.type", Equals: "promo"}.Matches(p),
		Match{Key: "other"}.Matches(p),
	}
	if diff := cmp.Diff([]bool{true, true, false, false}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestChatOpenByScriptSuppressesNext(t *testing.T) {
	w, _ := testWorld(t, func(f []*Device) {
		f[7].Apps[0].Handler.Routes = []Route{{Name: "asapp", When: Match{Key: "asapp"},
			Actions: map[string]Script{KeyDefault: {DeepLink: "app://chat", OpenChat: true}}}}
	})
	body := `{"aps":{"alert":"Agent: hi"},"asapp":{"conversation":7}}`
	if err := push(t, w, "ios17", "n1", body); err != nil {
		t.Fatal(err)
	}
	evs, err := w.Tap(context.Background(), "ios17", "", KeyDefault, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []act{{Kind: EventAppState},
		{Kind: EventAction, Action: UNNotificationDefaultActionIdentifier, Callback: CallbackDidReceiveResponse},
		{Kind: EventDeepLink, Action: UNNotificationDefaultActionIdentifier},
		{Kind: EventNote, Action: UNNotificationDefaultActionIdentifier},
		{Kind: EventCompletion, Action: UNNotificationDefaultActionIdentifier, Callback: CallbackDidReceiveResponse}}
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
