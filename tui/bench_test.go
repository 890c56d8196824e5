package tui

import (
	"context"
	"fmt"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// benchModel is a model over 1,000 devices with 100,000 events in its log,
// one notification on the selected device.
func benchModel(b *testing.B) *Model {
	b.Helper()
	fb := newFakeBackend()
	fb.devices = nil
	for i := range 1000 {
		name := fmt.Sprintf("dev%04d", i)
		d := &device.Device{Name: name, Model: "iPhone", Version: device.MustVersion([]string{"7.1", "8.4", "10.3", "17.6"}[i%4])}
		d.Apps = []*device.App{device.DefaultApp(fakeapns.Development, device.DeviceToken(name, device.DefaultBundleID))}
		fb.devices = append(fb.devices, d)
	}
	for i := range 100000 {
		fb.log(Event{Kind: "note", Device: fmt.Sprintf("dev%04d", i%1000), Message: fmt.Sprintf("event %d", i)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	m := New(ctx, Options{Backend: fb, Now: fixedNow, LogSize: 100000})
	b.Cleanup(m.Close)
	m.SetSize(140, 40)
	dr, _ := m.composer.Draft()
	r, _ := m.request(m.fleet.devices[1], dr)
	if _, err := fb.Send(ctx, r); err != nil {
		b.Fatal(err)
	}
	m.Update(press("down"))
	return m
}

// BenchmarkView is one frame: target < 2 ms with 1,000 devices and
// 100,000 events (the panes draw only their visible windows).
func BenchmarkView(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkViewFiltered is a frame with a log filter that matches one
// device in a thousand: the log scans back only until its window is full.
func BenchmarkViewFiltered(b *testing.B) {
	m := benchModel(b)
	m.log.onlyDevice = "dev0042"
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
