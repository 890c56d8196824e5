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
	// NoStreamThrottle turns off Apple's stream throttle
	// (fakeapns.Choices.NoStreamThrottle, apns.md#U06, U33): connections
	// then advertise the full stream limit from the start.
	NoStreamThrottle bool
	// API is the inspection API's listener; default DefaultAPI.
	API string
	// StateDir holds the credentials and pushsim.json; default
	// DefaultStateDir().
	StateDir string
	// Fleet replaces the default fleet; nil means DefaultFleet().
	Fleet []*device.Device
	// RecordFile, when set, gets every event appended as a JSON line.
	RecordFile string
	// LogSize is the event ring's capacity; 0 means the log's default.
	LogSize int
	// Records is how many requests GET notifications keeps; 0 means
	// inspect.DefaultRecords.
	Records int
	// ShutdownTimeout is the drain on Close (--drain): how long in-flight
	// requests get to finish after GOAWAY before the connections are cut;
	// default 5 s.
	ShutdownTimeout time.Duration
	// ReadTimeout bounds how long a request body may take to arrive after
	// its headers (fakeapns.Config.ReadTimeout); 0 means fakeapns'
	// default.
	ReadTimeout time.Duration
	// APIToken, when set, is required as "Authorization: Bearer TOKEN" on
	// every API request. An API listening beyond loopback needs one.
	APIToken string
	// APINames are host names (besides loopback, the listening address
	// and localhost) under which the API may be reached; any other Host
	// is refused (DNS rebinding).
	APINames []string
	// TLSNames are extra names (DNS names or IPs) for the served
	// certificate, besides loopback, localhost and Apple's hosts; the CA is
	// constrained to all of them.
	TLSNames []string
	// AppleHosts serves development on AppleHostsDevelopment and
	// production on AppleHostsProduction (port 443 of two loopback
	// addresses), replacing Listen and ListenProduction, for clients with
	// Apple's host names built in: map the names there in /etc/hosts.
	AppleHosts bool
	// Limits bound event streams, long polls, fault rules and apps per
	// device through the API; zero fields get inspect's defaults.
	Limits inspect.Limits
	// ErrorLog receives connection-level errors; nil discards them.
	ErrorLog *log.Logger
	// WebhookClient performs the apps' scripted webhooks; nil means a
	// plain http.Client.
	WebhookClient *http.Client
	// Synthetic, when set, answers for synthetic devices in front of the
	// World (--synthetic, GitHub issue 18; see load.go).
	Synthetic *synthetic.Fleet
}

// The addresses of --apple-hosts: port 443, as Apple's hosts (apns.md#T02),
// on two loopback addresses, one per environment, since both environments
// answer on the same port.
const (
	AppleHostsDevelopment = "127.0.0.2:443"
	AppleHostsProduction  = "127.0.0.3:443"
)

// ProductionDevice names the device of the default serve fleet whose app
// is installed for production: a push to it succeeds only on the
// production environment (apns.md#D03).
const ProductionDevice = "ios17-prod"

// DefaultFleet is the fleet of "pushsim serve" without --fleet: the
// default fleet plus ProductionDevice, so that a successful production
// push can be tried without writing a fleet file.
func DefaultFleet() []*device.Device {
	fleet := device.DefaultFleet()
	prod := &device.Device{Name: ProductionDevice, Model: "iPhone 15", Version: device.MustVersion("17.6")}
	prod.Apps = []*device.App{device.DefaultApp(fakeapns.Production, device.DeviceToken(ProductionDevice, device.DefaultBundleID))}
	return append(fleet, prod)
}

// Server is a running "pushsim serve".
type Server struct {
	// Info is the content of pushsim.json at start; CurrentInfo has the
	// tokens as they are now.
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
	deep     *deepObserver // runs the World's and Records' observers
	rec      *recorder
	timeout  time.Duration
	apiToken bool     // the API needs a bearer token
	tlsNames []string // the served certificate's names beyond loopback
	// appleHosts: serving on AppleHostsDevelopment/Production.
	appleHosts bool
	stop       context.CancelFunc
	unwatch    func() bool // stops watching Start's ctx
	errorLog   *log.Logger
	// infoMu guards cur, the content of pushsim.json now (the API
	// rewrites its devices on a reinstall).
	infoMu   sync.Mutex
	cur      Info
	closeMu  sync.Mutex
	closed   bool
	closeErr error
	stopped  Stopped
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
		fleet = DefaultFleet()
	}
	fleet = withSampleDevice(fleet, cfg.Synthetic)
	s := &Server{timeout: cfg.ShutdownTimeout, apiToken: cfg.APIToken != "", appleHosts: cfg.AppleHosts, errorLog: cfg.ErrorLog}
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
	if tcp, ok := apiLn.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && cfg.APIToken == "" {
		return nil, &NeedTokenError{Addr: cfg.API}
	}
	// The served certificate names Apple's hosts, the --tls-name names and
	// the bound addresses; the CA may vouch for these and nothing else.
	hosts := append(fakeapns.AppleHosts(), cfg.TLSNames...)
	hosts = append(hosts, certHosts(devLn.Addr())...)
	hosts = append(hosts, certHosts(prodLn.Addr())...)
	s.tlsNames = hosts
	caChanged, err := s.State.constrainCA(hosts)
	if err != nil {
		return nil, err
	}
	if err := s.State.writeDerived(caChanged); err != nil {
		return nil, err
	}

	s.Records = inspect.NewRecords(cfg.Records, s.World)
	// The World delivers first, so that the Records entry of an accepted
	// request finds its Presentations on the device.
	s.deep = newDeepObserver(fakeapns.ObserverFunc(func(r fakeapns.Record) {
		s.World.Observe(r)
		s.Records.Observe(r)
	}))
	cleanup = append(cleanup, s.deep.Close)
	router, observer, counters := s.loadHooks(cfg, s.World, s.deep)
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
			Hosts:           hosts,
			ShutdownTimeout: cfg.ShutdownTimeout, ReadTimeout: cfg.ReadTimeout, ErrorLog: cfg.ErrorLog,
			Choices: fakeapns.Choices{NoStreamThrottle: cfg.NoStreamThrottle},
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
	s.cur = s.Info
	s.API, err = inspect.New(inspect.Config{
		World: s.World, Log: s.Log, Records: s.Records, Info: func() any { return s.CurrentInfo() },
		OnTokensChanged: s.tokensChanged,
		Names:           cfg.APINames, Token: cfg.APIToken, Limits: cfg.Limits,
		Faults: map[fakeapns.Environment]*fakeapns.Faults{
			fakeapns.Development: s.Development.Faults(),
			fakeapns.Production:  s.Production.Faults(),
		},
		H2C: h2cEnvs(cfg.H2C),
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

// CurrentInfo is the content of pushsim.json now: the fleet's tokens as
// they are after any reinstall through the API.
func (s *Server) CurrentInfo() Info {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	return s.cur
}

// tokensChanged rewrites pushsim.json (atomically: a temporary file
// renamed over it) with the tokens the fleet has now, so that scripts
// reading tokens from it keep working after a reinstall.
func (s *Server) tokensChanged() {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	s.cur.Devices = infoDevices(s.World.Devices())
	if err := writeInfo(s.State.Path(InfoFile), s.cur); err != nil && s.errorLog != nil {
		s.errorLog.Printf("pushsim serve: rewriting %s: %v", InfoFile, err)
	}
}

// NeedTokenError refuses an API that would listen beyond loopback with
// no --api-token: anyone on the network could tap, reset and inject.
type NeedTokenError struct{ Addr string }

func (e *NeedTokenError) Error() string {
	return fmt.Sprintf("--api %s listens beyond loopback: give --api-token TOKEN (PUSHSIM_API_TOKEN) so that only clients with it can use the API", e.Addr)
}

// NameError is a --tls-name that is not a host name.
type NameError struct{ Err error }

func (e *NameError) Error() string { return "--tls-name " + e.Err.Error() }
func (e *NameError) Unwrap() error { return e.Err }

// Stopped is what Close did.
type Stopped struct {
	// Cut is the number of APNs requests (HTTP/2 streams) still running
	// when the drain ran out, whose connections were closed under them.
	Cut int
	// WebhooksCut is true when pending webhooks were abandoned.
	WebhooksCut bool
}

// Close stops everything gracefully within the drain (Config.
// ShutdownTimeout): long polls and event streams end, both fake APNs
// environments send GOAWAY and let in-flight requests finish, then cut
// what is left; pending webhooks get what remains of the drain; the record
// file is flushed. Running out of drain is not an error (see Stopped). It
// is idempotent.
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
		_ = s.apiSrv.Close() // the API's handlers end with API.Close; a client too slow to read is cut
	}
	<-s.apiDone
	// Both environments drain at once, within the same drain.
	var wg sync.WaitGroup
	envErrs := make([]error, 2)
	for i, srv := range []*fakeapns.Server{s.Development, s.Production} {
		wg.Go(func() {
			if err := srv.Close(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				envErrs[i] = err
			}
		})
	}
	wg.Wait()
	errs = append(errs, envErrs...)
	s.stopped.Cut = s.Development.Cut() + s.Production.Cut()
	s.deep.Close()
	s.stop()
	if err := s.World.WaitIdle(ctx); err != nil {
		s.stopped.WebhooksCut = true
	}
	errs = append(errs, s.World.Close())
	if s.rec != nil {
		errs = append(errs, s.rec.close())
	}
	s.closeErr = errors.Join(errs...)
	return s.closeErr
}

// Stopped reports what Close did; zero before Close.
func (s *Server) Stopped() Stopped {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	return s.stopped
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
		P12Password:        s.State.P12Password,
		TrustStoreFile:     s.State.Path(TrustStoreFile),
		TLSNames:           s.tlsNames,
	}
	for env, c := range s.State.Certs {
		info.ClientCertificates[env] = InfoCert{CertFile: c.CertFile, KeyFile: c.KeyFile, BundleFile: c.BundleFile,
			P12File: c.P12File, LegacyP12File: c.LegacyP12File, Topics: c.Topics}
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
	for _, n := range c.TLSNames {
		if err := ValidTLSName(n); err != nil {
			return c, &NameError{Err: err}
		}
	}
	if c.AppleHosts {
		c.Listen, c.ListenProduction = AppleHostsDevelopment, AppleHostsProduction
	}
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
	if errors.Is(err, os.ErrPermission) {
		return nil, &PortPermissionError{What: what, Addr: addr, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return ln, nil
}

// PortPermissionError is a listen refused for lack of permission, as for
// port 443 without privileges.
type PortPermissionError struct {
	What, Addr string
	Err        error
}

func (e *PortPermissionError) Error() string {
	return fmt.Sprintf("%s: cannot listen on %s: %v; a port below 1024 needs privileges: run as root, or grant them once with "+
		"'sudo setcap cap_net_bind_service=+ep $(command -v pushsim)', or forward the port (iptables/pf) to an unprivileged --listen", e.What, e.Addr, e.Err)
}

func (e *PortPermissionError) Unwrap() error { return e.Err }

// h2cEnvs are the environments with an h2c listener: development, when
// --h2c is given.
func h2cEnvs(addr string) []fakeapns.Environment {
	if addr == "" {
		return nil
	}
	return []fakeapns.Environment{fakeapns.Development}
}
