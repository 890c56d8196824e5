package world

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	context    device.Context // where the user answered, when known
	note       string         // appended to the log line: why this callback
}

// tapKind is what a Tap does.
type tapKind int

const (
	tapDefault tapKind = iota
	tapDismiss
	tapAction
	tapOptions // the iOS 8–9 alert's Options (apns.md#U42)
	tapTimeout // a banner going away by itself (apns.md#U49)
	tapKeep    // provisional Keep… (apns.md#U50)
	tapTurnOff // provisional Turn Off…
)

// KeyTimeout is the tap word for a banner that goes away by itself:
// nothing reaches the app and the notification stays in Notification
// Center (apns.md#U49).
const KeyTimeout = "timeout"

// Tap is the user answering a notification on a device where it is now
// (Delivered.Context): action is an action identifier, "default" (a tap
// on the body), "dismiss" (clearing it), "timeout" (a banner going away),
// or a system button's id (ButtonOptions, ButtonKeep, ...); text is the
// typed reply for a text-input action (iOS 9+). An empty apnsID means the
// newest notification shown. It returns the events that followed
// synchronously; delayed completions, watchdogs and webhook results arrive
// later in the log.
func (w *World) Tap(ctx context.Context, deviceName, apnsID, action, text string) ([]Event, error) {
	return w.TapIn(ctx, deviceName, apnsID, action, text, "")
}

// TapIn is Tap in a context the caller chooses, such as the alert's
// second step or Notification Center; empty means where the notification
// is now. An action can be tapped only in a context that shows it or that
// a gesture opens from there (apns.md#U41); otherwise the error is an
// *ActionNotReachableError naming the contexts that show it.
func (w *World) TapIn(ctx context.Context, deviceName, apnsID, action, text string, in device.Context) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tap on %s: %w", deviceName, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return nil, err
	}
	d, err := ds.shown(apnsID)
	if err != nil {
		return nil, err
	}
	d.render()
	a := ds.dev.App(d.App)
	if a == nil || a.Uninstalled {
		return nil, &UnknownNotificationError{Device: deviceName, ApnsID: d.ApnsID, State: "app uninstalled"}
	}
	t, err := resolveTap(ds.dev, a, d, action, text, in)
	if err != nil {
		return nil, err
	}
	var batch []Event
	switch t.kind {
	case tapDismiss:
		w.dismiss(&batch, ds, a, d)
	case tapDefault:
		w.open(&batch, ds, a, d)
	case tapAction:
		w.act(&batch, ds, a, d, t.button, text, t.at)
	case tapOptions:
		w.options(&batch, ds, a, d)
	case tapTimeout:
		w.timeout(&batch, ds, a, d, t.at)
	case tapKeep, tapTurnOff:
		w.provisional(&batch, ds, a, d, t.kind)
	}
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

// resolved is what a tap turned out to be.
type resolved struct {
	kind   tapKind
	button device.Button
	at     device.Context // the context the tap happens in
}

// tapWord reports what a short tap word stands for besides identifiers
// (apns.md#U48).
func tapWord(w string) (tapKind, bool) {
	switch w {
	case device.KeyDefault, "view":
		return tapDefault, true
	case device.KeyDismiss, "close", "ok":
		return tapDismiss, true
	case KeyTimeout:
		return tapTimeout, true
	}
	return 0, false
}

// resolveTap maps the user's choice to what happens, checking that the
// context the notification is in (or the one the caller chose) can reach
// it.
func resolveTap(dev *device.Device, a *device.App, d *Delivered, action, text string, in device.Context) (resolved, error) {
	capsRow := device.CapabilitiesOf(dev.Version)
	caps := &capsRow
	at, err := tapContext(dev, d, in)
	if err != nil {
		return resolved{}, err
	}
	noText := func(what string) error {
		if text == "" {
			return nil
		}
		return &ActionNotAvailableError{Device: dev.Name, Action: action, Why: what + " takes no text"}
	}
	cat := a.Category(d.Notification.Payload.Aps.Category)
	switch action {
	case "", device.UNNotificationDefaultActionIdentifier, device.ButtonView:
		return resolved{kind: tapDefault, at: at}, noText("a tap on the body")
	case device.UNNotificationDismissActionIdentifier, device.ButtonClose, device.ButtonOK, device.ButtonDismiss:
		return resolved{kind: tapDismiss, at: at}, noText("dismissing")
	case device.ButtonOptions, device.ButtonKeep, device.ButtonTurnOff:
		b, where, err := reach(dev, caps, d, cat, action, at)
		if err != nil {
			return resolved{}, err
		}
		kind := map[string]tapKind{device.ButtonOptions: tapOptions, device.ButtonKeep: tapKeep, device.ButtonTurnOff: tapTurnOff}[action]
		return resolved{kind: kind, button: b, at: where}, noText(b.Title)
	}
	if cat != nil && caps.Actions && slices.ContainsFunc(cat.Actions, func(x device.Action) bool { return x.ID == action }) {
		b, where, err := reach(dev, caps, d, cat, action, at)
		if err != nil {
			return resolved{}, err
		}
		if text != "" && !b.TextInput {
			return resolved{}, &ActionNotAvailableError{Device: dev.Name, Action: action, Why: "it is not a text-input action, so it takes no text"}
		}
		return resolved{kind: tapAction, button: b, at: where}, nil
	}
	if kind, ok := tapWord(action); ok {
		if cat != nil {
			for _, x := range cat.Actions {
				if strings.EqualFold(x.ID, action) {
					return resolved{}, &AmbiguousTapError{Device: dev.Name, Word: action, AppAction: x.ID, System: systemOf(action)}
				}
			}
		}
		if kind == tapTimeout {
			if p := presentationIn(d, at); p == nil || p.Style != device.StyleBanner {
				return resolved{}, &ActionNotAvailableError{Device: dev.Name, Action: action,
					Why: fmt.Sprintf("only a banner times out; the notification is in the %s (apns.md#U49)", at)}
			}
		}
		return resolved{kind: kind, at: at}, noText(action)
	}
	if cat != nil && slices.ContainsFunc(cat.Actions, func(x device.Action) bool { return x.ID == action }) {
		return resolved{}, notAvailable(dev, caps, cat, action)
	}
	var shown []string
	for _, p := range d.Presentations {
		for _, b := range p.Buttons {
			if !b.System && !slices.Contains(shown, b.ID) {
				shown = append(shown, b.ID)
			}
		}
	}
	return resolved{}, &UnknownActionError{Device: dev.Name, ApnsID: d.ApnsID, Action: action, Shown: append(shown, device.KeyDefault, device.KeyDismiss)}
}

// systemOf is the system button id a tap word names, for error messages.
func systemOf(word string) string {
	switch word {
	case "view":
		return device.ButtonView
	case "close":
		return device.ButtonClose
	case "ok":
		return device.ButtonOK
	case device.KeyDismiss:
		return device.ButtonDismiss
	}
	return word
}

// tapContext is where a tap happens: the context the caller chose, which
// must show the notification, or where the notification is now.
func tapContext(dev *device.Device, d *Delivered, in device.Context) (device.Context, error) {
	if in == "" {
		if d.Context != "" {
			return d.Context, nil
		}
		for _, p := range d.Presentations {
			if visible(p) {
				return p.Context, nil
			}
		}
		return "", nil
	}
	var shows []device.Context
	for _, p := range d.Presentations {
		if visible(p) {
			shows = append(shows, p.Context)
		}
	}
	p := presentationIn(d, in)
	switch {
	case p == nil:
		return "", &ContextError{Device: dev.Name, Context: in, Why: fmt.Sprintf("iOS %s has no such context", dev.Version), Shows: shows}
	case !visible(*p):
		why := "the notification is not shown there"
		if len(p.Notes) > 0 {
			why += ": " + p.Notes[0]
		}
		return "", &ContextError{Device: dev.Name, Context: in, Why: why, Shows: shows}
	}
	return in, nil
}

// visible reports whether a presentation draws something the user can
// touch.
func visible(p device.Presentation) bool {
	return p.Style != device.StyleNone && p.Style != device.StyleForegroundSilent
}

func presentationIn(d *Delivered, c device.Context) *device.Presentation {
	for i := range d.Presentations {
		if d.Presentations[i].Context == c {
			return &d.Presentations[i]
		}
	}
	return nil
}

// reach finds button id in context at, or in the context a gesture opens
// from there (the expanded view on iOS 10+, apns.md#V47, U41). When
// neither shows it, the error names the contexts that do.
func reach(dev *device.Device, caps *device.Capabilities, d *Delivered, cat *device.Category, id string, at device.Context) (device.Button, device.Context, error) {
	candidates := []device.Context{at}
	if r, ok := caps.Rule(at); ok && r.Expand != "" {
		candidates = append(candidates, r.Expand)
	}
	for _, c := range candidates {
		if p := presentationIn(d, c); p != nil && visible(*p) {
			for _, b := range p.Buttons {
				if b.ID == id {
					return b, c, nil
				}
			}
		}
	}
	var shownIn []device.Context
	for _, p := range d.Presentations {
		if visible(p) && slices.ContainsFunc(p.Buttons, func(b device.Button) bool { return b.ID == id }) {
			shownIn = append(shownIn, p.Context)
		}
	}
	if len(shownIn) == 0 {
		return device.Button{}, "", notAvailable(dev, caps, cat, id)
	}
	e := &ActionNotReachableError{Device: dev.Name, Version: dev.Version, Action: id, Context: at, ShownIn: shownIn}
	if p := presentationIn(d, at); p != nil {
		for _, b := range p.Buttons {
			e.Here = append(e.Here, b.ID)
			if b.ID == device.ButtonOptions && slices.Contains(shownIn, device.ContextAlertOptions) {
				e.Hint = fmt.Sprintf("tap %s first, or choose context %s (apns.md#U42)", device.ButtonOptions, device.ContextAlertOptions)
			}
		}
	}
	return device.Button{}, "", e
}

// notAvailable explains why a registered action is shown in no context.
func notAvailable(dev *device.Device, caps *device.Capabilities, cat *device.Category, id string) error {
	most := 0
	for _, n := range caps.MaxActions {
		most = max(most, n)
	}
	why := fmt.Sprintf("no context of iOS %s shows it (at most %d actions fit, apns.md#V31, U15)", dev.Version, most)
	var act *device.Action
	if cat != nil {
		for i := range cat.Actions {
			if cat.Actions[i].ID == id {
				act = &cat.Actions[i]
			}
		}
	}
	switch {
	case strings.HasPrefix(id, device.SystemIDPrefix):
		why = fmt.Sprintf("no context of iOS %s shows the system button %s for this notification", dev.Version, id)
	case !caps.Actions:
		why = fmt.Sprintf("iOS %s has no custom actions, they arrived in iOS 8 (apns.md#V21)", dev.Version)
	case act != nil && act.TextInput && !caps.TextInput:
		why = fmt.Sprintf("text input needs iOS 9, this is iOS %s (apns.md#V33)", dev.Version)
	}
	return &ActionNotAvailableError{Device: dev.Name, Action: id, Why: why}
}

// dismiss: the user cleared the notification (swipe, Clear, Close,
// Dismiss). Called with w.mu held.
func (w *World) dismiss(batch *[]Event, ds *deviceState, a *device.App, d *Delivered) {
	d.State, d.Action = NotificationDismissed, device.KeyDismiss
	e := device.TableRow(ds.dev.Version).Callbacks
	base := Event{Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: d.ApnsID, Context: d.Context}
	ev := base
	ev.Kind = EventDismissed
	cat := a.Category(d.Notification.Payload.Aps.Category)
	switch {
	case e.Response == "":
		ev.Message = "cleared by the user; the app is not told before iOS 10 (apns.md#V27)"
	case cat == nil || !cat.CustomDismissAction:
		ev.Message = "cleared by the user; not reported: the category has no customDismissAction (apns.md#V41)"
	case !implements(a, device.ImplementsDidReceive):
		ev.Message = "cleared by the user; not reported: the app implements no UNUserNotificationCenter delegate (apns.md#U45)"
	default:
		ev.Message = "cleared by the user; reported to the app (customDismissAction, apns.md#V41, U49)"
		w.emit(batch, ev)
		if a.State == device.AppNotRunning || a.State == device.AppForceQuit {
			w.setState(batch, ds, a, device.AppBackground, "launched in the background to handle a dismissal (apns.md#V46)")
		}
		w.tell(batch, ds, a, d, response{key: device.KeyDismiss, identifier: device.UNNotificationDismissActionIdentifier, callback: e.Response, completion: true, context: d.Context})
		return
	}
	w.emit(batch, ev)
}

// timeout: a banner went away by itself. Nothing reaches the app; the
// notification stays listed in Notification Center (apns.md#U49). Called
// with w.mu held.
func (w *World) timeout(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, at device.Context) {
	if presentationIn(d, device.ContextNotificationCenter) != nil {
		d.Context = device.ContextNotificationCenter
	}
	w.emit(batch, Event{Kind: EventTimedOut, Device: ds.dev.Name, App: a.BundleID, ApnsID: d.ApnsID, Action: KeyTimeout, Context: at,
		Message: fmt.Sprintf("the %s went away by itself: nothing is delivered to the app; the notification stays in Notification Center (apns.md#U49)", at)})
}

// options: the user tapped Options on the iOS 8–9 alert; the second alert
// shows the actions (apns.md#V32, U42). Called with w.mu held.
func (w *World) options(batch *[]Event, ds *deviceState, a *device.App, d *Delivered) {
	d.Context = device.ContextAlertOptions
	var titles []string
	if p := presentationIn(d, device.ContextAlertOptions); p != nil {
		for _, b := range p.Buttons {
			titles = append(titles, b.Title)
		}
	}
	w.emit(batch, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, ApnsID: d.ApnsID, Action: device.ButtonOptions, Context: device.ContextAlertOptions,
		Message: fmt.Sprintf("Options: a second alert shows %s (apns.md#V32, U42)", strings.Join(titles, ", "))})
}

// provisional: Keep… or Turn Off… on a provisional notification changes
// the app's permission; nothing reaches the app (apns.md#U50). Called with
// w.mu held.
func (w *World) provisional(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, kind tapKind) {
	old := a.Permission
	ds.changed()
	ev := Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, ApnsID: d.ApnsID, Context: d.Context}
	if kind == tapKeep {
		a.Permission, ev.Action = device.PermissionAuthorized, device.ButtonKeep
		ev.Message = fmt.Sprintf("Keep… → Deliver Prominently: permission %s → %s; banners, sounds and badges from the next push (apns.md#U50)", old, a.Permission)
	} else {
		a.Permission, ev.Action = device.PermissionDenied, device.ButtonTurnOff
		ev.Message = fmt.Sprintf("Turn Off… → Turn Off All Notifications: permission %s → %s (apns.md#U50)", old, a.Permission)
	}
	w.emit(batch, ev)
}

// implements reports whether the app's code has delegate method m: an app
// that lists nothing has its era's methods (apns.md#U45).
func implements(a *device.App, m string) bool {
	return a.Implements == nil || slices.Contains(a.Implements, m)
}

// actionCallback is the delegate method that hears of an action on dev,
// given what the app implements; "" when none does (apns.md#V34, V46,
// U45). textLost: the method has no place for typed text.
func actionCallback(dev *device.Device, a *device.App, text string) (callback string, textLost bool, note string) {
	e := device.TableRow(dev.Version).Callbacks
	switch {
	case e.Response != "" && implements(a, device.ImplementsDidReceive):
		return e.Response, false, ""
	case e.Response != "":
		note = " (no UNUserNotificationCenter delegate: the UIKit method is called, apns.md#U45)"
	}
	if (e.ResponseInfo || e.Response != "") && implements(a, device.ImplementsResponseInfo) {
		return device.CallbackHandleActionResponse, false, note
	}
	if (e.Action != "" || e.Response != "") && implements(a, device.ImplementsHandleAction) {
		if e.ResponseInfo || e.Response != "" {
			note += " (the app lacks the withResponseInfo variant, apns.md#V34, U45)"
		}
		return device.CallbackHandleAction, text != "", note
	}
	return "", false, ""
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
	r := response{key: device.KeyDefault, context: d.Context}
	switch {
	case e.Response != "" && implements(a, device.ImplementsDidReceive):
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
func (w *World) act(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, b device.Button, text string, at device.Context) {
	d.State, d.Action = NotificationActed, b.ID
	if b.Foreground || b.AuthRequired {
		w.unlockFor(batch, ds, a, d, b.ID, fmt.Sprintf("action %q", b.ID))
	}
	switch {
	case b.Foreground:
		w.setState(batch, ds, a, device.AppForeground, fmt.Sprintf("foreground action %q", b.ID))
	case a.State == device.AppNotRunning || a.State == device.AppForceQuit:
		w.setState(batch, ds, a, device.AppBackground, fmt.Sprintf("launched in the background for action %q", b.ID))
	}
	cb, lost, note := actionCallback(ds.dev, a, text)
	if cb == "" {
		w.emit(batch, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, ApnsID: d.ApnsID, Action: b.ID, Context: at,
			Message: fmt.Sprintf("action %q is not delivered: the app implements no action callback for iOS %s (implements: [%s]) (apns.md#U45)",
				b.ID, ds.dev.Version, strings.Join(a.Implements, ", "))})
		return
	}
	r := response{key: b.ID, identifier: b.ID, text: text, callback: cb, completion: true, context: at, note: note}
	if lost {
		r.text = ""
		r.note += fmt.Sprintf(" (typed text %q lost: this method has no responseInfo)", text)
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
	ds.changed()
	ds.dev.Locked = false
	w.emit(batch, Event{Kind: EventUnlock, Device: ds.dev.Name, App: a.BundleID, ApnsID: d.ApnsID, Action: action,
		Message: fmt.Sprintf("unlock required for %s: the user unlocked the device (apns.md#V33)", what)})
	// Unlocked for a tap is unlocked all the same: the device is awake, so
	// its held priority-1 pushes arrive (apns.md#C11), as with SetLocked.
	w.releaseOnUnlock(ds)
}

// tell logs what the app receives and runs its script. Called with w.mu
// held.
func (w *World) tell(batch *[]Event, ds *deviceState, a *device.App, d *Delivered, r response) {
	s, route := a.Handler.Script(r.key, d.Notification.Payload)
	r.route = route
	ev := Event{Kind: EventAction, Device: ds.dev.Name, App: a.BundleID, Token: a.Token, ApnsID: d.ApnsID,
		Action: r.identifier, Text: r.text, Callback: r.callback, Context: r.context}
	switch {
	case r.identifier == "":
		ev.Action = r.key
		ev.Message = fmt.Sprintf("app told via %s (no action identifier in this era)", r.callback)
	case r.text != "" && r.callback == device.CallbackHandleActionResponse:
		ev.Message = fmt.Sprintf("app told %q via %s, typed text %q in responseInfo[UIUserNotificationActionResponseTypedTextKey] (apns.md#V34)", r.identifier, r.callback, r.text)
	case r.text != "":
		ev.Message = fmt.Sprintf("app told %q via %s, userText %q (apns.md#V43)", r.identifier, r.callback, r.text)
	default:
		ev.Message = fmt.Sprintf("app told %q via %s", r.identifier, r.callback)
	}
	ev.Message += r.note
	if route != "" {
		ev.Message += fmt.Sprintf(" [handled by route %s]", route)
	}
	w.emit(batch, ev)
	w.runScript(batch, ds, a, d, r, s)
}

// handling is one completion handler the app holds.
type handling struct {
	id         uint64
	deviceName string
	bundleID   string
	apnsID     string
	r          response
	script     device.Script
	started    time.Time
	complete   *trackedTimer
	watchdog   *trackedTimer
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
		ds.changed()
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
	h := &handling{id: w.nextID, deviceName: ds.dev.Name, bundleID: a.BundleID, apnsID: d.ApnsID, r: r, script: s, started: w.clock.Now()}
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
	ev := Event{Kind: EventCompletion, Device: h.deviceName, App: h.bundleID, ApnsID: h.apnsID, Action: h.r.identifier, Callback: h.r.callback}
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
	ev := Event{Kind: EventWatchdog, Device: h.deviceName, App: h.bundleID, ApnsID: h.apnsID, Action: h.r.identifier, Callback: h.r.callback}
	if ev.Action == "" {
		ev.Action = h.r.key
	}
	ds, a, err := w.lookup(h.deviceName, h.bundleID)
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
