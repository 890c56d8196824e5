// Package inspect is the inspection and control API of "pushsim serve":
// JSON over HTTP under /api/v1/, on a listener of its own, never mixed
// with the emulated APNs routes (STYLE.md section 5). It shows what
// arrived (accepted and rejected requests with the Presentations of each
// iOS version), the fleet and the event log, and lets a client tap
// buttons, change device state, inject faults and reset.
package inspect

import (
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/world"
)

// Prefix is the path under which every route of the API lives.
const Prefix = "/api/v1/"

// DefaultMaxWait caps the wait of a long poll (GET events?wait=).
const DefaultMaxWait = 2 * time.Minute

// maxBody bounds request bodies: the API's bodies are small JSON objects.
const maxBody = 1 << 20

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3 document of the API, as served at
// /api/v1/openapi.json.
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

// Config configures an API.
type Config struct {
	// World is the simulated fleet; required.
	World *world.World
	// Log is the event log; nil means World.Log().
	Log *world.EventLog
	// Records holds what the fake APNs servers saw; nil means an empty
	// store (GET notifications then lists nothing).
	Records *Records
	// Faults are the fault rules of each fake APNs environment; an
	// environment without an entry cannot get faults.
	Faults map[fakeapns.Environment]*fakeapns.Faults
	// H2C lists the environments that also listen for cleartext HTTP/2,
	// where a tls_handshake frame fault cannot fire (its rules say so).
	H2C []fakeapns.Environment
	// Info is served at GET /api/v1/info, e.g. the content of pushsim.json;
	// a func() any is called on each request, for content that changes.
	Info any
	// OnTokensChanged, when set, is called after a PATCH of a device has
	// installed or reinstalled an app (a new device token), so that the
	// files that list tokens can be rewritten before the answer goes out.
	OnTokensChanged func()
	// MaxWait caps long polls; zero means DefaultMaxWait.
	MaxWait time.Duration
	// Heartbeat is the interval of SSE keep-alive comments; zero means 15 s.
	Heartbeat time.Duration
	// Names are host names, besides loopback addresses, the listening
	// address and "localhost", under which clients may reach the API
	// (the Host header); any other is refused, against DNS rebinding.
	Names []string
	// Token, when set, is required as "Authorization: Bearer TOKEN" on
	// every request.
	Token string
	// Limits bound what clients can make the API hold; zero fields get
	// the Default* values.
	Limits Limits
}

// Limits bound the resources clients can make the API hold. Going over
// one is a 429 (concurrent streams and polls) or a 409 (stored rules and
// apps) with an error naming the limit.
type Limits struct {
	// Subscribers is the number of concurrent event streams (SSE).
	Subscribers int
	// Waiters is the number of concurrent long polls (GET events?wait=).
	Waiters int
	// Faults is the number of fault rules installed at once.
	Faults int
	// AppsPerDevice is how many apps a device may have; installing a new
	// bundle id through PATCH devices beyond it is refused.
	AppsPerDevice int
}

// Default limits (documented in the README and the OpenAPI document).
const (
	DefaultSubscribers   = 64
	DefaultWaiters       = 256
	DefaultFaults        = 256
	DefaultAppsPerDevice = 64
)

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Subscribers, DefaultSubscribers)
	def(&l.Waiters, DefaultWaiters)
	def(&l.Faults, DefaultFaults)
	def(&l.AppsPerDevice, DefaultAppsPerDevice)
	return l
}

// API serves the inspection and control routes. Create it with New; it is
// safe for concurrent use.
type API struct {
	world     *world.World
	log       *world.EventLog
	records   *Records
	faults    *faultSet
	info      any
	onTokens  func()
	maxWait   time.Duration
	heartbeat time.Duration
	mux       *http.ServeMux
	names     []string
	token     string
	limits    Limits

	// subscribers and waiters count the event streams and long polls in
	// progress, against limits.
	subscribers, waiters atomic.Int64

	// done ends long polls and event streams when the API closes, since
	// http.Server.Shutdown waits for handlers rather than cancelling them.
	done      chan struct{}
	closeOnce sync.Once

	mu    sync.Mutex
	floor uint64 // events up to this Seq were cleared by POST reset
}

// New builds an API from cfg.
func New(cfg Config) (*API, error) {
	if cfg.World == nil {
		return nil, errors.New("inspect: no world")
	}
	a := &API{
		world:     cfg.World,
		log:       cfg.Log,
		records:   cfg.Records,
		faults:    newFaultSet(cfg.Faults, cfg.H2C, cfg.Limits.withDefaults().Faults),
		info:      cfg.Info,
		onTokens:  cfg.OnTokensChanged,
		maxWait:   cfg.MaxWait,
		heartbeat: cfg.Heartbeat,
		names:     cfg.Names,
		token:     cfg.Token,
		limits:    cfg.Limits.withDefaults(),
		done:      make(chan struct{}),
	}
	if a.log == nil {
		a.log = cfg.World.Log()
	}
	if a.records == nil {
		a.records = NewRecords(0, cfg.World)
	}
	if a.maxWait <= 0 {
		a.maxWait = DefaultMaxWait
	}
	if a.heartbeat <= 0 {
		a.heartbeat = 15 * time.Second
	}
	a.mux = a.routes()
	return a, nil
}

// Close ends every long poll and event stream in progress and makes new
// ones return at once. It is idempotent.
func (a *API) Close() {
	a.closeOnce.Do(func() { close(a.done) })
}

// ServeHTTP implements http.Handler. A panic in a handler becomes a 500
// JSON answer instead of a dropped connection.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeError(w, http.StatusInternalServerError, fmt.Sprintf("internal error: %v", v))
		}
	}()
	if !a.guard(w, r) {
		return
	}
	// ServeMux would redirect an unclean path (a "..", a doubled or
	// trailing slash) with an HTML body; no route of the API has one.
	if p := r.URL.Path; p == "" || path.Clean(p) != p {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s %q; see %sopenapi.json", r.Method, p, Prefix))
		return
	}
	a.mux.ServeHTTP(w, r)
}

// route is one method+path of the API.
type route struct {
	method, path string
	h            http.HandlerFunc
}

func (a *API) routes() *http.ServeMux {
	table := []route{
		{"GET", "openapi.json", a.getOpenAPI},
		{"GET", "info", a.getInfo},
		{"GET", "devices", a.getDevices},
		{"GET", "devices/{name}", a.getDevice},
		{"PATCH", "devices/{name}", a.patchDevice},
		{"GET", "notifications", a.getNotifications},
		{"POST", "devices/{name}/notifications/{apns_id}/actions", a.postAction},
		{"GET", "events", a.getEvents},
		{"GET", "events/stream", a.streamEvents},
		{"GET", "faults", a.getFaults},
		{"POST", "faults", a.postFault},
		{"DELETE", "faults/{id}", a.deleteFault},
		{"POST", "reset", a.postReset},
		{"POST", "verify", a.postVerify}, {"GET", "notifications/unique/{id}", a.getDelivery},
	}
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	var order []string
	for _, rt := range table {
		mux.HandleFunc(rt.method+" "+Prefix+rt.path, rt.h)
		if _, seen := allowed[rt.path]; !seen {
			order = append(order, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	// A method-less pattern loses to the method patterns above, so it only
	// catches the wrong methods: 405 with a JSON body, not ServeMux's text.
	for _, p := range order {
		methods := allowed[p]
		mux.HandleFunc(Prefix+p, func(w http.ResponseWriter, r *http.Request) {
			for _, m := range methods {
				w.Header().Add("Allow", m)
			}
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed on %s (allowed: %v)", r.Method, r.URL.Path, methods))
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s %s; see %sopenapi.json", r.Method, r.URL.Path, Prefix))
	})
	return mux
}

func (a *API) getOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

func (a *API) getInfo(w http.ResponseWriter, _ *http.Request) {
	info := a.info
	if f, ok := info.(func() any); ok {
		info = f()
	}
	if info == nil {
		info = map[string]any{}
	}
	writeJSON(w, http.StatusOK, info)
}

// postReset clears notifications (on the devices and in the request
// records), events and faults; the fleet and the credentials stay. Event
// sequence numbers keep growing, so a client polling with since= is not
// confused: the cleared events are simply no longer served.
func (a *API) postReset(w http.ResponseWriter, _ *http.Request) {
	a.world.Reset()
	a.records.Clear()
	a.faults.clear()
	a.mu.Lock()
	a.floor = a.log.Last()
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"reset": true, "last_event": a.floorSeq()})
}

func (a *API) floorSeq() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.floor
}
