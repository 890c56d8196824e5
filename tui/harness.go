package tui

import (
	"context"
	"fmt"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// SimBackend drives a simulated world: sends go through Provider (apns2
// over HTTP/2 to the fake APNs in front of World), taps and state changes
// go to World, events come from Log. The in-process harness and a running
// `pushsim serve` both provide the three.
type SimBackend struct {
	World    *world.World
	Log      *world.EventLog
	Provider *provider.Provider
}

// HarnessBackend is the Backend of an in-process harness.Harness.
func HarnessBackend(h *harness.Harness) SimBackend {
	return SimBackend{World: h.World, Log: h.Log, Provider: h.Provider}
}

var _ Backend = SimBackend{}

// Devices implements Backend.
func (b SimBackend) Devices() []Device {
	views := b.World.Devices()
	out := make([]Device, len(views))
	for i, v := range views {
		d := Device{Name: v.Name, Model: v.Model, Version: v.Version, Locked: v.Locked, Unread: v.Unread, Apps: make([]device.App, 0, len(v.Apps))}
		for _, a := range v.Apps {
			if a != nil && !a.Uninstalled {
				d.Apps = append(d.Apps, *a)
			}
		}
		out[i] = d
	}
	return out
}

// Notifications implements Backend.
func (b SimBackend) Notifications(device string) ([]Shown, error) {
	ds, err := b.World.Notifications(device)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	out := make([]Shown, len(ds))
	for i, d := range ds {
		out[i] = Shown{ApnsID: d.ApnsID, App: d.App, Received: d.ReceivedAt, State: string(d.State), Presentations: d.Presentations}
	}
	return out, nil
}

// Send implements Backend.
func (b SimBackend) Send(ctx context.Context, r Request) (provider.Response, error) {
	return b.Provider.Send(ctx, r.Request)
}

// Tap implements Backend. The events that follow arrive through the log.
func (b SimBackend) Tap(ctx context.Context, device, apnsID, action, text string) error {
	_, err := b.World.Tap(ctx, device, apnsID, action, text)
	return err
}

// SetLocked implements Backend.
func (b SimBackend) SetLocked(device string, locked bool) error {
	return b.World.SetLocked(device, locked)
}

// SetAppState implements Backend.
func (b SimBackend) SetAppState(device, bundleID string, s device.AppState) error {
	return b.World.SetAppState(device, bundleID, s)
}

// SetPermission implements Backend.
func (b SimBackend) SetPermission(device, bundleID string, p device.Permission) error {
	return b.World.SetPermission(device, bundleID, p)
}

// Events implements Backend.
func (b SimBackend) Events(after uint64, max int) ([]Event, uint64) {
	evs, missed := b.Log.Since(after, max)
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = FromSimEvent(e)
	}
	return out, missed
}

// Subscribe implements Backend.
func (b SimBackend) Subscribe() (<-chan struct{}, func()) { return b.Log.Subscribe() }

// FromSimEvent converts one event of sim's log.
func FromSimEvent(e world.Event) Event {
	return Event{Seq: e.Seq, Time: e.Time, Kind: string(e.Kind), Device: e.Device, App: e.App, ApnsID: e.ApnsID,
		Action: e.Action, Text: e.Text, Status: e.Status, Reason: e.Reason, Message: e.Message}
}
