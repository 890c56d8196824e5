package clock

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

func TestVirtualClockAdvance(t *testing.T) {
	type step struct {
		at   time.Duration // offset from t0 the callback saw
		name string
	}
	tests := []struct {
		name    string
		advance []time.Duration
		want    []step
		pending int
	}{
		{"nothing due", []time.Duration{time.Second}, nil, 4},
		{"in time order, ties in scheduling order", []time.Duration{10 * time.Second},
			[]step{{2 * time.Second, "b"}, {5 * time.Second, "a"}, {5 * time.Second, "c"}, {7 * time.Second, "nested"}}, 1},
		{"two steps", []time.Duration{3 * time.Second, 3 * time.Second},
			[]step{{2 * time.Second, "b"}, {5 * time.Second, "a"}, {5 * time.Second, "c"}}, 2},
		{"far future", []time.Duration{time.Hour},
			[]step{{2 * time.Second, "b"}, {5 * time.Second, "a"}, {5 * time.Second, "c"}, {7 * time.Second, "nested"}, {time.Minute, "late"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewVirtual(t0)
			var got []step
			rec := func(name string) func() {
				return func() { got = append(got, step{c.Now().Sub(t0), name}) }
			}
			c.AfterFunc(5*time.Second, func() {
				rec("a")()
				c.AfterFunc(2*time.Second, rec("nested")) // falls within a 10 s window
			})
			c.AfterFunc(2*time.Second, rec("b"))
			c.AfterFunc(5*time.Second, rec("c"))
			stopped := c.AfterFunc(3*time.Second, rec("stopped"))
			c.AfterFunc(time.Minute, rec("late"))
			if !stopped.Stop() {
				t.Fatal("Stop of a pending timer reported false")
			}
			if stopped.Stop() {
				t.Fatal("second Stop reported true")
			}
			var total time.Duration
			for _, d := range tt.advance {
				c.Advance(d)
				total += d
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(step{})); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
			if got := c.Now().Sub(t0); got != total {
				t.Errorf("Now = t0+%s, want t0+%s", got, total)
			}
			if got := c.Pending(); got != tt.pending {
				t.Errorf("Pending = %d, want %d", got, tt.pending)
			}
		})
	}
}

func TestVirtualClockZeroDelayRunsOnAdvance(t *testing.T) {
	c := NewVirtual(t0)
	ran := 0
	c.AfterFunc(-time.Second, func() { ran++ })
	if ran != 0 {
		t.Fatal("AfterFunc ran its callback inline")
	}
	c.Advance(0)
	if diff := cmp.Diff(1, ran); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}

func TestRealClockAfterFunc(t *testing.T) {
	c := Real()
	done := make(chan time.Time, 1)
	start := c.Now()
	c.AfterFunc(time.Millisecond, func() { done <- c.Now() })
	if at := <-done; at.Before(start) {
		t.Errorf("callback saw %v, before start %v", at, start)
	}
	if c.AfterFunc(time.Hour, func() {}).Stop() != true {
		t.Error("Stop of a pending real timer reported false")
	}
}
