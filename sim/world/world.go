package world

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
)

// Defaults of Config.
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

// Config configures New. Zero fields get defaults.
type Config struct {
	// Fleet is copied: later changes to it do not reach the World.
	Fleet []*device.Device
	// Clock defaults to clock.Real.
	Clock clock.Clock
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
	// Lint, when set, checks every delivered notification against the
	// device it reached; each message becomes an EventLint. It must be pure
	// and safe for concurrent use: it runs outside the World's lock, on a
	// snapshot of the device (prepare.go), and must not keep d or a. The
	// CLI wires the package's lint here.
	Lint func(d *device.Device, a *device.App, n device.Notification) []string
	// ExtensionLimit is a service extension's time (apns.md#V61);
	// defaults to DefaultExtensionLimit.
	ExtensionLimit time.Duration
	// BackgroundBudget and BackgroundWindow: background wakes per app per
	// rolling window (apns.md#C10, U52); default 3 per hour.
	BackgroundBudget int
	BackgroundWindow time.Duration
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
	ApnsID       string              `json:"apns_id"`
	Device       string              `json:"device"`
	App          string              `json:"app"`
	Notification device.Notification `json:"notification"`
	// Presentations has one entry per context of the device's version, in
	// the order of its capability row.
	Presentations []device.Presentation `json:"presentations"`
	ReceivedAt    time.Time             `json:"received_at"`
	State         NotificationState     `json:"state"`
	// Context is where the notification is now: where it arrived, the
	// alert's second step after Options, Notification Center once a
	// banner timed out. A tap happens here unless the caller names another
	// context (World.TapIn, apns.md#U41).
	Context device.Context `json:"context,omitempty"`
	Action  string         `json:"action,omitempty"` // what the user did, when acted

	// arrived is the device and app as the notification arrived, until
	// Presentations are rendered from them (render, prepare.go): only the
	// arrival context is rendered on the request path.
	arrived    *snapshot
	arrivedApp *device.App
}

// DeviceView is a snapshot of one device: a deep copy the caller owns.
type DeviceView struct {
	device.Device
	// Unread counts notifications still shown.
	Unread int `json:"unread"`
	// Badges are the app icons' badge numbers (apns.md#P07), by bundle id.
	Badges map[string]int `json:"badges,omitempty"`
	// Stacks are Notification Center's groups, newest first
	// (apns.md#V64, V65).
	Stacks []Stack `json:"stacks,omitempty"`
	// Stored counts the notifications APNs holds for the device while it
	// is offline, one per app at most (apns.md#T20).
	Stored int `json:"stored,omitempty"`
}

// World is the simulated fleet: devices, their apps and notifications,
// the delivery of pushes and the user's interactions. All methods are safe
// for concurrent use. The World's lock is never held during I/O or while
// a clock runs callbacks.
type World struct {
	clock          clock.Clock
	log            *EventLog
	client         *http.Client
	limit          time.Duration
	webhookTimeout time.Duration
	maxNotes       int
	unregNow       bool
	lint           func(d *device.Device, a *device.App, n device.Notification) []string
	extLimit       time.Duration
	bgBudget       int
	bgWindow       time.Duration

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

	// checkSnapshots (set by the package's tests) compares every prepared
	// delivery's snapshot with the device it is used on, and records a
	// mismatch in staleSnapshots: a mutation that forgot changed().
	checkSnapshots bool
	staleSnapshots []string
}

type deviceState struct {
	dev    *device.Device
	notes  []*Delivered // oldest first
	badges map[string]int
	dead   map[*device.App]bool // installs whose token now answers 410 (apns.md#D06)
	fid    fidelityState        // offline slots, held and deferred pushes (apns.md#T20, C10, C11)
	snap   *snapshot            // what prepare reads outside w.mu; nil after a change (prepare.go)
}

type tokenRef struct {
	ds  *deviceState
	app *device.App
}

// New builds a world from cfg. Devices with a name already used, and
// apps whose token another app already has, are left out with an
// EventError in the log.
func New(cfg Config) *World {
	w := &World{
		clock: cfg.Clock, log: cfg.Log, client: cfg.HTTPClient,
		limit: cfg.WatchdogLimit, webhookTimeout: cfg.WebhookTimeout,
		maxNotes: cfg.MaxNotifications, unregNow: cfg.UnregisterImmediately, lint: cfg.Lint,
		byName: map[string]*deviceState{}, byToken: map[string]tokenRef{},
		pending: map[uint64]*handling{}, timers: map[*trackedTimer]struct{}{},
	}
	if w.clock == nil {
		w.clock = clock.Real()
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
	w.extLimit, w.bgBudget, w.bgWindow = cfg.ExtensionLimit, cfg.BackgroundBudget, cfg.BackgroundWindow
	if w.extLimit <= 0 {
		w.extLimit = device.DefaultExtensionLimit
	}
	if w.bgBudget <= 0 {
		w.bgBudget = DefaultBackgroundBudget
	}
	if w.bgWindow <= 0 {
		w.bgWindow = DefaultBackgroundWindow
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
		ds := &deviceState{dev: cloneDevice(d), badges: map[string]int{}, dead: map[*device.App]bool{}}
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
func (w *World) Clock() clock.Clock { return w.clock }

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
type trackedTimer struct{ t clock.Timer }

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
func (ds *deviceState) app(bundleID string) (*device.App, error) {
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
	v := DeviceView{Device: *cloneDevice(ds.dev), Stored: len(ds.fid.stored)}
	notes := make([]Delivered, 0, len(ds.notes))
	for _, n := range ds.notes {
		if n.State == NotificationShown {
			n.render()
			v.Unread++
			notes = append(notes, *n)
		}
	}
	v.Stacks = StacksOf(ds.dev, notes)
	if len(ds.badges) > 0 {
		v.Badges = make(map[string]int, len(ds.badges))
		for k, b := range ds.badges {
			v.Badges[k] = b
		}
	}
	for _, a := range v.Apps {
		a.IconBadge = ds.badges[a.BundleID] // apns.md#U43; the copy is the caller's
	}
	return v
}

// Notifications returns what is on the device, oldest first, including
// notifications that were suppressed, dismissed or acted on (see State).
func (w *World) Notifications(deviceName string) ([]Delivered, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds, err := w.device(deviceName)
	if err != nil {
		return nil, err
	}
	out := make([]Delivered, len(ds.notes))
	for i, n := range ds.notes {
		n.render()
		out[i] = *n
		out[i].Presentations = append([]device.Presentation(nil), n.Presentations...)
	}
	return out, nil
}

// lookup returns a device and one of its apps. Called with w.mu held.
func (w *World) lookup(deviceName, bundleID string) (*deviceState, *device.App, error) {
	ds, err := w.device(deviceName)
	if err != nil {
		return nil, nil, err
	}
	a, err := ds.app(bundleID)
	if err != nil {
		return nil, nil, err
	}
	return ds, a, nil
}
