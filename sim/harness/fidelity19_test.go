package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// The tests in this file go through the whole flow (apns2 over TLS and
// HTTP/2 → fakeapns → World → Render) on a virtual clock, one per
// behaviour of issue 19, each citing its rows.

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type rig struct {
	t   *testing.T
	ctx context.Context
	clk *clock.Virtual
	h   *Harness
}

func newRig(t *testing.T, fleet []*device.Device) *rig {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewVirtual(t0)
	h, err := Start(ctx, Config{Clock: clk, Fleet: fleet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return &rig{t: t, ctx: ctx, clk: clk, h: h}
}

func (r *rig) token(dev, bundle string) string {
	r.t.Helper()
	d, err := r.h.World.Device(dev)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, a := range d.Apps {
		if a.BundleID == bundle {
			return a.Token
		}
	}
	r.t.Fatalf("%s has no app %s", dev, bundle)
	return ""
}

// send posts one notification and wants 200: APNs accepts what it stores,
// defers or drops later (apns.md#T14).
func (r *rig) send(dev, bundle string, req provider.Request) string {
	r.t.Helper()
	req.Token, req.Topic = r.token(dev, bundle), bundle
	res, err := r.h.Provider.Send(r.ctx, req)
	if err != nil {
		r.t.Fatal(err)
	}
	if res.Status != 200 {
		r.t.Fatalf("send to %s: %d %s, want 200", dev, res.Status, res.Reason)
	}
	return res.ApnsID
}

// kinds lists the events after mark as "kind device" lines, leaving out
// requests, app states and completions, which every push has.
func (r *rig) kinds(mark uint64) []string {
	r.t.Helper()
	events, missed := r.h.Log.Since(mark, 10000)
	if missed != 0 {
		r.t.Fatalf("missed %d events", missed)
	}
	var out []string
	for _, ev := range events {
		switch ev.Kind {
		case world.EventRequest, world.EventAppState, world.EventCompletion, world.EventNote, world.EventLint:
			continue
		}
		out = append(out, string(ev.Kind)+" "+ev.Device)
	}
	return out
}

func (r *rig) messages(mark uint64, kind world.EventKind) []string {
	events, _ := r.h.Log.Since(mark, 10000)
	var out []string
	for _, ev := range events {
		if ev.Kind == kind {
			out = append(out, ev.Message)
		}
	}
	return out
}

func dev(name, ios, model string, apps ...*device.App) *device.Device {
	d := &device.Device{Name: name, Version: device.MustVersion(ios), Model: model}
	if len(apps) == 0 {
		apps = []*device.App{{BundleID: device.DefaultBundleID}}
	}
	d.Apps = apps
	return d
}

func prepared(t *testing.T, fleet ...*device.Device) []*device.Device {
	t.Helper()
	for _, d := range fleet {
		for i, a := range d.Apps {
			p, err := device.PrepareApp(d, a)
			if err != nil {
				t.Fatal(err)
			}
			d.Apps[i] = p
		}
	}
	return fleet
}

func banner(t *testing.T, w *world.World, dev string) device.Presentation {
	t.Helper()
	notes, err := w.Notifications(dev)
	if err != nil || len(notes) == 0 {
		t.Fatalf("%s: no notification (%v)", dev, err)
	}
	for _, p := range notes[len(notes)-1].Presentations {
		if p.Context == device.ContextBanner {
			return p
		}
	}
	t.Fatalf("%s: no banner context", dev)
	return device.Presentation{}
}

// apns.md#V60, V61, V62, V63: the service extension runs on 10+ for
// mutable-content alerts only, rewrites the content in its time, or the
// original is shown when it never completes.
func TestServiceExtensionThroughAPNs(t *testing.T) {
	ext := func(e *device.ServiceExtension) *device.App {
		return &device.App{BundleID: device.DefaultBundleID, ServiceExtension: e}
	}
	r := newRig(t, prepared(t,
		dev("ios9", "9.3", "", ext(&device.ServiceExtension{Body: "rewritten"})),
		dev("ios12", "12.5", "", ext(&device.ServiceExtension{Body: "rewritten", Attachments: []string{"beach.jpg", "note.m4a"}, Delay: 2 * time.Second})),
		dev("ios17", "17.6", "", ext(&device.ServiceExtension{Body: "rewritten", Complete: device.CompleteNever})),
	))
	body := []byte(`{"aps":{"alert":{"title":"Alice","body":"sent a photo"},"mutable-content":1}}`)
	mark := r.h.Log.Last()
	for _, d := range []string{"ios9", "ios12", "ios17"} {
		r.send(d, device.DefaultBundleID, provider.Request{Payload: body})
	}
	want := []string{"delivered ios9", "presented ios9", "extension_started ios12", "extension_started ios17"}
	if diff := cmp.Diff(want, r.kinds(mark)); diff != "" {
		t.Errorf("at arrival (-want +got):\n%s", diff)
	}
	mark = r.h.Log.Last()
	r.clk.Advance(2 * time.Second)
	if diff := cmp.Diff([]string{"extension_completed ios12", "delivered ios12", "presented ios12"}, r.kinds(mark)); diff != "" {
		t.Errorf("after 2 s (-want +got):\n%s", diff)
	}
	p := banner(t, r.h.World, "ios12")
	if p.Body != "rewritten" || !cmp.Equal(p.Attachments, []string{"beach.jpg", "note.m4a"}) {
		t.Errorf("ios12 banner: body %q attachments %v, want the extension's", p.Body, p.Attachments)
	}
	if got := device.AttachmentLabel("note.m4a"); got != "[audio: note.m4a]" {
		t.Errorf("AttachmentLabel = %q", got)
	}
	mark = r.h.Log.Last()
	r.clk.Advance(27*time.Second + 999*time.Millisecond)
	if got := r.kinds(mark); len(got) != 0 {
		t.Errorf("before 30 s: %v, want nothing", got)
	}
	r.clk.Advance(time.Millisecond)
	if diff := cmp.Diff([]string{"extension_timed_out ios17", "delivered ios17", "presented ios17"}, r.kinds(mark)); diff != "" {
		t.Errorf("at 30 s (-want +got):\n%s", diff)
	}
	if p := banner(t, r.h.World, "ios17"); p.Body != "sent a photo" || len(p.Attachments) != 0 {
		t.Errorf("ios17 after the time-out: %q %v, want the original content", p.Body, p.Attachments)
	}
	if p := banner(t, r.h.World, "ios9"); p.Body != "sent a photo" || !strings.Contains(strings.Join(p.Notes, "|"), "mutable-content needs iOS 10") {
		t.Errorf("ios9: %q %v, want the original and a note", p.Body, p.Notes)
	}
	// V63: a silent push with mutable-content never reaches the extension.
	mark = r.h.Log.Last()
	r.send("ios12", device.DefaultBundleID, provider.Request{PushType: "background", Priority: 5, Payload: []byte(`{"aps":{"content-available":1,"mutable-content":1}}`)})
	for _, k := range r.kinds(mark) {
		if strings.HasPrefix(k, "extension_") {
			t.Errorf("silent push ran the extension: %v", r.kinds(mark))
		}
	}
}

// apns.md#T20, T21, T22, T23, U51, H16: an offline device's one slot per
// app, apns-expiration 0 and a passed expiration, late delivery.
func TestOfflineStoreAndForwardThroughAPNs(t *testing.T) {
	news := &device.App{BundleID: "com.example.news"}
	d := dev("ios17", "17.6", "iPhone 15", &device.App{BundleID: device.DefaultBundleID}, news)
	d.Offline = true
	r := newRig(t, prepared(t, d))
	mark := r.h.Log.Last()
	first := r.send("ios17", device.DefaultBundleID, provider.Request{Payload: []byte(`{"aps":{"alert":"one"}}`)})
	r.send("ios17", device.DefaultBundleID, provider.Request{Payload: []byte(`{"aps":{"alert":"two"}}`)})
	r.send("ios17", "com.example.news", provider.Request{Expiration: provider.ExpireNow, Payload: []byte(`{"aps":{"alert":"now or never"}}`)})
	r.send("ios17", "com.example.news", provider.Request{Expiration: t0.Add(time.Minute), Payload: []byte(`{"aps":{"alert":"for a minute"}}`)})
	want := []string{"stored ios17", "replaced ios17", "expired ios17", "stored ios17"}
	if diff := cmp.Diff(want, r.kinds(mark)); diff != "" {
		t.Errorf("while offline (-want +got):\n%s", diff)
	}
	if msgs := r.messages(mark, world.EventReplaced); len(msgs) != 1 || !strings.Contains(msgs[0], first) {
		t.Errorf("replaced: %v, want it to name %s (U51: the newest is kept)", msgs, first)
	}
	if v, _ := r.h.World.Device("ios17"); v.Stored != 2 {
		t.Errorf("Stored = %d, want 2: one per app (T23)", v.Stored)
	}
	r.clk.Advance(2 * time.Minute)
	mark = r.h.Log.Last()
	if err := r.h.World.SetOffline("ios17", false); err != nil {
		t.Fatal(err)
	}
	want = []string{"expired ios17", "delivered_late ios17", "delivered ios17", "presented ios17"} // apps in bundle-id order
	if diff := cmp.Diff(want, r.kinds(mark)); diff != "" {
		t.Errorf("back online (-want +got):\n%s", diff)
	}
	notes, _ := r.h.World.Notifications("ios17")
	if len(notes) != 1 || notes[0].Notification.Payload.Aps.Alert.Body != "two" {
		t.Errorf("on the device: %+v, want only \"two\"", notes)
	}
}

// apns.md#H16, T21: the fake tells apns-expiration 0 from no header.
func TestExpirationZeroReachesTheFake(t *testing.T) {
	r := newRig(t, prepared(t, dev("ios17", "17.6", "")))
	r.send("ios17", device.DefaultBundleID, provider.Request{Expiration: provider.ExpireNow, Payload: []byte(`{"aps":{"alert":"x"}}`)})
	notes, _ := r.h.World.Notifications("ios17")
	if len(notes) != 1 || !notes[0].Notification.ExpirationSet || !notes[0].Notification.Expiration.IsZero() {
		t.Errorf("notification %+v, want ExpirationSet with a zero time", notes)
	}
}

// apns.md#C10, C11, U52, U53: three background wakes an hour, the rest
// deferred and coalesced; priority 1 waits for a wake.
func TestBackgroundBudgetThroughAPNs(t *testing.T) {
	r := newRig(t, prepared(t, dev("ios16", "16.7", "")))
	bg := func(n int) provider.Request {
		return provider.Request{PushType: "background", Priority: 5, Payload: []byte(`{"aps":{"content-available":1},"n":` + string(rune('0'+n)) + `}`)}
	}
	mark := r.h.Log.Last()
	var ids []string
	for i := 1; i <= 5; i++ {
		ids = append(ids, r.send("ios16", device.DefaultBundleID, bg(i)))
	}
	want := []string{
		"delivered ios16", "wake ios16", "delivered ios16", "wake ios16", "delivered ios16", "wake ios16",
		"deferred ios16", "coalesced ios16",
	}
	if diff := cmp.Diff(want, r.kinds(mark)); diff != "" {
		t.Errorf("a burst of 5 (-want +got):\n%s", diff)
	}
	mark = r.h.Log.Last()
	r.clk.Advance(59 * time.Minute)
	if got := r.kinds(mark); len(got) != 0 {
		t.Errorf("within the hour: %v, want nothing", got)
	}
	r.clk.Advance(time.Minute)
	if diff := cmp.Diff([]string{"delivered ios16", "wake ios16"}, r.kinds(mark)); diff != "" {
		t.Errorf("after the hour (-want +got):\n%s", diff)
	}
	notes, _ := r.h.World.Notifications("ios16")
	if last := notes[len(notes)-1]; last.ApnsID != ids[4] {
		t.Errorf("the deferred wake carried %s, want the newest %s (coalesced)", last.ApnsID, ids[4])
	}
	// C11: priority 1 is held until the user unlocks the device.
	if err := r.h.World.SetLocked("ios16", true); err != nil {
		t.Fatal(err)
	}
	mark = r.h.Log.Last()
	p1 := bg(7)
	p1.Priority = 1
	r.send("ios16", device.DefaultBundleID, p1)
	r.clk.Advance(10 * time.Minute)
	if diff := cmp.Diff([]string{"deferred ios16"}, r.kinds(mark)); diff != "" {
		t.Errorf("priority 1 (-want +got):\n%s", diff)
	}
	mark = r.h.Log.Last()
	if err := r.h.World.SetLocked("ios16", false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"delivered ios16", "wake ios16"}, r.kinds(mark)); diff != "" {
		t.Errorf("unlocked (-want +got):\n%s", diff)
	}
}

// apns.md#V64, V65, V66, U54: stacks by thread-id with the summary line.
func TestStacksThroughAPNs(t *testing.T) {
	chat := device.Category{ID: "chat", SummaryFormat: "%u more messages from %@"}
	app := &device.App{BundleID: device.DefaultBundleID, Categories: []device.Category{chat}}
	r := newRig(t, prepared(t, dev("ios10", "10.3", ""), dev("ios12", "12.5", "", app), dev("ios15", "15.8", "")))
	pushes := []string{
		`{"aps":{"alert":{"body":"Hi","summary-arg":"Bob"},"thread-id":"t","category":"chat"}}`,
		`{"aps":{"alert":{"body":"Photos","summary-arg":"Alice","summary-arg-count":2},"thread-id":"t","category":"chat"}}`,
		`{"aps":{"alert":"Shipped"}}`,
		`{"aps":{"alert":{"body":"Coming?","summary-arg":"Alice"},"thread-id":"t","category":"chat"}}`,
	}
	for _, d := range []string{"ios10", "ios12", "ios15"} {
		for _, p := range pushes {
			r.send(d, device.DefaultBundleID, provider.Request{Payload: []byte(p)})
		}
	}
	lines := func(d string) []string {
		v, err := r.h.World.Device(d)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range v.Stacks {
			out = append(out, s.Text())
		}
		return out
	}
	want := map[string][]string{
		"ios10": {`com.pushsim.demo (1): "Coming?"`, `com.pushsim.demo (1): "Shipped"`, `com.pushsim.demo (1): "Photos"`, `com.pushsim.demo (1): "Hi"`},
		"ios12": {`com.pushsim.demo thread t (3): "Coming?" — 3 more messages from Bob and Alice`, `com.pushsim.demo (1): "Shipped"`},
		"ios15": {`com.pushsim.demo thread t (3): "Coming?" — 2 more notifications`, `com.pushsim.demo (1): "Shipped"`},
	}
	for d, w := range want {
		if diff := cmp.Diff(w, lines(d)); diff != "" {
			t.Errorf("%s stacks (-want +got):\n%s", d, diff)
		}
	}
}

// apns.md#V67, V68, V69, U55: a Focus silences what cannot break through;
// time-sensitive and critical break through with their entitlements.
func TestFocusThroughAPNs(t *testing.T) {
	bank := &device.App{BundleID: device.DefaultBundleID, Entitlements: []string{device.EntitlementTimeSensitive, device.EntitlementCriticalAlerts}}
	shop := &device.App{BundleID: "com.example.shop", Entitlements: []string{}}
	d15 := dev("ios15", "15.8", "", bank, shop)
	d15.Focus = &device.Focus{Name: "Sleep"}
	d14 := dev("ios14", "14.8", "")
	d14.Focus = &device.Focus{Name: "Sleep"}
	r := newRig(t, prepared(t, d15, d14))
	cases := []struct {
		dev, app, level string
		want            device.Context
		why             string
	}{
		{"ios15", device.DefaultBundleID, "", device.ContextNotificationCenter, "silenced by Focus Sleep"},
		{"ios15", device.DefaultBundleID, "passive", device.ContextNotificationCenter, "silenced by Focus Sleep"},
		{"ios15", device.DefaultBundleID, "time-sensitive", device.ContextBanner, "time-sensitive: breaks through Focus Sleep"},
		{"ios15", device.DefaultBundleID, "critical", device.ContextBanner, "critical: breaks through Focus Sleep"},
		{"ios15", "com.example.shop", "time-sensitive", device.ContextNotificationCenter, "without the Time Sensitive entitlement"},
		{"ios15", "com.example.shop", "critical", device.ContextNotificationCenter, "without the critical-alerts entitlement"},
		{"ios14", device.DefaultBundleID, "", device.ContextBanner, ""}, // no Focus before 15
	}
	for _, c := range cases {
		mark := r.h.Log.Last()
		body := `{"aps":{"alert":"x"}}`
		if c.level != "" {
			body = `{"aps":{"alert":"x","interruption-level":"` + c.level + `"}}`
		}
		r.send(c.dev, c.app, provider.Request{Payload: []byte(body)})
		events, _ := r.h.Log.Since(mark, 100)
		var got *world.Event
		for i := range events {
			if events[i].Kind == world.EventPresented {
				got = &events[i]
			}
		}
		if got == nil {
			t.Errorf("%s %s %q: not presented", c.dev, c.app, c.level)
			continue
		}
		if got.Context != c.want || !strings.Contains(got.Message, c.why) {
			t.Errorf("%s %s %q: presented in %s: %s; want %s and %q", c.dev, c.app, c.level, got.Context, got.Message, c.want, c.why)
		}
	}
}

// apns.md#V71, V72, U56: Show Previews and the model's default.
func TestHiddenPreviewsThroughAPNs(t *testing.T) {
	cat := device.Category{ID: "msg", HiddenPreviewsBodyPlaceholder: "New message", HiddenPreviewsShowTitle: true}
	app := func() *device.App {
		return &device.App{BundleID: device.DefaultBundleID, Categories: []device.Category{cat}}
	}
	fleet := prepared(t,
		dev("faceid", "17.6", "iPhone 15 Pro", app()),
		dev("touchid", "17.6", "iPhone SE", app()),
		dev("never", "17.6", "iPhone 8", app()),
		dev("ios10", "10.3", "iPhone 7", app()),
		dev("unknown", "17.6", "", app()),
	)
	for _, d := range fleet {
		d.Locked = true
	}
	fleet[2].ShowPreviews, fleet[2].Locked = device.PreviewsNever, false
	fleet[3].ShowPreviews = device.PreviewsNever // ignored before 11
	r := newRig(t, fleet)
	body := []byte(`{"aps":{"alert":{"title":"Anna","subtitle":"Chat","body":"See you at 8?"},"category":"msg"}}`)
	got := map[string]string{}
	for _, d := range fleet {
		r.send(d.Name, device.DefaultBundleID, provider.Request{Payload: body})
		notes, _ := r.h.World.Notifications(d.Name)
		ctx := device.ContextLockScreen
		if !d.Locked {
			ctx = device.ContextBanner
		}
		for _, p := range notes[0].Presentations {
			if p.Context == ctx {
				got[d.Name] = p.Title + "|" + p.Subtitle + "|" + p.Body
			}
		}
	}
	want := map[string]string{
		"faceid":  "Anna||New message",       // when unlocked by default on Face ID (V72)
		"touchid": "Anna|Chat|See you at 8?", // always (V72)
		"never":   "Anna||New message",       // never: even unlocked (V71)
		"ios10":   "Anna|Chat|See you at 8?", // no setting before 11 (V11)
		"unknown": "Anna|Chat|See you at 8?", // unknown model: always (U56)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("title|subtitle|body (-want +got):\n%s", diff)
	}
}
