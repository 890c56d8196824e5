package world

import (
	"fmt"
	"reflect"

	"github.com/pushsim/pushsim/sim/device"
)

// Delivery in two phases (GitHub issue 18): the costly, pure part of a
// push's delivery — linting it and rendering it in every context — runs
// outside the World's lock, on an immutable snapshot of the device; the
// lock is then held only to change state and append events. Requests to
// different devices, or to the same one, no longer queue behind each
// other's rendering.
//
// A snapshot is valid until the device or one of its apps changes: every
// mutation under w.mu calls changed(ds), which drops it. When a change
// lands between the two phases, the prepared work is thrown away and done
// again under the lock, so the outcome is always what the device is at
// delivery time.

// snapshot is a deep copy of a device (and its apps) at one moment. It is
// never modified once built, so it may be read without w.mu.
type snapshot struct {
	dev *device.Device
}

// app returns the snapshot's copy of the installed app bundleID with
// token, or nil (an uninstalled app's tombstone is not among the device's
// apps once it is reinstalled, and apps of fleet files may share an empty
// token).
func (s *snapshot) app(bundleID, token string) *device.App {
	for _, a := range s.dev.Apps {
		if a.BundleID == bundleID && a.Token == token && !a.Uninstalled {
			return a
		}
	}
	return nil
}

// changed drops ds's snapshot: the device or one of its apps is about to
// change (or just did). Called with w.mu held.
func (ds *deviceState) changed() { ds.snap = nil }

// snapshotOf returns ds's current snapshot, building it when a change
// dropped it. Called with w.mu held.
func (w *World) snapshotOf(ds *deviceState) *snapshot {
	if ds.snap == nil {
		ds.snap = &snapshot{dev: cloneDevice(ds.dev)}
	} else {
		w.checkFresh(ds, ds.snap, "")
	}
	return ds.snap
}

// checkFresh, when the package's tests ask for it, records a snapshot
// that no longer matches its device: a mutation that did not call
// changed(), whose pushes would be rendered on the device as it was.
// Called with w.mu held.
func (w *World) checkFresh(ds *deviceState, snap *snapshot, apnsID string) bool {
	if !w.checkSnapshots || reflect.DeepEqual(snap.dev, cloneDevice(ds.dev)) {
		return true
	}
	w.staleSnapshots = append(w.staleSnapshots, fmt.Sprintf("device %s changed without dropping its snapshot (push %q)", ds.dev.Name, apnsID))
	return false
}

// prepared is the pure part of one delivery, computed outside the lock.
type prepared struct {
	snap   *snapshot
	app    *device.App // the snapshot's copy of the app
	apnsID string
	lint   []string
	// arrival is set for a notification with an alert.
	arrival *arrival
}

// prepare lints and renders n as the snapshot's device and app would.
// It runs without w.mu: it reads only the immutable snapshot and n.
func (w *World) prepare(snap *snapshot, bundleID, token string, n device.Notification) *prepared {
	a := snap.app(bundleID, token)
	if a == nil || nonAlertPushTypes[n.PushType] || device.RunsServiceExtension(snap.dev, a, n) {
		// Nothing to render, or the extension's content is rendered
		// when it completes.
		return nil
	}
	p := &prepared{snap: snap, app: a, apnsID: n.ApnsID}
	if w.lint != nil {
		p.lint = w.lint(snap.dev, a, n)
	}
	if n.Payload.Aps.Alert != nil {
		v := arrivalOf(snap.dev, a, n)
		p.arrival = &v
	}
	return p
}

// arrival is what deliver must know of a notification's first
// appearance. It is rendered only in the contexts that decide it; the
// other contexts are rendered when someone looks (Delivered.render).
type arrival struct {
	// foregroundVisible: the app is in the foreground and its willPresent
	// shows something (apns.md#V45).
	foregroundVisible bool
	// context is where the notification appears, and presentation how;
	// presentation is nil when the version has no such context.
	context      device.Context
	presentation *device.Presentation
}

// arrivalOf renders n's arrival on dev for app a: where the user first
// sees the notification and what is drawn there. That is the context
// ArrivalContext picks (the user's alert style, apns.md#V05; the lock
// screen when locked; Notification Center for provisional delivery, V48).
// When a quiet rule keeps the notification out of that context
// (interruption-level passive: no banner, apns.md#V49), it is where it is
// listed instead: the lock screen of a locked device, else Notification
// Center.
func arrivalOf(dev *device.Device, a *device.App, n device.Notification) arrival {
	caps := device.TableRow(dev.Version)
	// Usually one context, two with the foreground's or a fallback's.
	done := make([]device.Presentation, 0, 2)
	render := func(c device.Context) *device.Presentation {
		for i := range done {
			if done[i].Context == c {
				return &done[i]
			}
		}
		if _, ok := caps.Rule(c); !ok {
			return nil
		}
		done = append(done, device.Render(dev, a, n, c))
		return &done[len(done)-1]
	}
	var v arrival
	if a.State == device.AppForeground {
		if p := render(device.ContextForeground); p != nil {
			v.foregroundVisible = visible(*p)
		}
	}
	v.context = device.ArrivalContext(dev, a)
	v.presentation = render(v.context)
	if v.presentation == nil || v.presentation.Style != device.StyleNone {
		return v
	}
	fallback := []device.Context{device.ContextNotificationCenter}
	if dev.Locked {
		fallback = []device.Context{device.ContextLockScreen, device.ContextNotificationCenter}
	}
	for _, c := range fallback {
		if q := render(c); q != nil && q.Style != device.StyleNone {
			v.context, v.presentation = c, q
			return v
		}
	}
	return v
}

// render fills d.Presentations from the device as the notification
// arrived, once: every reader of Presentations inside the World calls it
// first. Called with w.mu held.
func (d *Delivered) render() {
	if d.arrived == nil {
		return
	}
	d.Presentations = renderContexts(d.arrived.dev, d.arrivedApp, d.Notification)
	d.arrived, d.arrivedApp = nil, nil
}

// renderContexts renders n in every context of dev's version, in the
// order of its capability row.
func renderContexts(dev *device.Device, a *device.App, n device.Notification) []device.Presentation {
	caps := device.TableRow(dev.Version)
	out := make([]device.Presentation, len(caps.Contexts))
	for i, c := range caps.Contexts {
		out[i] = device.Render(dev, a, n, c)
	}
	return out
}

// usable reports whether p was prepared for n on ds as it is now: the
// snapshot it was computed on is still the device's. Called with w.mu
// held.
func (w *World) usable(p *prepared, ds *deviceState, n device.Notification) bool {
	if p == nil || p.snap != ds.snap || p.apnsID != n.ApnsID {
		return false
	}
	return w.checkFresh(ds, p.snap, n.ApnsID)
}
