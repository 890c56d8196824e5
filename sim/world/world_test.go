package world

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
)

// step is an event reduced to its kind, callback and context, plus the
// row its message cites, for delivery tables.
type step struct {
	Kind     EventKind
	Callback string         `json:",omitempty"`
	Context  device.Context `json:",omitempty"`
	Cites    string         `json:",omitempty"`
}

func steps(events []Event) []step {
	out := make([]step, len(events))
	for i, e := range events {
		out[i] = step{Kind: e.Kind, Callback: e.Callback, Context: e.Context}
		if _, after, ok := strings.Cut(e.Message, "apns.md#"); ok {
			if ids := strings.FieldsFunc(after, func(r rune) bool { return r == ')' || r == ',' || r == ' ' }); len(ids) > 0 {
				out[i].Cites = ids[0]
			}
		}
	}
	return out
}

func TestDelivery(t *testing.T) {
	const alert = `{"aps":{"alert":{"title":"Bill","loc-key":"PAY_REMINDER","loc-args":["$5","today"]},"category":"payment_reminder"}}`
	const silent = `{"aps":{"content-available":1}}`
	req := step{Kind: EventRequest}
	got := step{Kind: EventDelivered}
	tests := []struct {
		name      string
		device    string
		before    func(*World)
		body      string
		opts      []func(*fakeapns.Notification)
		want      []step
		wantState NotificationState
	}{
		{name: "iOS 6 banner", device: "ios6", body: alert,
			want: []step{req, got, {Kind: EventPresented, Context: device.ContextBanner}}, wantState: NotificationShown},
		{name: "locked iOS 18: lock screen", device: "ios18-locked", body: alert,
			want: []step{req, got, {Kind: EventPresented, Context: device.ContextLockScreen}}, wantState: NotificationShown},
		{name: "denied", device: "ios10", body: alert,
			before: func(w *World) { _ = w.SetPermission("ios10", device.DefaultBundleID, device.PermissionDenied) },
			want:   []step{req, got, {Kind: EventSuppressed, Cites: "V52"}}, wantState: NotificationSuppressed},
		{name: "never asked, iOS 8", device: "ios8", body: alert,
			before: func(w *World) { _ = w.SetPermission("ios8", device.DefaultBundleID, device.PermissionNotDetermined) },
			want:   []step{req, got, {Kind: EventSuppressed, Cites: "V08"}}, wantState: NotificationSuppressed},
		{name: "never asked, iOS 7: registration was the prompt", device: "ios7", body: alert,
			before: func(w *World) { _ = w.SetPermission("ios7", device.DefaultBundleID, device.PermissionNotDetermined) },
			want:   []step{req, got, {Kind: EventPresented, Context: device.ContextBanner}}, wantState: NotificationShown},
		{name: "provisional, iOS 12: Notification Center only", device: "ios12", body: alert,
			before: func(w *World) { _ = w.SetPermission("ios12", device.DefaultBundleID, device.PermissionProvisional) },
			want:   []step{req, got, {Kind: EventPresented, Context: device.ContextNotificationCenter, Cites: "V48"}}, wantState: NotificationShown},
		{name: "provisional before iOS 12", device: "ios10", body: alert,
			before: func(w *World) { _ = w.SetPermission("ios10", device.DefaultBundleID, device.PermissionProvisional) },
			want:   []step{req, got, {Kind: EventSuppressed, Cites: "V48"}}, wantState: NotificationSuppressed},
		{name: "chat open (seed 002)", device: "ios17", body: alert,
			before: func(w *World) { _ = w.SetChatOpen("ios17", device.DefaultBundleID, true) },
			// apns.md#U44: the app's willPresent is called and decides.
			want: []step{req, got, {Kind: EventSuppressed, Callback: string(device.CallbackWillPresent), Cites: "U44"}}, wantState: NotificationSuppressed},
		{name: "foreground before iOS 10", device: "ios9", body: alert,
			before: func(w *World) { _ = w.SetAppState("ios9", device.DefaultBundleID, device.AppForeground) },
			// ... through the fetch variant, whose completion handler the
			// app's script calls (apns.md#V24, C05).
			want: []step{req, got, {Kind: EventSuppressed, Callback: string(device.CallbackFetch), Cites: "V24"},
				{Kind: EventCompletion, Callback: string(device.CallbackFetch)}}, wantState: NotificationSuppressed},
		{name: "foreground iOS 10+: no willPresent options, nothing shown", device: "ios15", body: alert,
			before: func(w *World) { _ = w.SetAppState("ios15", device.DefaultBundleID, device.AppForeground) },
			want:   []step{req, got, {Kind: EventSuppressed, Callback: string(device.CallbackWillPresent), Cites: "V45"}}, wantState: NotificationSuppressed},
		{name: "foreground iOS 10+: willPresent returns a banner", device: "ios15", body: alert,
			before: func(w *World) {
				_ = w.SetAppState("ios15", device.DefaultBundleID, device.AppForeground)
				w.mu.Lock()
				ds, _ := w.device("ios15")
				ds.dev.App(device.DefaultBundleID).Handler.WillPresent = device.WillPresentBanner
				w.mu.Unlock()
			},
			want: []step{req, got, {Kind: EventPresented, Callback: string(device.CallbackWillPresent), Context: device.ContextForeground}}, wantState: NotificationShown},
		{name: "silent push wakes a background app", device: "ios9", body: silent,
			want: []step{req, got, {Kind: EventWake, Callback: string(device.CallbackFetch), Cites: "C05"},
				{Kind: EventCompletion, Callback: string(device.CallbackFetch)}}, wantState: NotificationSilent},
		{name: "silent push launches a not-running app", device: "ios17", body: silent,
			before: func(w *World) { _ = w.SetAppState("ios17", device.DefaultBundleID, device.AppNotRunning) },
			want: []step{req, got, {Kind: EventAppState}, {Kind: EventWake, Callback: string(device.CallbackFetch), Cites: "C05"},
				{Kind: EventCompletion, Callback: string(device.CallbackFetch)}}, wantState: NotificationSilent},
		{name: "silent push, force-quit app", device: "ios17", body: silent,
			before: func(w *World) { _ = w.SetAppState("ios17", device.DefaultBundleID, device.AppForceQuit) },
			want:   []step{req, got, {Kind: EventSuppressed, Cites: "C05"}}, wantState: NotificationSilent},
		{name: "silent push before iOS 7", device: "ios6", body: silent,
			want: []step{req, got, {Kind: EventSuppressed, Cites: "P11"}}, wantState: NotificationSilent},
		{name: "badge only", device: "ios10", body: `{"aps":{"badge":3}}`,
			want: []step{req, got, {Kind: EventSuppressed, Cites: "U23"}}, wantState: NotificationSilent},
		{name: "invalid JSON (apns.md#U02)", device: "ios10", body: `{"aps":`,
			want: []step{req, {Kind: EventSuppressed, Cites: "U02"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t)
			if tt.before != nil {
				tt.before(w)
			}
			from := w.Log().Last()
			if err := push(t, w, tt.device, "n1", tt.body, tt.opts...); err != nil {
				t.Fatalf("push: %v", err)
			}
			if diff := cmp.Diff(tt.want, steps(logSince(w, from))); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			notes, err := w.Notifications(tt.device)
			if err != nil {
				t.Fatal(err)
			}
			var state NotificationState
			if len(notes) > 0 {
				state = notes[len(notes)-1].State
			}
			if state != tt.wantState {
				t.Errorf("stored state = %q, want %q", state, tt.wantState)
			}
		})
	}
}

func TestDeliveryPresentations(t *testing.T) {
	w, _ := testWorld(t)
	if err := push(t, w, "ios9", "n1", `{"aps":{"alert":"Who?","category":"poll"}}`); err != nil {
		t.Fatal(err)
	}
	notes, err := w.Notifications("ios9")
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || len(notes[0].Presentations) == 0 {
		t.Fatalf("ios9 holds %d notifications, want 1 with presentations: %+v", len(notes), notes)
	}
	// The World stores exactly what the pure Render gives in every context.
	fleet := device.DefaultFleet()
	dev := fleet[3]
	var want []device.Presentation
	for _, c := range device.CapabilitiesOf(dev.Version).Contexts {
		want = append(want, device.Render(dev, dev.Apps[0], notes[0].Notification, c))
	}
	if diff := cmp.Diff(want, notes[0].Presentations); diff != "" {
		t.Errorf("presentations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("Who?", notes[0].Presentations[0].Body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestCollapseReplaces(t *testing.T) {
	w, _ := testWorld(t)
	collapse := func(n *fakeapns.Notification) { n.CollapseID = "score" }
	for _, id := range []string{"a", "b", "c"} {
		opts := []func(*fakeapns.Notification){collapse}
		if id == "b" {
			opts = nil
		}
		if err := push(t, w, "ios10", id, `{"aps":{"alert":"`+id+`"}}`, opts...); err != nil {
			t.Fatal(err)
		}
	}
	notes, _ := w.Notifications("ios10")
	var ids []string
	for _, n := range notes {
		ids = append(ids, n.ApnsID)
	}
	if diff := cmp.Diff([]string{"b", "c"}, ids); diff != "" {
		t.Errorf("notifications after collapse (apns.md#H19) (-want +got):\n%s", diff)
	}
	dv, _ := w.Device("ios10")
	if dv.Unread != 2 {
		t.Errorf("unread = %d, want 2", dv.Unread)
	}
}

func TestMaxNotificationsBound(t *testing.T) {
	clk := clock.NewVirtual(t0)
	w := New(Config{Fleet: device.DefaultFleet(), Clock: clk, MaxNotifications: 3})
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		if _, err := w.DeliverPayload(context.Background(), "ios10", "", []byte(`{"aps":{"alert":"x"},"Simulator Target Bundle":"com.pushsim.demo"}`)); err != nil {
			t.Fatal(id, err)
		}
	}
	notes, _ := w.Notifications("ios10")
	if len(notes) != 3 {
		t.Errorf("kept %d notifications, want 3", len(notes))
	}
}

func TestDeliverInject(t *testing.T) {
	tests := []struct {
		name, device, bundle, body string
		wantErr                    error
	}{
		{name: "bundle argument", device: "ios10", bundle: device.DefaultBundleID, body: `{"aps":{"alert":"hi"}}`},
		{name: "Simulator Target Bundle (apns.md#S03)", device: "ios10", body: `{"aps":{"alert":"hi"},"Simulator Target Bundle":"com.pushsim.demo"}`},
		{name: "no bundle", device: "ios10", body: `{"aps":{"alert":"hi"}}`,
			wantErr: &UnknownAppError{Device: "ios10", Known: []string{device.DefaultBundleID}}},
		{name: "unknown device", device: "nokia", bundle: device.DefaultBundleID, body: `{"aps":{}}`,
			wantErr: &UnknownDeviceError{Name: "nokia", Known: []string{"ios6", "ios7", "ios8", "ios9", "ios10", "ios12", "ios15", "ios17", "ios18-locked"}}},
		{name: "no aps (apns.md#S02)", device: "ios10", bundle: device.DefaultBundleID, body: `{"x":1}`,
			wantErr: &InjectError{Device: "ios10", Why: `payload has no "aps" dictionary (apns.md#S02)`}},
		{name: "too large (apns.md#S02)", device: "ios10", bundle: device.DefaultBundleID, body: `{"aps":{"alert":"` + strings.Repeat("x", 4100) + `"}}`,
			wantErr: &InjectError{Device: "ios10", Why: "payload is 4120 bytes, over simctl's 4096 (apns.md#S02)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t)
			d, err := w.DeliverPayload(context.Background(), tt.device, tt.bundle, []byte(tt.body))
			if diff := cmp.Diff(tt.wantErr, err, cmp.Comparer(func(a, b error) bool { return a.Error() == b.Error() })); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if d.State != NotificationShown || d.ApnsID == "" || d.App != device.DefaultBundleID || !d.ReceivedAt.Equal(t0) {
				t.Errorf("Delivered = %+v, want shown, with an apns id, at t0", d)
			}
		})
	}
	w, _ := testWorld(t)
	for _, body := range []string{`[1]`, `{"aps":`, `{"aps":{"alert":{"loc-key":"K","loc-args":[1,2]}}}`, `{"aps":"two"}`} {
		_, err := w.DeliverPayload(context.Background(), "ios10", device.DefaultBundleID, []byte(body))
		var pe *PayloadError
		if !errors.As(err, &pe) || pe.Device != "ios10" {
			t.Errorf("DeliverPayload(%s) = %v (%T), want a *PayloadError", body, err, err)
		}
	}
	if notes, _ := w.Notifications("ios10"); len(notes) != 0 {
		t.Errorf("%d bad payloads were stored", len(notes))
	}
}

func TestSetters(t *testing.T) {
	w, _ := testWorld(t)
	var unknownDev *UnknownDeviceError
	var unknownApp *UnknownAppError
	var invalid *InvalidValueError
	tests := []struct {
		name string
		err  error
		want any
	}{
		{"state on unknown device", w.SetAppState("nope", device.DefaultBundleID, device.AppBackground), &unknownDev},
		{"state on unknown app", w.SetAppState("ios9", "com.x", device.AppBackground), &unknownApp},
		{"bad state", w.SetAppState("ios9", device.DefaultBundleID, "asleep"), &invalid},
		{"bad permission", w.SetPermission("ios9", device.DefaultBundleID, "maybe"), &invalid},
		{"lock unknown device", w.SetLocked("nope", true), &unknownDev},
		{"chat on unknown app", w.SetChatOpen("ios9", "com.x", true), &unknownApp},
		{"uninstall unknown app", w.Uninstall("ios9", "com.x"), &unknownApp},
	}
	for _, tt := range tests {
		if !errors.As(tt.err, tt.want) {
			t.Errorf("%s: error %v (%T), want %T", tt.name, tt.err, tt.err, tt.want)
		}
	}
	if err := w.SetLocked("ios9", true); err != nil {
		t.Fatal(err)
	}
	if err := w.SetChatOpen("ios9", device.DefaultBundleID, true); err != nil {
		t.Fatal(err)
	}
	dv, app := onlyApp(t, w, "ios9")
	got := []any{dv.Locked, app.State, app.ChatOpen}
	if diff := cmp.Diff([]any{true, device.AppForeground, true}, got); diff != "" {
		t.Errorf("locked, state, chat (-want +got):\n%s", diff)
	}
	// The snapshot is a copy: changing it changes nothing.
	app.State = device.AppNotRunning
	if _, app2 := onlyApp(t, w, "ios9"); app2.State != device.AppForeground {
		t.Error("a DeviceView shares state with the World")
	}
}

func TestNewWorldCopiesAndDeduplicates(t *testing.T) {
	fleet := device.DefaultFleet()
	fleet = append(fleet, &device.Device{Name: "ios9", Version: device.MustVersion("9.0")})
	clone := &device.Device{Name: "twin", Version: device.MustVersion("17.0"), Apps: []*device.App{device.DefaultApp(fakeapns.Development, fleet[0].Apps[0].Token)}}
	fleet = append(fleet, clone, nil)
	fleet[1].Apps = append(fleet[1].Apps, nil) // bad input: skipped, no panic
	w := New(Config{Fleet: fleet, Clock: clock.NewVirtual(t0)})
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	fleet[0].Locked = true // the caller's fleet is not the World's
	views := w.Devices()
	if len(views) != 10 {
		t.Fatalf("got %d devices, want 10", len(views))
	}
	if views[0].Locked {
		t.Error("first device locked; the caller's fleet leaked into the World")
	}
	if n := len(views[9].Apps); n != 0 {
		t.Errorf("twin kept %d apps with a duplicate token, want 0", n)
	}
	if diff := cmp.Diff([]EventKind{EventError, EventError}, kinds(logSince(w, 0))); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestResetAndUninstall(t *testing.T) {
	w, clk := testWorld(t, func(f []*device.Device) {
		f[4].Apps[0].Handler.Actions["*"] = device.Script{Complete: device.CompleteNever}
	})
	for _, id := range []string{"a", "b"} {
		if err := push(t, w, "ios10", id, `{"aps":{"alert":"x","badge":2}}`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Tap(context.Background(), "ios10", "a", device.KeyDefault, ""); err != nil {
		t.Fatal(err)
	}
	w.Reset()
	from := w.Log().Last()
	clk.Advance(DefaultWatchdogLimit * 2)
	if evs := logSince(w, from); len(evs) != 0 {
		t.Errorf("events after Reset: %v, want none (the watchdog was cancelled)", briefs(evs))
	}
	dv, _ := w.Device("ios10")
	if dv.Unread != 0 || len(dv.Badges) != 0 {
		t.Errorf("after Reset: unread %d, badges %v", dv.Unread, dv.Badges)
	}
	if err := push(t, w, "ios10", "c", `{"aps":{"alert":"x","badge":2}}`); err != nil {
		t.Fatal(err)
	}
	if err := w.Uninstall("ios10", device.DefaultBundleID); err != nil {
		t.Fatal(err)
	}
	notes, _ := w.Notifications("ios10")
	if len(notes) != 0 {
		t.Errorf("an uninstalled app's notifications stay: %d", len(notes))
	}
}

// BenchmarkObserveDeliver is the hot path of one accepted push: log the
// request, parse, render in every context, store, log the presentation.
func BenchmarkObserveDeliver(b *testing.B) {
	clk := clock.NewVirtual(t0)
	w := New(Config{Fleet: device.DefaultFleet(), Clock: clk, Log: NewEventLogClock(10000, clk)})
	defer func() {
		if err := w.Close(); err != nil {
			b.Error(err)
		}
	}()
	tok := device.DeviceToken("ios17", device.DefaultBundleID)
	n := fakeapns.Notification{ApnsID: "id", Token: tok, Topic: device.DefaultBundleID, PushType: "alert", Priority: 10,
		Payload:     []byte(`{"aps":{"alert":{"title":"Bill","loc-key":"PAY_REMINDER","loc-args":["$5","today"]},"category":"payment_reminder"},"id":42}`),
		Environment: fakeapns.Development, ReceivedAt: t0}
	rec := fakeapns.Record{Status: 200, ApnsID: "id", Notification: &n, ReceivedAt: t0}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Route(context.Background(), n); err != nil {
			b.Fatal(err)
		}
		w.Observe(rec)
	}
}

func BenchmarkObserveDeliverParallel(b *testing.B) {
	clk := clock.NewVirtual(t0)
	w := New(Config{Fleet: device.DefaultFleet(), Clock: clk, Log: NewEventLogClock(10000, clk)})
	defer func() {
		if err := w.Close(); err != nil {
			b.Error(err)
		}
	}()
	names := []string{"ios9", "ios10", "ios17", "ios18-locked"}
	b.ReportAllocs()
	var next atomicCounter
	b.RunParallel(func(pb *testing.PB) {
		dev := names[next.inc()%len(names)]
		n := fakeapns.Notification{ApnsID: "id", Token: device.DeviceToken(dev, device.DefaultBundleID), Topic: device.DefaultBundleID, PushType: "alert",
			Payload: []byte(`{"aps":{"alert":"hello","category":"poll"}}`), Environment: fakeapns.Development, ReceivedAt: t0}
		rec := fakeapns.Record{Status: 200, ApnsID: "id", Notification: &n, ReceivedAt: t0}
		for pb.Next() {
			w.Observe(rec)
		}
	})
}

func TestLintHook(t *testing.T) {
	lint := func(d *device.Device, a *device.App, n device.Notification) []string {
		if n.Payload.Aps.Category != "" && !device.CapabilitiesOf(d.Version).Actions {
			return []string{"category " + n.Payload.Aps.Category + " has no buttons on iOS " + d.Version.String()}
		}
		return nil
	}
	w := New(Config{Fleet: device.DefaultFleet(), Clock: clock.NewVirtual(t0), Lint: lint})
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	for _, dev := range []string{"ios7", "ios8"} {
		if err := push(t, w, dev, dev, `{"aps":{"alert":"x","category":"poll"}}`); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, e := range logSince(w, 0) {
		if e.Kind == EventLint {
			got = append(got, e.Device+": "+e.Message)
		}
	}
	if diff := cmp.Diff([]string{"ios7: category poll has no buttons on iOS 7.1"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// BenchmarkObservePhases splits one accepted push on a fleet device
// into what runs outside the World's lock (parse, lint, the arrival's
// rendering: "unlocked") and the whole Observe ("observe"); the
// difference is the part that holds the lock, which bounds how far
// requests to simulated devices scale across cores.
func BenchmarkObservePhases(b *testing.B) {
	clk := clock.NewVirtual(t0)
	w := New(Config{Fleet: device.DefaultFleet(), Clock: clk, Log: NewEventLogClock(10000, clk), Lint: lint.Delivery})
	defer func() {
		if err := w.Close(); err != nil {
			b.Error(err)
		}
	}()
	tok := device.DeviceToken("ios17", device.DefaultBundleID)
	body := []byte(`{"aps":{"alert":{"title":"Bill","loc-key":"PAY_REMINDER","loc-args":["$5","today"]},"category":"payment_reminder"},"id":42}`)
	n := fakeapns.Notification{ApnsID: "id", Token: tok, Topic: device.DefaultBundleID, PushType: "alert", Priority: 10,
		Payload: body, Environment: fakeapns.Development, ReceivedAt: t0}
	rec := fakeapns.Record{Status: 200, ApnsID: "id", Notification: &n, ReceivedAt: t0}
	b.Run("observe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w.Observe(rec)
		}
	})
	b.Run("unlocked", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, ignored, err := device.ParseDeliverable(body)
			if err != nil {
				b.Fatal(err)
			}
			dn := device.Notification{ApnsID: n.ApnsID, Topic: n.Topic, PushType: n.PushType, Priority: n.Priority,
				Payload: p, Ignored: device.IgnoredMessages(ignored)}
			if w.prepareFor(tok, dn) == nil {
				b.Fatal("nothing prepared")
			}
		}
	})
}
