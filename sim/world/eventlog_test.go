package world

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
)

func seqs(events []Event) []uint64 {
	var out []uint64
	for _, e := range events {
		out = append(out, e.Seq)
	}
	return out
}

func TestEventLogSince(t *testing.T) {
	tests := []struct {
		name       string
		capacity   int
		appends    int
		since      uint64
		max        int
		want       []uint64
		wantMissed uint64
	}{
		{"empty", 4, 0, 0, 0, nil, 0},
		{"all", 4, 3, 0, 0, []uint64{1, 2, 3}, 0},
		{"after", 4, 3, 1, 0, []uint64{2, 3}, 0},
		{"up to date", 4, 3, 3, 0, nil, 0},
		{"ahead of the log", 4, 3, 9, 0, nil, 0},
		{"max", 4, 3, 0, 2, []uint64{1, 2}, 0},
		{"wrapped, reader behind", 4, 10, 0, 0, []uint64{7, 8, 9, 10}, 6},
		{"wrapped, reader partly behind", 4, 10, 5, 0, []uint64{7, 8, 9, 10}, 1},
		{"wrapped, reader in the ring", 4, 10, 7, 2, []uint64{8, 9}, 0},
		{"exactly full", 4, 4, 0, 0, []uint64{1, 2, 3, 4}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewEventLogClock(tt.capacity, clock.NewVirtual(t0))
			for i := 0; i < tt.appends; i++ {
				l.Append(Event{Kind: EventNote, Message: fmt.Sprint(i + 1)})
			}
			got, missed := l.Since(tt.since, tt.max)
			prefix := []Event{{Seq: 99}}
			appended, missed2 := l.AppendSince(prefix, tt.since, tt.max)
			if diff := cmp.Diff(append(prefix[:1:1], got...), appended); diff != "" || missed2 != missed {
				t.Errorf("AppendSince differs from Since (missed %d vs %d):\n%s", missed2, missed, diff)
			}
			if diff := cmp.Diff(tt.want, seqs(got)); diff != "" {
				t.Errorf("seqs (-want +got):\n%s", diff)
			}
			if missed != tt.wantMissed {
				t.Errorf("missed = %d, want %d", missed, tt.wantMissed)
			}
			for _, e := range got {
				if e.Message != fmt.Sprint(e.Seq) {
					t.Errorf("event %d carries message %q: ring order broken", e.Seq, e.Message)
				}
			}
		})
	}
}

func TestEventLogAppendStamps(t *testing.T) {
	l := NewEventLogClock(0, clock.NewVirtual(t0))
	given := t0.Add(time.Hour)
	got := []Event{
		l.Append(Event{Kind: EventNote}),
		l.Append(Event{Kind: EventLint, Time: given, Message: "m"}),
	}
	want := []Event{
		{Seq: 1, Time: t0, Kind: EventNote, Message: "note"},
		{Seq: 2, Time: given, Kind: EventLint, Message: "m"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(DefaultEventLogCapacity, l.Capacity()); diff != "" {
		t.Errorf("capacity (-want +got):\n%s", diff)
	}
}

func TestEventLogWait(t *testing.T) {
	l := NewEventLog(8)
	l.Append(Event{Kind: EventNote})

	// Already there: no blocking.
	if err := l.Wait(context.Background(), 0); err != nil {
		t.Fatalf("Wait(0) = %v", err)
	}
	// Cancelled before anything arrives.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Wait(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on a cancelled ctx = %v, want context.Canceled", err)
	}
	// Woken by an append from another goroutine.
	errc := make(chan error, 1)
	go func() { errc <- l.Wait(context.Background(), 1) }()
	l.Append(Event{Kind: EventNote})
	if err := <-errc; err != nil {
		t.Fatalf("Wait(1) = %v", err)
	}
}

func TestEventLogSubscribe(t *testing.T) {
	l := NewEventLog(8)
	ch, cancel := l.Subscribe()
	for i := 0; i < 5; i++ {
		l.Append(Event{Kind: EventNote}) // never blocks on the subscriber
	}
	<-ch // one coalesced wake-up
	select {
	case <-ch:
		t.Fatal("five appends gave more than one pending wake-up")
	default:
	}
	cancel()
	cancel() // idempotent
	if _, open := <-ch; open {
		t.Fatal("channel still open after cancel")
	}
	l.Append(Event{Kind: EventNote}) // no send on the closed channel
}

func TestEventLogConcurrent(t *testing.T) {
	const writers, each = 4, 200
	l := NewEventLog(64)
	ch, cancel := l.Subscribe()
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				l.Append(Event{Kind: EventNote})
			}
		}()
	}
	// A reader that keeps up as best it can and accounts for every event.
	var seen, missed, last uint64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for range ch {
			evs, m := l.Since(last, 0)
			missed += m
			for _, e := range evs {
				if e.Seq != last+1+m {
					t.Errorf("gap: got seq %d after %d (missed %d)", e.Seq, last, m)
				}
				m = 0
				last = e.Seq
				seen++
			}
			if last >= writers*each {
				return
			}
		}
	}()
	wg.Wait()
	l.Append(Event{Kind: EventNote, Message: "final"}) // guarantees a last wake-up
	<-readDone
	if seen+missed < writers*each {
		t.Errorf("seen %d + missed %d < %d appended", seen, missed, writers*each)
	}
}

func TestWriteJSONL(t *testing.T) {
	p := device.Presentation{Context: device.ContextBanner, Style: device.StyleBanner, Body: "hi", Buttons: []device.Button{}}
	events := []Event{
		{Seq: 1, Time: t0, Kind: EventRejected, Token: "ab", Status: 400, Reason: "BadDeviceToken", Message: "rejected"},
		{Seq: 2, Time: t0, Kind: EventPresented, Device: "ios9", Context: device.ContextBanner, Presentation: &p, Message: "shown"},
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, events); err != nil {
		t.Fatal(err)
	}
	want := `{"seq":1,"time":"2026-11-23T14:00:00Z","kind":"rejected","token":"ab","status":400,"reason":"BadDeviceToken","message":"rejected"}
{"seq":2,"time":"2026-11-23T14:00:00Z","kind":"presented","device":"ios9","context":"banner","presentation":{"context":"banner","style":"banner","body":"hi","buttons":[]},"message":"shown"}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := WriteJSONL(failWriter{}, events); err == nil || !strings.Contains(err.Error(), "event 1") {
		t.Errorf("error on a failing writer = %v, want one naming event 1", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func BenchmarkEventLogAppend(b *testing.B) {
	l := NewEventLogClock(10000, clock.NewVirtual(t0))
	e := Event{Kind: EventDelivered, Device: "ios9", App: device.DefaultBundleID, ApnsID: "x", Message: "delivered"}
	b.ReportAllocs()
	for b.Loop() {
		l.Append(e)
	}
}

func BenchmarkEventLogAppendParallel(b *testing.B) {
	l := NewEventLogClock(10000, clock.NewVirtual(t0))
	e := Event{Kind: EventDelivered, Device: "ios9", App: device.DefaultBundleID, ApnsID: "x", Message: "delivered"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Append(e)
		}
	})
}

func BenchmarkEventLogSince100(b *testing.B) {
	l := NewEventLogClock(10000, clock.NewVirtual(t0))
	for i := 0; i < 20000; i++ {
		l.Append(Event{Kind: EventNote, Message: "x"})
	}
	from := l.Last() - 100
	b.ReportAllocs()
	for b.Loop() {
		if evs, _ := l.Since(from, 100); len(evs) != 100 {
			b.Fatal(len(evs))
		}
	}
}

func BenchmarkEventLogAppendSince100(b *testing.B) {
	l := NewEventLogClock(10000, clock.NewVirtual(t0))
	for i := 0; i < 20000; i++ {
		l.Append(Event{Kind: EventNote, Message: "x"})
	}
	from := l.Last() - 100
	buf := make([]Event, 0, 100)
	b.ReportAllocs()
	for b.Loop() {
		if evs, _ := l.AppendSince(buf[:0], from, 100); len(evs) != 100 {
			b.Fatal(len(evs))
		}
	}
}
