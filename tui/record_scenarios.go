package tui

import (
	"fmt"
	"os"

	"github.com/pushsim/pushsim/scenarios"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

var _ ScenarioWriter = SimBackend{}

// RecordStart implements ScenarioWriter.
func (b SimBackend) RecordStart() RecordMark {
	views := b.World.Devices()
	fleet := make([]*device.Device, len(views))
	for i := range views {
		d := views[i].Device // a deep copy (World.Devices)
		fleet[i] = &d
	}
	return RecordMark{Seq: b.Log.Last(), Fleet: fleet}
}

// WriteRecording implements ScenarioWriter.
func (b SimBackend) WriteRecording(mark RecordMark, path, name string) error {
	var events []world.Event
	for after := mark.Seq; ; {
		evs, missed := b.Log.Since(after, 4096)
		if missed > 0 {
			return fmt.Errorf("recording: %d events were dropped from the log's ring before they were saved; start pushsim with a larger --log-size", missed)
		}
		if len(evs) == 0 {
			break
		}
		events = append(events, evs...)
		after = evs[len(evs)-1].Seq
	}
	s := scenarios.Record(events, scenarios.RecordOptions{
		Name:        name,
		Description: "Recorded from a live pushsim TUI session: the sends with APNs' answers and what each device showed, the taps and what the app was told.",
		Fleet:       mark.Fleet,
		Payload:     scenarios.PayloadsFromWorld(b.World),
	})
	data, err := s.Marshal()
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write recording: %w", err)
	}
	return nil
}
