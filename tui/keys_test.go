package tui

import (
	"testing"

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
