package tui

import (
	"testing"
)

// TestExplainNotes: e shows the rules the phone's notes cite, as `pushsim
// explain` prints them, in an overlay that e, q or esc closes.
func TestExplainNotes(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.SetSize(100, 30)
	keys(m, "e")
	has(t, m, "No notification on the phone yet")
	keys(m, "esc", "down", "ctrl+s") // ios7
	has(t, m, "apns.md#V21")
	keys(m, "e")
	has(t, m, "Rules behind the notes", "V21  Before iOS 8 aps.category means nothing", "status:")
	for _, k := range []string{"e", "q", "esc"} {
		keys(m, k)
		hasNot(t, m, "Rules behind the notes")
		keys(m, "e")
	}
}
