package world

import (
	"fmt"
	"slices"

	"github.com/pushsim/pushsim/sim/device"
)

// SetLocked locks or unlocks a device.
func (w *World) SetLocked(deviceName string, locked bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return err
	}
	was := ds.dev.Locked
	ds.changed()
	ds.dev.Locked = locked
	msg := "device unlocked"
	if locked {
		msg = "device locked"
	}
	w.emit(nil, Event{Kind: EventNote, Device: deviceName, Message: msg})
	if was && !locked {
		w.releaseOnUnlock(ds)
	}
	return nil
}

// SetAppState changes an app's run state.
func (w *World) SetAppState(deviceName, bundleID string, s device.AppState) error {
	if !slices.Contains(device.AppStates(), string(s)) {
		return &InvalidValueError{Field: "app state", Value: string(s), Allowed: device.AppStates()}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(deviceName, bundleID)
	if err != nil {
		return err
	}
	w.setState(nil, ds, a, s, "set")
	return nil
}

// setState changes a's state and logs the change. Called with w.mu held.
func (w *World) setState(batch *[]Event, ds *deviceState, a *device.App, s device.AppState, why string) {
	if a.State == s {
		return
	}
	old := a.State
	ds.changed()
	a.State = s
	if s != device.AppForeground {
		a.ChatOpen = false // the chat screen is not visible any more
	}
	w.emit(batch, Event{Kind: EventAppState, Device: ds.dev.Name, App: a.BundleID,
		Message: fmt.Sprintf("%s: %s → %s (%s)", a.BundleID, old, s, why)})
}

// SetPermission changes an app's notification authorization.
func (w *World) SetPermission(deviceName, bundleID string, p device.Permission) error {
	if !slices.Contains(device.Permissions(), string(p)) {
		return &InvalidValueError{Field: "permission", Value: string(p), Allowed: device.Permissions()}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(deviceName, bundleID)
	if err != nil {
		return err
	}
	ds.changed()
	a.Permission = p
	w.emit(nil, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, Message: fmt.Sprintf("%s: permission %s", a.BundleID, p)})
	return nil
}

// SetChatOpen marks the app's chat screen visible or not (seed 002: no
// notification is shown while the chat is visible). Opening the chat
// brings the app to the foreground.
func (w *World) SetChatOpen(deviceName, bundleID string, open bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(deviceName, bundleID)
	if err != nil {
		return err
	}
	if open {
		w.setState(nil, ds, a, device.AppForeground, "chat opened")
	}
	ds.changed()
	a.ChatOpen = open
	msg := "chat screen closed"
	if open {
		msg = "chat screen open: notifications are not shown"
	}
	w.emit(nil, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, Message: a.BundleID + ": " + msg})
	return nil
}

// Uninstall removes an app: its notifications disappear and its token dies
// on APNs' schedule (apns.md#D06, U21).
func (w *World) Uninstall(deviceName, bundleID string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(deviceName, bundleID)
	if err != nil {
		return err
	}
	if a.Uninstalled {
		return nil
	}
	ds.changed()
	a.Uninstalled, a.UninstalledAt = true, w.clock.Now()
	a.State, a.ChatOpen = device.AppNotRunning, false
	kept := ds.notes[:0]
	for _, n := range ds.notes {
		if n.App != bundleID {
			kept = append(kept, n)
		}
	}
	clear(ds.notes[len(kept):])
	ds.notes = kept
	delete(ds.badges, bundleID)
	w.emit(nil, Event{Kind: EventNote, Device: ds.dev.Name, App: bundleID, Token: a.Token,
		Message: fmt.Sprintf("%s uninstalled; its token stops working after the next push (apns.md#D06)", bundleID)})
	return nil
}

// Reset clears every device's notifications and badges and cancels
// pending completion handlers; the fleet and app states stay.
func (w *World) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for t := range w.timers {
		w.stopTimer(t)
	}
	clear(w.pending)
	for _, ds := range w.devices {
		ds.notes = nil
		clear(ds.badges)
		ds.fid.reset()
	}
	w.emit(nil, Event{Kind: EventNote, Message: "world reset: notifications cleared"})
}

// cloneDevice deep-copies d so that the World and its callers never share
// mutable state.
func cloneDevice(d *device.Device) *device.Device {
	c := *d
	if d.Focus != nil {
		f := *d.Focus
		f.AllowedApps = append([]string(nil), f.AllowedApps...)
		c.Focus = &f
	}
	c.Apps = make([]*device.App, 0, len(d.Apps))
	for _, a := range d.Apps {
		if a != nil {
			c.Apps = append(c.Apps, cloneApp(a))
		}
	}
	return &c
}

func cloneApp(a *device.App) *device.App {
	c := *a
	if a.ServiceExtension != nil {
		ext := *a.ServiceExtension
		ext.Attachments = append([]string(nil), ext.Attachments...)
		c.ServiceExtension = &ext
	}
	c.Entitlements = append([]string(nil), a.Entitlements...)
	c.Categories = nil
	for _, cat := range a.Categories {
		cat.Actions = append([]device.Action(nil), cat.Actions...)
		cat.MinimalActions = append([]device.Action(nil), cat.MinimalActions...)
		c.Categories = append(c.Categories, cat)
	}
	if a.Strings != nil {
		c.Strings = make(map[string]string, len(a.Strings))
		for k, v := range a.Strings {
			c.Strings[k] = v
		}
	}
	c.Handler.Actions = cloneScripts(a.Handler.Actions)
	c.Handler.Routes = nil
	for _, r := range a.Handler.Routes {
		r.Actions = cloneScripts(r.Actions)
		c.Handler.Routes = append(c.Handler.Routes, r)
	}
	return &c
}

func cloneScripts(m map[string]device.Script) map[string]device.Script {
	if m == nil {
		return nil
	}
	c := make(map[string]device.Script, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Install puts app on a device. Installing over an uninstalled copy is a
// reinstall: the app gets a new token (apns.md#D05) and the old one keeps
// answering 410 Unregistered (D06). Empty fields get the fleet file's
// defaults; an empty token is derived with DeviceToken, counting
// reinstalls so that each install has its own.
func (w *World) Install(deviceName string, app device.App) error {
	a := cloneApp(&app)
	if a.BundleID == "" {
		return &InvalidValueError{Field: "bundle id", Value: "", Allowed: []string{"a non-empty bundle id"}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return err
	}
	old := ds.dev.App(a.BundleID)
	if old != nil && !old.Uninstalled {
		return &InvalidValueError{Field: "install", Value: a.BundleID + " on " + deviceName, Allowed: []string{"an app not installed yet"}}
	}
	if a.Token == "" {
		a.Token = device.DeviceToken(deviceName, a.BundleID)
		for n := 2; w.byToken[a.Token].app != nil; n++ {
			a.Token = device.DeviceToken(deviceName, fmt.Sprintf("%s#%d", a.BundleID, n))
		}
	}
	a, err = device.PrepareApp(ds.dev, a)
	if err != nil {
		return fmt.Errorf("install %s on %s: %w", a.BundleID, deviceName, err)
	}
	if prev, dup := w.byToken[a.Token]; dup {
		return fmt.Errorf("install %s on %s: token already belongs to %s on %s", a.BundleID, deviceName, prev.app.BundleID, prev.ds.dev.Name)
	}
	ds.changed()
	if old != nil {
		// The old install stays reachable by its token only, as a
		// tombstone that answers 410.
		for i, x := range ds.dev.Apps {
			if x == old {
				ds.dev.Apps = append(ds.dev.Apps[:i], ds.dev.Apps[i+1:]...)
				break
			}
		}
	}
	ds.dev.Apps = append(ds.dev.Apps, a)
	w.byToken[a.Token] = tokenRef{ds: ds, app: a}
	w.emit(nil, Event{Kind: EventNote, Device: deviceName, App: a.BundleID, Token: a.Token,
		Message: fmt.Sprintf("%s installed with token %s", a.BundleID, a.Token)})
	return nil
}
