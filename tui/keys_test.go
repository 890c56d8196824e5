package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"
)

// TestHelpNamesTheBoundKeys: the help line names the keys a binding really
// answers to, as the README documents them (`1`–`9` tap a button).
func TestHelpNamesTheBoundKeys(t *testing.T) {
	km := NewKeyMap()
	tests := []struct {
		name string
		keys []string
		help string
	}{
		{"buttons", km.Buttons.Keys(), km.Buttons.Help().Key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.keys[0] + "-" + tt.keys[len(tt.keys)-1]
			if diff := cmp.Diff(want, tt.help); diff != "" {
				t.Errorf("help key (-bound +shown):\n%s", diff)
			}
		})
	}
}

// TestFleetDetailsWithoutModel: a device from a fleet file that gives no
// model is described by its lock alone, not " · unlocked".
func TestFleetDetailsWithoutModel(t *testing.T) {
	tests := []struct {
		name  string
		model string
		want  string
	}{
		{"with model", "iPhone 5", "iPhone 5 · unlocked"},
		{"without model", "", "unlocked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBackend()
			b.devices[0].Model = tt.model
			m := newTestModel(t, b)
			m.SetSize(100, 30)
			details := m.fleet.details(20)
			if diff := cmp.Diff(tt.want, ansi.Strip(details[1])); diff != "" {
				t.Errorf("details (-want +got):\n%s", diff)
			}
		})
	}
}
