package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/synthetic"
)

// loadFlags are serve's load-test flags (GitHub issue 18), embedded in
// serveCmd.
type loadFlags struct {
	Synthetic    int     `name:"synthetic" env:"PUSHSIM_SYNTHETIC" placeholder:"N" help:"Also answer for N synthetic devices per environment (0 to 10000000), whose tokens 'pushsim tokens' prints; replicas from one --state-dir accept the same tokens."`
	Sample       float64 `name:"sample" default:"0.001" env:"PUSHSIM_SAMPLE" placeholder:"SHARE" help:"Share of synthetic devices (0 to 1) whose notifications are rendered and logged on the device synthetic-sample."`
	Unregistered float64 `name:"unregistered" env:"PUSHSIM_UNREGISTERED" placeholder:"SHARE" help:"Share of synthetic devices (0 to 1) whose app is uninstalled: 410 Unregistered with a timestamp."`
	CPUProfile   string  `name:"cpu-profile" env:"PUSHSIM_CPU_PROFILE" type:"path" placeholder:"FILE" help:"Write a CPU profile of the whole run to FILE when serve stops (read it with: go tool pprof FILE)."`
}

// startProfile starts the CPU profile of --cpu-profile; the returned
// function stops it and closes the file.
func (l loadFlags) startProfile() (stop func() error, err error) {
	if l.CPUProfile == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(l.CPUProfile)
	if err != nil {
		return nil, usageErr("--cpu-profile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile() // writes the profile's end before the file is closed
		if err := f.Close(); err != nil {
			return fmt.Errorf("--cpu-profile %s: %w", l.CPUProfile, err)
		}
		return nil
	}, nil
}

// fleet validates the flags and loads the seed of stateDir (created when
// absent); nil without --synthetic.
func (l loadFlags) fleet(stateDir string) (*synthetic.Fleet, error) {
	cfg := synthetic.Config{Devices: l.Synthetic, Sample: l.Sample, Unregistered: l.Unregistered}
	if err := cfg.Validate(); err != nil {
		return nil, usageErr("%v", err)
	}
	if l.Synthetic == 0 {
		return nil, nil
	}
	seed, err := loadSeed(stateDir)
	if err != nil {
		return nil, err
	}
	cfg.Seed = seed
	loadGC()
	return synthetic.New(cfg)
}

// loadGC makes the collector run less often under load-test traffic,
// unless the user set GOGC: a request allocates a few kilobytes and the
// live heap is small, so at the default GOGC=100 a collection starts every
// few hundred requests. 400 trades some tens of megabytes of heap for a
// quarter of the collections.
func loadGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
}

func loadSeed(stateDir string) (*synthetic.Seed, error) {
	if stateDir == "" {
		dir, err := serve.DefaultStateDir()
		if err != nil {
			return nil, err
		}
		stateDir = dir
	}
	seed, err := synthetic.LoadSeed(stateDir)
	if err != nil {
		return nil, fmt.Errorf("--state-dir %s: %w", stateDir, err)
	}
	return seed, nil
}

// tokensCmd is "pushsim tokens": synthetic device tokens for the backend
// under test, one per line.
type tokensCmd struct {
	StateDir    string               `name:"state-dir" env:"PUSHSIM_STATE_DIR" type:"path" placeholder:"DIR" help:"The state dir of 'pushsim serve' (default: <user config dir>/pushsim); its seed is created when absent."`
	Count       int                  `name:"count" required:"" placeholder:"N" help:"How many tokens (1 to 10000000)."`
	From        int                  `name:"from" placeholder:"K" help:"Index of the first device (the default 0); serve --synthetic N accepts indexes 0 to N-1."`
	Environment fakeapns.Environment `name:"environment" default:"development" enum:"development,production" help:"The environment the tokens belong to (development, production)."`
}

// Run prints the tokens.
func (c *tokensCmd) Run(e *env) error {
	if c.Count < 1 || c.Count > synthetic.MaxDevices {
		return usageErr("--count %d: want 1 to %d", c.Count, synthetic.MaxDevices)
	}
	if c.From < 0 || c.From > synthetic.MaxDevices-c.Count {
		return usageErr("--from %d: want 0 to %d with --count %d (at most %d synthetic devices)", c.From, synthetic.MaxDevices-c.Count, c.Count, synthetic.MaxDevices)
	}
	seed, err := loadSeed(c.StateDir)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	line := make([]byte, 0, synthetic.TokenHexLen+1)
	for i := c.From; i < c.From+c.Count; i++ {
		line = append(seed.AppendToken(line[:0], c.Environment, uint32(i)), '\n')
		if _, err := w.Write(line); err != nil {
			return fmt.Errorf("tokens: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	return nil
}
