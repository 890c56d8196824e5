package tui

import (
	"strings"
	"testing"
)

// TestExplainNotes: e on the phone shows the rules its notes cite, as
// `pushsim explain` prints them; e or esc closes them.
func TestExplainNotes(t *testing.T) {
	m := newTestModel(t, newFakeBackend())
	m.SetSize(100, 30)
	m.Update(press("e"))
	if got := contentOf(m); !strings.Contains(got, "No notification on the phone yet") {
		t.Errorf("e before any send:\n%s", got)
	}
	m.Update(press("esc"))
	m.Update(press("down")) // ios7
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	if got := contentOf(m); !strings.Contains(got, "apns.md#V21") {
		t.Fatalf("the iOS 7 notes do not cite V21:\n%s", got)
	}
	m.Update(press("e"))
	got := contentOf(m)
	for _, want := range []string{"Rules behind the notes", "V21  Before iOS 8 aps.category means nothing", "status:   observed"} {
		if !strings.Contains(got, want) {
			t.Errorf("after e, the screen lacks %q:\n%s", want, got)
		}
	}
	m.Update(press("e"))
	if got := contentOf(m); strings.Contains(got, "Rules behind the notes") {
		t.Errorf("a second e does not close the rules:\n%s", got)
	}
}
