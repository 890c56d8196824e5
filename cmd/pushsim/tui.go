package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/tui"
)

// tuiCmd is the terminal UI, the default command: the whole flow in one
// process on the wall clock (harness.Start), drawn by package tui.
type tuiCmd struct {
	Fleet     string `help:"Fleet file (YAML); default: the built-in fleet." type:"path" env:"PUSHSIM_FLEET"`
	App       string `help:"Bundle id the composer sends to." default:"${default_bundle}" env:"PUSHSIM_APP"`
	LogSize   int    `name:"log-size" help:"Events kept in the event log." default:"10000" env:"PUSHSIM_LOG_SIZE"`
	RecordDir string `name:"record-dir" help:"Where ctrl+r writes recorded scenarios." default:"." type:"path" env:"PUSHSIM_RECORD_DIR"`

	Serve    bool   `help:"Also serve the world as pushsim serve does (fake APNs, API, state dir), so a backend can send while you watch." env:"PUSHSIM_SERVE" group:"serve"`
	Listen   string `default:"127.0.0.1:2197" env:"PUSHSIM_LISTEN" help:"With --serve: the development fake APNs (port 0 picks one)." group:"serve"`
	API      string `name:"api" default:"127.0.0.1:8025" env:"PUSHSIM_API" help:"With --serve: the inspection API." group:"serve"`
	StateDir string `name:"state-dir" env:"PUSHSIM_STATE_DIR" type:"path" placeholder:"DIR" help:"With --serve: where credentials and pushsim.json are kept (default: <user config dir>/pushsim)." group:"serve"`

	realFlags `embed:""`
}

// Run starts the harness and the program, and stops both.
func (c *tuiCmd) Run(e *env) (err error) {
	in, out, err := terminals(e)
	if err != nil {
		return err
	}
	var fleet []*device.Device
	if c.Fleet != "" {
		if fleet, err = e.loadFleet(c.Fleet); err != nil {
			return usageErr("%w", err)
		}
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	opts := tui.Options{Bundle: c.App, LogSize: c.LogSize, RecordDir: c.RecordDir, FleetFile: c.Fleet, Dark: true}
	if c.Serve {
		b, status, stop, serr := c.startServe(ctx, fleet)
		if serr != nil {
			return serr
		}
		defer closing(&err, stop) // err: Run's result, not a shadow
		opts.Backend, opts.Status = b, status
	} else {
		h, herr := harness.Start(ctx, harness.Config{Fleet: fleet, Clock: clock.Real(), LogSize: c.LogSize})
		if herr != nil {
			return fmt.Errorf("start the simulator: %w", herr)
		}
		defer closing(&err, h.Close) // err: Run's result, not a shadow
		opts.Backend = tui.HarnessBackend(h)
	}
	opts.Real, opts.RealMissing = c.realSender(io.Discard)
	m := tui.New(ctx, opts)
	defer m.Close()
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	if _, err := p.Run(); err != nil {
		if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) {
			return context.Canceled
		}
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// terminals checks that there is a terminal to draw on: the TUI is the one
// command that needs one (charm-v2.md gotcha 8).
func terminals(e *env) (*os.File, *os.File, error) {
	in, okIn := e.stdin.(*os.File)
	out, okOut := e.stdout.(*os.File)
	if !okIn || !okOut || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return nil, nil, usageErr("the terminal UI needs a terminal; without one use pushsim send, run or matrix (see pushsim --help)")
	}
	return in, out, nil
}

// realSender builds the real-send mode from pushsim send's --real flags
// (provider.RealTarget, shared with pushsim send), or says what is missing. The
// TUI never pretends to send to Apple.
func (c *tuiCmd) realSender(stderr io.Writer) (*tui.RealSender, string) {
	f := c.realFlags
	if f.Key == "" && f.Cert == "" && f.Profile == "" {
		return nil, "no credentials: start pushsim with --sandbox or --production, --token and --key/--key-id/--team-id or --cert (as pushsim send --real)"
	}
	topic := c.App
	t, err := f.target(&topic, stderr)
	if err != nil {
		return nil, err.Error()
	}
	cfg, _, err := t.ProviderConfig(time.Now())
	if err != nil {
		return nil, err.Error()
	}
	p, err := provider.New(cfg)
	if err != nil {
		return nil, err.Error()
	}
	return &tui.RealSender{Production: t.Environment == fakeapns.Production, Token: t.Token, Send: func(ctx context.Context, r tui.Request) (provider.Response, error) {
		return p.Send(ctx, r.Request)
	}}, ""
}

// startServe runs pushsim serve's server under the TUI: the TUI watches
// its world and log, so what a backend sends shows up as it arrives, and
// the composer sends to its development fake APNs with its own key.
func (c *tuiCmd) startServe(ctx context.Context, fleet []*device.Device) (tui.Backend, string, func() error, error) {
	srv, err := serve.Start(ctx, serve.Config{Listen: c.Listen, API: c.API, StateDir: c.StateDir, Fleet: fleet, LogSize: c.LogSize})
	if err != nil {
		return nil, "", nil, fmt.Errorf("serve: %w", err)
	}
	key := srv.State.Key
	p, err := provider.New(provider.Config{Endpoint: srv.Development.URL(), RootCAs: srv.Development.CertPool(),
		Key: key.Private, KeyID: key.KeyID, TeamID: key.TeamID})
	if err != nil {
		return nil, "", nil, errors.Join(fmt.Errorf("serve: provider: %w", err), srv.Close())
	}
	stop := func() error { return errors.Join(p.Close(), srv.Close()) }
	status := fmt.Sprintf("serving APNs %s · API %s · state %s", srv.Info.APNsURL, srv.Info.APIURL, srv.State.Path("pushsim.json"))
	return tui.SimBackend{World: srv.World, Log: srv.Log, Provider: p, Records: srv.Records,
		Servers: []tui.FaultServer{{Environment: fakeapns.Development, Faults: srv.Development.Faults()}, {Environment: fakeapns.Production, Faults: srv.Production.Faults()}}}, status, stop, nil
}
