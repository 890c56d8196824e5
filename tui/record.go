package tui

import (
	"time"

	"github.com/pushsim/pushsim/sim/device"
)

// recorder collects what the user does while recording (sends and their
// answers, taps, state changes) and the events that follow each, to be
// written as a scenario that `pushsim run` replays.
type recorder struct {
	started time.Time
	// fleetFile is the --fleet file the session runs on; "" for the
	// default fleet.
	fleetFile string
	// fleet is the device names, in order, to write "devices: all".
	fleet []string
	steps []RecordedStep
	// mark is where the backend's own recording began, when the Backend
	// is a ScenarioWriter.
	mark *RecordMark
}

// RecordedStep is one thing the user did, with what was observed after it.
type RecordedStep struct {
	// Kind is "send", "tap" or "set".
	Kind string
	// At is when the user did it, on the wall clock.
	At time.Time
	// Send: one request per target device, and the outcomes as they come.
	Requests []Request
	Outcomes []SendOutcome
	// Tap: the action id ("default", "dismiss" or the app's) and text.
	Device, Action, Text string
	// Set: the app changed, when not the device.
	App string
	// Err is why a tap was refused; the replay expects the same refusal.
	Err string
	// Set: what changed, e.g. Locked, AppState, Permission.
	Locked     *bool
	AppState   string
	Permission string
	// Events are the log events that followed this step, before the next.
	Events []Event
}

func newRecorder(now time.Time, fleetFile string, fleet []string) *recorder {
	return &recorder{started: now, fleetFile: fleetFile, fleet: fleet}
}

func (r *recorder) add(s RecordedStep) { r.steps = append(r.steps, s) }

// unsaved reports whether there is anything to save: a step of the
// user's, or (for a ScenarioWriter) any event since the start.
func (r *recorder) unsaved(lastSeq uint64) bool {
	return len(r.steps) > 0 || r.mark != nil && lastSeq > r.mark.Seq
}

// events attaches newly read events to the last step.
func (r *recorder) events(evs []Event) {
	if len(r.steps) == 0 {
		return
	}
	last := &r.steps[len(r.steps)-1]
	last.Events = append(last.Events, evs...)
}

// SendOutcome is APNs' answer to one device's request in a recorded send,
// and what the device showed.
type SendOutcome struct {
	Device string
	// Response is false when no answer came (Err says why).
	Response bool
	Status   int
	Reason   string
	Err      string
	// Screen is what the device showed after an accepted send.
	Screen *device.Presentation
}

// ScenarioWriter is a Backend that writes a stretch of its own event log
// as a scenario file with scenarios.Record, so that what a backend sent
// while recording is in it too. For other Backends the TUI writes the file
// from what it did itself (writeScenario).
type ScenarioWriter interface {
	// RecordStart marks where a recording begins: the log's position and
	// the fleet as it is then.
	RecordStart() RecordMark
	// WriteRecording writes the events after mark as a scenario at path.
	WriteRecording(mark RecordMark, path, name string) error
}

// RecordMark is where a recording began.
type RecordMark struct {
	Seq   uint64
	Fleet []*device.Device
}
