package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/world"
)

// TestHarnessBackend runs the main flow against the real in-process
// harness: apns2 over HTTP/2 to the fake APNs, the world behind it.
func TestHarnessBackend(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	clock := clock.NewVirtual(time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC))
	h, err := harness.Start(ctx, harness.Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	m := New(ctx, Options{Backend: HarnessBackend(h), Now: fixedNow, RecordDir: t.TempDir()})
	t.Cleanup(m.Close)
	m.SetSize(100, 30)
	m.Update(press("down"))
	m.Update(press("down"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	if s := contentOf(m); !strings.Contains(s, "[1 OK]") || !strings.Contains(s, "ios18-locked 200 OK") {
		t.Fatalf("after ctrl+s:\n%s", s)
	}
	_, cmd = m.Update(press("1"))
	runCmd(m, cmd)
	var got []string
	for _, e := range m.log.events {
		if e.Device == "ios8" && (e.Kind == string(world.EventAction) || e.Kind == string(world.EventCompletion)) {
			got = append(got, e.Kind+":"+e.Action)
		}
	}
	if diff := cmp.Diff([]string{"action:OK", "completion:OK"}, got); diff != "" {
		t.Errorf("ios8 events (-want +got):\n%s\n%s", diff, contentOf(m))
	}
	if d, _ := m.fleet.Selected(); d.Name != "ios8" || d.Unread != 0 {
		t.Errorf("selected %s with %d unread, want ios8 with 0 after the tap", d.Name, d.Unread)
	}
	// State changes go to the world.
	_, cmd = m.Update(press("l"))
	runCmd(m, cmd)
	if d, _ := m.fleet.Selected(); !d.Locked {
		t.Errorf("l did not lock ios8")
	}
}
