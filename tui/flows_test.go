package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/scenarios"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// One flow test per point of issue 14, each on the real world.

// quits reports whether cmd (run to the end) quits the program.
func quits(m *Model, cmd tea.Cmd) bool {
	for cmd != nil {
		msg := cmd()
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		if msg == nil {
			return false
		}
		_, cmd = m.Update(msg)
	}
	return false
}

// Point 1: every overlay takes every key; esc and q close it, never
// quit; ctrl+c quits from it.
func TestOverlaysAreModal(t *testing.T) {
	for _, open := range [][]string{{"?"}, {"m"}, {"H"}, {"shift+tab", "enter"}, {"shift+tab", "shift+tab", "enter"}, {"F"}} {
		t.Run(strings.Join(open, " "), func(t *testing.T) {
			w := newWorld(t, nil, 0)
			m := newTestModel(t, w)
			m.SetSize(80, 24)
			keys(m, "down", "down", "ctrl+s")
			keys(m, open...)
			if m.overlay == overlayNone {
				t.Fatalf("%v opened no overlay:\n%s", open, contentOf(m))
			}
			o, focus, dev := m.overlay, m.focus, m.fleet.cursor
			events := len(w.events())
			// Keys of every pane: none may reach them.
			keys(m, "down", "up", "1", "b", "d", "r", "l", "s", "p", "w", "f", "v", "ctrl+s", "tab", "/", "o", "ctrl+r", "ctrl+o", "alt+t", "right", "m", "?", "H", "F")
			if m.overlay != o && !(o == overlayMatrix || o == overlayHelp || o == overlayMessages || o == overlayFaults) {
				t.Errorf("the overlay closed on a pane's key")
			}
			if m.focus != focus || m.fleet.cursor != dev || m.rec != nil || m.mode != ModeSim || m.phone.replying != "" || m.log.filtering {
				t.Errorf("a key reached the panes: focus %v→%v, device %d→%d, rec %v, mode %v", focus, m.focus, dev, m.fleet.cursor, m.rec, m.mode)
			}
			if got := len(w.events()); got != events {
				t.Errorf("%d events happened behind the overlay", got-events)
			}
			for _, k := range []string{"q", "esc"} {
				keys(m, open...)
				_, cmd := m.Update(press(k))
				if quits(m, cmd) || m.overlay != overlayNone {
					t.Errorf("%s: quit or left the overlay open (%v)", k, m.overlay)
				}
			}
			keys(m, open...)
			if _, cmd := m.Update(press("ctrl+c")); !quits(m, cmd) {
				t.Errorf("ctrl+c in an overlay did not quit")
			}
		})
	}
}

// Point 2: below 80×24 a "too small" screen that only quits.
func TestTooSmall(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(79, 30)
	has(t, m, "terminal too small (need 80×24)", "this one is 79×30")
	keys(m, "ctrl+s", "1", "tab", "?")
	if got := w.kinds("", world.EventRequest); len(got) != 0 || m.overlay != overlayNone || m.focus != paneFleet {
		t.Errorf("keys acted on a screen too small to show them: %v, overlay %v, focus %v", got, m.overlay, m.focus)
	}
	if _, cmd := m.Update(press("q")); !quits(m, cmd) {
		t.Errorf("q did not quit on the too-small screen")
	}
	m.SetSize(80, 24)
	hasNot(t, m, "too small")
}

// longPoll is a poll whose body pushes the buttons below an 80×24 phone.
const longPoll = "push-type: alert\n\n" + `{"aps":{"alert":"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight twenty-nine thirty","category":"poll"}}`

// Point 2: a button out of view cannot be tapped by number; the drawing
// scrolls and says there is more; scrolled into view, it can.
func TestOffscreenButtonRefused(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	m.composer.SetText(longPoll)
	selectDevice(t, m, "ios10")
	keys(m, "alt+s", "ctrl+s", "tab")
	showContext(t, m, device.ContextExpanded)
	// The phone opens scrolled to the buttons; scrolled back to the top
	// of the long body, they are out of view.
	has(t, m, "↑", "[1 OK]")
	for i := 0; i < 10 && m.phone.offset > 0; i++ {
		keys(m, "pgup")
	}
	has(t, m, "more (pgdn)")
	hasNot(t, m, "[1 OK]")
	keys(m, "1")
	if got := w.kinds("", world.EventAction); len(got) != 0 {
		t.Fatalf("a button out of view was tapped: %v", got)
	}
	has(t, m, "button 1 is not in view")
	for i := 0; i < 10 && !strings.Contains(contentOf(m), "[1 OK]"); i++ {
		keys(m, "pgdown")
	}
	has(t, m, "[1 OK]")
	keys(m, "1")
	if diff := cmp.Diff([]string{"action:ios10:OK"}, w.kinds("", world.EventAction)); diff != "" {
		t.Errorf("after scrolling (-want +got):\n%s", diff)
	}
}

// Point 2: the reply field stays in view on a long notification at 80×24.
func TestReplyFieldAlwaysVisible(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.SetSize(80, 24)
	useTemplate(t, m, "chat reply")
	selectDevice(t, m, "ios18-locked")
	keys(m, "alt+s", "ctrl+s", "tab")
	showContext(t, m, device.ContextExpanded)
	keys(m, "r")
	typeText(m, "on my way")
	has(t, m, "reply> on my way")
}

// Point 3: enter opens the whole event and the whole send; names are never
// cut; a long message is read in full in the history.
func TestDetailViews(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	useTemplate(t, m, "chat reply")
	selectDevice(t, m, "ios10")
	keys(m, "ctrl+s", "tab")
	showContext(t, m, device.ContextExpanded)
	keys(m, "r")
	typeText(m, "on my way")
	keys(m, "enter")
	// The log: select the action event, open it.
	selectEvent(t, m, func(e Event) bool { return e.Kind == world.EventAction })
	keys(m, "enter")
	has(t, m, "action:", "REPLY", `userText:`, `"on my way"`, "callback:")
	keys(m, "end")
	has(t, m, "payload:", `"category": "chat_message"`)
	keys(m, "esc")
	// The presented event of a locked device cites its rows.
	selectEvent(t, m, func(e Event) bool { return e.Kind == world.EventPresented && e.Device == "ios18-locked" })
	keys(m, "enter", "end")
	has(t, m, "rows:", "apns.md#")
	keys(m, "esc")
	// A response.
	m.setFocus(paneResponses)
	keys(m, "enter")
	has(t, m, "Send to ios18-locked", "status:", "200", "latency:", "1.5ms", "apns-id:")
	keys(m, "esc")
	// Names are whole in the fleet and the log at 80×24.
	selectDevice(t, m, "ios18-locked")
	has(t, m, "ios18-locked 18.2 L")
	for _, l := range strings.Split(ansi.Strip(m.log.View()), "\n") {
		if strings.Contains(l, "ios18-l") && !strings.Contains(l, "ios18-locked") {
			t.Errorf("a device name is cut in the log: %q", l)
		}
	}
	// A long message is cut in the header and whole in the history.
	long := "a status message long enough that the header cannot show it whole at eighty columns: the end is here"
	m.setStatus(long)
	has(t, m, "(H: all)")
	keys(m, "H")
	has(t, m, "the end is here")
}

// selectEvent focuses the log and selects the newest event that matches.
func selectEvent(t *testing.T, m *Model, match func(Event) bool) {
	t.Helper()
	m.setFocus(paneLog)
	keys(m, "end")
	for range len(m.log.events) {
		if e, _ := m.log.Selected(); match(e) {
			return
		}
		keys(m, "up")
	}
	t.Fatalf("no such event in the log:\n%s", contentOf(m))
}

// Point 4: 1 on a text-input button opens the reply field; enter sends,
// esc cancels; a click on it does the same.
func TestTextInputButtonOpensReply(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	useTemplate(t, m, "chat reply")
	selectDevice(t, m, "ios10")
	keys(m, "alt+s", "ctrl+s", "tab")
	showContext(t, m, device.ContextExpanded)
	keys(m, "1")
	if m.phone.replying != "REPLY" {
		t.Fatalf("1 on the text-input button did not open the reply field:\n%s", contentOf(m))
	}
	keys(m, "esc")
	if m.phone.replying != "" || len(w.kinds("", world.EventAction)) != 0 {
		t.Fatalf("esc did not cancel the reply")
	}
	x, y := findOnScreen(t, m, "[1 Reply")
	_, cmd := m.Update(tea.MouseClickMsg{X: x + 2, Y: y, Button: tea.MouseLeft})
	runCmd(m, cmd)
	if m.phone.replying != "REPLY" {
		t.Fatalf("a click on the text-input button did not open the reply field")
	}
	typeText(m, "on my way")
	keys(m, "enter")
	var got []string
	for _, e := range w.events() {
		if e.Kind == world.EventAction {
			got = append(got, e.Device+":"+e.Action+":"+e.Text)
		}
	}
	if diff := cmp.Diff([]string{"ios10:REPLY:on my way"}, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

// Point 5: each device shows its notification where it arrived, not the
// context picked on another device; used notifications say so.
func TestContextFollowsNotification(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	keys(m, "ctrl+s")
	selectDevice(t, m, "ios8")
	has(t, m, "banner 2/6 (arrival)", "[1 OK]  [2 NOK]") // 6 contexts: the alert has two steps (apns.md#U42)
	keys(m, "right")
	if m.phone.shownContext() != device.ContextAlert {
		t.Fatalf("→ did not pick the alert: %s", m.phone.shownContext())
	}
	keys(m, "down") // ios9
	if got := m.phone.shownContext(); got != device.ContextBanner {
		t.Errorf("ios9 shows %s, want its arrival banner (not the alert picked on ios8)", got)
	}
	selectDevice(t, m, "ios18-locked")
	if got := m.phone.shownContext(); got != device.ContextLockScreen {
		t.Errorf("ios18-locked shows %s, want the lock screen it arrived on", got)
	}
	// Used notifications.
	selectDevice(t, m, "ios8")
	keys(m, "1")
	has(t, m, "✓ used: acted on with OK")
	keys(m, "down", "d")
	has(t, m, "✓ used: dismissed")
	keys(m, "d")
	has(t, m, "already dismissed")
	if got := w.kinds("ios9", world.EventDismissed); len(got) != 1 {
		t.Errorf("ios9 dismissals: %v, want one", got)
	}
}

// Point 6: the footer names the focused pane's keys and fits 80 columns;
// the help is grouped by pane; m and ? in the composer are text; alt+e is
// gone.
func TestFooterFollowsFocus(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.SetSize(80, 24)
	want := map[pane]string{paneFleet: "↑↓ device", panePhone: "r reply", paneComposer: "esc leave editor (q ? m type text)",
		paneResponses: "enter details", paneLog: "/ filter"}
	for p := range paneCount {
		m.setFocus(p)
		f := ansi.Strip(m.footer())
		if !strings.Contains(f, want[p]) || strings.HasSuffix(f, "…") {
			t.Errorf("%s footer %q: want %q, whole", paneNames[p], f, want[p])
		}
	}
	m.setFocus(paneComposer)
	m.composer.SetText("")
	typeText(m, "m?q")
	if m.overlay != overlayNone || m.composer.editor.Value() != "m?q" {
		t.Errorf("m ? q in the editor: overlay %v, text %q", m.overlay, m.composer.editor.Value())
	}
	keys(m, "esc")
	if m.focus == paneComposer {
		t.Errorf("esc did not leave the editor")
	}
	keys(m, "?")
	help := strings.Join(m.helpLines(200), "\n")
	for _, s := range []string{"Fleet", "Phone", "Composer", "Responses", "Event log", "Mouse", "click", "wheel", "esc", "enter", "pgup", "home"} {
		if !strings.Contains(help, s) {
			t.Errorf("the help lacks %q", s)
		}
	}
	if strings.Contains(help, "alt+e") {
		t.Errorf("the help still lists alt+e")
	}
	keys(m, "esc", "alt+e")
	if m.production || m.status != "" && strings.Contains(m.status, "environment") {
		t.Errorf("alt+e still toggles an environment")
	}
}

// Point 7: pager keys in the log, the matrix and the help; no overscroll;
// "N newer below"; esc clears a kept filter; the matrix keeps its device
// row on top and opens at its top again.
func TestPagerScrolling(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.SetSize(80, 24)
	keys(m, "ctrl+s", "ctrl+s")
	m.setFocus(paneLog)
	total := len(m.log.events)
	for range total + 10 {
		keys(m, "up")
	}
	rows := m.log.rows() // less the "newer below" line
	if m.log.pos != total-1 || m.log.back != total-rows {
		t.Errorf("after scrolling past the top: pos %d back %d, want %d and %d (no overscroll)", m.log.pos, m.log.back, total-1, total-rows)
	}
	has(t, m, "newer below")
	keys(m, "end")
	if m.log.pos != 0 || m.log.back != 0 {
		t.Errorf("end did not follow")
	}
	keys(m, "home")
	if m.log.pos != total-1 {
		t.Errorf("home: pos %d, want the oldest %d", m.log.pos, total-1)
	}
	keys(m, "pgdown")
	if m.log.pos != total-1-rows {
		t.Errorf("pgdown: pos %d, want %d", m.log.pos, total-1-rows)
	}
	keys(m, "/")
	typeText(m, "ios8")
	keys(m, "enter")
	has(t, m, `showing "ios8" (esc clears)`)
	keys(m, "esc")
	hasNot(t, m, `showing "ios8"`)
	if m.log.filter.Value() != "" {
		t.Errorf("esc kept the filter")
	}
	// The matrix.
	keys(m, "m")
	keys(m, "pgdown", "pgdown")
	first := strings.Split(ansi.Strip(m.matrix.View()), "\n")[0]
	if !strings.Contains(first, "· iOS ") {
		t.Errorf("the matrix's first line is %q, want the device names", first)
	}
	for range 500 {
		keys(m, "down")
	}
	if m.matrix.pager.offset != m.matrix.pager.maxOffset() {
		t.Errorf("matrix overscrolled: %d > %d", m.matrix.pager.offset, m.matrix.pager.maxOffset())
	}
	has(t, m, "end · lines")
	keys(m, "esc", "m")
	if m.matrix.pager.offset != 0 {
		t.Errorf("the matrix reopened at line %d, want 0", m.matrix.pager.offset)
	}
	keys(m, "esc", "?", "end")
	has(t, m, "Mouse")
	keys(m, "home")
	has(t, m, "Everywhere")
}

// Point 8: with --serve, the addresses stay in a header line, a backend's
// sends are listed in Responses, and a recording counts them.
func TestServeShowsBackendSends(t *testing.T) {
	ctx, srv := startServe(t)
	newProvider := func() *provider.Provider { return serveProvider(t, srv) }
	status := "serving APNs " + srv.Info.APNsURL + " · API " + srv.Info.APIURL
	m := New(ctx, Options{Backend: SimBackend{World: srv.World, Log: srv.Log, Provider: newProvider(), Records: srv.Records},
		Status: status, Now: fixedNow, RecordDir: t.TempDir(), Dark: true})
	t.Cleanup(m.Close)
	m.SetSize(80, 24)
	if got := strings.Split(contentOf(m), "\n")[1]; !strings.Contains(got, "serving APNs https://127.0.0.1:") {
		t.Errorf("the second header line is %q, want the addresses", got)
	}
	keys(m, "ctrl+r")
	selectDevice(t, m, "ios8")
	keys(m, "alt+s", "ctrl+s") // the TUI's own send
	// The backend's send, as a user's server would make it.
	v, err := srv.World.Device("ios8")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newProvider().Send(ctx, provider.Request{Token: v.Apps[0].Token, Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"from a backend","category":"poll"}}`)}); err != nil {
		t.Fatal(err)
	}
	m.Update(eventsMsg{})
	has(t, m, "backend → ios8 200 OK", "● REC 2 sends")
	if n := strings.Count(contentOf(m), "ios8 200 OK"); n != 2 {
		t.Errorf("ios8 200 OK listed %d times, want 2 (the TUI's send once, the backend's once):\n%s", n, contentOf(m))
	}
	m.setFocus(paneResponses)
	keys(m, "enter")
	has(t, m, "sent by:", "a backend", "latency:")
}

// laggingSends hides the Backend's sends from the first lag calls, as
// when serve's Records observe a request after the World has logged it.
type laggingSends struct {
	SimBackend
	lag *int
}

func (b laggingSends) Sends(after uint64) []SendRecord {
	if *b.lag > 0 {
		*b.lag--
		return nil
	}
	return b.SimBackend.Sends(after)
}

// A backend's send whose record the log announces before the Backend lists
// it still reaches Responses: Update looks again, a bounded number of times.
func TestServeSendListedAfterItsEvent(t *testing.T) {
	ctx, srv := startServe(t)
	p := serveProvider(t, srv)
	lag := 2
	m := New(ctx, Options{Backend: laggingSends{SimBackend{World: srv.World, Log: srv.Log, Provider: p, Records: srv.Records}, &lag},
		Now: fixedNow, RecordDir: t.TempDir(), Dark: true})
	t.Cleanup(m.Close)
	m.SetSize(100, 30)
	v, err := srv.World.Device("ios8")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Send(ctx, provider.Request{Token: v.Apps[0].Token, Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"from a backend"}}`)}); err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(eventsMsg{})
	hasNot(t, m, "backend → ios8 200 OK")
	// The retry: run the scheduled looks (the batch's event wait is not
	// run: nothing more is logged).
	for range maxSendsTries {
		next := retryOf(cmd)
		if next == nil {
			break
		}
		_, cmd = m.Update(next())
	}
	has(t, m, "backend → ios8 200 OK")
}

// retryOf returns the sendsMsg command inside cmd, or nil.
func retryOf(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case sendsMsg:
		return func() tea.Msg { return msg }
	case tea.BatchMsg:
		for _, c := range msg {
			if c == nil {
				continue
			}
			if r := retryOfNoWait(c); r != nil {
				return r
			}
		}
	}
	return nil
}

// retryOfNoWait is retryOf for a batch member, skipping the event wait,
// which would block until the next event.
func retryOfNoWait(c tea.Cmd) tea.Cmd {
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		if _, ok := msg.(sendsMsg); ok {
			return func() tea.Msg { return msg }
		}
	case <-time.After(time.Second):
	}
	return nil
}

// Point 9: a recording of one send to all devices and one tap refers to
// the default fleet, sends once, is tens of lines, and replays green.
func TestRecordingReadsWell(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	keys(m, "l") // a state change before the recording: a set step
	keys(m, "ctrl+r", "ctrl+s", "down", "down", "1", "p")
	has(t, m, "● REC 9 sends · 1 tap · 1 change")
	keys(m, "ctrl+r")
	data := recorded(t, m)
	text := string(data)
	if strings.Contains(text, "\nfleet:") || strings.Count(text, "send:") != 1 || !strings.Contains(text, "devices: all") {
		t.Errorf("want no fleet copy and one send to all devices:\n%s", text)
	}
	if n := strings.Count(text, "\n"); n > 120 {
		t.Errorf("%d lines for one send and one tap:\n%s", n, text)
	}
	if !strings.Contains(text, "locked: true") || !strings.Contains(text, "permission: denied") {
		t.Errorf("the lock set before the recording, or the permission changed during it, is not a set step:\n%s", text)
	}
	golden.RequireEqual(t, text)
	s, err := scenarios.Parse("recorded.yaml", data)
	if err != nil {
		t.Fatalf("the recording does not parse: %v\n%s", err, data)
	}
	if res := scenarios.Run(context.Background(), []*scenarios.Scenario{s}, scenarios.Options{}); len(res) != 1 || !res[0].Passed {
		t.Fatalf("the recording does not replay green: %+v\n%s", res, data)
	}
}

// Point 10: Responses is a pane: tab reaches it, ↑/↓ select, enter opens
// the send, the wheel scrolls it.
func TestResponsesFocusable(t *testing.T) {
	m := newTestModel(t, newWorld(t, nil, 0))
	m.SetSize(80, 24)
	keys(m, "ctrl+s", "tab", "tab", "tab")
	if m.focus != paneResponses {
		t.Fatalf("tab ×3 focused %s", paneNames[m.focus])
	}
	has(t, m, "▶ Responses")
	keys(m, "home")
	if r, _ := m.responses.Selected(); r.Request.Device != "ios6" {
		t.Errorf("home selected %s, want the first send (ios6)", r.Request.Device)
	}
	keys(m, "down", "enter")
	has(t, m, "Send to ios7")
	keys(m, "esc", "end")
	r := m.rects[paneResponses]
	m.Update(tea.MouseWheelMsg{X: r.x + 2, Y: r.y + 2, Button: tea.MouseWheelUp})
	if sel, _ := m.responses.Selected(); sel.Request.Device == "ios18-locked" {
		t.Errorf("the wheel did not scroll Responses")
	}
}

// A tap happens in the context the phone shows: the iOS 8 alert's second
// step offers the actions (apns.md#U42), and an action tapped there reaches
// the app; the first step offers only Close and Options (apns.md#U41).
func TestTapInShownContext(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	useTemplate(t, m, "delivery reschedule")
	keys(m, "ctrl+s")
	selectDevice(t, m, "ios8")
	showContext(t, m, device.ContextAlert)
	has(t, m, "[1 Close]", "[2 Options]")
	showContext(t, m, device.ContextAlertOptions)
	keys(m, "3") // the third action: not on the banner the push arrived on
	var got []string
	for _, e := range w.events() {
		if e.Kind == world.EventAction {
			got = append(got, e.Device+":"+e.Action)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "ios8:") {
		t.Fatalf("actions %v, want one on ios8:\n%s", got, contentOf(m))
	}
	has(t, m, "✓ used: acted on with")
}

// The fleet pane shows the app icon's badge once the system lets it
// through (apns.md#U43).
func TestFleetShowsBadge(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(100, 30)
	m.composer.SetText(`{"aps":{"alert":"You have mail","badge":3}}`)
	keys(m, "ctrl+s")
	selectDevice(t, m, "ios10")
	has(t, m, "badge 3 · iPhone 7")
}

// A TUI send under --serve is listed once even when serve's record of it
// is read (as a backend's) before the send's own result comes back.
func TestServeOwnSendListedOnce(t *testing.T) {
	ctx, srv := startServe(t)
	p := serveProvider(t, srv)
	b := SimBackend{World: srv.World, Log: srv.Log, Provider: p, Records: srv.Records}
	m := New(ctx, Options{Backend: b, Now: fixedNow, RecordDir: t.TempDir(), Dark: true})
	t.Cleanup(m.Close)
	m.SetSize(100, 30)
	selectDevice(t, m, "ios8")
	d, ok := m.fleet.Selected()
	if !ok {
		t.Fatal("no device selected")
	}
	dr, err := m.composer.Draft()
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.request(d, dr)
	if err != nil {
		t.Fatal(err)
	}
	msg := sendCmd(ctx, b, fixedNow, r)() // the send is answered...
	m.Update(eventsMsg{})                 // ...its record is read first...
	m.Update(msg)                         // ...then its own result arrives
	if n := strings.Count(contentOf(m), "ios8 200 OK"); n != 1 {
		t.Errorf("ios8 200 OK listed %d times, want once:\n%s", n, contentOf(m))
	}
	hasNot(t, m, "backend → ios8")
}

// A backend's send refused by the production fake APNs is explained for
// production: a sandbox token sent there (apns.md#D03), not the
// development wording.
func TestRejectedSendExplainedForItsEnvironment(t *testing.T) {
	ctx, srv := startServe(t)
	prod := serveProviderAt(t, srv, srv.Production)
	m := New(ctx, Options{Backend: SimBackend{World: srv.World, Log: srv.Log, Provider: serveProvider(t, srv), Records: srv.Records},
		Now: fixedNow, Dark: true})
	t.Cleanup(m.Close)
	m.SetSize(100, 30)
	v, err := srv.World.Device("ios8")
	if err != nil {
		t.Fatal(err)
	}
	res, err := prod.Send(ctx, provider.Request{Token: v.Apps[0].Token, Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"to the wrong environment"}}`)})
	if err != nil || res.Reason != "BadDeviceToken" {
		t.Fatalf("send to production: %+v, %v; want BadDeviceToken", res, err)
	}
	m.Update(eventsMsg{})
	m.setFocus(paneResponses)
	keys(m, "enter")
	has(t, m, "BadDeviceToken", "not a production token", "probably a sandbox token")
}
