package main

import (
	"fmt"
	"log"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/serve"
)

// serveCmd is "pushsim serve": a fake APNs for any backend, with the
// inspection and control API (GitHub issue 6).
type serveCmd struct {
	Listen           string `default:"127.0.0.1:2197" env:"PUSHSIM_LISTEN" help:"Development (sandbox) fake APNs, TLS + HTTP/2. Port 0 picks a free port."`
	ListenProduction string `name:"listen-production" env:"PUSHSIM_LISTEN_PRODUCTION" placeholder:"ADDR" help:"Production fake APNs (default: the port after --listen)."`
	H2C              string `name:"h2c" env:"PUSHSIM_H2C" placeholder:"ADDR" help:"Also serve the development environment as cleartext HTTP/2 (h2c) here."`
	API              string `name:"api" default:"127.0.0.1:8025" env:"PUSHSIM_API" help:"Inspection and control API (JSON under /api/v1/)."`
	StateDir         string `name:"state-dir" env:"PUSHSIM_STATE_DIR" type:"path" placeholder:"DIR" help:"Where ca.pem, the .p8 key, client certificates and pushsim.json are kept (default: <user config dir>/pushsim)."`
	Fleet            string `name:"fleet" env:"PUSHSIM_FLEET" type:"existingfile" placeholder:"FILE" help:"YAML fleet (devices and apps) replacing the default fleet."`
	Record           string `name:"record" env:"PUSHSIM_RECORD" type:"path" placeholder:"FILE.jsonl" help:"Append every event to this file as JSON lines."`
	Verbose          bool   `short:"v" env:"PUSHSIM_VERBOSE" help:"Log connection-level errors (TLS handshakes, HTTP/2) on stderr."`
	loadFlags        `embed:""`
}

// Run starts the server, prints the banner and serves until SIGINT or
// SIGTERM, then stops gracefully and exits 0.
func (c *serveCmd) Run(e *env) error {
	cfg := serve.Config{
		Listen: c.Listen, ListenProduction: c.ListenProduction, H2C: c.H2C, API: c.API,
		StateDir: c.StateDir, RecordFile: c.Record,
	}
	if c.Fleet != "" {
		fleet, err := device.LoadFleet(c.Fleet)
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
	srv, err := serve.Start(e.ctx, cfg)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv.Banner(e.stderr)
	if synth != nil {
		fmt.Fprintf(e.stderr, "Synthetic devices: %d per environment (seed %s); tokens: pushsim tokens --state-dir %s --count N. Metrics: %s/metrics\n",
			synth.Devices(), synth.Seed().Path, srv.State.Dir, srv.Info.APIURL)
	}
	<-e.ctx.Done()
	fmt.Fprintln(e.stderr, "pushsim serve: stopping (GOAWAY, draining)")
	if err := srv.Close(); err != nil {
		return fmt.Errorf("serve: stopping: %w", err)
	}
	return nil
}
