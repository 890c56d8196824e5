package sim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// AppForceQuit is the state of an app the user swiped away: it is not
// running and gets no background launches until opened again
// (apns.md#C05, V52).
const AppForceQuit AppState = "force-quit"

// Defaults of WorldConfig.
const (
	// DefaultWatchdogLimit is how long an app may take to call a
	// completion handler (apns.md#C02, C05: about 30 s).
	DefaultWatchdogLimit = 30 * time.Second
	// DefaultWebhookTimeout bounds one scripted webhook POST.
	DefaultWebhookTimeout = 10 * time.Second
	// DefaultMaxNotifications is how many notifications a device keeps;
	// older ones fall off, as in Notification Center.
	DefaultMaxNotifications = 100
)

// WorldConfig configures NewWorld. Zero fields get defaults.
type WorldConfig struct {
	// Fleet is copied: later changes to it do not reach the World.
	Fleet []*Device
	// Clock defaults to RealClock.
	Clock Clock
	// Log defaults to a new log of DefaultEventLogCapacity.
	Log *EventLog
	// HTTPClient performs scripted webhooks.
	HTTPClient *http.Client
	// WatchdogLimit defaults to DefaultWatchdogLimit (apns.md#C02, C03, C05).
	WatchdogLimit time.Duration
	// WebhookTimeout defaults to DefaultWebhookTimeout.
	WebhookTimeout time.Duration
	// MaxNotifications per device; defaults to DefaultMaxNotifications.
	MaxNotifications int
	// UnregisterImmediately makes an uninstalled app's token answer 410 at
	// once. By default the first push after the uninstall is still
	// accepted (and dropped by the device) and later ones get 410
	// (apns.md#D06, U21).
	UnregisterImmediately bool
}

// NotificationState is where a delivered notification stands.
type NotificationState string

// Notification states.
const (
	NotificationShown      NotificationState = "shown"      // on screen, can be tapped
	NotificationSuppressed NotificationState = "suppressed" // delivered, not shown
	NotificationSilent     NotificationState = "silent"     // background push: no UI
	NotificationDismissed  NotificationState = "dismissed"
	NotificationActed      NotificationState = "acted" // tapped or answered
)

// Delivered is one notification on a device. Its Presentations are shared
// and must not be modified.
type Delivered struct {
	ApnsID       string       `json:"apns_id"`
	Device       string       `json:"device"`
	App          string       `json:"app"`
	Notification Notification `json:"notification"`
	// Presentations has one entry per context of the device's version, in
	// the order of its capability row.
	Presentations []Presentation    `json:"presentations"`
	ReceivedAt    time.Time         `json:"received_at"`
	State         NotificationState `json:"state"`
	Action        string            `json:"action,omitempty"` // what the user did, when acted
}

// DeviceView is a snapshot of one device: a deep copy the caller owns.
type DeviceView struct {
	Device
	// Unread counts notifications still shown.
	Unread int `json:"unread"`
	// Badges are the app icons' badge numbers (apns.md#P07), by bundle id.
	Badges map[string]int `json:"badges,omitempty"`
}

// World is the simulated fleet: devices, their apps and notifications,
// the delivery of pushes and the user's interactions. All methods are safe
// for concurrent use. The World's lock is never held during I/O or while
// a clock runs callbacks.
type World struct {
	clock          Clock
	log            *EventLog
	client         *http.Client
	limit          time.Duration
	webhookTimeout time.Duration
	maxNotes       int
	unregNow       bool

	ctx    context.Context // cancelled by Close; parents webhooks
	cancel context.CancelFunc
	wg     sync.WaitGroup // timers and webhooks in flight

	mu       sync.Mutex
	devices  []*deviceState
	byName   map[string]*deviceState
	byToken  map[string]tokenRef
	pending  map[uint64]*handling
	timers   map[*trackedTimer]struct{}
	nextID   uint64
	closed   bool
	inflight int           // webhooks running
	idle     chan struct{} // closed when inflight drops to 0
}

type deviceState struct {
	dev    *Device
	notes  []*Delivered // oldest first
	badges map[string]int
	dead   map[string]bool // bundle id → token answered 410 (apns.md#D06)
}

type tokenRef struct {
	ds  *deviceState
	app *App
}

// NewWorld builds a world from cfg. Devices with a name already used, and
// apps whose token another app already has, are left out with an
// EventError in the log.
func NewWorld(cfg WorldConfig) *World {
	w := &World{
		clock: cfg.Clock, log: cfg.Log, client: cfg.HTTPClient,
		limit: cfg.WatchdogLimit, webhookTimeout: cfg.WebhookTimeout,
		maxNotes: cfg.MaxNotifications, unregNow: cfg.UnregisterImmediately,
		byName: map[string]*deviceState{}, byToken: map[string]tokenRef{},
		pending: map[uint64]*handling{}, timers: map[*trackedTimer]struct{}{},
	}
	if w.clock == nil {
		w.clock = RealClock()
	}
	if w.log == nil {
		w.log = NewEventLogClock(0, w.clock)
	}
	if w.client == nil {
		w.client = &http.Client{}
	}
	if w.limit <= 0 {
		w.limit = DefaultWatchdogLimit
	}
	if w.webhookTimeout <= 0 {
		w.webhookTimeout = DefaultWebhookTimeout
	}
	if w.maxNotes <= 0 {
		w.maxNotes = DefaultMaxNotifications
	}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range cfg.Fleet {
		if d == nil {
			continue
		}
		if _, dup := w.byName[d.Name]; dup {
			w.emit(nil, Event{Kind: EventError, Device: d.Name, Message: fmt.Sprintf("device name %q used twice: the second is left out", d.Name)})
			continue
		}
		ds := &deviceState{dev: cloneDevice(d), badges: map[string]int{}, dead: map[string]bool{}}
		apps := ds.dev.Apps[:0]
		for _, a := range ds.dev.Apps {
			a.Token = strings.ToLower(a.Token) // apns.md#U17
			if prev, dup := w.byToken[a.Token]; dup && a.Token != "" {
				w.emit(nil, Event{Kind: EventError, Device: d.Name, App: a.BundleID, Token: a.Token,
					Message: fmt.Sprintf("token of %s on %s already belongs to %s on %s: app left out", a.BundleID, d.Name, prev.app.BundleID, prev.ds.dev.Name)})
				continue
			}
			if a.Uninstalled && a.UninstalledAt.IsZero() {
				a.UninstalledAt = w.clock.Now()
			}
			apps = append(apps, a)
			if a.Token != "" {
				w.byToken[a.Token] = tokenRef{ds: ds, app: a}
			}
		}
		ds.dev.Apps = apps
		w.devices = append(w.devices, ds)
		w.byName[d.Name] = ds
	}
	return w
}

// Log returns the world's event log.
func (w *World) Log() *EventLog { return w.log }

// Clock returns the world's clock.
func (w *World) Clock() Clock { return w.clock }

// Close stops pending completion and watchdog timers, cancels in-flight
// webhooks (each then logs its error) and waits for them. Call WaitIdle
// first to let webhooks finish.
func (w *World) Close() error {
	w.mu.Lock()
	w.closed = true
	for t := range w.timers {
		w.stopTimer(t)
	}
	w.mu.Unlock()
	w.cancel()
	w.wg.Wait()
	return nil
}

// WaitIdle returns once no webhook is in flight, or with ctx's error.
func (w *World) WaitIdle(ctx context.Context) error {
	w.mu.Lock()
	if w.inflight == 0 {
		w.mu.Unlock()
		return nil
	}
	if w.idle == nil {
		w.idle = make(chan struct{})
	}
	ch := w.idle
	w.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for webhooks: %w", ctx.Err())
	}
}

// emit stamps e and appends it to the log and, when batch is not nil, to
// batch. Called with w.mu held, so that one step's events stay together;
// the log's own lock is short and never calls back.
func (w *World) emit(batch *[]Event, e Event) {
	if e.Time.IsZero() {
		e.Time = w.clock.Now()
	}
	e = w.log.Append(e)
	if batch != nil {
		*batch = append(*batch, e)
	}
}

// trackedTimer is a clock timer the World can stop on Close or Reset.
type trackedTimer struct{ t Timer }

// after schedules f on the clock; f runs without w.mu held. Called with
// w.mu held.
func (w *World) after(d time.Duration, f func()) *trackedTimer {
	tt := &trackedTimer{}
	if w.closed {
		return tt
	}
	w.wg.Add(1)
	w.timers[tt] = struct{}{}
	tt.t = w.clock.AfterFunc(d, func() {
		defer w.wg.Done()
		w.mu.Lock()
		_, live := w.timers[tt]
		delete(w.timers, tt)
		w.mu.Unlock()
		if live {
			f()
		}
	})
	return tt
}

// stopTimer cancels tt if it has not fired. Called with w.mu held.
func (w *World) stopTimer(tt *trackedTimer) {
	if tt == nil || tt.t == nil {
		return
	}
	if _, live := w.timers[tt]; !live {
		return
	}
	delete(w.timers, tt)
	if tt.t.Stop() {
		w.wg.Done()
	}
}

// device returns the named device. Called with w.mu held.
func (w *World) device(name string) (*deviceState, error) {
	if ds, ok := w.byName[name]; ok {
		return ds, nil
	}
	known := make([]string, len(w.devices))
	for i, ds := range w.devices {
		known[i] = ds.dev.Name
	}
	return nil, &UnknownDeviceError{Name: name, Known: known}
}

// app returns the device's app with bundleID. Called with w.mu held.
func (ds *deviceState) app(bundleID string) (*App, error) {
	if a := ds.dev.App(bundleID); a != nil {
		return a, nil
	}
	known := make([]string, len(ds.dev.Apps))
	for i, a := range ds.dev.Apps {
		known[i] = a.BundleID
	}
	return nil, &UnknownAppError{Device: ds.dev.Name, BundleID: bundleID, Known: known}
}

// Devices returns a snapshot of every device, in fleet order.
func (w *World) Devices() []DeviceView {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]DeviceView, len(w.devices))
	for i, ds := range w.devices {
		out[i] = ds.view()
	}
	return out
}

// Device returns a snapshot of one device.
func (w *World) Device(name string) (DeviceView, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(name)
	if err != nil {
		return DeviceView{}, err
	}
	return ds.view(), nil
}

func (ds *deviceState) view() DeviceView {
	v := DeviceView{Device: *cloneDevice(ds.dev)}
	for _, n := range ds.notes {
		if n.State == NotificationShown {
			v.Unread++
		}
	}
	if len(ds.badges) > 0 {
		v.Badges = make(map[string]int, len(ds.badges))
		for k, b := range ds.badges {
			v.Badges[k] = b
		}
	}
	return v
}

// Notifications returns what is on the device, oldest first, including
// notifications that were suppressed, dismissed or acted on (see State).
func (w *World) Notifications(device string) ([]Delivered, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(device)
	if err != nil {
		return nil, err
	}
	out := make([]Delivered, len(ds.notes))
	for i, n := range ds.notes {
		out[i] = *n
		out[i].Presentations = append([]Presentation(nil), n.Presentations...)
	}
	return out, nil
}

// SetLocked locks or unlocks a device.
func (w *World) SetLocked(device string, locked bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(device)
	if err != nil {
		return err
	}
	ds.dev.Locked = locked
	msg := "device unlocked"
	if locked {
		msg = "device locked"
	}
	w.emit(nil, Event{Kind: EventNote, Device: device, Message: msg})
	return nil
}

var appStates = []string{string(AppNotRunning), string(AppBackground), string(AppForeground), string(AppForceQuit)}

// SetAppState changes an app's run state.
func (w *World) SetAppState(device, bundleID string, s AppState) error {
	if !oneOf(string(s), appStates) {
		return &InvalidValueError{Field: "app state", Value: string(s), Allowed: appStates}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(device, bundleID)
	if err != nil {
		return err
	}
	w.setState(nil, ds, a, s, "set")
	return nil
}

// setState changes a's state and logs the change. Called with w.mu held.
func (w *World) setState(batch *[]Event, ds *deviceState, a *App, s AppState, why string) {
	if a.State == s {
		return
	}
	old := a.State
	a.State = s
	if s != AppForeground {
		a.ChatOpen = false // the chat screen is not visible any more
	}
	w.emit(batch, Event{Kind: EventAppState, Device: ds.dev.Name, App: a.BundleID,
		Message: fmt.Sprintf("%s: %s → %s (%s)", a.BundleID, old, s, why)})
}

var permissions = []string{string(PermissionNotDetermined), string(PermissionDenied), string(PermissionAuthorized), string(PermissionProvisional)}

// SetPermission changes an app's notification authorization.
func (w *World) SetPermission(device, bundleID string, p Permission) error {
	if !oneOf(string(p), permissions) {
		return &InvalidValueError{Field: "permission", Value: string(p), Allowed: permissions}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(device, bundleID)
	if err != nil {
		return err
	}
	a.Permission = p
	w.emit(nil, Event{Kind: EventNote, Device: ds.dev.Name, App: a.BundleID, Message: fmt.Sprintf("%s: permission %s", a.BundleID, p)})
	return nil
}

// SetChatOpen marks the app's chat screen visible or not (seed 002: no
// notification is shown while the chat is visible). Opening the chat
// brings the app to the foreground.
func (w *World) SetChatOpen(device, bundleID string, open bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(device, bundleID)
	if err != nil {
		return err
	}
	if open {
		w.setState(nil, ds, a, AppForeground, "chat opened")
	}
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
func (w *World) Uninstall(device, bundleID string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, a, err := w.lookup(device, bundleID)
	if err != nil {
		return err
	}
	if a.Uninstalled {
		return nil
	}
	a.Uninstalled, a.UninstalledAt = true, w.clock.Now()
	a.State, a.ChatOpen = AppNotRunning, false
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
	}
	w.emit(nil, Event{Kind: EventNote, Message: "world reset: notifications cleared"})
}

// lookup returns a device and one of its apps. Called with w.mu held.
func (w *World) lookup(device, bundleID string) (*deviceState, *App, error) {
	ds, err := w.device(device)
	if err != nil {
		return nil, nil, err
	}
	a, err := ds.app(bundleID)
	if err != nil {
		return nil, nil, err
	}
	return ds, a, nil
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// cloneDevice deep-copies d so that the World and its callers never share
// mutable state.
func cloneDevice(d *Device) *Device {
	c := *d
	c.Apps = make([]*App, len(d.Apps))
	for i, a := range d.Apps {
		c.Apps[i] = cloneApp(a)
	}
	return &c
}

func cloneApp(a *App) *App {
	c := *a
	c.Categories = nil
	for _, cat := range a.Categories {
		cat.Actions = append([]Action(nil), cat.Actions...)
		cat.MinimalActions = append([]Action(nil), cat.MinimalActions...)
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

func cloneScripts(m map[string]Script) map[string]Script {
	if m == nil {
		return nil
	}
	c := make(map[string]Script, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
