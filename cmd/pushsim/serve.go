package main

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/pushsim/pushsim/sim/serve"
)

// serveCmd is "pushsim serve": a fake APNs for any backend, with the
// inspection and control API (GitHub issue 6).
type serveCmd struct {
	Listen            string        `default:"127.0.0.1:2197" env:"PUSHSIM_LISTEN" help:"Development (sandbox) fake APNs, TLS + HTTP/2. Port 0 picks a free port."`
	ListenProduction  string        `name:"listen-production" env:"PUSHSIM_LISTEN_PRODUCTION" placeholder:"ADDR" help:"Production fake APNs (default: the port after --listen)."`
	H2C               string        `name:"h2c" env:"PUSHSIM_H2C" placeholder:"ADDR" help:"Also serve the development environment as cleartext HTTP/2 (h2c) here."`
	NoStreamThrottle  bool          `name:"no-stream-throttle" env:"PUSHSIM_NO_STREAM_THROTTLE" help:"Advertise the full HTTP/2 stream limit from the start, instead of 1 until the first accepted push and after each rejected one as APNs does (apns.md#U06, U33)."`
	API               string        `name:"api" default:"127.0.0.1:8025" env:"PUSHSIM_API" help:"Inspection and control API (JSON under /api/v1/)."`
	StateDir          string        `name:"state-dir" env:"PUSHSIM_STATE_DIR" type:"path" placeholder:"DIR" help:"Where ca.pem, the .p8 key, client certificates and pushsim.json are kept (default: <user config dir>/pushsim)."`
	Fleet             string        `name:"fleet" env:"PUSHSIM_FLEET" type:"existingfile" placeholder:"FILE" help:"YAML fleet (devices and apps) replacing the default fleet."`
	Record            string        `name:"record" env:"PUSHSIM_RECORD" type:"path" placeholder:"FILE.jsonl" help:"Append every event to this file as JSON lines."`
	TLSName           []string      `name:"tls-name" env:"PUSHSIM_TLS_NAME" placeholder:"NAME" help:"Another name for the served certificate (repeatable); Apple's hosts, loopback and localhost are always in it."`
	AppleHosts        bool          `name:"apple-hosts" env:"PUSHSIM_APPLE_HOSTS" help:"For clients with Apple's hosts built in: serve development on 127.0.0.2:443 and production on 127.0.0.3:443, and print the /etc/hosts lines and trust settings."`
	APIToken          string        `name:"api-token" env:"PUSHSIM_API_TOKEN" placeholder:"TOKEN" help:"Require Authorization: Bearer TOKEN on every API request (required when --api listens beyond loopback)."`
	APIName           []string      `name:"api-name" env:"PUSHSIM_API_NAME" placeholder:"HOST" help:"A host name the API may be reached under, besides its address and localhost (repeatable); other Host headers are refused (DNS rebinding)."`
	KeepNotifications int           `name:"keep-notifications" default:"1000" env:"PUSHSIM_KEEP_NOTIFICATIONS" placeholder:"N" help:"How many requests GET /api/v1/notifications keeps (older ones are dropped and counted in missed)."`
	LogSize           int           `name:"log-size" default:"10000" env:"PUSHSIM_LOG_SIZE" placeholder:"N" help:"How many events the event log keeps (GET /api/v1/events, the stream)."`
	Drain             time.Duration `default:"5s" env:"PUSHSIM_DRAIN" help:"On SIGINT/SIGTERM: how long in-flight requests get after GOAWAY before their connections are cut."`
	ReadTimeout       time.Duration `name:"read-timeout" default:"30s" env:"PUSHSIM_READ_TIMEOUT" help:"How long a request body may take to arrive after its headers; what arrived by then is judged."`
	Verbose           bool          `short:"v" env:"PUSHSIM_VERBOSE" help:"Log connection-level errors (TLS handshakes, HTTP/2) on stderr."`
	loadFlags         `embed:""`
}

// Run starts the server, prints the banner and serves until SIGINT or
// SIGTERM, then stops gracefully and exits 0.
func (c *serveCmd) Run(e *env) (err error) {
	cfg := serve.Config{
		Listen: c.Listen, ListenProduction: c.ListenProduction, H2C: c.H2C, API: c.API, NoStreamThrottle: c.NoStreamThrottle,
		StateDir: c.StateDir, RecordFile: c.Record,
		APIToken: c.APIToken, APINames: c.APIName, TLSNames: c.TLSName, AppleHosts: c.AppleHosts, ShutdownTimeout: c.Drain, ReadTimeout: c.ReadTimeout,
	}
	if c.KeepNotifications <= 0 || c.LogSize <= 0 {
		return usageErr("--keep-notifications and --log-size must be positive (got %d and %d)", c.KeepNotifications, c.LogSize)
	}
	cfg.Records, cfg.LogSize = c.KeepNotifications, c.LogSize
	if c.Drain <= 0 {
		return usageErr("--drain %s: must be positive, e.g. 5s", c.Drain)
	}
	if c.ReadTimeout <= 0 {
		return usageErr("--read-timeout %s: must be positive, e.g. 30s", c.ReadTimeout)
	}
	if c.Fleet != "" {
		fleet, err := e.loadFleet(c.Fleet)
		if err != nil {
			return usageErr("--fleet: %v", err)
		}
		cfg.Fleet = fleet
	}
	synth, err := c.fleet(c.StateDir)
	if err != nil {
		return err
	}
	cfg.Synthetic = synth
	if c.Verbose {
		cfg.ErrorLog = log.New(e.stderr, "pushsim serve: ", log.LstdFlags)
	}
	stopProfile, err := c.startProfile()
	if err != nil {
		return err
	}
	defer func() {
		if perr := stopProfile(); perr != nil && err == nil {
			err = perr
		}
	}()
	srv, err := serve.Start(e.ctx, cfg)
	var (
		needToken *serve.NeedTokenError
		badName   *serve.NameError
		noPerm    *serve.PortPermissionError
	)
	if errors.As(err, &needToken) || errors.As(err, &badName) || errors.As(err, &noPerm) {
		return usageErr("serve: %v", err)
	}
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv.Banner(e.stderr)
	if synth != nil {
		fmt.Fprintf(e.stderr, "Synthetic devices: %d per environment (seed %s); tokens: pushsim tokens --state-dir %s --count N. Metrics: %s/metrics\n",
			synth.Devices(), synth.Seed().Path, srv.State.Dir, srv.Info.APIURL)
	}
	<-e.ctx.Done()
	fmt.Fprintf(e.stderr, "pushsim serve: stopping (GOAWAY, draining up to %s)\n", c.Drain)
	if err := srv.Close(); err != nil {
		return fmt.Errorf("serve: stopping: %w", err)
	}
	st := srv.Stopped()
	switch st.Cut {
	case 0:
		fmt.Fprintln(e.stderr, "pushsim serve: stopped; every request finished")
	case 1:
		fmt.Fprintf(e.stderr, "pushsim serve: stopped; 1 stream was still running after the %s drain and was cut\n", c.Drain)
	default:
		fmt.Fprintf(e.stderr, "pushsim serve: stopped; %d streams were still running after the %s drain and were cut\n", st.Cut, c.Drain)
	}
	if st.WebhooksCut {
		fmt.Fprintln(e.stderr, "pushsim serve: pending webhooks were abandoned at the end of the drain")
	}
	return nil
}
