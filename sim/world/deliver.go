package world

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// Push types whose notifications never reach the app's alert UI: they go
// to PushKit, ActivityKit, WidgetKit and friends (apns.md#H05–H13).
var nonAlertPushTypes = map[string]bool{
	"location": true, "voip": true, "complication": true, "fileprovider": true, "mdm": true,
	"liveactivity": true, "pushtotalk": true, "widgets": true, "controls": true,
}

// simctlTargetKey names the app in a simctl payload (apns.md#S03).
const simctlTargetKey = "Simulator Target Bundle"

// simctlMaxPayload is simctl push's size limit (apns.md#S02).
const simctlMaxPayload = 4096

// Deliver injects a notification straight into a device, like `xcrun
// simctl push` (apns.md#S06): no APNs, no token or environment check
// (S05). bundleID may be empty when the payload names the app with
// "Simulator Target Bundle" (S03). n.ApnsID and n.ReceivedAt are filled
// when empty.
func (w *World) Deliver(ctx context.Context, deviceName, bundleID string, n device.Notification) (Delivered, error) {
	if err := ctx.Err(); err != nil {
		return Delivered{}, fmt.Errorf("push to %s: %w", deviceName, err)
	}
	if bundleID == "" {
		if raw, ok := n.Payload.Custom[simctlTargetKey]; ok {
			_ = json.Unmarshal(raw, &bundleID) // a non-string leaves it empty: UnknownAppError below
		}
	}
	if len(n.Payload.Raw) > simctlMaxPayload {
		return Delivered{}, &InjectError{Device: deviceName, Why: fmt.Sprintf("payload is %d bytes, over simctl's %d (apns.md#S02)", len(n.Payload.Raw), simctlMaxPayload)}
	}
	if len(n.Payload.Raw) > 0 {
		if _, ok := device.LookupPath(n.Payload.Raw, "aps"); !ok {
			return Delivered{}, &InjectError{Device: deviceName, Why: `payload has no "aps" dictionary (apns.md#S02)`}
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(deviceName, bundleID)
	if err != nil {
		return Delivered{}, err
	}
	if a.Uninstalled {
		return Delivered{}, &InjectError{Device: deviceName, Why: fmt.Sprintf("%s is uninstalled", a.BundleID)}
	}
	if n.ApnsID == "" {
		n.ApnsID = fakeapns.NewUUID() // the one id generator, as APNs writes ids (apns.md#E04)
	}
	if n.ReceivedAt.IsZero() {
		n.ReceivedAt = w.clock.Now()
	}
	if n.Topic == "" {
		n.Topic = a.BundleID
	}
	if n.Priority == 0 {
		n.Priority = 10
	}
	const via = " (injected like simctl push, apns.md#S06)"
	if device.RunsServiceExtension(ds.dev, a, n) {
		// The Simulator runs the app's service extension too (apns.md#V60):
		// the notification is shown when it completes, so nothing is on
		// screen yet.
		w.runExtension(ds, a, n, via)
		return Delivered{ApnsID: n.ApnsID, Device: deviceName, App: a.BundleID, Notification: n, ReceivedAt: n.ReceivedAt}, nil
	}
	d := w.deliver(nil, ds, a, n, via, nil)
	if d == nil {
		return Delivered{ApnsID: n.ApnsID, Device: deviceName, App: a.BundleID, Notification: n, ReceivedAt: n.ReceivedAt}, nil
	}
	d.render()
	out := *d
	out.Presentations = append([]device.Presentation(nil), d.Presentations...)
	return out, nil
}

// DeliverPayload parses body and injects it as Deliver does.
func (w *World) DeliverPayload(ctx context.Context, deviceName, bundleID string, body []byte) (Delivered, error) {
	p, ignored, err := device.ParseDeliverable(body)
	if err != nil {
		return Delivered{}, &PayloadError{Device: deviceName, Err: err}
	}
	return w.Deliver(ctx, deviceName, bundleID, device.Notification{Payload: p, Ignored: device.IgnoredMessages(ignored)})
}

// deliver puts n on the device and logs what the device does with it. It
// returns the stored notification, or nil when nothing was stored. pre,
// when usable, is n linted and rendered outside the lock (prepare.go).
// Called with w.mu held.
func (w *World) deliver(batch *[]Event, ds *deviceState, a *device.App, n device.Notification, via string, pre *prepared) *Delivered {
	if !w.usable(pre, ds, n) {
		pre = nil
	}
	dev := ds.dev
	base := Event{Device: dev.Name, App: a.BundleID, Token: a.Token, ApnsID: n.ApnsID}
	ev := base
	ev.Kind, ev.Message = EventDelivered, fmt.Sprintf("delivered to %s on %s (iOS %s)%s", a.BundleID, dev.Name, dev.Version, via)
	w.emit(batch, ev)
	if a.Uninstalled {
		ds.dead[a] = true
		ev = base
		ev.Kind, ev.Message = EventSuppressed, a.BundleID+" is uninstalled: dropped, and the token is now invalid (apns.md#D06)"
		w.emit(batch, ev)
		return nil
	}
	for _, msg := range n.Ignored {
		ev = base
		ev.Kind, ev.Message = EventNote, msg
		w.emit(batch, ev)
	}
	if w.lint != nil {
		msgs := []string(nil)
		if pre != nil {
			msgs = pre.lint
		} else {
			msgs = w.lint(dev, a, n)
		}
		for _, msg := range msgs {
			ev = base
			ev.Kind, ev.Message = EventLint, msg
			w.emit(batch, ev)
		}
	}
	if n.CollapseID != "" {
		w.collapse(batch, ds, a, n)
	}
	if nonAlertPushTypes[n.PushType] {
		ev = base
		ev.Kind, ev.Message = EventNote, fmt.Sprintf("push type %s is handled by its own framework, not shown as an alert (apns.md#H05–H13)", n.PushType)
		w.emit(batch, ev)
		return nil
	}
	aps := n.Payload.Aps
	d := &Delivered{ApnsID: n.ApnsID, Device: dev.Name, App: a.BundleID, Notification: n, ReceivedAt: n.ReceivedAt}
	if aps.Alert == nil {
		d.State = NotificationSilent
		w.applyBadge(batch, ds, a, n, base)
		w.wake(batch, ds, a, d, base, false)
		w.store(ds, d)
		return d
	}
	caps := device.TableRow(dev.Version)
	var arr arrival
	if pre != nil {
		arr = *pre.arrival
		d.arrived, d.arrivedApp = pre.snap, pre.app
	} else {
		// The rare paths (simctl, a late or deferred delivery, a service
		// extension's content) render under the lock, on the device as it
		// is now.
		snap := w.snapshotOf(ds)
		if sa := snap.app(a.BundleID, a.Token); sa != nil {
			d.arrived, d.arrivedApp = snap, sa
		} else {
			d.Presentations = renderContexts(dev, a, n)
		}
		arr = arrivalOf(dev, a, n)
	}
	e := caps.Callbacks
	ev = base
	ev.Kind = EventSuppressed
	switch {
	case a.Permission == device.PermissionDenied:
		ev.Message = "notifications denied by the user: nothing shown (apns.md#V52)"
	case a.Permission == device.PermissionNotDetermined && caps.AskPermission:
		ev.Message = "the app never asked to show notifications: nothing shown (apns.md#V08, V40)"
	case a.Permission == device.PermissionProvisional && !caps.Provisional:
		ev.Message = fmt.Sprintf("provisional authorization needs iOS 12, this is iOS %s: nothing shown (apns.md#V48)", dev.Version)
	case a.ChatOpen && caps.UserNotifications:
		// The app decides, in its own willPresent (apns.md#U44).
		ev.Callback = string(device.CallbackWillPresent)
		ev.Message = "chat open: the app's willPresent returns no options, nothing shown (the app's decision, apns.md#U44, V45)"
	case a.ChatOpen:
		ev.Callback = e.Remote
		ev.Message = "chat open: the running app is told (state active) and shows nothing (the app's decision, apns.md#U44, V24)"
	case a.State == device.AppForeground && !caps.ForegroundUI:
		ev.Callback = e.Remote
		ev.Message = "app in the foreground: no alert, banner or sound; the app is told with state active (apns.md#V24)"
	case a.State == device.AppForeground && !arr.foregroundVisible:
		// The same answer Render gives for the foreground context.
		ev.Callback = string(device.CallbackWillPresent)
		ev.Message = "app in the foreground and its willPresent returns no banner: nothing shown (apns.md#V45)"
	default:
		ev.Kind = EventPresented
		ev.Context, ev.Presentation = arr.context, arr.presentation
		if a.State == device.AppForeground {
			ev.Callback = string(device.CallbackWillPresent) // apns.md#V45
		}
		ev.Message = presentedLine(ev.Context, ev.Presentation) + arrivalWhy(dev, a, &n.Payload.Aps)
		if a.Permission == device.PermissionProvisional {
			ev.Message += " (provisional: delivered quietly, apns.md#V48)"
		}
		if p := ev.Presentation; p != nil && p.Style == device.StyleNone {
			// Nothing this version can draw, such as a title-only alert
			// before iOS 10 (apns.md#P06): not presented anywhere.
			ev.Kind, ev.Context, ev.Presentation, ev.Message = EventSuppressed, "", nil, "nothing shown"
			if len(p.Notes) > 0 {
				ev.Message = p.Notes[0]
			}
		}
	}
	d.State = NotificationSuppressed
	if ev.Kind == EventPresented {
		d.State, d.Context = NotificationShown, ev.Context
	}
	w.emit(batch, ev)
	w.store(ds, d)
	w.applyBadge(batch, ds, a, n, base)
	switch {
	case aps.ContentAvailable == 1:
		// A mixed push: shown (or not) as above, and the app is woken
		// too (apns.md#U40, C05, V52).
		w.wake(batch, ds, a, d, base, true)
	case ev.Callback != "" && ev.Callback == e.Remote && e.RemoteComplete:
		// iOS 7–9 hand every push to the running app through the fetch
		// variant, whose completion handler the app must call
		// (apns.md#V24, C05): its script runs as for a silent push.
		w.fetch(batch, ds, a, d)
	}
	return d
}

// fetch runs the app's fetch script for d, through the era's fetch
// callback, with its completion handler and watchdog (apns.md#C05).
// Called with w.mu held.
func (w *World) fetch(batch *[]Event, ds *deviceState, a *device.App, d *Delivered) {
	s, route := a.Handler.Script(device.KeyFetch, d.Notification.Payload)
	cb := device.TableRow(ds.dev.Version).Callbacks.Fetch
	w.runScript(batch, ds, a, d, response{key: device.KeyFetch, callback: cb, completion: true, route: route}, s)
}

// applyBadge sets the app icon's badge from aps.badge when the system
// may, and says why not otherwise (apns.md#P07, U43). Called with w.mu
// held.
func (w *World) applyBadge(batch *[]Event, ds *deviceState, a *device.App, n device.Notification, base Event) {
	b := n.Payload.Aps.Badge
	if b == nil {
		return
	}
	if why := device.BadgeBlocked(ds.dev, a); why != "" {
		ev := base
		ev.Kind, ev.Message = EventNote, fmt.Sprintf("badge unchanged (aps.badge %d): %s", *b, why)
		w.emit(batch, ev)
		return
	}
	if *b == 0 {
		delete(ds.badges, a.BundleID) // 0 clears the badge (apns.md#P07)
		return
	}
	ds.badges[a.BundleID] = *b
}

func presentedLine(c device.Context, p *device.Presentation) string {
	if p == nil {
		return fmt.Sprintf("shown (%s)", c)
	}
	ids := make([]string, len(p.Buttons))
	for i, b := range p.Buttons {
		ids[i] = b.ID
	}
	text := p.Body
	if p.Title != "" {
		text = p.Title + ": " + text
	}
	return fmt.Sprintf("shown as %s: %q buttons %v", p.Style, text, ids)
}

// wake handles a push without an alert, and the content-available half of
// a mixed push (alert and content-available, apns.md#U40). Called with
// w.mu held.
func (w *World) wake(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, base Event, mixed bool) {
	aps := d.Notification.Payload.Aps
	caps := device.TableRow(ds.dev.Version)
	e := caps.Callbacks
	ev := base
	ev.Kind = EventSuppressed
	if mixed {
		ev.Kind = EventNote
	}
	fetch := func() { w.fetch(batch, ds, a, d) }
	switch {
	case aps.ContentAvailable != 1 && a.State == device.AppForeground && caps.UserNotifications && (aps.Badge != nil || aps.Sound != ""):
		// Badge and sound are presented through willPresent: the app's
		// options decide them (apns.md#V45; the badge: U43).
		ev.Callback = string(device.CallbackWillPresent)
		ev.Message = "no alert: app in the foreground, its willPresent decides the sound and badge; nothing drawn (apns.md#V45)"
	case aps.ContentAvailable != 1 && a.State == device.AppForeground:
		// Before iOS 10 a running app gets every remote notification,
		// with no system sound or badge (apns.md#V24); from iOS 7 through
		// the fetch variant, with its completion handler (C05).
		ev.Callback = e.Remote
		ev.Message = "no alert: app in the foreground, told with state active; no system sound or badge (apns.md#V24)"
		if e.RemoteComplete {
			w.emit(batch, ev)
			fetch()
			return
		}
	case aps.ContentAvailable != 1:
		ev.Message = "no alert: badge and sound only, nothing shown (apns.md#U23)"
	case e.Fetch == "":
		ev.Message = fmt.Sprintf("content-available needs iOS 7, this is iOS %s: the app is not woken (apns.md#P11)", ds.dev.Version)
	case a.State == device.AppForceQuit:
		ev.Message = "the user force-quit the app: no background launch until it is opened (apns.md#C05)"
	case mixed && a.State == device.AppForeground && !caps.UserNotifications:
		// Before iOS 10 the running app's one call is the fetch variant
		// (state active), already logged at arrival; it carries the
		// completion handler (apns.md#V24, U40).
		fetch()
		return
	default:
		if a.State == device.AppNotRunning {
			w.setState(batch, ds, a, device.AppBackground, "launched in the background for a silent push")
		}
		what, rows := "silent push", "C05"
		if mixed {
			what, rows = "mixed push (alert and content-available)", "C05, U40"
		}
		ev.Kind, ev.Callback, ev.Action = EventWake, e.Fetch, device.KeyFetch
		ev.Message = fmt.Sprintf("%s: app woken in the %s, %s has %s to complete (apns.md#%s)", what, a.State, e.Fetch, w.limit, rows)
		w.emit(batch, ev)
		fetch()
		return
	}
	w.emit(batch, ev)
}

// collapse removes a notification with the same collapse id that n
// replaces (apns.md#H19). Called with w.mu held.
func (w *World) collapse(batch *[]Event, ds *deviceState, a *device.App, n device.Notification) {
	replaces := device.CapabilitiesOf(ds.dev.Version).UserNotifications
	for i, old := range ds.notes {
		if old.App == a.BundleID && old.Notification.CollapseID == n.CollapseID {
			if !replaces {
				// No notification identifiers on the device before iOS 10:
				// both stay (apns.md#U46).
				w.emit(batch, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, ApnsID: n.ApnsID,
					Message: fmt.Sprintf("same apns-collapse-id %q as %s, but iOS %s shows each push separately: replacement on the device arrived with iOS 10 (apns.md#U46)", n.CollapseID, old.ApnsID, ds.dev.Version)})
				return
			}
			ds.notes = append(ds.notes[:i], ds.notes[i+1:]...)
			w.emit(batch, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, ApnsID: n.ApnsID,
				Message: fmt.Sprintf("replaces %s (same apns-collapse-id %q, apns.md#H19)", old.ApnsID, n.CollapseID)})
			return
		}
	}
}

// store keeps d, dropping the oldest notifications past the bound.
func (w *World) store(ds *deviceState, d *Delivered) {
	if len(ds.notes) >= w.maxNotes {
		drop := len(ds.notes) - w.maxNotes + 1
		clear(ds.notes[:drop])
		ds.notes = ds.notes[drop:]
	}
	ds.notes = append(ds.notes, d)
}
