package world

import (
	"context"
	"fmt"
	"time"

	"github.com/pushsim/pushsim/sim/device"
)

// response is what the app is told, for runScript.
type response struct {
	key        string // handler key: action id, KeyDefault, KeyDismiss, KeyFetch
	identifier string // the identifier the app receives ("" when the era has none)
	text       string
	callback   string
	completion bool // the callback carries a completion handler
	route      string
}

// tapKind is what a Tap does.
type tapKind int

const (
	tapDefault tapKind = iota
	tapDismiss
	tapAction
)

// Tap is the user answering a notification on a device: action is an
// action identifier, "default" (a tap on the body) or "dismiss"; text is
// the typed reply for a text-input action (iOS 9+). An empty apnsID means
// the newest notification shown. It returns the events that followed
// synchronously; delayed completions, watchdogs and webhook results arrive
// later in the log.
func (w *World) Tap(ctx context.Context, deviceName, apnsID, action, text string) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tap on %s: %w", deviceName, err)
	}
	w.mu.Lock()
	ds, err := w.device(deviceName)
	if err != nil {
		w.mu.Unlock()
		return nil, err
	}
	d, err := ds.shown(apnsID)
	if err != nil {
		w.mu.Unlock()
		return nil, err
	}
	a := ds.dev.App(d.App)
	if a == nil || a.Uninstalled {
		w.mu.Unlock()
		return nil, &UnknownNotificationError{Device: deviceName, ApnsID: d.ApnsID, State: "app uninstalled"}
	}
	kind, act, err := resolveAction(ds.dev, a, d, action, text)
	if err != nil {
		w.mu.Unlock()
		return nil, err
	}
	var batch []Event
	switch kind {
	case tapDismiss:
		w.dismiss(&batch, ds, a, d)
	case tapDefault:
		w.open(&batch, ds, a, d)
	case tapAction:
		w.act(&batch, ds, a, d, act, text)
	}
	w.mu.Unlock()
	return batch, nil
}

// shown finds a notification the user can still touch. Called with w.mu
// held.
func (ds *deviceState) shown(apnsID string) (*Delivered, error) {
	if apnsID == "" {
		for i := len(ds.notes) - 1; i >= 0; i-- {
			if ds.notes[i].State == NotificationShown {
				return ds.notes[i], nil
			}
		}
		return nil, &UnknownNotificationError{Device: ds.dev.Name}
	}
	for _, d := range ds.notes {
		if d.ApnsID == apnsID {
			if d.State != NotificationShown {
				return nil, &UnknownNotificationError{Device: ds.dev.Name, ApnsID: apnsID, State: d.State}
			}
			return d, nil
		}
	}
	return nil, &UnknownNotificationError{Device: ds.dev.Name, ApnsID: apnsID}
}

// resolveAction maps the user's choice to what happens, checking that the
// device shows it.
func resolveAction(dev *device.Device, a *device.App, d *Delivered, action, text string) (tapKind, device.Button, error) {
	switch action {
	case device.KeyDefault, "", device.UNNotificationDefaultActionIdentifier, device.ButtonView:
		if text != "" {
			return 0, device.Button{}, &ActionNotAvailableError{Device: dev.Name, Action: action, Why: "a tap on the body takes no text"}
		}
		return tapDefault, device.Button{}, nil
	case device.KeyDismiss, device.UNNotificationDismissActionIdentifier, device.ButtonClose, device.ButtonOK:
		if text != "" {
			return 0, device.Button{}, &ActionNotAvailableError{Device: dev.Name, Action: action, Why: "dismissing takes no text"}
		}
		return tapDismiss, device.Button{}, nil
	}
	var shown []string
	seen := map[string]bool{}
	for _, p := range d.Presentations {
		for _, b := range p.Buttons {
			if b.ID == action && !b.System {
				if text != "" && !b.TextInput {
					return 0, device.Button{}, &ActionNotAvailableError{Device: dev.Name, Action: action, Why: "it is not a text-input action, so it takes no text"}
				}
				return tapAction, b, nil
			}
			if !b.System && !seen[b.ID] {
				seen[b.ID] = true
				shown = append(shown, b.ID)
			}
		}
	}
	caps := device.CapabilitiesOf(dev.Version)
	if cat := a.Category(d.Notification.Payload.Aps.Category); cat != nil {
		for _, act := range cat.Actions {
			if act.ID != action {
				continue
			}
			most := 0
			for _, n := range caps.MaxActions {
				most = max(most, n)
			}
			why := fmt.Sprintf("no context of iOS %s shows it (at most %d actions fit, apns.md#V31, U15)", dev.Version, most)
			switch {
			case !caps.Actions:
				why = fmt.Sprintf("iOS %s has no custom actions, they arrived in iOS 8 (apns.md#V21)", dev.Version)
			case act.TextInput && !caps.TextInput:
				why = fmt.Sprintf("text input needs iOS 9, this is iOS %s (apns.md#V33)", dev.Version)
			}
			return 0, device.Button{}, &ActionNotAvailableError{Device: dev.Name, Action: action, Why: why}
		}
	}
	return 0, device.Button{}, &UnknownActionError{Device: dev.Name, ApnsID: d.ApnsID, Action: action, Shown: append(shown, device.KeyDefault, device.KeyDismiss)}
}

// dismiss: the user swiped the notification away. Called with w.mu held.
func (w *World) dismiss(batch *[]Event, ds *deviceState, a *device.App, d *Delivered) {
	d.State, d.Action = NotificationDismissed, device.KeyDismiss
	e := device.TableRow(ds.dev.Version).Callbacks
	base := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: d.ApnsID}
	ev := base
	ev.Kind = EventDismissed
	cat := a.Category(d.Notification.Payload.Aps.Category)
	switch {
	case e.Response == "":
		ev.Message = "dismissed; the app is not told before iOS 10 (apns.md#V27)"
	case cat == nil || !cat.CustomDismissAction:
		ev.Message = "dismissed; not reported: the category has no customDismissAction (apns.md#V41)"
	default:
		ev.Message = "dismissed; reported to the app (customDismissAction, apns.md#V41)"
		w.emit(batch, ev)
		if a.State == device.AppNotRunning || a.State == device.AppForceQuit {
			w.setState(batch, ds, a, device.AppBackground, "launched in the background to handle a dismissal (apns.md#V46)")
		}
		w.tell(batch, ds, a, d, response{key: device.KeyDismiss, identifier: device.UNNotificationDismissActionIdentifier, callback: e.Response, completion: true})
		return
	}
	w.emit(batch, ev)
}

// open: the user tapped the body (apns.md#V25, V26, V35, V44). Called with
// w.mu held.
func (w *World) open(batch *[]Event, ds *deviceState, a *device.App, d *Delivered) {
	d.State, d.Action = NotificationActed, device.KeyDefault
	e := device.TableRow(ds.dev.Version).Callbacks
	w.unlockFor(batch, ds, a, d, device.KeyDefault, "opening the app")
	prev := a.State
	why := "brought to the foreground by a tap on the notification"
	if prev == device.AppNotRunning || prev == device.AppForceQuit {
		why = "launched by a tap on the notification"
	}
	w.setState(batch, ds, a, device.AppForeground, why)
	r := response{key: device.KeyDefault}
	switch {
	case e.Response != "":
		r.identifier, r.callback, r.completion = device.UNNotificationDefaultActionIdentifier, e.Response, true // apns.md#V44, V46
	case prev == device.AppNotRunning || prev == device.AppForceQuit:
		r.callback, r.completion = device.CallbackLaunch, false // apns.md#V26
		if e.RemoteComplete {
			r.callback, r.completion = device.CallbackLaunch+", then "+e.Remote, true
		}
	default:
		r.callback, r.completion = e.Remote+" (state inactive)", e.RemoteComplete // apns.md#V25
	}
	w.tell(batch, ds, a, d, r)
}

// act: the user chose a custom action. Called with w.mu held.
func (w *World) act(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, b device.Button, text string) {
	d.State, d.Action = NotificationActed, b.ID
	e := device.TableRow(ds.dev.Version).Callbacks
	if b.Foreground || b.AuthRequired {
		w.unlockFor(batch, ds, a, d, b.ID, fmt.Sprintf("action %q", b.ID))
	}
	switch {
	case b.Foreground:
		w.setState(batch, ds, a, device.AppForeground, fmt.Sprintf("foreground action %q", b.ID))
	case a.State == device.AppNotRunning || a.State == device.AppForceQuit:
		w.setState(batch, ds, a, device.AppBackground, fmt.Sprintf("launched in the background for action %q", b.ID))
	}
	r := response{key: b.ID, identifier: b.ID, text: text, callback: e.Response, completion: true}
	if e.Response == "" {
		r.callback = e.Action // apns.md#V34
	}
	w.tell(batch, ds, a, d, r)
}

// unlockFor asks the user to unlock a locked device, then proceeds as if
// they did (apns.md#V33): opening the app or an authenticationRequired
// action needs it. Called with w.mu held.
func (w *World) unlockFor(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, action, what string) {
	if !ds.dev.Locked {
		return
	}
	ds.dev.Locked = false
	w.emit(batch, Event{Kind: EventUnlock, Device: ds.dev.Name, App: a.BundleID, ApnsID: d.ApnsID, Action: action,
		Message: fmt.Sprintf("unlock required for %s: the user unlocked the device (apns.md#V33)", what)})
}

// tell logs what the app receives and runs its script. Called with w.mu
// held.
func (w *World) tell(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, r response) {
	s, route := a.Handler.Script(r.key, d.Notification.Payload)
	r.route = route
	ev := Event{Kind: EventAction, Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: d.ApnsID,
		Action: r.identifier, Text: r.text, Callback: r.callback}
	switch {
	case r.identifier == "":
		ev.Action = r.key
		ev.Message = fmt.Sprintf("app told via %s (no action identifier in this era)", r.callback)
	case r.text != "" && device.TableRow(ds.dev.Version).Callbacks.ResponseInfo:
		ev.Message = fmt.Sprintf("app told %q via %s, typed text %q in responseInfo[UIUserNotificationActionResponseTypedTextKey] (apns.md#V34)", r.identifier, r.callback, r.text)
	case r.text != "":
		ev.Message = fmt.Sprintf("app told %q via %s, userText %q (apns.md#V43)", r.identifier, r.callback, r.text)
	default:
		ev.Message = fmt.Sprintf("app told %q via %s", r.identifier, r.callback)
	}
	if route != "" {
		ev.Message += fmt.Sprintf(" [handled by route %s]", route)
	}
	w.emit(batch, ev)
	w.runScript(batch, ds, a, d, r, s)
}

// handling is one completion handler the app holds.
type handling struct {
	id       uint64
	device   string
	bundleID string
	apnsID   string
	r        response
	script   device.Script
	started  time.Time
	complete *trackedTimer
	watchdog *trackedTimer
}

// runScript does what the app's script says: deep link, chat, webhook,
// then the completion handler. Called with w.mu held; webhooks start on
// their own goroutines.
func (w *World) runScript(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, r response, s device.Script) {
	base := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: d.ApnsID, Action: r.identifier}
	if base.Action == "" {
		base.Action = r.key
	}
	if s.DeepLink != "" {
		ev := base
		ev.Kind, ev.URL, ev.Message = EventDeepLink, s.DeepLink, "app opened deep link "+s.DeepLink
		w.emit(batch, ev)
	}
	if s.OpenChat {
		a.ChatOpen = true
		w.setState(batch, ds, a, device.AppForeground, "chat opened")
		ev := base
		ev.Kind, ev.Message = EventNote, a.BundleID+": chat screen open: notifications are not shown"
		w.emit(batch, ev)
	}
	if s.Webhook != "" {
		w.startWebhook(webhookJob{base: base, url: s.Webhook, text: r.text, userInfo: d.Notification.Payload.Raw})
	}
	if !r.completion {
		return
	}
	w.nextID++
	h := &handling{id: w.nextID, device: ds.dev.Name, bundleID: a.BundleID, apnsID: d.ApnsID, r: r, script: s, started: w.clock.Now()}
	switch {
	case s.Complete == device.CompleteNever:
	case s.Delay <= 0:
		w.completed(batch, h)
		return
	default:
		h.complete = w.after(s.Delay, func() { w.fireCompletion(h.id) })
	}
	w.pending[h.id] = h
	h.watchdog = w.after(w.limit, func() { w.fireWatchdog(h.id) })
}

// completed logs the app calling its completion handler (twice when
// scripted so, apns.md#U16). Called with w.mu held.
func (w *World) completed(batch *[]Event, h *handling) {
	ev := Event{Kind: EventCompletion, Device: h.device, App: h.bundleID, ApnsID: h.apnsID, Action: h.r.identifier, Callback: h.r.callback}
	if ev.Action == "" {
		ev.Action = h.r.key
	}
	ev.Message = fmt.Sprintf("completion handler called after %s", w.clock.Now().Sub(h.started))
	w.emit(batch, ev)
	if h.script.Complete == device.CompleteTwice {
		ev.Kind = EventDoubleCompletion
		ev.Message = "completion handler called a second time: undefined behaviour, logged as a warning (apns.md#U16)"
		w.emit(batch, ev)
	}
}

func (w *World) fireCompletion(id uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, ok := w.pending[id]
	if !ok {
		return // the watchdog came first, or Reset
	}
	delete(w.pending, id)
	w.stopTimer(h.watchdog)
	w.completed(nil, h)
}

func (w *World) fireWatchdog(id uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, ok := w.pending[id]
	if !ok {
		return
	}
	delete(w.pending, id)
	w.stopTimer(h.complete)
	ev := Event{Kind: EventWatchdog, Device: h.device, App: h.bundleID, ApnsID: h.apnsID, Action: h.r.identifier, Callback: h.r.callback}
	if ev.Action == "" {
		ev.Action = h.r.key
	}
	ds, a, err := w.lookup(h.device, h.bundleID)
	switch {
	case err != nil || a.Uninstalled:
		ev.Message = fmt.Sprintf("completion handler never called within %s; the app is gone", w.limit)
	case a.State == device.AppForeground:
		ev.Message = fmt.Sprintf("completion handler never called within %s; the app is in the foreground, so the system only logs a warning (apns.md#C03)", w.limit)
	case h.r.callback == device.CallbackDidReceiveResponse:
		// iOS 10+: a warning, and the background-launched app is suspended
		// when its time runs out; it is not killed (apns.md#C03).
		ev.Message = fmt.Sprintf("completion handler never called within %s; the system logs a warning and suspends the app (apns.md#C03)", w.limit)
	default:
		ev.Message = fmt.Sprintf("completion handler never called within %s; app suspended/killed (0x8badf00d) (apns.md#C02, C05)", w.limit)
	}
	w.emit(nil, ev)
	if err == nil && !a.Uninstalled && a.State == device.AppBackground && h.r.callback != device.CallbackDidReceiveResponse {
		w.setState(nil, ds, a, device.AppNotRunning, "killed by the watchdog (0x8badf00d)")
	}
}
