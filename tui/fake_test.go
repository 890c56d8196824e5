package tui

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

// fakeBackend is an in-memory Backend for tests: it renders with sim's
// pure Render and logs events the way the world does, on a fixed clock.
type fakeBackend struct {
	mu      sync.Mutex
	devices []*device.Device
	shown   map[string][]Shown
	events  []Event
	subs    map[chan struct{}]struct{}
	seq     int
	now     time.Time
	// failSend makes every Send fail as if the server were down.
	failSend error
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{devices: device.DefaultFleet(), shown: map[string][]Shown{}, subs: map[chan struct{}]struct{}{},
		now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
}

func (f *fakeBackend) device(name string) (*device.Device, error) {
	for _, d := range f.devices {
		if d.Name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("unknown device %q", name)
}

func (f *fakeBackend) Devices() []Device {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Device, 0, len(f.devices))
	for _, d := range f.devices {
		td := Device{Name: d.Name, Model: d.Model, Version: d.Version, Locked: d.Locked}
		for _, a := range d.Apps {
			td.Apps = append(td.Apps, *a)
		}
		for _, s := range f.shown[d.Name] {
			if s.State == "shown" {
				td.Unread++
			}
		}
		out = append(out, td)
	}
	return out
}

func (f *fakeBackend) Notifications(name string) ([]Shown, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Shown(nil), f.shown[name]...), nil
}

func (f *fakeBackend) Send(ctx context.Context, r Request) (provider.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSend != nil {
		return provider.Response{}, f.failSend
	}
	f.seq++
	id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", f.seq)
	var d *device.Device
	for _, dd := range f.devices {
		if a := dd.App(r.BundleID); a != nil && a.Token == r.Token {
			d = dd
		}
	}
	if d == nil {
		f.log(Event{Kind: "rejected", Device: r.Device, ApnsID: id, Status: 400, Reason: "BadDeviceToken", Message: "400 BadDeviceToken"})
		return provider.Response{Status: 400, Reason: "BadDeviceToken", ApnsID: id, Latency: time.Millisecond}, nil
	}
	payload, err := device.ParsePayload(r.Payload)
	if err != nil {
		return provider.Response{}, err
	}
	a := d.App(r.BundleID)
	f.log(Event{Kind: "request", Device: d.Name, ApnsID: id, Status: http.StatusOK, Message: "200 accepted"})
	ps := device.RenderAll(d, a, device.Notification{ApnsID: id, Topic: r.Topic, Payload: payload})
	f.shown[d.Name] = append(f.shown[d.Name], Shown{ApnsID: id, App: a.BundleID, Received: f.now, State: "shown", Presentations: ps})
	f.log(Event{Kind: "delivered", Device: d.Name, ApnsID: id, Message: "delivered to " + a.BundleID})
	return provider.Response{Status: http.StatusOK, ApnsID: id, Latency: time.Millisecond}, nil
}

func (f *fakeBackend) Tap(ctx context.Context, name, apnsID, action, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.shown[name]
	for i := range list {
		if list[i].ApnsID == apnsID {
			list[i].State = "acted"
			msg := fmt.Sprintf("app got action %q", action)
			if text != "" {
				msg += fmt.Sprintf(" with text %q", text)
			}
			f.log(Event{Kind: "action", Device: name, ApnsID: apnsID, Action: action, Text: text, Message: msg})
			f.log(Event{Kind: "completion", Device: name, ApnsID: apnsID, Action: action, Message: "completion handler called"})
			return nil
		}
	}
	return fmt.Errorf("no notification %s on %s", apnsID, name)
}

func (f *fakeBackend) set(name string, fn func(d *device.Device)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.device(name)
	if err != nil {
		return err
	}
	fn(d)
	f.log(Event{Kind: "note", Device: name, Message: "state changed"})
	return nil
}

func (f *fakeBackend) SetLocked(name string, locked bool) error {
	return f.set(name, func(d *device.Device) { d.Locked = locked })
}

func (f *fakeBackend) SetAppState(name, bundle string, s device.AppState) error {
	return f.set(name, func(d *device.Device) { d.App(bundle).State = s })
}

func (f *fakeBackend) SetPermission(name, bundle string, p device.Permission) error {
	return f.set(name, func(d *device.Device) { d.App(bundle).Permission = p })
}

// log appends an event and wakes the subscribers; f.mu is held.
func (f *fakeBackend) log(e Event) {
	e.Seq = uint64(len(f.events) + 1)
	e.Time = f.now
	f.events = append(f.events, e)
	for ch := range f.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (f *fakeBackend) Events(after uint64, max int) ([]Event, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if after >= uint64(len(f.events)) {
		return nil, 0
	}
	end := min(len(f.events), int(after)+max)
	return append([]Event(nil), f.events[after:end]...), 0
}

func (f *fakeBackend) Subscribe() (<-chan struct{}, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan struct{}, 1)
	f.subs[ch] = struct{}{}
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, ch)
	}
}
