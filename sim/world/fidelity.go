package world

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pushsim/pushsim/sim/device"
)

// Defaults of the store-and-forward and background-budget models.
const (
	// DefaultStoreFor is how long APNs keeps a notification for an
	// offline device when apns-expiration is absent (apns.md#T14, T21).
	DefaultStoreFor = 30 * 24 * time.Hour
	// DefaultBackgroundBudget is how many background wakes an app gets per
	// DefaultBackgroundWindow (apns.md#C10, U52: Apple advises at most two
	// or three per hour).
	DefaultBackgroundBudget = 3
	// DefaultBackgroundWindow is the rolling window of the budget.
	DefaultBackgroundWindow = time.Hour
)

// Event kinds of the device behaviours modelled here.
const (
	EventStored             EventKind = "stored"              // the device is offline: APNs keeps it (apns.md#T20)
	EventReplaced           EventKind = "replaced"            // ... and drops the one it kept for that app
	EventExpired            EventKind = "expired"             // not stored, or expired before the device came back (T21, T22)
	EventDeliveredLate      EventKind = "delivered_late"      // the device came back: the stored notification arrives (T22)
	EventDeferred           EventKind = "deferred"            // background budget spent, or priority 1 (C10, C11)
	EventCoalesced          EventKind = "coalesced"           // a deferred push replaced by a newer one (C10)
	EventExtensionStarted   EventKind = "extension_started"   // the service extension got the push (V60)
	EventExtensionCompleted EventKind = "extension_completed" // ... called its content handler in time (V62)
	EventExtensionTimedOut  EventKind = "extension_timed_out" // ... ran out of time: original content (V61)
)

// fidelityState is a device's store-and-forward slots, held and deferred
// pushes and background wakes. It lives in deviceState, guarded by w.mu.
type fidelityState struct {
	// stored is APNs' one slot per app while the device is offline
	// (apns.md#T20, T23).
	stored map[string]storedNote
	// held are priority-1 pushes waiting for the device to wake
	// (apns.md#C11), one per app.
	held map[string]device.Notification
	// deferred are background pushes over the budget, one per app
	// (apns.md#C10), with the timer that releases them.
	deferred map[string]*deferredPush
	// wakes are the background wakes of each app, oldest first.
	wakes map[string][]time.Time
}

type storedNote struct {
	n        device.Notification
	at       time.Time
	deadline time.Time
}

type deferredPush struct {
	n     device.Notification
	timer *trackedTimer
}

func (f *fidelityState) init() {
	if f.stored == nil {
		f.stored = map[string]storedNote{}
		f.held = map[string]device.Notification{}
		f.deferred = map[string]*deferredPush{}
		f.wakes = map[string][]time.Time{}
	}
}

// reset forgets everything (World.Reset); timers are stopped by the caller.
func (f *fidelityState) reset() { *f = fidelityState{} }

// arrive is where APNs hands an accepted notification to a device: an
// offline device's slot, or the device itself. Called with w.mu held.
func (w *World) arrive(ds *deviceState, a *device.App, n device.Notification, pre *prepared) {
	if ds.dev.Offline {
		w.storeOffline(ds, a, n)
		return
	}
	w.land(ds, a, n, "", pre)
}

// storeOffline is APNs' store-and-forward (apns.md#T20–T23, U51).
func (w *World) storeOffline(ds *deviceState, a *device.App, n device.Notification) {
	f := &ds.fid
	f.init()
	now := w.clock.Now()
	ev := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: n.ApnsID}
	switch {
	case n.ExpirationSet && n.Expiration.IsZero():
		ev.Kind, ev.Message = EventExpired, "the device is offline and apns-expiration 0 allows one attempt: not stored, never delivered (apns.md#T21)"
		w.emit(nil, ev)
		return
	case n.ExpirationSet && !n.Expiration.After(now):
		ev.Kind, ev.Message = EventExpired, "the device is offline and apns-expiration has passed: not stored (apns.md#T21, U07)"
		w.emit(nil, ev)
		return
	}
	deadline := now.Add(DefaultStoreFor)
	until := "for up to 30 days (no apns-expiration: APNs' policy)"
	if n.ExpirationSet {
		deadline = n.Expiration
		until = "until its apns-expiration, " + deadline.UTC().Format(time.RFC3339)
	}
	if old, ok := f.stored[a.BundleID]; ok {
		ev.Kind = EventReplaced
		ev.Message = fmt.Sprintf("the device is offline: stored %s, replacing %s: APNs keeps one notification per app, the newest (apns.md#T20, U51)", until, old.n.ApnsID)
	} else {
		ev.Kind = EventStored
		ev.Message = fmt.Sprintf("the device is offline: APNs stores it %s, one per app (apns.md#T20, T21)", until)
	}
	f.stored[a.BundleID] = storedNote{n: n, at: now, deadline: deadline}
	w.emit(nil, ev)
}

// SetOffline takes a device off the network or brings it back. Back
// online, APNs delivers what it stored for each app unless it expired
// (apns.md#T22), and the device, now awake, gets its held priority-1
// pushes (apns.md#C11).
func (w *World) SetOffline(deviceName string, offline bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return err
	}
	if ds.dev.Offline == offline {
		return nil
	}
	ds.changed()
	ds.dev.Offline = offline
	if offline {
		w.emit(nil, Event{Kind: EventNote, Device: deviceName, Message: "device offline: APNs stores one notification per app (apns.md#T20)"})
		return nil
	}
	w.emit(nil, Event{Kind: EventNote, Device: deviceName, Message: "device back online"})
	f := &ds.fid
	f.init()
	now := w.clock.Now()
	for _, bundle := range keysOf(f.stored) {
		s := f.stored[bundle]
		delete(f.stored, bundle)
		a, err := ds.app(bundle)
		if err != nil {
			continue // uninstalled meanwhile
		}
		ev := Event{Device: deviceName, App: bundle, Token: a.Token, ApnsID: s.n.ApnsID}
		if now.After(s.deadline) {
			ev.Kind = EventExpired
			ev.Message = fmt.Sprintf("expired at %s while the device was offline: never delivered; the provider is not told (apns.md#T22)", s.deadline.UTC().Format(time.RFC3339))
			w.emit(nil, ev)
			continue
		}
		ev.Kind = EventDeliveredLate
		ev.Message = fmt.Sprintf("delivered late: stored at %s, %s late (apns.md#T22)", s.at.UTC().Format(time.RFC3339), now.Sub(s.at))
		w.emit(nil, ev)
		w.land(ds, a, s.n, " (stored by APNs while the device was offline, apns.md#T22)", nil)
	}
	w.releaseHeld(ds, "the device came back online")
	return nil
}

// land is the device receiving n: priority 1 waits for a wake, background
// pushes spend the app's budget, mutable-content goes through the service
// extension; then deliver. Called with w.mu held.
func (w *World) land(ds *deviceState, a *device.App, n device.Notification, via string, pre *prepared) {
	f := &ds.fid
	f.init()
	ev := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: n.ApnsID}
	if n.Priority == 1 {
		// apns.md#C11, U53: power first; never wakes the device.
		if old, ok := f.held[a.BundleID]; ok {
			ev.Kind, ev.Message = EventCoalesced, fmt.Sprintf("priority 1: replaces held %s; held until the device wakes (apns.md#C11)", old.ApnsID)
		} else {
			ev.Kind, ev.Message = EventDeferred, "priority 1: held until the device wakes for another reason (apns.md#C11, U53)"
		}
		n.Priority = 5 // once the device is awake it is an ordinary low-priority push
		f.held[a.BundleID] = n
		w.emit(nil, ev)
		return
	}
	wakes := n.Priority == 10
	if w.backgroundBudgeted(ds, a, n) && !w.spendBudget(ds, a, n) {
		return
	}
	w.process(ds, a, n, via, pre)
	if wakes {
		w.releaseHeld(ds, "a priority-10 push woke the device")
	}
}

// process runs the service extension when it applies, else delivers.
func (w *World) process(ds *deviceState, a *device.App, n device.Notification, via string, pre *prepared) {
	if device.RunsServiceExtension(ds.dev, a, n) {
		w.runExtension(ds, a, n, via)
		return
	}
	w.deliver(nil, ds, a, n, via, pre)
}

// releaseHeld delivers every held priority-1 push: the device is awake.
func (w *World) releaseHeld(ds *deviceState, why string) {
	f := &ds.fid
	f.init()
	for _, bundle := range keysOf(f.held) {
		n := f.held[bundle]
		delete(f.held, bundle)
		a, err := ds.app(bundle)
		if err != nil {
			continue
		}
		w.land(ds, a, n, fmt.Sprintf(" (priority 1, held until %s, apns.md#C11)", why), nil)
	}
}

// backgroundBudgeted reports whether n is a background push that spends
// the app's budget (apns.md#C10): no alert, content-available, on a
// version and app state where it would wake the app. A mixed push (with
// an alert) does not: Apple's budget is for background notifications
// (apns.md#U40).
func (w *World) backgroundBudgeted(ds *deviceState, a *device.App, n device.Notification) bool {
	aps := n.Payload.Aps
	return aps.Alert == nil && aps.ContentAvailable == 1 && !nonAlertPushTypes[n.PushType] &&
		device.TableRow(ds.dev.Version).BackgroundPush && a.State != device.AppForceQuit && !a.Uninstalled
}

// spendBudget reports whether n may wake the app now; otherwise it is
// deferred, replacing (coalescing) any push already deferred for the app,
// and released when the rolling window frees a wake (apns.md#C10, U52).
func (w *World) spendBudget(ds *deviceState, a *device.App, n device.Notification) bool {
	f := &ds.fid
	now := w.clock.Now()
	wakes := f.wakes[a.BundleID]
	for len(wakes) > 0 && !wakes[0].Add(w.bgWindow).After(now) {
		wakes = wakes[1:]
	}
	f.wakes[a.BundleID] = wakes
	if len(wakes) < w.bgBudget && f.deferred[a.BundleID] == nil {
		f.wakes[a.BundleID] = append(wakes, now)
		return true
	}
	ev := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: n.ApnsID}
	if d := f.deferred[a.BundleID]; d != nil {
		ev.Kind = EventCoalesced
		ev.Message = fmt.Sprintf("coalesced: replaces deferred background push %s; only the newest wakes the app (apns.md#C10)", d.n.ApnsID)
		d.n = n
		w.emit(nil, ev)
		return false
	}
	free := wakes[0].Add(w.bgWindow)
	ev.Kind = EventDeferred
	ev.Message = fmt.Sprintf("background budget of %d per %s spent: deferred until %s (apns.md#C10, U52)", w.bgBudget, w.bgWindow, free.UTC().Format(time.RFC3339))
	w.emit(nil, ev)
	d := &deferredPush{n: n}
	f.deferred[a.BundleID] = d
	bundle, name := a.BundleID, ds.dev.Name
	d.timer = w.after(free.Sub(now), func() { w.releaseDeferred(name, bundle) })
	return false
}

// releaseDeferred wakes the app with its deferred background push.
func (w *World) releaseDeferred(device, bundle string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(device, bundle)
	if err != nil {
		return
	}
	d := ds.fid.deferred[bundle]
	if d == nil {
		return
	}
	delete(ds.fid.deferred, bundle)
	ds.fid.wakes[bundle] = append(ds.fid.wakes[bundle], w.clock.Now())
	w.process(ds, a, d.n, " (deferred by the background budget, apns.md#C10)", nil)
}

// runExtension hands n to the app's service extension and shows the
// result when its content handler is called, or the original content
// when its time runs out (apns.md#V60–V62).
func (w *World) runExtension(ds *deviceState, a *device.App, n device.Notification, via string) {
	ext := a.ServiceExtension
	base := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: n.ApnsID}
	ev := base
	ev.Kind = EventExtensionStarted
	ev.Message = fmt.Sprintf("mutable-content: the service extension's didReceive(_:withContentHandler:) runs; it has %s (apns.md#V60, V61)", w.extLimit)
	w.emit(nil, ev)
	modified, inTime := device.ApplyServiceExtension(a, n, w.extLimit)
	finish := func() {
		ev := base
		if inTime {
			ev.Kind = EventExtensionCompleted
			ev.Message = fmt.Sprintf("the service extension called its content handler after %s: content rewritten, %d attachment(s) (apns.md#V62)", ext.Delay, len(modified.Attachments))
		} else {
			ev.Kind = EventExtensionTimedOut
			ev.Message = fmt.Sprintf("serviceExtensionTimeWillExpire after %s: the content handler was never called, the original content is shown (apns.md#V61)", w.extLimit)
		}
		w.emit(nil, ev)
		w.deliver(nil, ds, a, modified, via, nil)
	}
	wait := w.extLimit
	if inTime {
		wait = ext.Delay
	}
	if wait <= 0 {
		finish()
		return
	}
	name, bundle := ds.dev.Name, a.BundleID
	w.after(wait, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if _, _, err := w.lookup(name, bundle); err != nil {
			return
		}
		finish()
	})
}

// releaseOnUnlock is called when the user unlocks a device: it is awake,
// so held priority-1 pushes arrive (apns.md#C11). Called with w.mu held.
func (w *World) releaseOnUnlock(ds *deviceState) {
	w.releaseHeld(ds, "the user unlocked the device")
}

// SetFocus turns a Focus on (name, with the apps it allows) or off (empty
// name) on a device (iOS 15+, apns.md#V68).
func (w *World) SetFocus(deviceName, name string, allowed []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return err
	}
	ds.changed()
	if name == "" {
		ds.dev.Focus = nil
		w.emit(nil, Event{Kind: EventNote, Device: deviceName, Message: "Focus off"})
		return nil
	}
	ds.dev.Focus = &device.Focus{Name: name, AllowedApps: slices.Clone(allowed)}
	msg := fmt.Sprintf("Focus %s on: apps it does not allow are silenced (apns.md#V68)", name)
	if !device.TableRow(ds.dev.Version).Focus {
		msg = fmt.Sprintf("Focus %s set, but Focus arrives with iOS 15; this is iOS %s: it has no effect (apns.md#V68)", name, ds.dev.Version)
	}
	w.emit(nil, Event{Kind: EventNote, Device: deviceName, Message: msg})
	return nil
}

// SetShowPreviews changes a device's Show Previews setting (apns.md#V71).
func (w *World) SetShowPreviews(deviceName string, p device.Previews) error {
	if !slices.Contains(previewSettings, string(p)) {
		return &InvalidValueError{Field: "show_previews", Value: string(p), Allowed: previewSettings}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return err
	}
	ds.changed()
	ds.dev.ShowPreviews = p
	w.emit(nil, Event{Kind: EventNote, Device: deviceName, Message: fmt.Sprintf("Show Previews: %s (apns.md#V71)", p)})
	return nil
}

var previewSettings = []string{string(device.PreviewsAlways), string(device.PreviewsWhenUnlocked), string(device.PreviewsNever)}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// arrivalWhy explains, for the presented event, what the interruption
// level and the Focus did (apns.md#V67–V69): "" when nothing did.
func arrivalWhy(d *device.Device, a *device.App, aps *device.Aps) string {
	caps := device.TableRow(d.Version)
	level, downgrade := device.EffectiveLevel(caps, a, aps)
	var why []string
	if downgrade != "" {
		why = append(why, downgrade)
	}
	switch focus := device.FocusSilences(caps, d, a, level); {
	case focus != "":
		why = append(why, fmt.Sprintf("silenced by %s: listed without banner or sound (apns.md#V68)", focus))
	case caps.Focus && d.Focus != nil && (level == device.LevelTimeSensitive || level == device.LevelCritical):
		why = append(why, fmt.Sprintf("%s: breaks through %s (apns.md#V68)", level, device.FocusName(d.Focus)))
	}
	if len(why) == 0 {
		return ""
	}
	return " (" + strings.Join(why, "; ") + ")"
}
