package tui

import (
	"context"
	"fmt"

	"github.com/pushsim/pushsim/sim"
)

// HarnessBackend drives an in-process sim.Harness: sends go through its
// Provider (apns2 over HTTP/2 to the fake APNs), taps and state changes go
// to its World, events come from its EventLog.
type HarnessBackend struct {
	H *sim.Harness
}

var _ Backend = HarnessBackend{}

// Devices implements Backend.
func (b HarnessBackend) Devices() []Device {
	views := b.H.World.Devices()
	out := make([]Device, len(views))
	for i, v := range views {
		d := Device{Name: v.Name, Model: v.Model, Version: v.Version, Locked: v.Locked, Unread: v.Unread, Apps: make([]sim.App, 0, len(v.Apps))}
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
func (b HarnessBackend) Notifications(device string) ([]Shown, error) {
	ds, err := b.H.World.Notifications(device)
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
func (b HarnessBackend) Send(ctx context.Context, r Request) (sim.Response, error) {
	return b.H.Provider.Send(ctx, sim.Request{Token: r.Token, Topic: r.Topic, PushType: r.PushType, Priority: r.Priority,
		Expiration: r.Expiration, CollapseID: r.CollapseID, Payload: r.Payload})
}

// Tap implements Backend. The events that follow arrive through the log.
func (b HarnessBackend) Tap(ctx context.Context, device, apnsID, action, text string) error {
	_, err := b.H.World.Tap(ctx, device, apnsID, action, text)
	return err
}

// SetLocked implements Backend.
func (b HarnessBackend) SetLocked(device string, locked bool) error {
	return b.H.World.SetLocked(device, locked)
}

// SetAppState implements Backend.
func (b HarnessBackend) SetAppState(device, bundleID string, s sim.AppState) error {
	return b.H.World.SetAppState(device, bundleID, s)
}

// SetPermission implements Backend.
func (b HarnessBackend) SetPermission(device, bundleID string, p sim.Permission) error {
	return b.H.World.SetPermission(device, bundleID, p)
}

// Events implements Backend.
func (b HarnessBackend) Events(after uint64, max int) ([]Event, uint64) {
	evs, missed := b.H.Log.Since(after, max)
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = FromSimEvent(e)
	}
	return out, missed
}

// Subscribe implements Backend.
func (b HarnessBackend) Subscribe() (<-chan struct{}, func()) { return b.H.Log.Subscribe() }

// FromSimEvent converts one event of sim's log.
func FromSimEvent(e sim.Event) Event {
	return Event{Seq: e.Seq, Time: e.Time, Kind: string(e.Kind), Device: e.Device, App: e.App, ApnsID: e.ApnsID,
		Action: e.Action, Text: e.Text, Status: e.Status, Reason: e.Reason, Message: e.Message}
}
