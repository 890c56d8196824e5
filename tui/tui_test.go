package tui

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/scenarios"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// TestFlowSendTapCompletion is the main flow in a running program at
// 100×30: ctrl+s sends the default poll to every device, the iOS 8 device
// shows OK/NOK, 1 taps OK, the world tells the app and its completion
// handler runs.
func TestFlowSendTapCompletion(t *testing.T) {
	w := newWorld(t, nil, 0)
	tm := teatest.NewTestModel(t, newTestModel(t, w), teatest.WithInitialTermSize(100, 30))
	tm.Send(press("down"))
	tm.Send(press("down"))
	tm.Send(press("ctrl+s"))
	// The renderer skips unchanged cells, spaces included: wait for words
	// without spaces that are newly drawn.
	sw := &screenWaiter{tm: tm}
	sw.wait(t, "NOK]")
	sw.wait(t, "lock-screen") // in the log: the last send, to the locked device
	tm.Send(press("1"))
	sw.wait(t, "tapped")
	tm.Send(press("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	golden.RequireEqual(t, stable(contentOf(final)))
	want := []string{"request:ios8:", "delivered:ios8:", "presented:ios8:", "action:ios8:OK", "completion:ios8:OK"}
	if diff := cmp.Diff(want, w.kinds("ios8", world.EventRequest, world.EventDelivered, world.EventPresented, world.EventAction, world.EventCompletion)); diff != "" {
		t.Errorf("ios8's events (-want +got):\n%s", diff)
	}
}

// TestFlowLegacyAlert sends to iOS 7: the legacy alert's Close / View.
func TestFlowLegacyAlert(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.SetSize(100, 30)
	keys(m, "down", "ctrl+s", "right")
	has(t, m, "ios7 · iOS 7.1", "[1 Close]  [2 View]", "ios7 200 OK")
}

// TestInvalidJSONRefusedAndKept: a payload that is not JSON is not sent,
// the text stays, the error has its line and column.
func TestInvalidJSONRefusedAndKept(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	keys(m, "tab", "tab") // composer
	text := "push-type: alert\n\n{\"aps\": {\"alert\": }}"
	m.composer.SetText(text)
	keys(m, "ctrl+s")
	if got := w.kinds("", world.EventRequest, world.EventRejected); len(got) != 0 {
		t.Errorf("invalid JSON was sent: %v", got)
	}
	if got := m.composer.editor.Value(); got != text {
		t.Errorf("editor changed: %q", got)
	}
	has(t, m, "line 3, column 19")
}

// TestFailedSendShownInResponses: with the fake APNs gone, the failure is
// in Responses and in its detail.
func TestFailedSendShownInResponses(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	if err := w.Server.Close(); err != nil {
		t.Fatal(err)
	}
	keys(m, "down", "alt+s", "ctrl+s")
	has(t, m, "ios7 ✗")
	keys(m, "tab", "tab", "tab", "enter")
	has(t, m, "Send to ios7", "error:", "connection refused")
}

func TestRealModeSaysWhatIsMissing(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	keys(m, "ctrl+o", "ctrl+s")
	has(t, m, "real mode cannot send")
	if got := w.kinds("", world.EventRequest); len(got) != 0 {
		t.Errorf("real mode without credentials sent to the simulator: %v", got)
	}
}

// TestRealProductionAsksFirst: a production send asks; n cancels, y sends.
func TestRealProductionAsksFirst(t *testing.T) {
	var sent []Request
	m := newTestModel(t, newWorld(t, nil, 0), func(o *Options) {
		o.Real = &RealSender{Production: true, Token: "ab12", Send: func(_ context.Context, r Request) (provider.Response, error) {
			sent = append(sent, r)
			return provider.Response{Status: 200, ApnsID: "real-1"}, nil
		}}
	})
	m.SetSize(100, 30)
	keys(m, "ctrl+o", "ctrl+s")
	if m.dialog == nil {
		t.Fatalf("no production dialog:\n%s", contentOf(m))
	}
	has(t, m, "Send to PRODUCTION?", "y/enter send • n/esc cancel") // the footer shows the dialog's keys
	keys(m, "n")
	if m.dialog != nil || len(sent) != 0 {
		t.Fatalf("n did not cancel: dialog %v, sent %d", m.dialog, len(sent))
	}
	keys(m, "ctrl+s", "y")
	if len(sent) != 1 || sent[0].Token != "ab12" {
		t.Errorf("sent %+v, want one request to token ab12", sent)
	}
}

// TestQuitDialog: q asks only with an unsaved recording; the dialog's
// keys: y and enter quit, n and esc cancel, s saves and quits, ctrl+c
// quits.
func TestQuitDialog(t *testing.T) {
	w := newWorld(t, nil, 0)
	if _, cmd := newTestModel(t, w).Update(press("q")); cmd == nil {
		t.Errorf("q without a recording did not quit")
	}
	for _, tt := range []struct {
		key  string
		quit bool
	}{{"y", true}, {"enter", true}, {"ctrl+c", true}, {"n", false}, {"esc", false}, {"s", true}} {
		t.Run(tt.key, func(t *testing.T) {
			m := newTestModel(t, newWorld(t, nil, 0))
			m.SetSize(80, 24)
			keys(m, "ctrl+r", "ctrl+s")
			if _, cmd := m.Update(press("q")); cmd != nil || m.dialog == nil {
				t.Fatalf("q with an unsaved recording did not ask")
			}
			has(t, m, "Quit? The recording is not saved", "y/enter quit • s save and quit • n/esc cancel")
			_, cmd := m.Update(press(tt.key))
			quit := false
			for cmd != nil {
				msg := cmd()
				if _, ok := msg.(tea.QuitMsg); ok {
					quit = true
					break
				}
				_, cmd = m.Update(msg)
			}
			if quit != tt.quit || m.dialog != nil {
				t.Errorf("%s: quit %v, dialog %v; want quit %v and no dialog", tt.key, quit, m.dialog, tt.quit)
			}
		})
	}
}

// TestClickTapsButton clicks where "[2 NOK]" is drawn on the full screen.
func TestClickTapsButton(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	keys(m, "down", "down", "ctrl+s")
	x, y := findOnScreen(t, m, "[2 NOK]")
	_, cmd := m.Update(tea.MouseClickMsg{X: x + 2, Y: y, Button: tea.MouseLeft})
	runCmd(m, cmd)
	if diff := cmp.Diff([]string{"action:ios8:NOK"}, w.kinds("", world.EventAction)); diff != "" {
		t.Errorf("actions after the click (-want +got):\n%s", diff)
	}
	// A click on a fleet row selects that device.
	x, y = findOnScreen(t, m, "ios6 ")
	m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	if d, _ := m.fleet.Selected(); d.Name != "ios6" {
		t.Errorf("click on the first fleet row selected %s", d.Name)
	}
}

// findOnScreen is the cell where text is drawn.
func findOnScreen(t *testing.T, m *Model, text string) (x, y int) {
	t.Helper()
	for i, l := range strings.Split(contentOf(m), "\n") {
		if j := strings.Index(l, text); j >= 0 {
			return ansi.StringWidth(l[:j]), i
		}
	}
	t.Fatalf("%q is not on screen:\n%s", text, contentOf(m))
	return 0, 0
}

// TestBackgroundColour: the styles follow the terminal's background.
func TestBackgroundColour(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.common.Styles.IsDark || m.phone.Styles.IsDark {
		t.Errorf("a white background left dark styles")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !m.common.Styles.IsDark || !m.log.Styles.IsDark {
		t.Errorf("a black background left light styles")
	}
}

// TestLibraryTemplates: the shipped scenario library gives templates, and
// each is valid in the composer.
func TestLibraryTemplates(t *testing.T) {
	lib := LibraryTemplates()
	if len(lib) < 5 {
		t.Fatalf("%d library templates, want one per library scenario", len(lib))
	}
	for _, tp := range lib {
		if _, err := ParseDraft(tp.Text()); err != nil {
			t.Errorf("%s: %v\n%s", tp.Name, err, tp.Text())
		}
	}
}

// TestRecordingReplaysGreen records a session (send to all, tap OK on iOS
// 8, tap the body on iOS 9, lock a device), writes it with
// scenarios.Record and replays it with the scenario runner: it passes.
func TestRecordingReplaysGreen(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	keys(m, "ctrl+r", "ctrl+s", "down", "down", "1", "down", "b", "l", "ctrl+r")
	data := recorded(t, m)
	s, err := scenarios.Parse("recorded.yaml", data)
	if err != nil {
		t.Fatalf("the recording does not parse: %v\n%s", err, data)
	}
	res := scenarios.Run(context.Background(), []*scenarios.Scenario{s}, scenarios.Options{Verbose: true})
	if len(res) != 1 || !res[0].Passed {
		t.Fatalf("the recording does not replay green: %+v\n%s", res, data)
	}
}

// recorded is the one recording the model wrote.
func recorded(t *testing.T, m *Model) []byte {
	t.Helper()
	if m.rec != nil {
		t.Fatalf("recording not saved: %s", m.status)
	}
	files, _ := filepath.Glob(filepath.Join(m.opts.RecordDir, "*.yaml"))
	if len(files) != 1 {
		t.Fatalf("recorded files: %v (status %q)", files, m.status)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestHelpNamesTheBoundKeys: the help names the keys a binding really
// answers to (`1`–`9` tap a button).
func TestHelpNamesTheBoundKeys(t *testing.T) {
	km := NewKeyMap()
	k := km.Buttons.Keys()
	if diff := cmp.Diff(k[0]+"-"+k[len(k)-1], km.Buttons.Help().Key); diff != "" {
		t.Errorf("help key (-bound +shown):\n%s", diff)
	}
}

// TestFleetDetailsWithoutModel: a device from a fleet file that gives no
// model is described by its lock alone, not " · unlocked".
func TestFleetDetailsWithoutModel(t *testing.T) {
	for _, tt := range []struct{ model, want string }{{"iPhone 5", "iPhone 5 · unlocked"}, {"", "unlocked"}} {
		fleet := device.DefaultFleet()[:1]
		fleet[0].Model = tt.model
		m := newTestModel(t, newWorld(t, fleet, 0))
		m.SetSize(100, 30)
		if diff := cmp.Diff(tt.want, ansi.Strip(m.fleet.details(25)[1])); diff != "" {
			t.Errorf("details (-want +got):\n%s", diff)
		}
	}
}
