package tui

import (
	"context"
	"fmt"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/inspect"
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
	// Records, when set (pushsim serve's), lists every request the fake
	// APNs answered, a backend's included.
	Records *inspect.Records
	// Servers are the fake APNs servers the Faults overlay injects
	// into: the harness's one, or serve's development and production.
	Servers []FaultServer
}

// HarnessBackend is the Backend of an in-process harness.Harness.
func HarnessBackend(h *harness.Harness) SimBackend {
	return SimBackend{World: h.World, Log: h.Log, Provider: h.Provider,
		Servers: []FaultServer{{Environment: h.Server.Environment(), Faults: h.Server.Faults()}}}
}

var _ Backend = SimBackend{}

// Devices implements Backend.
func (b SimBackend) Devices() []Device {
	views := b.World.Devices()
	out := make([]Device, len(views))
	for i, v := range views {
		d := Device{Name: v.Name, Model: v.Model, Version: v.Version, Locked: v.Locked, Unread: v.Unread, Apps: make([]device.App, 0, len(v.Apps)),
			Offline: v.Offline, ShowPreviews: v.ShowPreviews, Stored: v.Stored, Stacks: v.Stacks}
		if v.Focus != nil {
			d.Focus = v.Focus.Name
		}
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
		out[i] = Shown{ApnsID: d.ApnsID, App: d.App, Received: d.ReceivedAt, State: string(d.State), Action: d.Action,
			Payload: d.Notification.Payload.Raw, Presentations: d.Presentations}
	}
	return out, nil
}

// Send implements Backend.
func (b SimBackend) Send(ctx context.Context, r Request) (provider.Response, error) {
	return b.Provider.Send(ctx, r.Request)
}

// Tap implements Backend. The events that follow arrive through the log.
func (b SimBackend) Tap(ctx context.Context, device, apnsID, action, text string, in device.Context) error {
	_, err := b.World.TapIn(ctx, device, apnsID, action, text, in)
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

// SetOffline implements Backend: the World call the API's PATCH
// devices/{name} makes.
func (b SimBackend) SetOffline(device string, offline bool) error {
	return b.World.SetOffline(device, offline)
}

// SetFocus implements Backend: a Focus that allows no app, as the API's
// PATCH devices/{name} sets it.
func (b SimBackend) SetFocus(device, name string) error {
	return b.World.SetFocus(device, name, nil)
}

// SetShowPreviews implements Backend.
func (b SimBackend) SetShowPreviews(device string, p device.Previews) error {
	return b.World.SetShowPreviews(device, p)
}

// Events implements Backend.
func (b SimBackend) Events(after uint64, max int) ([]Event, uint64) {
	return b.Log.Since(after, max)
}

// Subscribe implements Backend.
func (b SimBackend) Subscribe() (<-chan struct{}, func()) { return b.Log.Subscribe() }

// KeepsSends reports whether Sends lists anything: with Records set.
func (b SimBackend) KeepsSends() bool { return b.Records != nil }

// Sends implements Backend: the Records' entries after seq.
func (b SimBackend) Sends(after uint64) []SendRecord {
	if b.Records == nil {
		return nil
	}
	var out []SendRecord
	for _, e := range b.Records.List(inspect.Filter{}) {
		if e.Seq <= after {
			continue
		}
		r := e.Record
		s := SendRecord{Seq: e.Seq, At: r.ReceivedAt, Request: Request{Device: e.Device, BundleID: e.App, Environment: r.Environment},
			Response: provider.Response{Status: r.Status, Reason: string(r.Reason), ApnsID: r.ApnsID, UniqueID: r.UniqueID, Timestamp: r.Timestamp, Latency: r.Latency}}
		if n := r.Notification; n != nil {
			s.Request.Request = provider.Request{Token: n.Token, Topic: n.Topic, PushType: n.PushType, Priority: n.Priority,
				Expiration: n.Expiration, CollapseID: n.CollapseID, ApnsID: n.ApnsID, Payload: n.Payload}
		} else {
			s.Request.Payload = r.Payload
		}
		out = append(out, s)
	}
	return out
}
