package tui

import (
	"strings"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
)

// Issue 20 in the TUI: a fault rule added from the Faults overlay fires on
// the next send from the TUI, through the real flow (apns2 → fakeapns →
// world), shows in Responses, and is consumed.
func TestFaultsOverlayAddsRule(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	selectDevice(t, m, "ios8")
	keys(m, "F")
	if m.overlay != overlayFaults {
		t.Fatalf("F opened no Faults overlay:\n%s", contentOf(m))
	}
	has(t, m, "Faults", "(none)", "429 TooManyRequests", "RST_STREAM REFUSED_STREAM", "TLS handshake failure", "next 1 request (+/-), any device (t)")
	keys(m, "t", "enter") // the first preset, 429, for ios8 only
	rules := w.Server.Faults().List()
	if len(rules) != 1 || rules[0].Reason != fakeapns.ReasonTooManyRequests || rules[0].Count != 1 || rules[0].Token == "" {
		t.Fatalf("rules after enter: %+v", rules)
	}
	has(t, m, "tui-1", "429 TooManyRequests · ios8 · 1 left")
	keys(m, "esc")
	if m.overlay != overlayNone {
		t.Fatalf("esc left the overlay open")
	}
	keys(m, "alt+s", "ctrl+s") // to ios8 only
	has(t, m, "ios8 429 TooManyRequests")
	if rules := w.Server.Faults().List(); len(rules) != 0 {
		t.Errorf("the rule was not consumed: %+v", rules)
	}
	keys(m, "ctrl+s")
	has(t, m, "ios8 200 OK")
	if n := strings.Count(contentOf(m), "429"); n != 1 {
		t.Errorf("the second send got a 429 too:\n%s", contentOf(m))
	}
	keys(m, "F")
	has(t, m, "(none)")
}

// A frame-level preset: RST_STREAM REFUSED_STREAM means "not processed,
// retry" (RFC 9113 section 8.7), and Go's HTTP/2 transport under apns2
// does retry on its own: one send from the TUI consumes both resets of a
// count-2 rule and ends 200 OK, with both resets in the event log.
func TestFaultsOverlayFrameFault(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	selectDevice(t, m, "ios8")
	keys(m, "F", "down", "down", "down", "down", "+", "+", "-", "enter")
	rules := w.Server.Faults().List()
	if len(rules) != 1 || rules[0].Frame == nil || rules[0].Frame.Kind != fakeapns.FrameRSTStream || rules[0].Count != 2 {
		t.Fatalf("rules: %+v", rules)
	}
	has(t, m, "RST_STREAM REFUSED_STREAM · any · 2 left")
	keys(m, "esc", "alt+s", "ctrl+s")
	if rules := w.Server.Faults().List(); len(rules) != 0 {
		t.Errorf("after one send: %+v", rules)
	}
	has(t, m, "ios8 200 OK", "not answered: RST_STREAM")
	if n := strings.Count(contentOf(m), "not answered: RST_STREAM"); n != 2 {
		t.Errorf("%d resets in the log, want 2:\n%s", n, contentOf(m))
	}
}

// d and x remove the selected rule; enter on a rule and keys of the
// panes do nothing; q closes.
func TestFaultsOverlayRemove(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	keys(m, "F", "down", "enter", "enter", "home")
	if n := len(w.Server.Faults().List()); n != 2 {
		t.Fatalf("%d rules, want 2", n)
	}
	has(t, m, "tui-1", "503 ServiceUnavailable", "tui-2")
	keys(m, "enter", "1", "l", "ctrl+s")
	if n := len(w.Server.Faults().List()); n != 2 || len(w.kinds("", "delivered")) != 0 {
		t.Fatalf("a key on a rule changed something: %d rules, %v", n, w.kinds(""))
	}
	keys(m, "d")
	if rs := w.Server.Faults().List(); len(rs) != 1 || rs[0].ID != "tui-2" {
		t.Fatalf("after d: %+v", rs)
	}
	hasNot(t, m, "tui-1   ")
	keys(m, "x")
	if rs := w.Server.Faults().List(); len(rs) != 0 {
		t.Fatalf("after x: %+v", rs)
	}
	keys(m, "q")
	if m.overlay != overlayNone || m.focus != paneFleet {
		t.Errorf("q: overlay %v, focus %v", m.overlay, m.focus)
	}
}

// With serve's two servers a rule goes to both, under one id, and is
// removed from both.
func TestFaultsOverlayBothEnvironments(t *testing.T) {
	ctx, srv := startServe(t)
	b := SimBackend{World: srv.World, Log: srv.Log, Records: srv.Records, Servers: []FaultServer{
		{Environment: fakeapns.Development, Faults: srv.Development.Faults()}, {Environment: fakeapns.Production, Faults: srv.Production.Faults()}}}
	m := New(ctx, Options{Backend: b, Now: fixedNow, RecordDir: t.TempDir(), Dark: true})
	t.Cleanup(m.Close)
	m.SetSize(80, 24)
	keys(m, "F")
	has(t, m, "Rules on development and production")
	keys(m, "end", "enter")
	for _, s := range []*fakeapns.Faults{srv.Development.Faults(), srv.Production.Faults()} {
		if rs := s.List(); len(rs) != 1 || rs[0].ID != "tui-1" || rs[0].Frame == nil || rs[0].Frame.Kind != fakeapns.FrameTLSHandshake {
			t.Fatalf("rules: %+v", rs)
		}
	}
	has(t, m, "tui-1   TLS handshake failure · any · 1 left")
	if strings.Count(contentOf(m), "tui-1   ") != 1 {
		t.Errorf("one rule on two servers listed twice:\n%s", contentOf(m))
	}
	keys(m, "home", "d")
	if len(srv.Development.Faults().List())+len(srv.Production.Faults().List()) != 0 {
		t.Errorf("d left a rule behind")
	}
}
