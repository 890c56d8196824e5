package world

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// testWorld is the default fleet on a virtual clock, changed by the
// mutate functions that are not nil.
func testWorld(t testing.TB, mutate ...func([]*device.Device)) (*World, *clock.Virtual) {
	t.Helper()
	fleet := device.DefaultFleet()
	for _, m := range mutate {
		if m != nil { // a table's case without a mutation
			m(fleet)
		}
	}
	clk := clock.NewVirtual(t0)
	w := New(Config{Fleet: fleet, Clock: clk, Log: NewEventLogClock(1000, clk)})
	w.checkSnapshots = true
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, s := range w.staleSnapshots {
			t.Errorf("two-phase delivery: %s", s)
		}
	})
	return w, clk
}

// push sends body to the default app on device through Route and Observe,
// as fakeapns would, and returns the apns id.
func push(t testing.TB, w *World, deviceName, apnsID, body string, opts ...func(*fakeapns.Notification)) error {
	t.Helper()
	err := route(w, deviceName, apnsID, body, opts...)
	var rej *fakeapns.Rejection
	if err != nil && !errors.As(err, &rej) {
		t.Fatal(err)
	}
	return err
}

// route is push for goroutines a test spawns, which must not call
// t.Fatal: it returns Apple's rejection (a *fakeapns.Rejection) or any
// other error of Route, wrapped.
func route(w *World, deviceName, apnsID, body string, opts ...func(*fakeapns.Notification)) error {
	n := fakeapns.Notification{
		ApnsID: apnsID, Token: device.DeviceToken(deviceName, device.DefaultBundleID), Topic: device.DefaultBundleID,
		PushType: "alert", Priority: 10, Payload: []byte(body), Environment: fakeapns.Development,
		ReceivedAt: w.clock.Now(),
	}
	for _, o := range opts {
		o(&n)
	}
	err := w.Route(context.Background(), n)
	rec := fakeapns.Record{Environment: n.Environment, ReceivedAt: n.ReceivedAt, Method: "POST",
		Path: "/3/device/" + n.Token, Payload: n.Payload, Status: 200, ApnsID: apnsID, Notification: &n}
	if rej, ok := err.(*fakeapns.Rejection); ok {
		rec.Status, rec.Reason, rec.Timestamp = rej.Reason.Status(), rej.Reason, rej.Timestamp
	} else if err != nil {
		return fmt.Errorf("Route %s to %s: %w", apnsID, deviceName, err)
	}
	w.Observe(rec)
	return err
}

// onlyApp returns the device's snapshot and its one app, failing the test
// when the World does not know the device or it has not exactly one app.
func onlyApp(t testing.TB, w *World, deviceName string) (DeviceView, *device.App) {
	t.Helper()
	dv, err := w.Device(deviceName)
	if err != nil {
		t.Fatal(err)
	}
	if len(dv.Apps) != 1 {
		t.Fatalf("%s has %d apps, want 1: %+v", deviceName, len(dv.Apps), dv.Apps)
	}
	return dv, dv.Apps[0]
}

// brief is an event reduced to what tests compare.
type brief struct {
	Kind     EventKind
	Action   string `json:",omitempty"`
	Callback string `json:",omitempty"`
	Message  string
}

func briefs(events []Event) []brief {
	out := make([]brief, len(events))
	for i, e := range events {
		out[i] = brief{Kind: e.Kind, Action: e.Action, Callback: e.Callback, Message: e.Message}
	}
	return out
}

func kinds(events []Event) []EventKind {
	out := make([]EventKind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

// logSince returns the log's events after seq.
func logSince(w *World, seq uint64) []Event {
	ev, _ := w.Log().Since(seq, 0)
	return ev
}

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) inc() int { return int(c.n.Add(1)) }
