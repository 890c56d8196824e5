package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// recorder is a recording in progress: where in the event log it began,
// and what happened since, counted from the log, so that sends by a
// backend (with --serve) count as the TUI's own do. The file is written
// by the Backend with scenarios.Record, the one writer of recordings.
type recorder struct {
	started time.Time
	mark    RecordMark
	// sends, taps and changes are the user steps seen in the log since
	// the mark.
	sends, taps, changes int
}

// RecordMark is where a recording began: the log's position and the fleet
// as it was then.
type RecordMark struct {
	Seq   uint64
	Fleet []*device.Device
}

// RecordingOptions say how a recording is written.
type RecordingOptions struct {
	// Name is the scenario's name.
	Name string
	// FleetFile is the --fleet file the session runs on ("" for the
	// default fleet); the recording refers to it rather than copying it.
	FleetFile string
	// Dir is where the recording is written, to make FleetFile relative.
	Dir string
}

// count adds the user steps among newly read events.
func (r *recorder) count(evs []Event) {
	for _, e := range evs {
		if e.Seq <= r.mark.Seq {
			continue
		}
		switch world.EventKind(e.Kind) {
		case world.EventRequest, world.EventRejected:
			r.sends++
		case world.EventAction:
			if e.Action != device.UNNotificationDismissActionIdentifier {
				r.taps++
			}
		case world.EventDismissed:
			r.taps++
		case world.EventAppState:
			if strings.HasSuffix(e.Message, "(set)") {
				r.changes++
			}
		case world.EventNote:
			// The notes World logs for the user's changes, as
			// scenarios.Record reads them.
			if e.ApnsID == "" && (e.Message == "device locked" || e.Message == "device unlocked" || e.App != "" && strings.HasPrefix(e.Message, e.App+": permission ")) {
				r.changes++
			}
		}
	}
}

// unsaved reports whether there is anything to save.
func (r *recorder) unsaved() bool { return r.sends+r.taps+r.changes > 0 }

// summary is what the header shows: "2 sends · 1 tap".
func (r *recorder) summary() string {
	parts := []string{plural(r.sends, "send")}
	if r.taps > 0 {
		parts = append(parts, plural(r.taps, "tap"))
	}
	if r.changes > 0 {
		parts = append(parts, plural(r.changes, "change"))
	}
	return strings.Join(parts, " · ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
