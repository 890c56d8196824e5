package tui

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pushsim/pushsim/scenarios"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// RecordStart implements Backend.
func (b SimBackend) RecordStart() RecordMark {
	views := b.World.Devices()
	fleet := make([]*device.Device, len(views))
	for i := range views {
		d := views[i].Device // a deep copy (World.Devices)
		fleet[i] = &d
	}
	return RecordMark{Seq: b.Log.Last(), Fleet: fleet}
}

// WriteRecording implements Backend: scenarios.Record, the one writer of
// recordings, over the events since mark. The fleet is referred to (the
// default one, or opts.FleetFile relative to the recording), not copied,
// when the session only changed device and app states.
func (b SimBackend) WriteRecording(mark RecordMark, path string, opts RecordingOptions) error {
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
	ro := scenarios.RecordOptions{
		Name:        opts.Name,
		Description: "Recorded from a live pushsim TUI session: the sends with APNs' answers and what each device showed, the taps and what the app was told.",
		Fleet:       mark.Fleet,
		Base:        device.DefaultFleet(),
		Payload:     scenarios.PayloadsFromWorld(b.World),
	}
	if opts.FleetFile != "" {
		base, err := device.LoadFleet(opts.FleetFile)
		if err != nil {
			return fmt.Errorf("recording: %w", err)
		}
		ro.Base, ro.FleetFile = base, relativePath(opts.Dir, opts.FleetFile)
	}
	data, err := scenarios.Record(events, ro).Marshal()
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write recording: %w", err)
	}
	return nil
}

// relativePath is file as seen from dir, or absolute when it has no
// relative form.
func relativePath(dir, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(absDir, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return abs
}
