package world

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// TestWorldConcurrentUse runs pushes, taps, setters, snapshots and clock
// advances at once; -race checks the locking, and the log must stay
// gap-free.
func TestWorldConcurrentUse(t *testing.T) {
	w, clock := testWorld(t, func(f []*device.Device) {
		for _, d := range f {
			d.Apps[0].Handler.Actions = map[string]device.Script{device.KeyAny: {Delay: 5 * time.Second}, "NOK": {Complete: device.CompleteNever}}
		}
	})
	ctx := context.Background()
	devices := []string{"ios8", "ios9", "ios10", "ios17"}
	var wg sync.WaitGroup
	for i, dev := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 30; j++ {
				var rej *fakeapns.Rejection
				if err := route(w, dev, fmt.Sprintf("%d-%d", i, j), `{"aps":{"alert":"q","category":"poll"}}`); err != nil && !errors.As(err, &rej) {
					t.Error(err) // not Fatal: this goroutine is not the test's
					return
				}
				action := []string{"OK", "NOK", device.KeyDefault, device.KeyDismiss}[j%4]
				if _, err := w.Tap(ctx, dev, "", action, ""); err != nil {
					t.Errorf("Tap %s %s: %v", dev, action, err)
				}
				_ = w.SetAppState(dev, device.DefaultBundleID, device.AppBackground)
				_ = w.Devices()
				_, _ = w.Notifications(dev)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 0; k < 50; k++ {
			clock.Advance(time.Second)
			_ = w.SetLocked("ios18-locked", k%2 == 0)
		}
	}()
	wg.Wait()
	clock.Advance(time.Minute)
	events, missed := w.Log().Since(0, 0)
	if missed != 0 {
		t.Fatalf("missed %d events in a 1000-event log", missed)
	}
	for i, e := range events {
		if e.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
	if n := clock.Pending(); n != 0 {
		t.Errorf("%d timers still pending after every limit passed", n)
	}
}

// TestCloseStopsRealTimers: on the wall clock, a handler that never
// completes leaves a 30 s watchdog; Close must not wait for it nor leak it.
func TestCloseStopsRealTimers(t *testing.T) {
	fleet := device.DefaultFleet()
	fleet[4].Apps[0].Handler.Actions = map[string]device.Script{device.KeyAny: {Complete: device.CompleteNever}}
	w := New(Config{Fleet: fleet})
	if _, err := w.DeliverPayload(context.Background(), "ios10", device.DefaultBundleID, []byte(`{"aps":{"alert":"x"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tap(context.Background(), "ios10", "", device.KeyDefault, ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.timers) != 0 {
		t.Errorf("%d timers tracked after Close", len(w.timers))
	}
}

func TestEventLogMemoryBounded(t *testing.T) {
	l := NewEventLog(100)
	for i := 0; i < 1000; i++ {
		l.Append(Event{Kind: EventNote})
	}
	l.mu.Lock()
	n, c := len(l.ring), cap(l.ring)
	l.mu.Unlock()
	if n != 100 || c > 256 {
		t.Errorf("ring holds %d events with capacity %d after 1000 appends; want 100 and a bounded backing array", n, c)
	}
}
