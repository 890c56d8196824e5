package tui

import (
	"bytes"
	"context"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/provider"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC) }

func newTestModel(t *testing.T, b Backend) *Model {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(ctx, Options{Backend: b, Now: fixedNow, RecordDir: t.TempDir(), Dark: true, RealMissing: "no credentials: pushsim send --real needs --key or --cert"})
	t.Cleanup(m.Close)
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+s", "ctrl+r", "ctrl+o", "ctrl+c":
		return tea.KeyPressMsg{Code: rune(s[5]), Mod: tea.ModCtrl}
	case "alt+s", "alt+t", "alt+e":
		return tea.KeyPressMsg{Code: rune(s[4]), Mod: tea.ModAlt}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

func contentOf(m *Model) string { return ansi.Strip(m.View().Content) }

// screenWaiter waits for text in the program's output. WaitFor consumes
// what it reads, so the waiter keeps everything read so far: a text drawn
// in the same chunk as the previous one is still found.
type screenWaiter struct {
	tm   *teatest.TestModel
	seen []byte
}

func (w *screenWaiter) wait(t *testing.T, text string) {
	t.Helper()
	if bytes.Contains(w.seen, []byte(text)) {
		return
	}
	prev := w.seen
	teatest.WaitFor(t, w.tm.Output(), func(b []byte) bool {
		w.seen = append(append([]byte(nil), prev...), b...)
		return bytes.Contains(w.seen, []byte(text))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// TestFlowSendTapCompletion is the main flow at 100×30: ctrl+s
// sends the default poll to every device, the iOS 8 device shows OK/NOK,
// 1 taps OK, the log shows the action and the completion.
func TestFlowSendTapCompletion(t *testing.T) {
	b := newFakeBackend()
	tm := teatest.NewTestModel(t, newTestModel(t, b), teatest.WithInitialTermSize(100, 30))
	tm.Send(press("down"))
	tm.Send(press("down"))
	tm.Send(press("ctrl+s"))
	// The renderer skips unchanged cells, spaces included: wait for words
	// without spaces that are newly drawn.
	w := &screenWaiter{tm: tm}
	w.wait(t, "NOK]")
	w.wait(t, "ios18-locked") // in full only in the responses: the last send, in fleet order
	tm.Send(press("1"))
	w.wait(t, "tapped") // the status; the log is read with the tap's result
	tm.Send(press("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	golden.RequireEqual(t, contentOf(final))
	var kinds []string
	for _, e := range b.events {
		if e.Device == "ios8" {
			kinds = append(kinds, e.Kind+":"+e.Device+":"+e.Action)
		}
	}
	want := []string{"request:ios8:", "delivered:ios8:", "action:ios8:OK", "completion:ios8:OK"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestFlowLegacyAlert sends to iOS 7 and sees the legacy Close / View.
func TestFlowLegacyAlert(t *testing.T) {
	m := newTestModel(t, newFakeBackend())
	m.SetSize(100, 30)
	m.Update(press("down"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	got := contentOf(m)
	for _, want := range []string{"ios7 · iOS 7.1", "[1 Close]  [2 View]", "200 OK"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
}

// runCmd runs cmd and feeds its messages back, synchronously (batches
// included), the way the program would.
func runCmd(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	// tea.Batch and tea.Sequence return a slice of commands (Sequence's
	// type is unexported): run them in order.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			runCmd(m, v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	if msg == nil {
		return
	}
	if _, ok := msg.(eventsMsg); ok {
		return // the subscription is exercised by the teatest flows
	}
	_, next := m.Update(msg)
	runCmd(m, next)
	m.readEvents()
	m.refresh()
}

func TestInvalidJSONRefusedAndKept(t *testing.T) {
	b := newFakeBackend()
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	m.Update(press("tab"))
	m.Update(press("tab")) // composer
	text := "push-type: alert\n\n{\"aps\": {\"alert\": }}"
	m.composer.SetText(text)
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	if len(b.events) != 0 {
		t.Errorf("invalid JSON was sent: %+v", b.events)
	}
	if got := m.composer.editor.Value(); got != text {
		t.Errorf("editor changed: %q", got)
	}
	if s := contentOf(m); !strings.Contains(s, "line 3, column 19") {
		t.Errorf("no inline error with line and column:\n%s", s)
	}
}

func TestFailedSendShownInResponses(t *testing.T) {
	b := newFakeBackend()
	b.failSend = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	if s := contentOf(m); !strings.Contains(s, "connection refused") {
		t.Errorf("failure not shown:\n%s", s)
	}
}

func TestRealModeSaysWhatIsMissing(t *testing.T) {
	b := newFakeBackend()
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	m.Update(press("ctrl+o"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	if s := contentOf(m); !strings.Contains(s, "no credentials") {
		t.Errorf("real mode does not say what is missing:\n%s", s)
	}
	if len(b.events) != 0 {
		t.Errorf("real mode without credentials sent to the simulator: %+v", b.events)
	}
}

func TestRealProductionAsksFirst(t *testing.T) {
	var sent []Request
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(ctx, Options{Backend: newFakeBackend(), Now: fixedNow, Real: &RealSender{Production: true, Token: "ab12",
		Send: func(_ context.Context, r Request) (provider.Response, error) {
			sent = append(sent, r)
			return provider.Response{Status: 200, ApnsID: "real-1"}, nil
		}}})
	t.Cleanup(m.Close)
	m.SetSize(100, 30)
	m.Update(press("ctrl+o"))
	m.Update(press("ctrl+s"))
	if m.dialog == nil || !strings.Contains(contentOf(m), "Send to PRODUCTION?") {
		t.Fatalf("no production dialog:\n%s", contentOf(m))
	}
	m.Update(press("n"))
	if m.dialog != nil || len(sent) != 0 {
		t.Fatalf("n did not cancel: dialog %v, sent %d", m.dialog, len(sent))
	}
	m.Update(press("ctrl+s"))
	_, cmd := m.Update(press("y"))
	runCmd(m, cmd)
	if len(sent) != 1 || sent[0].Token != "ab12" {
		t.Errorf("sent %+v, want one request to token ab12", sent)
	}
}

// TestScreens goldens the whole screen at the sizes the issue names.
func TestScreens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {100, 30}, {140, 40}} {
		t.Run(itoa(size.w)+"x"+itoa(size.h), func(t *testing.T) {
			b := newFakeBackend()
			m := newTestModel(t, b)
			m.SetSize(size.w, size.h)
			m.Update(press("down"))
			m.Update(press("down"))
			_, cmd := m.Update(press("ctrl+s"))
			runCmd(m, cmd)
			s := contentOf(m)
			if got := strings.Count(s, "\n") + 1; got != size.h {
				t.Errorf("height %d, want %d", got, size.h)
			}
			for i, l := range strings.Split(s, "\n") {
				if w := ansi.StringWidth(l); w > size.w {
					t.Errorf("line %d is %d wide, more than %d", i, w, size.w)
				}
			}
			golden.RequireEqual(t, s)
		})
	}
}

// TestPanes goldens each pane's View at a fixed size.
func TestPanes(t *testing.T) {
	b := newFakeBackend()
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	m.Update(press("down"))
	m.Update(press("down"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	_, cmd = m.Update(press("2"))
	runCmd(m, cmd)
	tests := []struct {
		name string
		view func() string
	}{
		{"fleet", m.fleet.View},
		{"phone", m.phone.View},
		{"composer", m.composer.View},
		{"responses", m.responses.View},
		{"log", m.log.View},
		{"matrix", func() string { m.matrix.SetSize(100, 20); m.updateMatrix(); return m.matrix.View() }},
		{"help", func() string { m.Update(press("?")); return contentOf(m) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden.RequireEqual(t, ansi.Strip(tt.view())) })
	}
}

func TestRecordWritesScenario(t *testing.T) {
	b := newFakeBackend()
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	m.Update(press("ctrl+r"))
	m.Update(press("down"))
	m.Update(press("down"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	_, cmd = m.Update(press("1"))
	runCmd(m, cmd)
	_, cmd = m.Update(press("ctrl+r"))
	runCmd(m, cmd)
	if m.rec != nil {
		t.Fatalf("recording not saved: %s", m.status)
	}
	files, _ := filepath.Glob(filepath.Join(m.opts.RecordDir, "*.yaml"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, string(data))
}

func TestQuitAsksOnlyWithUnsavedRecording(t *testing.T) {
	m := newTestModel(t, newFakeBackend())
	if _, cmd := m.Update(press("q")); cmd == nil {
		t.Errorf("q without a recording did not quit")
	}
	m = newTestModel(t, newFakeBackend())
	m.Update(press("ctrl+r"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	if _, cmd := m.Update(press("q")); cmd != nil || m.dialog == nil {
		t.Errorf("q with an unsaved recording did not ask")
	}
	if _, cmd := m.Update(press("esc")); cmd != nil || m.dialog != nil {
		t.Errorf("esc did not cancel the dialog")
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// TestClickTapsButton clicks where "[2 NOK]" is drawn on the full screen.
func TestClickTapsButton(t *testing.T) {
	b := newFakeBackend()
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	m.Update(press("down"))
	m.Update(press("down"))
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	x, y := -1, -1
	for i, l := range strings.Split(contentOf(m), "\n") {
		if j := strings.Index(l, "[2 NOK]"); j >= 0 {
			x, y = ansi.StringWidth(l[:j])+2, i
		}
	}
	if y < 0 {
		t.Fatalf("no NOK button on screen:\n%s", contentOf(m))
	}
	_, cmd = m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	runCmd(m, cmd)
	var got []string
	for _, e := range b.events {
		if e.Kind == "action" {
			got = append(got, e.Device+":"+e.Action)
		}
	}
	if diff := cmp.Diff([]string{"ios8:NOK"}, got); diff != "" {
		t.Errorf("actions after the click (-want +got):\n%s", diff)
	}
	// A click on a fleet row selects that device.
	m.Update(tea.MouseClickMsg{X: 3, Y: 3, Button: tea.MouseLeft})
	if d, _ := m.fleet.Selected(); d.Name != "ios6" {
		t.Errorf("click on the first fleet row selected %s", d.Name)
	}
}

// TestLogFilterAndScroll filters the log by kind and scrolls it.
func TestLogFilterAndScroll(t *testing.T) {
	m := newTestModel(t, newFakeBackend())
	m.SetSize(100, 30)
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	m.Update(press("/"))
	for _, r := range "kind:request" {
		m.Update(press(string(r)))
	}
	m.Update(press("enter"))
	view := ansi.Strip(m.log.View())
	if strings.Contains(view, "delivered") || !strings.Contains(view, "request") {
		t.Errorf("filter kind:request shows:\n%s", view)
	}
	m.setFocus(paneLog)
	m.Update(press("up"))
	if m.log.back != 1 {
		t.Errorf("up in the log: back = %d, want 1", m.log.back)
	}
	m.Update(press("G"))
	if m.log.back != 0 {
		t.Errorf("G did not follow")
	}
}

// TestReplyWithText: r opens the reply field for the text-input action,
// enter sends the typed text (apns.md#V43).
func TestReplyWithText(t *testing.T) {
	b := newFakeBackend()
	m := newTestModel(t, b)
	m.SetSize(100, 30)
	for range 4 {
		m.Update(press("alt+t")) // poll → … → chat reply
	}
	for range 4 {
		m.Update(press("down")) // ios10
	}
	_, cmd := m.Update(press("ctrl+s"))
	runCmd(m, cmd)
	m.Update(press("r"))
	if !strings.Contains(contentOf(m), "reply>") {
		t.Fatalf("no reply field:\n%s", contentOf(m))
	}
	for _, r := range "on my way" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd = m.Update(press("enter"))
	runCmd(m, cmd)
	var got []string
	for _, e := range b.events {
		if e.Kind == "action" {
			got = append(got, e.Device+":"+e.Action+":"+e.Text)
		}
	}
	if diff := cmp.Diff([]string{"ios10:REPLY:on my way"}, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

// TestBackgroundColour: the styles follow the terminal's background.
func TestBackgroundColour(t *testing.T) {
	m := newTestModel(t, newFakeBackend())
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
