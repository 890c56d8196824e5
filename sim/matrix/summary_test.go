package matrix

import (
	"strings"
	"testing"

	"github.com/pushsim/pushsim/sim/device"
)

// TestKeepContextsAndSummary: keeping one context leaves only its
// presentations (without touching the original), and a column with none
// says so in its summary.
func TestKeepContextsAndSummary(t *testing.T) {
	m, err := Build(Request{Fleet: device.DefaultFleet(), Payload: []byte(`{"aps":{"alert":"hi"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	before := len(m.Devices[0].Presentations)
	kept := m.KeepContexts(map[device.Context]bool{device.ContextBanner: true})
	if len(m.Devices[0].Presentations) != before {
		t.Errorf("KeepContexts changed the original: %d → %d", before, len(m.Devices[0].Presentations))
	}
	for _, col := range kept.Devices {
		for _, p := range col.Presentations {
			if p.Context != device.ContextBanner {
				t.Errorf("%s: kept %s", col.Device, p.Context)
			}
		}
		if s := col.Summary(device.DefaultBundleID); !strings.HasPrefix(s, col.Device+" (iOS ") {
			t.Errorf("summary %q", s)
		}
	}
	none := m.KeepContexts(map[device.Context]bool{})
	if s := none.Devices[0].Summary("x.y"); !strings.HasSuffix(s, "x.y not installed (or no context chosen)") {
		t.Errorf("summary of an empty column: %q", s)
	}
}
