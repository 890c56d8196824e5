package tui

import (
	"context"
	"fmt"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// benchModel is a model over the real world with 1,000 devices and
// 100,000 events in its log, one notification on the selected device.
func benchModel(b *testing.B) *Model {
	b.Helper()
	fleet := make([]*device.Device, 0, 1000)
	for i := range 1000 {
		name := fmt.Sprintf("dev%04d", i)
		d := &device.Device{Name: name, Model: "iPhone", Version: device.MustVersion([]string{"7.1", "8.4", "10.3", "17.6"}[i%4])}
		d.Apps = []*device.App{device.DefaultApp(fakeapns.Development, device.DeviceToken(name, device.DefaultBundleID))}
		fleet = append(fleet, d)
	}
	w := newWorld(b, fleet, 100000)
	for i := range 100000 {
		w.Log.Append(world.Event{Kind: world.EventNote, Device: fmt.Sprintf("dev%04d", i%1000), Message: fmt.Sprintf("event %d", i)})
	}
	m := newTestModel(b, w, func(o *Options) { o.LogSize = 100000 })
	m.SetSize(140, 40)
	keys(m, "down")
	dr, _ := m.composer.Draft()
	r, _ := m.request(m.fleet.devices[1], dr)
	if _, err := w.Provider.Send(context.Background(), r.Request); err != nil {
		b.Fatal(err)
	}
	m.readEvents()
	m.refresh()
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

// BenchmarkViewLogFocused is a frame with the log focused and scrolled to
// the middle of its 100,000 events, the selection drawn.
func BenchmarkViewLogFocused(b *testing.B) {
	m := benchModel(b)
	m.setFocus(paneLog)
	m.log.Move(50000)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
