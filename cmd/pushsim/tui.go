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
	"github.com/pushsim/pushsim/sim"
	"github.com/pushsim/pushsim/tui"
)

// tuiCmd is the terminal UI, the default command: the whole flow in one
// process on the wall clock (sim.StartHarness), drawn by package tui.
type tuiCmd struct {
	Fleet     string `help:"Fleet file (YAML); default: the built-in fleet." type:"path" env:"PUSHSIM_FLEET"`
	App       string `help:"Bundle id the composer sends to." default:"${default_bundle}" env:"PUSHSIM_APP"`
	LogSize   int    `name:"log-size" help:"Events kept in the event log." default:"10000" env:"PUSHSIM_LOG_SIZE"`
	RecordDir string `name:"record-dir" help:"Where ctrl+r writes recorded scenarios." default:"." type:"path" env:"PUSHSIM_RECORD_DIR"`

	realFlags `embed:""`
}

// Run starts the harness and the program, and stops both.
func (c *tuiCmd) Run(e *env) error {
	in, out, err := terminals(e)
	if err != nil {
		return err
	}
	var fleet []*sim.Device
	if c.Fleet != "" {
		if fleet, err = sim.LoadFleet(c.Fleet); err != nil {
			return usageErr("%w", err)
		}
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	h, err := sim.StartHarness(ctx, sim.HarnessConfig{Fleet: fleet, Clock: sim.RealClock(), LogSize: c.LogSize})
	if err != nil {
		return fmt.Errorf("start the simulator: %w", err)
	}
	defer h.Close()
	opts := tui.Options{Backend: tui.HarnessBackend(h), Bundle: c.App, LogSize: c.LogSize, RecordDir: c.RecordDir,
		FleetFile: c.Fleet, Dark: true}
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
// (sim.RealTarget, shared with pushsim send), or says what is missing. The
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
	p, err := sim.NewProvider(cfg)
	if err != nil {
		return nil, err.Error()
	}
	return &tui.RealSender{Production: t.Environment == fakeapns.Production, Token: t.Token, Send: func(ctx context.Context, r tui.Request) (sim.Response, error) {
		return p.Send(ctx, sim.Request{Token: r.Token, Topic: r.Topic, PushType: r.PushType, Priority: r.Priority,
			Expiration: r.Expiration, CollapseID: r.CollapseID, Payload: r.Payload})
	}}, ""
}
