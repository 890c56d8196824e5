package scenarios

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/verify"
	"github.com/pushsim/pushsim/sim/world"
)

// Options tunes a run.
type Options struct {
	// Parallel is how many scenarios run at once; 0 means GOMAXPROCS.
	// Each runs in its own harness (server, fleet, clock), so they do not
	// see each other.
	Parallel int
	// Verbose fills Result.Log with one line per step.
	Verbose bool
	// LogSize is each scenario's event-log ring; 0 means 10000 events.
	LogSize int
	// Watch, when set, is called once per scenario with its event log
	// before the first step, so a UI can follow a replay live (subscribe
	// to the log; do not block).
	Watch func(s *Scenario, log *world.EventLog)
}

// Result is the outcome of one scenario.
type Result struct {
	Name   string `json:"name"`
	File   string `json:"file,omitempty"`
	Passed bool   `json:"passed"`
	// Steps is how many steps ran (all of them when Passed).
	Steps   int      `json:"steps"`
	Failure *Failure `json:"failure,omitempty"`
	// Wall is the real time the scenario took; Virtual the simulated time
	// it covered on its virtual clock.
	Wall    time.Duration `json:"wall_ns"`
	Virtual time.Duration `json:"virtual_ns"`
	// Log has one line per step with Options.Verbose.
	Log []string `json:"log,omitempty"`
	// Events is the scenario's event log, kept for failed scenarios only.
	Events []world.Event `json:"events,omitempty"`
}

// Failure says where and how a scenario failed.
type Failure struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Step is the 1-based step number, 0 for a failure outside the steps
	// (the harness did not start).
	Step    int    `json:"step"`
	Kind    string `json:"kind,omitempty"`
	Message string `json:"message"`
	// Diff is a go-cmp diff of expected (-) against actual (+).
	Diff string `json:"diff,omitempty"`
}

// Where is "file:line:col" (or what of it is known).
func (f *Failure) Where() string {
	switch {
	case f.File == "":
		return fmt.Sprintf("step %d", f.Step)
	case f.Line == 0:
		return f.File
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}

// String is the failure as a report prints it: where, what, and the diff.
func (f *Failure) String() string {
	var b strings.Builder
	b.WriteString(f.Where())
	b.WriteString(": ")
	if f.Step > 0 {
		fmt.Fprintf(&b, "step %d (%s): ", f.Step, f.Kind)
	}
	b.WriteString(f.Message)
	if f.Diff != "" {
		b.WriteString(" (-want +got):\n")
		b.WriteString(strings.TrimRight(f.Diff, "\n"))
	}
	return b.String()
}

// mismatch is an expectation that did not hold.
type mismatch struct {
	msg  string
	diff string
}

// Error is the one-line message; the diff travels beside it.
func (m *mismatch) Error() string { return m.msg }

func failf(diff, format string, a ...any) error {
	return &mismatch{msg: fmt.Sprintf(format, a...), diff: diff}
}

// Run runs scenarios, at most opts.Parallel at once, and returns their
// results in the order given.
func Run(ctx context.Context, list []*Scenario, opts Options) []Result {
	n := opts.Parallel
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	results := make([]Result, len(list))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, s := range list {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = RunOne(ctx, s, opts)
		}()
	}
	wg.Wait()
	return results
}

// RunOne runs one scenario in a harness of its own and returns its result.
// It never panics on a scenario's content.
func RunOne(ctx context.Context, s *Scenario, opts Options) (res Result) {
	start := time.Now()
	res = Result{Name: s.Name, File: s.File}
	r, err := newRun(ctx, s, opts)
	if err != nil {
		res.Failure = &Failure{File: s.File, Message: err.Error()}
		res.Wall = time.Since(start)
		return res
	}
	if opts.Watch != nil {
		opts.Watch(s, r.log)
	}
	defer func() {
		res.Virtual = r.clock.Now().Sub(r.start)
		if !res.Passed {
			res.Events, _ = r.log.Since(0, maxReportEvents)
		}
		if err := r.close(); err != nil && res.Passed {
			res.Passed = false
			res.Failure = &Failure{File: s.File, Message: fmt.Sprintf("shutting down: %v", err)}
		}
		res.Wall = time.Since(start)
	}()
	for i := range s.Steps {
		st := &s.Steps[i]
		res.Steps = i + 1
		err := r.safeStep(i, st)
		if opts.Verbose {
			res.Log = append(res.Log, r.describe(i, st, err))
		}
		if err != nil {
			f := &Failure{File: s.File, Line: st.Line, Column: st.Column, Step: i + 1, Kind: st.Kind(), Message: err.Error()}
			var mm *mismatch
			if errors.As(err, &mm) {
				f.Diff = mm.diff
			}
			res.Failure = f
			return res
		}
	}
	if r.unanswered != nil {
		last := s.Steps[len(s.Steps)-1]
		res.Failure = &Failure{File: s.File, Line: last.Line, Column: last.Column, Step: len(s.Steps), Kind: last.Kind(), Message: r.unanswered.Error()}
		return res
	}
	res.Passed = true
	return res
}

// maxReportEvents bounds the events kept with a failed result.
const maxReportEvents = 500

// run is the state of one scenario being played.
type run struct {
	s     *Scenario
	ctx   context.Context
	start time.Time
	clock *clock.Virtual
	log   *world.EventLog
	h     *harness.Harness
	world *world.World
	// devices is this run's fleet as configured (tokens, bundle ids).
	devices []*device.Device
	hook    *receiver
	// other is the fake server of the other environment, started when a
	// send step asks for it.
	other   *fakeapns.Server
	senders map[string]sender
	// last holds the answers to the latest send step.
	last []sendResult
	// unanswered is the error of a send that got no answer, until an
	// expect_response with error checks it.
	unanswered error
	// mark is the last event seen by an expect_events step.
	mark   uint64
	tmpdir string
	// journal holds every request the fake servers saw, for
	// expect_requests.
	journal *verify.Journal
}

func newRun(ctx context.Context, s *Scenario, opts Options) (*run, error) {
	start := s.Start
	if start.IsZero() {
		start = DefaultStart()
	}
	devices, err := s.freshFleet()
	if err != nil {
		return nil, err
	}
	clock := clock.NewVirtual(start)
	log := world.NewEventLogClock(opts.LogSize, clock)
	r := &run{s: s, ctx: ctx, start: start, clock: clock, log: log, devices: devices, senders: map[string]sender{},
		journal: verify.NewJournal(0)}
	if usesWebhook(s, devices) {
		status := 200
		if s.Webhook != nil && s.Webhook.Status != 0 {
			status = s.Webhook.Status
		}
		if r.hook, err = startReceiver(log, status); err != nil {
			return nil, err
		}
		substituteFleet(devices, r.hook.url)
	}
	h, err := harness.Start(ctx, harness.Config{
		Fleet: devices, Clock: clock, Log: log, Environment: s.Environment, Observer: r.journal,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("starting the harness: %w", err), r.close())
	}
	r.h, r.world = h, h.World
	return r, nil
}

// close stops everything the run started.
func (r *run) close() error {
	var errs []error
	for _, snd := range r.senders {
		errs = append(errs, snd.Close())
	}
	if r.world != nil {
		// Let webhooks finish so their results are logged, within reason.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = r.world.WaitIdle(ctx)
		cancel()
	}
	if r.other != nil {
		errs = append(errs, r.other.Close())
	}
	if r.h != nil {
		errs = append(errs, r.h.Close())
	}
	if r.hook != nil {
		errs = append(errs, r.hook.Close())
	}
	if r.tmpdir != "" {
		errs = append(errs, os.RemoveAll(r.tmpdir))
	}
	return errors.Join(errs...)
}

// freshFleet returns a new copy of the scenario's fleet for one run: runs
// never share mutable devices.
func (s *Scenario) freshFleet() ([]*device.Device, error) {
	if s.devices == nil {
		return device.DefaultFleet(), nil
	}
	out := make([]*device.Device, len(s.devices))
	for i, d := range s.devices {
		c, err := cloneDevice(d)
		if err != nil {
			return nil, fmt.Errorf("copying the fleet: %w", err)
		}
		out[i] = c
	}
	return out, nil
}

// safeStep runs a step; a panic (a bug, never the file's fault) fails
// this scenario instead of the whole run.
func (r *run) safeStep(i int, st *Step) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error (please report): %v", p)
		}
	}()
	return r.step(i, st)
}

// step runs step i.
func (r *run) step(i int, st *Step) error {
	if err := r.ctx.Err(); err != nil {
		return fmt.Errorf("cancelled: %w", err)
	}
	if r.unanswered != nil && (st.ExpectResponse == nil || st.ExpectResponse.Error == "") {
		return r.unanswered
	}
	r.unanswered = nil
	switch {
	case st.Send != nil:
		return r.send(st.Send)
	case st.ExpectResponse != nil:
		return r.expectResponse(st.ExpectResponse)
	case st.ExpectScreen != nil:
		return r.expectScreen(st.ExpectScreen)
	case st.Tap != nil:
		return r.tap(st.Tap, st.Tap.Action, st.Tap.Text)
	case st.Dismiss != nil:
		return r.tap(st.Dismiss, device.KeyDismiss, "")
	case st.Reply != nil:
		return r.tap(st.Reply, st.Reply.Action, st.Reply.Text)
	case st.Set != nil:
		return r.set(st.Set)
	case st.Advance != nil:
		return r.advance(st.Advance.D())
	case st.ExpectEvents != nil:
		return r.expectEvents(i, st.ExpectEvents)
	case st.Fault != nil:
		return r.fault(st.Fault)
	case st.Exec != nil:
		return r.exec(st.Exec)
	case st.ExpectLint != nil:
		return r.expectLint(st.ExpectLint)
	case st.ExpectStacks != nil:
		return r.expectStacks(st.ExpectStacks)
	case st.ExpectRequests != nil:
		return r.expectRequests(st.ExpectRequests)
	}
	return errors.New("empty step")
}

// describe is the verbose log line of a step.
func (r *run) describe(i int, st *Step, err error) string {
	status := "ok"
	if err != nil {
		status = "FAIL"
	}
	at := r.clock.Now().Sub(r.start)
	return fmt.Sprintf("step %d %s (line %d) at +%s: %s", i+1, st.Kind(), st.Line, at, status)
}

// advance moves the virtual clock, running due completions and watchdogs,
// and waits for the webhooks they started.
func (r *run) advance(d time.Duration) error {
	r.clock.Advance(d)
	return r.idle()
}

// idle waits until no webhook is in flight.
func (r *run) idle() error {
	ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer cancel()
	if err := r.world.WaitIdle(ctx); err != nil {
		return fmt.Errorf("webhooks did not finish: %w", err)
	}
	return nil
}

// targets resolves a Target to device names, in fleet order for "all".
func (r *run) targets(t Target) []string {
	names := t.names()
	if len(names) == 1 && names[0] == AllDevices {
		names = names[:0:0]
		for _, d := range r.devices {
			if t.App == "" || d.App(t.App) != nil {
				names = append(names, d.Name)
			}
		}
	}
	return names
}

// device and app of this run's fleet, as configured.
func (r *run) device(name string) *device.Device {
	for _, d := range r.devices {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func (r *run) app(device, bundleID string) (*device.App, error) {
	d := r.device(device)
	if d == nil {
		return nil, fmt.Errorf("unknown device %q", device)
	}
	if bundleID == "" {
		if len(d.Apps) == 0 {
			return nil, fmt.Errorf("device %s has no apps", device)
		}
		return d.Apps[0], nil
	}
	a := d.App(bundleID)
	if a == nil {
		return nil, fmt.Errorf("device %s has no app %q", device, bundleID)
	}
	return a, nil
}

// tap plays tap, dismiss and reply steps on each target device.
func (r *run) tap(t *TapStep, action, text string) error {
	for _, dev := range r.targets(t.Target) {
		_, err := r.world.TapIn(r.ctx, dev, t.ApnsID, action, text, t.Context)
		switch {
		case t.Error != "" && err == nil:
			return failf("", "%s: %s was accepted, want it refused with %q", dev, action, t.Error)
		case t.Error != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(t.Error)):
			return failf("", "%s: %s refused with %q, want a message containing %q", dev, action, err, t.Error)
		case t.Error == "" && err != nil:
			return fmt.Errorf("%s: %w", dev, err)
		}
		// One device's webhooks finish before the next device is tapped,
		// so the log's order is the same on every run.
		if err := r.idle(); err != nil {
			return err
		}
	}
	return nil
}

// set changes device and app state on each target device.
func (r *run) set(e *SetStep) error {
	for _, dev := range r.targets(e.Target) {
		a, err := r.app(dev, e.App)
		if err != nil {
			return err
		}
		var errs []error
		if e.Locked != nil {
			errs = append(errs, r.world.SetLocked(dev, *e.Locked))
		}
		if e.AppState != nil {
			errs = append(errs, r.world.SetAppState(dev, a.BundleID, *e.AppState))
		}
		if e.Permission != nil {
			errs = append(errs, r.world.SetPermission(dev, a.BundleID, *e.Permission))
		}
		if e.ChatOpen != nil {
			errs = append(errs, r.world.SetChatOpen(dev, a.BundleID, *e.ChatOpen))
		}
		if e.Uninstalled {
			errs = append(errs, r.world.Uninstall(dev, a.BundleID))
		}
		if e.Offline != nil {
			errs = append(errs, r.world.SetOffline(dev, *e.Offline))
		}
		if e.Focus != nil {
			errs = append(errs, r.world.SetFocus(dev, *e.Focus, nil))
		}
		if e.ShowPreviews != nil {
			errs = append(errs, r.world.SetShowPreviews(dev, *e.ShowPreviews))
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("%s: %w", dev, err)
		}
	}
	return nil
}

// fault installs a fault rule on the scenario's fake APNs.
func (r *run) fault(f *FaultStep) error {
	rule := fakeapns.FaultRule{
		Token: f.Token, Topic: f.Topic, PushType: f.PushType,
		Connection: f.Connection, Frame: f.Frame.fault(),
		Reason: fakeapns.Reason(f.Reason), Status: f.Status,
		Count: f.Count, Probability: f.Probability, Latency: f.Latency.D(),
	}
	if f.Device != "" {
		a, err := r.app(f.Device, f.App)
		if err != nil {
			return err
		}
		rule.Token = a.Token
	}
	if _, err := r.h.Server.Faults().Add(rule); err != nil {
		return fmt.Errorf("fault: %w", err)
	}
	return nil
}
