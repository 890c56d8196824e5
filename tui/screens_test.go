package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// sizes are the terminal sizes the goldens are taken at: below the
// minimum, the minimum, and two larger ones.
var sizes = []struct{ w, h int }{{60, 20}, {80, 24}, {100, 30}, {140, 40}}

// TestScreens goldens the whole screen in a running program (teatest) for
// each pane focus and each overlay, at every size: after a send to every
// device and a tap of OK on iOS 8, with iOS 8 selected. Each golden is
// the screen as text, one line per terminal row.
func TestScreens(t *testing.T) {
	states := []struct {
		name string
		keys []string
		// prep are keys run to the end before the program starts.
		prep []string
	}{
		{"focus-fleet", nil, nil},
		{"focus-phone", []string{"tab"}, nil},
		{"focus-composer", []string{"tab", "tab"}, nil},
		{"focus-responses", []string{"tab", "tab", "tab", "up"}, nil},
		{"focus-log", []string{"tab", "tab", "tab", "tab", "up"}, nil},
		{"help", []string{"?"}, nil},
		{"matrix", []string{"m"}, nil},
		{"detail-event", []string{"shift+tab", "up", "up", "enter"}, nil},
		{"detail-response", []string{"tab", "tab", "tab", "enter"}, nil},
		{"messages", []string{"H"}, nil},
		{"faults", []string{"F"}, []string{"F", "enter", "esc"}},
		{"dialog-quit", []string{"q"}, []string{"ctrl+r", "down", "1"}},
	}
	for _, size := range sizes {
		for _, st := range states {
			t.Run(fmt.Sprintf("%dx%d/%s", size.w, size.h, st.name), func(t *testing.T) {
				w := newWorld(t, nil, 0)
				m := newTestModel(t, w)
				m.SetSize(size.w, size.h)
				keys(m, "down", "down", "ctrl+s", "1")
				if size.w >= MinWidth && len(w.kinds("ios8", "action")) != 1 {
					t.Fatalf("setup: no tap on ios8:\n%s", contentOf(m))
				}
				keys(m, st.prep...)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size.w, size.h))
				for _, k := range st.keys {
					tm.Send(press(k))
				}
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				s := stable(contentOf(final))
				lines := strings.Split(s, "\n")
				if len(lines) != size.h {
					t.Errorf("%d lines, want %d", len(lines), size.h)
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > size.w {
						t.Errorf("line %d is %d wide, more than %d", i, lw, size.w)
					}
				}
				golden.RequireEqual(t, s)
			})
		}
	}
}
