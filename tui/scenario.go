package tui

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/pushsim/pushsim/sim"
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
		Device     string `yaml:"device"`
		App        string `yaml:"app,omitempty"`
		Payload    string `yaml:"payload"`
		Topic      string `yaml:"topic,omitempty"`
		PushType   string `yaml:"push_type,omitempty"`
		Priority   int    `yaml:"priority,omitempty"`
		Expiration int64  `yaml:"expiration,omitempty"`
		CollapseID string `yaml:"collapse_id,omitempty"`
	}
	responseStep struct {
		Device string  `yaml:"device,omitempty"`
		Status int     `yaml:"status"`
		Reason *string `yaml:"reason,omitempty"`
	}
	screenStep struct {
		Device    string      `yaml:"device"`
		Context   sim.Context `yaml:"context"`
		Style     string      `yaml:"style"`
		Body      string      `yaml:"body"`
		Buttons   []string    `yaml:"buttons"`
		ButtonIDs []string    `yaml:"button_ids"`
	}
	tapStep struct {
		Device string `yaml:"device"`
		Action string `yaml:"action,omitempty"`
		Text   string `yaml:"text,omitempty"`
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
	switch sim.EventKind(kind) {
	case sim.EventAction, sim.EventCompletion, sim.EventDoubleCompletion, sim.EventWatchdog,
		sim.EventDeepLink, sim.EventDismissed, sim.EventWebhook, sim.EventUnlock:
		return true
	}
	return false
}

// WriteScenario writes a recording as a scenario file for `pushsim run`.
func WriteScenario(path string, r *recorder) error {
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
	f := scenarioFile{
		Name:        "recorded " + r.started.UTC().Format("2006-01-02 15:04:05"),
		Description: "Recorded from a live pushsim TUI session on the default fleet (or fleet_file): the sends with APNs' answers and the first screen, the taps with what the app was told.",
		FleetFile:   r.fleetFile,
	}
	for _, s := range r.steps {
		f.Steps = append(f.Steps, stepsOf(s)...)
	}
	return f
}

func stepsOf(s RecordedStep) []scenarioStep {
	var out []scenarioStep
	switch s.Kind {
	case "send":
		rq := s.Request
		st := &sendStep{Device: rq.Device, App: rq.BundleID, Payload: string(rq.Payload), Topic: rq.Topic,
			PushType: rq.PushType, Priority: rq.Priority, CollapseID: rq.CollapseID}
		if !rq.Expiration.IsZero() {
			st.Expiration = rq.Expiration.Unix()
		}
		out = append(out, scenarioStep{Send: st})
		if s.Response {
			rs := &responseStep{Status: s.Status}
			if s.Reason != "" {
				rs.Reason = &s.Reason
			}
			out = append(out, scenarioStep{ExpectResponse: rs})
		}
		if p := s.Screen; p != nil {
			sc := &screenStep{Device: rq.Device, Context: p.Context, Style: string(p.Style), Body: p.Body, Buttons: []string{}, ButtonIDs: []string{}}
			for _, b := range p.Buttons {
				sc.Buttons = append(sc.Buttons, b.Title)
				sc.ButtonIDs = append(sc.ButtonIDs, b.ID)
			}
			out = append(out, scenarioStep{ExpectScreen: sc})
		}
	case "tap":
		t := &tapStep{Device: s.Device, Action: s.Action, Text: s.Text}
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
