package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pushsim/pushsim/scenarios"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/world"
)

// TestRecordingReplaysGreen records a session on the real harness (send to
// all, tap OK on iOS 8, tap the body on iOS 9, lock a device), writes it
// with scenarios.Record and replays it with the scenario runner: it passes.
func TestRecordingReplaysGreen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	clock := clock.NewVirtual(time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC))
	h, err := harness.Start(ctx, harness.Config{Clock: clock, Log: world.NewEventLogClock(0, clock)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	dir := t.TempDir()
	m := New(ctx, Options{Backend: HarnessBackend(h), Now: fixedNow, RecordDir: dir})
	t.Cleanup(m.Close)
	m.SetSize(100, 30)
	steps := []string{"ctrl+r", "ctrl+s", "down", "down", "1", "down", "b", "l", "ctrl+r"}
	for _, k := range steps {
		_, cmd := m.Update(press(k))
		runCmd(m, cmd)
	}
	if m.rec != nil {
		t.Fatalf("recording not saved: %s", m.status)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 1 {
		t.Fatalf("recorded files: %v (status %q)", files, m.status)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Parse(files[0], data)
	if err != nil {
		t.Fatalf("the recording does not parse: %v\n%s", err, data)
	}
	res := scenarios.Run(ctx, []*scenarios.Scenario{s}, scenarios.Options{Verbose: true})
	if len(res) != 1 || !res[0].Passed {
		t.Fatalf("the recording does not replay green: %+v\n%s", res, data)
	}
	if res[0].Steps < 5 {
		t.Errorf("only %d steps recorded:\n%s", res[0].Steps, data)
	}
}
