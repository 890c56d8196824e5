package tui

import (
	"bytes"
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/world"
)

// The TUI's tests run on the real simulated world: harness.Start (apns2
// over TLS and HTTP/2 to the fake APNs, the World behind it) on a virtual
// clock. Nothing of the world is re-implemented here.

var start = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

var fixedNow = func() time.Time { return start }

// testWorld is a harness on a virtual clock, its log on the same clock.
type testWorld struct {
	*harness.Harness
	clock *clock.Virtual
}

func newWorld(t testing.TB, fleet []*device.Device, logSize int) *testWorld {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	vc := clock.NewVirtual(start)
	h, err := harness.Start(ctx, harness.Config{Fleet: fleet, Clock: vc, Log: world.NewEventLogClock(logSize, vc)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	})
	return &testWorld{Harness: h, clock: vc}
}

// events are the world's log, every event.
func (w *testWorld) events() []world.Event {
	evs, _ := w.Log.Since(0, 1<<20)
	return evs
}

// kinds lists "kind:device:action" of the events of device ("" = all)
// whose kind is one of kinds (none = all).
func (w *testWorld) kinds(device string, kinds ...world.EventKind) []string {
	var out []string
	for _, e := range w.events() {
		if device != "" && e.Device != device || len(kinds) > 0 && !contains(kinds, e.Kind) {
			continue
		}
		out = append(out, string(e.Kind)+":"+e.Device+":"+e.Action)
	}
	return out
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// steadyLatency is the harness backend with the latency of each answer
// set to 1.5 ms, so that goldens do not depend on this machine's speed;
// the send itself goes through the harness unchanged.
type steadyLatency struct{ SimBackend }

func (b steadyLatency) Send(ctx context.Context, r Request) (provider.Response, error) {
	resp, err := b.SimBackend.Send(ctx, r)
	resp.Latency = 1500 * time.Microsecond
	return resp, err
}

func newTestModel(t testing.TB, w *testWorld, opts ...func(*Options)) *Model {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	o := Options{Backend: steadyLatency{HarnessBackend(w.Harness)}, Now: fixedNow, RecordDir: t.TempDir(), Dark: true,
		RealMissing: "no credentials: pushsim send --real needs --key or --cert"}
	for _, f := range opts {
		f(&o)
	}
	m := New(ctx, o)
	t.Cleanup(m.Close)
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "ctrl+s", "ctrl+r", "ctrl+o", "ctrl+c":
		return tea.KeyPressMsg{Code: rune(s[5]), Mod: tea.ModCtrl}
	case "alt+s", "alt+t", "alt+e":
		return tea.KeyPressMsg{Code: rune(s[4]), Mod: tea.ModAlt}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

// keys presses each key and runs what it starts to the end.
func keys(m *Model, ks ...string) {
	for _, k := range ks {
		_, cmd := m.Update(press(k))
		runCmd(m, cmd)
	}
}

// typeText types s, one key per rune.
func typeText(m *Model, s string) {
	for _, r := range s {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		runCmd(m, cmd)
	}
}

func contentOf(m *Model) string { return ansi.Strip(m.View().Content) }

// uuids are apns-ids: the fake APNs draws them at random.
var uuids = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// stable is a screen with the random apns-ids masked, for goldens.
func stable(s string) string { return uuids.ReplaceAllString(s, "xxxxxxxx-apns-id0-xxxx-xxxxxxxxxxxx") }

// screenWaiter waits for text in the program's output. WaitFor consumes
// what it reads, so the waiter keeps everything read so far: a text drawn
// in the same chunk as the previous one is still found.
type screenWaiter struct {
	tm   *teatest.TestModel
	seen []byte
}

func (w *screenWaiter) wait(t *testing.T, text string) {
	t.Helper()
	if bytes.Contains(w.seen, []byte(text)) {
		return
	}
	prev := w.seen
	teatest.WaitFor(t, w.tm.Output(), func(b []byte) bool {
		w.seen = append(append([]byte(nil), prev...), b...)
		return bytes.Contains(w.seen, []byte(text))
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// runCmd runs cmd and feeds its messages back, synchronously (batches
// included), the way the program would.
func runCmd(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	// tea.Batch and tea.Sequence return a slice of commands (Sequence's
	// type is unexported): run them in order.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			runCmd(m, v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	if msg == nil {
		return
	}
	if _, ok := msg.(eventsMsg); ok {
		return // the subscription is exercised by the teatest flows
	}
	_, next := m.Update(msg)
	runCmd(m, next)
	m.readEvents()
	m.refresh()
}

// has fails unless the screen shows every text.
func has(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	s := contentOf(m)
	for _, text := range texts {
		if !strings.Contains(s, text) {
			t.Errorf("the screen lacks %q:\n%s", text, s)
			return
		}
	}
}

// hasNot fails if the screen shows any of texts.
func hasNot(t *testing.T, m *Model, texts ...string) {
	t.Helper()
	s := contentOf(m)
	for _, text := range texts {
		if strings.Contains(s, text) {
			t.Errorf("the screen shows %q:\n%s", text, s)
			return
		}
	}
}

// selectDevice moves the fleet cursor to name with ↑ and ↓.
func selectDevice(t *testing.T, m *Model, name string) {
	t.Helper()
	for i, d := range m.fleet.devices {
		if d.Name != name {
			continue
		}
		focus := m.focus
		m.setFocus(paneFleet)
		for range len(m.fleet.devices) {
			switch {
			case m.fleet.cursor < i:
				keys(m, "down")
			case m.fleet.cursor > i:
				keys(m, "up")
			}
		}
		m.setFocus(focus)
		return
	}
	t.Fatalf("no device %s in the fleet", name)
}

// showContext cycles the phone to context c with → (the phone focused).
func showContext(t *testing.T, m *Model, c device.Context) {
	t.Helper()
	for range 8 {
		if m.phone.shownContext() == c {
			return
		}
		keys(m, "right")
	}
	t.Fatalf("the phone never showed %s:\n%s", c, contentOf(m))
}

// useTemplate loads the composer template called name.
func useTemplate(t *testing.T, m *Model, name string) {
	t.Helper()
	for range len(m.composer.templates) {
		if m.composer.templates[m.composer.template].Name == name {
			return
		}
		keys(m, "alt+t")
	}
	t.Fatalf("no template %q", name)
}

// startServe runs pushsim serve on loopback ports for the test, as
// `pushsim tui --serve` does; it is closed when the test ends.
func startServe(t *testing.T) (context.Context, *serve.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := serve.Start(ctx, serve.Config{Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return ctx, srv
}

// serveProvider is an apns2 provider to srv's development server with
// the state dir's key, as a user's backend would send; closed at the end.
func serveProvider(t *testing.T, srv *serve.Server) *provider.Provider {
	t.Helper()
	return serveProviderAt(t, srv, srv.Development)
}

// serveProviderAt is serveProvider for one of serve's environments.
func serveProviderAt(t *testing.T, srv *serve.Server, env *fakeapns.Server) *provider.Provider {
	t.Helper()
	k := srv.State.Key
	p, err := provider.New(provider.Config{Endpoint: env.URL(), RootCAs: env.CertPool(), Key: k.Private, KeyID: k.KeyID, TeamID: k.TeamID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}
