package tui

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// The recorded scenario, in the file format of package scenarios (`pushsim
// run`): only the fields a recording fills are declared here.
type (
	scenarioFile struct {
		Name        string         `yaml:"name"`
		Description string         `yaml:"description"`
		FleetFile   string         `yaml:"fleet_file,omitempty"`
		Steps       []scenarioStep `yaml:"steps"`
	}
	scenarioStep struct {
		Send           *sendStep     `yaml:"send,omitempty"`
		ExpectResponse *responseStep `yaml:"expect_response,omitempty"`
		ExpectScreen   *screenStep   `yaml:"expect_screen,omitempty"`
		Tap            *tapStep      `yaml:"tap,omitempty"`
		Dismiss        *tapStep      `yaml:"dismiss,omitempty"`
		Reply          *tapStep      `yaml:"reply,omitempty"`
		Set            *setStep      `yaml:"set,omitempty"`
		ExpectEvents   *eventsExpect `yaml:"expect_events,omitempty"`
	}
	sendStep struct {
		Device     string   `yaml:"device,omitempty"`
		Devices    []string `yaml:"devices,omitempty"`
		App        string   `yaml:"app,omitempty"`
		Payload    string   `yaml:"payload"`
		Topic      string   `yaml:"topic,omitempty"`
		PushType   string   `yaml:"push_type,omitempty"`
		Priority   int      `yaml:"priority,omitempty"`
		Expiration int64    `yaml:"expiration,omitempty"`
		CollapseID string   `yaml:"collapse_id,omitempty"`
	}
	responseStep struct {
		Device string  `yaml:"device,omitempty"`
		Status int     `yaml:"status"`
		Reason *string `yaml:"reason,omitempty"`
	}
	screenStep struct {
		Device    string         `yaml:"device"`
		Context   device.Context `yaml:"context"`
		Style     string         `yaml:"style"`
		Body      string         `yaml:"body"`
		Buttons   []string       `yaml:"buttons"`
		ButtonIDs []string       `yaml:"button_ids"`
	}
	tapStep struct {
		Device string `yaml:"device"`
		Action string `yaml:"action,omitempty"`
		Text   string `yaml:"text,omitempty"`
		Error  string `yaml:"error,omitempty"`
	}
	setStep struct {
		Device     string `yaml:"device"`
		App        string `yaml:"app,omitempty"`
		Locked     *bool  `yaml:"locked,omitempty"`
		AppState   string `yaml:"app_state,omitempty"`
		Permission string `yaml:"permission,omitempty"`
	}
	eventsExpect struct {
		Within string       `yaml:"within,omitempty"`
		Events []eventMatch `yaml:"events"`
	}
	eventMatch struct {
		Kind   string `yaml:"kind"`
		Device string `yaml:"device,omitempty"`
		Action string `yaml:"action,omitempty"`
		Text   string `yaml:"text,omitempty"`
	}
)

// recorded says which events a recording turns into expectations: what
// the app was told and what its handler did (expect_response and
// expect_screen cover the rest).
func recorded(kind string) bool {
	switch world.EventKind(kind) {
	case world.EventAction, world.EventCompletion, world.EventDoubleCompletion, world.EventWatchdog,
		world.EventDeepLink, world.EventDismissed, world.EventWebhook, world.EventUnlock:
		return true
	}
	return false
}

// writeScenario writes a recording as a scenario file for `pushsim run`,
// from what the TUI itself did: the fallback for a Backend that is not a
// ScenarioWriter.
func writeScenario(path string, r *recorder) error {
	data, err := yaml.MarshalWithOptions(scenarioOf(r), yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	head := fmt.Sprintf("# Recorded by the pushsim TUI. Replay: pushsim run %s\n", filepath.Base(path))
	if err := os.WriteFile(path, append([]byte(head), data...), 0o644); err != nil {
		return fmt.Errorf("write recording: %w", err)
	}
	return nil
}

func scenarioOf(r *recorder) scenarioFile {
	all := r.fleet
	f := scenarioFile{
		Name:        "recorded " + r.started.UTC().Format("2006-01-02 15:04:05"),
		Description: "Recorded from a live pushsim TUI session on the default fleet (or fleet_file): the sends with APNs' answers and the first screen, the taps with what the app was told.",
		FleetFile:   r.fleetFile,
	}
	for _, s := range r.steps {
		f.Steps = append(f.Steps, stepsOf(s, all)...)
	}
	return f
}

func stepsOf(s RecordedStep, fleet []string) []scenarioStep {
	var out []scenarioStep
	switch s.Kind {
	case "send":
		out = append(out, sendSteps(s, fleet)...)
	case "tap":
		t := &tapStep{Device: s.Device, Action: s.Action, Text: s.Text, Error: s.Err}
		switch {
		case s.Action == ActionDismiss:
			t.Action = ""
			out = append(out, scenarioStep{Dismiss: t})
		case s.Text != "":
			out = append(out, scenarioStep{Reply: t})
		default:
			out = append(out, scenarioStep{Tap: t})
		}
	case "set":
		out = append(out, scenarioStep{Set: &setStep{Device: s.Device, App: s.App, Locked: s.Locked, AppState: s.AppState, Permission: s.Permission}})
	}
	if ex := expectEvents(s); ex != nil {
		out = append(out, scenarioStep{ExpectEvents: ex})
	}
	return out
}

// expectEvents turns the events that followed a tap into an ordered
// expectation; a handler that finished later on the wall clock gets a
// `within` long enough for the virtual clock to reach it.
func expectEvents(s RecordedStep) *eventsExpect {
	if s.Kind != "tap" {
		return nil
	}
	ex := &eventsExpect{}
	var last time.Duration
	for _, e := range s.Events {
		if !recorded(e.Kind) || e.Device != s.Device {
			continue
		}
		ex.Events = append(ex.Events, eventMatch{Kind: e.Kind, Device: e.Device, Action: e.Action, Text: e.Text})
		if !s.At.IsZero() {
			last = max(last, e.Time.Sub(s.At))
		}
	}
	if len(ex.Events) == 0 {
		return nil
	}
	if last > 500*time.Millisecond {
		ex.Within = fmt.Sprintf("%ds", int(math.Ceil(last.Seconds()))+1)
	}
	return ex
}

// sendSteps are one send to the devices the user sent to, APNs' answers
// (one status when they all agree) and each device's first screen, in the
// order the requests were made.
func sendSteps(s RecordedStep, fleet []string) []scenarioStep {
	rq := s.Requests[0]
	st := &sendStep{App: rq.BundleID, Payload: string(rq.Payload), Topic: rq.Topic,
		PushType: rq.PushType, Priority: rq.Priority, CollapseID: rq.CollapseID}
	if !rq.Expiration.IsZero() {
		st.Expiration = rq.Expiration.Unix()
	}
	names := make([]string, len(s.Requests))
	for i, r := range s.Requests {
		names[i] = r.Device
	}
	switch {
	case len(names) == 1:
		st.Device = names[0]
	case slices.Equal(names, fleet):
		st.Devices = []string{"all"}
	default:
		st.Devices = names
	}
	out := []scenarioStep{{Send: st}}
	byDevice := map[string]SendOutcome{}
	statuses := map[string]bool{}
	for _, o := range s.Outcomes {
		if o.Response {
			byDevice[o.Device] = o
			statuses[fmt.Sprint(o.Status, o.Reason)] = true
		}
	}
	for i, name := range names {
		o, ok := byDevice[name]
		if !ok {
			continue
		}
		if len(statuses) > 1 || i == 0 {
			rs := &responseStep{Status: o.Status}
			if len(statuses) > 1 {
				rs.Device = name
			}
			if o.Reason != "" {
				rs.Reason = &o.Reason
			}
			out = append(out, scenarioStep{ExpectResponse: rs})
		}
	}
	for _, name := range names {
		p := byDevice[name].Screen
		if p == nil {
			continue
		}
		sc := &screenStep{Device: name, Context: p.Context, Style: string(p.Style), Body: p.Body, Buttons: []string{}, ButtonIDs: []string{}}
		for _, b := range p.Buttons {
			sc.Buttons = append(sc.Buttons, b.Title)
			sc.ButtonIDs = append(sc.ButtonIDs, b.ID)
		}
		out = append(out, scenarioStep{ExpectScreen: sc})
	}
	return out
}
