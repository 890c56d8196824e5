// Package serve assembles "pushsim serve": two fake APNs environments
// (development and production, TLS and optionally h2c) routing into one
// simulated World, the inspection API of package inspect on a listener of
// its own, and the state directory whose credentials and pushsim.json let
// any backend send to it.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/lint"
	"github.com/pushsim/pushsim/sim/metrics"
	"github.com/pushsim/pushsim/sim/synthetic"
	"github.com/pushsim/pushsim/sim/world"
)

// Default listen addresses: APNs' alternative port (apns.md#T02) and
// Mailpit's API port, both on loopback.
const (
	DefaultListen = "127.0.0.1:2197"
	DefaultAPI    = "127.0.0.1:8025"
)

// Config configures Start. Zero fields get defaults.
type Config struct {
	// Listen is the development (sandbox) fake APNs, TLS + HTTP/2;
	// default DefaultListen. Port 0 picks a free port.
	Listen string
	// ListenProduction is the production fake APNs; default the port
	// after Listen's (0 when Listen's is 0).
	ListenProduction string
	// H2C is a cleartext HTTP/2 listener of the development environment;
	// "" means none.
	H2C string
	// API is the inspection API's listener; default DefaultAPI.
	API string
	// StateDir holds the credentials and pushsim.json; default
	// DefaultStateDir().
	StateDir string
	// Fleet replaces the default fleet; nil means device.DefaultFleet().
	Fleet []*device.Device
	// RecordFile, when set, gets every event appended as a JSON line.
	RecordFile string
	// LogSize is the event ring's capacity; 0 means the log's default.
	LogSize int
	// Records is how many requests GET notifications keeps; 0 means
	// inspect.DefaultRecords.
	Records int
	// ShutdownTimeout bounds the drain on Close; default 5 s.
	ShutdownTimeout time.Duration
	// ErrorLog receives connection-level errors; nil discards them.
	ErrorLog *log.Logger
	// WebhookClient performs the apps' scripted webhooks; nil means a
	// plain http.Client.
	WebhookClient *http.Client
	// Synthetic, when set, answers for synthetic devices in front of the
	// World (--synthetic, GitHub issue 18; see load.go).
	Synthetic *synthetic.Fleet
}

// Server is a running "pushsim serve".
type Server struct {
	Info        Info
	State       *State
	World       *world.World
	Log         *world.EventLog
	Records     *inspect.Records
	API         *inspect.API
	Development *fakeapns.Server
	Production  *fakeapns.Server
	// Metrics counts every request (GET /metrics, GET /api/v1/stats).
	Metrics *metrics.Metrics

	apiSrv   *http.Server
	apiDone  chan struct{}
	rec      *recorder
	timeout  time.Duration
	stop     context.CancelFunc
	unwatch  func() bool // stops watching Start's ctx
	closeMu  sync.Mutex
	closed   bool
	closeErr error
}

// Start writes the state directory, binds every listener, starts the fake
// APNs servers and the API, and returns once all of them accept
// connections. pushsim.json is written atomically once every listener is
// bound and before any connection is served, so that as soon as it
// appears clients can connect. Cancelling ctx stops the server as Close
// does.
func Start(ctx context.Context, cfg Config) (_ *Server, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	fleet := cfg.Fleet
	if fleet == nil {
		fleet = device.DefaultFleet()
	}
	fleet = withSampleDevice(fleet, cfg.Synthetic)
	s := &Server{timeout: cfg.ShutdownTimeout}
	s.Log = world.NewEventLog(cfg.LogSize)
	// Lint findings for the device each notification reached go to the
	// event log and next to the notification in GET notifications.
	s.World = world.New(world.Config{Fleet: fleet, Log: s.Log, HTTPClient: cfg.WebhookClient, Lint: lint.Delivery})
	var cleanup []func()
	defer func() {
		if err != nil {
			for i := len(cleanup) - 1; i >= 0; i-- {
				cleanup[i]()
			}
		}
	}()
	cleanup = append(cleanup, func() { _ = s.World.Close() })

	views := s.World.Devices()
	if s.State, err = LoadState(cfg.StateDir, fleetTopics(views)); err != nil {
		return nil, err
	}
	if cfg.RecordFile != "" {
		if s.rec, err = startRecorder(cfg.RecordFile, s.Log); err != nil {
			return nil, err
		}
		cleanup = append(cleanup, func() { _ = s.rec.close() })
	}

	devLn, err := listen("development APNs (--listen)", cfg.Listen)
	if err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { _ = devLn.Close() })
	prodLn, err := listen("production APNs (--listen-production)", cfg.ListenProduction)
	if err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { _ = prodLn.Close() })
	apiLn, err := listen("API (--api)", cfg.API)
	if err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { _ = apiLn.Close() })

	s.Records = inspect.NewRecords(cfg.Records, s.World)
	// The World delivers first, so that the Records entry of an accepted
	// request finds its Presentations on the device.
	var observer fakeapns.Observer = fakeapns.ObserverFunc(func(r fakeapns.Record) {
		s.World.Observe(r)
		s.Records.Observe(r)
	})
	router, observer, counters := s.loadHooks(cfg, s.World, observer)
	// Without h2c every address is known once the listeners are bound, so
	// pushsim.json is written before any server accepts a connection. The
	// h2c port is bound by fakeapns itself: with --h2c the file is written
	// as soon as that port is known, still before the API serves.
	s.Info = s.info(views, "https://"+devLn.Addr().String(), "https://"+prodLn.Addr().String(), "http://"+apiLn.Addr().String())
	if cfg.H2C == "" {
		if err := writeInfo(s.State.Path(InfoFile), s.Info); err != nil {
			return nil, err
		}
	}
	srvCtx, stop := context.WithCancel(context.Background())
	s.stop = stop
	cleanup = append(cleanup, stop)
	start := func(env fakeapns.Environment, ln net.Listener, h2c string) (*fakeapns.Server, error) {
		srv, err := fakeapns.Start(srvCtx, fakeapns.Config{
			Environment: env, Listener: ln, H2CAddr: h2c,
			Router: router, Observer: observer, Counters: counters, CA: s.State.CA,
			// The key in the state dir is a team key valid on both
			// environments, as keys made before 2025 are (apns.md#A10), so
			// that a device token sent to the wrong environment gets
			// BadDeviceToken (apns.md#D03) rather than a key error.
			Keys:            []fakeapns.KeyInfo{s.State.Key.Info()},
			Hosts:           certHosts(ln.Addr()),
			ShutdownTimeout: cfg.ShutdownTimeout, ErrorLog: cfg.ErrorLog,
		})
		if err != nil {
			return nil, fmt.Errorf("starting the %s fake APNs: %w", env, err)
		}
		return srv, nil
	}
	if s.Development, err = start(fakeapns.Development, devLn, cfg.H2C); err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { _ = s.Development.Close() })
	if s.Production, err = start(fakeapns.Production, prodLn, ""); err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { _ = s.Production.Close() })

	if cfg.H2C != "" {
		s.Info.H2CURL = s.Development.H2CURL()
		if err := writeInfo(s.State.Path(InfoFile), s.Info); err != nil {
			return nil, err
		}
	}
	s.API, err = inspect.New(inspect.Config{
		World: s.World, Log: s.Log, Records: s.Records, Info: s.Info,
		Faults: map[fakeapns.Environment]*fakeapns.Faults{
			fakeapns.Development: s.Development.Faults(),
			fakeapns.Production:  s.Production.Faults(),
		},
	})
	if err != nil {
		return nil, err
	}
	s.apiSrv = &http.Server{
		Handler:           s.apiHandler(),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          cfg.ErrorLog,
	}
	s.apiDone = make(chan struct{})
	go func() {
		defer close(s.apiDone)
		if err := s.apiSrv.Serve(apiLn); err != nil && !errors.Is(err, http.ErrServerClosed) && cfg.ErrorLog != nil {
			cfg.ErrorLog.Printf("pushsim serve: API: %v", err)
		}
	}()
	// The lock orders this write before Close's read: the AfterFunc runs
	// Close on its own goroutine, with no other edge to this one.
	s.closeMu.Lock()
	s.unwatch = context.AfterFunc(ctx, func() { _ = s.Close() })
	s.closeMu.Unlock()
	return s, nil
}

// Close stops everything gracefully: long polls and event streams end,
// the fake APNs servers send GOAWAY and drain in-flight requests, pending
// webhooks get a moment to finish, and the record file is flushed. It is
// idempotent.
func (s *Server) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return s.closeErr
	}
	s.closed = true
	s.unwatch()
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	var errs []error
	s.API.Close()
	if err := s.apiSrv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stopping the API: %w", err), s.apiSrv.Close())
	}
	<-s.apiDone
	errs = append(errs, s.Development.Close(), s.Production.Close())
	s.stop()
	if err := s.World.WaitIdle(ctx); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, s.World.Close())
	if s.rec != nil {
		errs = append(errs, s.rec.close())
	}
	s.closeErr = errors.Join(errs...)
	return s.closeErr
}

func (s *Server) info(views []world.DeviceView, devURL, prodURL, apiURL string) Info {
	info := Info{
		APNsURL:            devURL,
		APNsProductionURL:  prodURL,
		APIURL:             apiURL,
		TeamID:             s.State.Key.TeamID,
		KeyID:              s.State.Key.KeyID,
		KeyFile:            s.State.KeyFile,
		CAFile:             s.State.Path(CAFile),
		Devices:            infoDevices(views),
		ClientCertificates: map[fakeapns.Environment]InfoCert{},
		StateDir:           s.State.Dir,
	}
	for env, c := range s.State.Certs {
		info.ClientCertificates[env] = InfoCert{CertFile: c.CertFile, KeyFile: c.KeyFile, Topics: c.Topics}
	}
	return info
}

// fleetTopics lists the bundle ids installed in each environment, the
// default bundle id first when present, for the client certificates.
func fleetTopics(views []world.DeviceView) map[fakeapns.Environment][]string {
	out := map[fakeapns.Environment][]string{}
	seen := map[string]bool{}
	for _, d := range views {
		for _, a := range d.Apps {
			env := a.Environment
			if env == "" {
				env = fakeapns.Development
			}
			key := string(env) + "/" + a.BundleID
			if seen[key] {
				continue
			}
			seen[key] = true
			if a.BundleID == device.DefaultBundleID {
				out[env] = append([]string{a.BundleID}, out[env]...)
			} else {
				out[env] = append(out[env], a.BundleID)
			}
		}
	}
	return out
}

func (c Config) withDefaults() (Config, error) {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.ListenProduction == "" {
		next, err := nextPort(c.Listen)
		if err != nil {
			return c, err
		}
		c.ListenProduction = next
	}
	if c.API == "" {
		c.API = DefaultAPI
	}
	if c.StateDir == "" {
		dir, err := DefaultStateDir()
		if err != nil {
			return c, err
		}
		c.StateDir = dir
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 5 * time.Second
	}
	return c, nil
}

// nextPort is addr with its port plus one, or port 0 kept as 0.
func nextPort(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--listen %q: %w", addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65534 {
		return "", fmt.Errorf("--listen %q: port must be a number from 0 to 65534", addr)
	}
	if p == 0 {
		return net.JoinHostPort(host, "0"), nil
	}
	return net.JoinHostPort(host, strconv.Itoa(p+1)), nil
}

// certHosts names the address a listener bound, for the server
// certificate, when it is not one of the loopback names fakeapns always
// includes; a wildcard address adds the host's name.
func certHosts(addr net.Addr) []string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return nil
	}
	if tcp.IP.IsUnspecified() {
		if name, err := os.Hostname(); err == nil {
			return []string{name}
		}
		return nil
	}
	return []string{tcp.IP.String()}
}

func listen(what, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return ln, nil
}
