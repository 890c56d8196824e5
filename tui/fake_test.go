package tui

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pushsim/pushsim/sim"
)

// fakeBackend is an in-memory Backend for tests: it renders with sim's
// pure Render and logs events the way the world does, on a fixed clock.
type fakeBackend struct {
	mu      sync.Mutex
	devices []*sim.Device
	shown   map[string][]Shown
	events  []Event
	subs    map[chan struct{}]struct{}
	seq     int
	now     time.Time
	// failSend makes every Send fail as if the server were down.
	failSend error
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{devices: sim.DefaultFleet(), shown: map[string][]Shown{}, subs: map[chan struct{}]struct{}{},
		now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
}

func (f *fakeBackend) device(name string) (*sim.Device, error) {
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

func (f *fakeBackend) Notifications(device string) ([]Shown, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Shown(nil), f.shown[device]...), nil
}

func (f *fakeBackend) Send(ctx context.Context, r Request) (sim.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSend != nil {
		return sim.Response{}, f.failSend
	}
	f.seq++
	id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", f.seq)
	var d *sim.Device
	for _, dd := range f.devices {
		if a := dd.App(r.BundleID); a != nil && a.Token == r.Token {
			d = dd
		}
	}
	if d == nil {
		f.log(Event{Kind: "rejected", Device: r.Device, ApnsID: id, Status: 400, Reason: "BadDeviceToken", Message: "400 BadDeviceToken"})
		return sim.Response{Status: 400, Reason: "BadDeviceToken", ApnsID: id, Latency: time.Millisecond}, nil
	}
	payload, err := sim.ParsePayload(r.Payload)
	if err != nil {
		return sim.Response{}, err
	}
	a := d.App(r.BundleID)
	f.log(Event{Kind: "request", Device: d.Name, ApnsID: id, Status: http.StatusOK, Message: "200 accepted"})
	ps := sim.RenderAll(d, a, sim.Notification{ApnsID: id, Topic: r.Topic, Payload: payload})
	f.shown[d.Name] = append(f.shown[d.Name], Shown{ApnsID: id, App: a.BundleID, Received: f.now, State: "shown", Presentations: ps})
	f.log(Event{Kind: "delivered", Device: d.Name, ApnsID: id, Message: "delivered to " + a.BundleID})
	return sim.Response{Status: http.StatusOK, ApnsID: id, Latency: time.Millisecond}, nil
}

func (f *fakeBackend) Tap(ctx context.Context, device, apnsID, action, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.shown[device]
	for i := range list {
		if list[i].ApnsID == apnsID {
			list[i].State = "acted"
			msg := fmt.Sprintf("app got action %q", action)
			if text != "" {
				msg += fmt.Sprintf(" with text %q", text)
			}
			f.log(Event{Kind: "action", Device: device, ApnsID: apnsID, Action: action, Text: text, Message: msg})
			f.log(Event{Kind: "completion", Device: device, ApnsID: apnsID, Action: action, Message: "completion handler called"})
			return nil
		}
	}
	return fmt.Errorf("no notification %s on %s", apnsID, device)
}

func (f *fakeBackend) set(device string, fn func(d *sim.Device)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.device(device)
	if err != nil {
		return err
	}
	fn(d)
	f.log(Event{Kind: "note", Device: device, Message: "state changed"})
	return nil
}

func (f *fakeBackend) SetLocked(device string, locked bool) error {
	return f.set(device, func(d *sim.Device) { d.Locked = locked })
}

func (f *fakeBackend) SetAppState(device, bundle string, s sim.AppState) error {
	return f.set(device, func(d *sim.Device) { d.App(bundle).State = s })
}

func (f *fakeBackend) SetPermission(device, bundle string, p sim.Permission) error {
	return f.set(device, func(d *sim.Device) { d.App(bundle).Permission = p })
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
