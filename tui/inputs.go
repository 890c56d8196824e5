package tui

import (
	"fmt"
	"path/filepath"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pushsim/pushsim/sim/device"
)

// click focuses the pane under the mouse; on the phone it taps what is
// under it, on the fleet it selects the row, on the log and the responses
// it selects the line. Overlays and dialogs take the mouse too: a click
// does not reach the panes behind them.
func (m *Model) click(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft || m.tooSmall() || m.dialog != nil || m.overlay != overlayNone || m.phone.replying != "" {
		return nil
	}
	for p := range paneCount {
		r := m.rects[p]
		if !r.contains(ms.X, ms.Y) {
			continue
		}
		m.setFocus(p)
		// Inside the border: one cell in from the left and the top.
		x, y := ms.X-r.x-1, ms.Y-r.y-1
		switch p {
		case paneFleet:
			if m.fleet.Select(y) {
				m.refresh()
			}
		case panePhone:
			if t, ok := m.phone.Hit(x, y); ok {
				if t.ID == ActionDefault {
					return m.tap(ActionDefault, "")
				}
				if i := buttonIndex(t.Key); i >= 0 {
					return m.tapButton(i)
				}
			}
		case paneLog:
			m.log.SelectRow(y)
		case paneResponses:
			m.responses.SelectRow(y)
		}
		return nil
	}
	return nil
}

// buttonIndex is the 0-based button behind a drawing's key "1"–"9".
func buttonIndex(k string) int {
	if len(k) == 1 && k[0] >= '1' && k[0] <= '9' {
		return int(k[0] - '1')
	}
	return -1
}

// wheel scrolls the overlay, or the pane under the mouse.
func (m *Model) wheel(ms tea.Mouse) {
	if m.tooSmall() || m.dialog != nil {
		return
	}
	delta := 3
	if ms.Button == tea.MouseWheelUp {
		delta = -3
	}
	switch {
	case m.overlay == overlayMatrix:
		m.matrix.pager.scroll(delta)
	case m.overlay != overlayNone:
		m.pager.scroll(delta)
	case m.rects[paneLog].contains(ms.X, ms.Y):
		m.log.Move(-delta)
	case m.rects[paneResponses].contains(ms.X, ms.Y):
		m.responses.Move(delta)
	case m.rects[panePhone].contains(ms.X, ms.Y):
		m.phone.Scroll(delta)
	case m.rects[paneFleet].contains(ms.X, ms.Y):
		m.fleet.Move(delta / 3)
		m.refresh()
	}
}

// dialogKey is every key while a dialog is open: its answers, and ctrl+c
// which quits from any dialog.
func (m *Model) dialogKey(k tea.KeyPressMsg) tea.Cmd {
	d, km := m.dialog, m.common.Keys
	switch d.kind {
	case dialogProduction:
		switch {
		case key.Matches(k, km.ForceQuit):
			m.dialog = nil
			return m.requestQuit()
		case key.Matches(k, km.Confirm):
			cmd := m.send(d.all) // the dialog is still set: send goes on
			m.dialog = nil
			return cmd
		case key.Matches(k, km.Cancel):
			m.dialog = nil
			m.setStatus("not sent")
		}
	case dialogQuit:
		switch {
		case key.Matches(k, km.ForceQuit), key.Matches(k, km.Confirm):
			m.dialog = nil
			m.rec = nil
			_, cmd := m.quit()
			return cmd
		case key.Matches(k, km.SaveQuit):
			m.dialog = nil
			return m.saveRecording(true)
		case key.Matches(k, km.Cancel):
			m.dialog = nil
		}
	}
	return nil
}

// startReply opens the reply field for text-input button b (apns.md#V33,
// V43): the field stays in view until enter sends or esc cancels.
func (m *Model) startReply(b device.Button) tea.Cmd {
	if _, ok := m.phone.Current(); !ok {
		m.setStatus("nothing to reply to: no notification on this device")
		return nil
	}
	m.phone.replying = b.ID
	m.phone.reply.Placeholder = b.TextInputPlaceholder
	if m.phone.reply.Placeholder == "" {
		m.phone.reply.Placeholder = "Message"
	}
	m.phone.reply.SetValue("")
	m.setStatus(fmt.Sprintf("reply to %s: type, enter sends, esc cancels", b.Title))
	return m.phone.reply.Focus()
}

func (m *Model) replyKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "enter":
		action, text := m.phone.replying, m.phone.reply.Value()
		m.phone.replying = ""
		m.phone.reply.Blur()
		return m.tap(action, text)
	case "esc":
		m.phone.replying = ""
		m.phone.reply.Blur()
		m.setStatus("reply cancelled")
		return nil
	}
	var cmd tea.Cmd
	m.phone.reply, cmd = m.phone.reply.Update(k)
	return cmd
}

func (m *Model) filterKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "enter", "esc":
		if k.String() == "esc" {
			m.log.filter.SetValue("")
		}
		m.log.filtering = false
		m.log.filter.Blur()
		m.log.Follow()
		return nil
	}
	var cmd tea.Cmd
	m.log.filter, cmd = m.log.filter.Update(k)
	m.log.Follow()
	return cmd
}

// toggleRecording starts a recording, or stops it and writes the file.
func (m *Model) toggleRecording(quit bool) tea.Cmd {
	if m.rec == nil {
		m.rec = &recorder{started: m.opts.Now(), mark: m.opts.Backend.RecordStart()}
		m.setStatus("recording: send, tap, then ctrl+r again to save")
		return nil
	}
	if !m.rec.unsaved() {
		m.rec = nil
		m.setStatus("recording stopped: nothing to save")
		return nil
	}
	return m.saveRecording(quit)
}

// saveRecording writes the scenario in a command: file I/O stays off the
// UI goroutine.
func (m *Model) saveRecording(quit bool) tea.Cmd {
	rec := *m.rec
	path := filepath.Join(m.opts.RecordDir, fmt.Sprintf("pushsim-%s.yaml", rec.started.Format("20060102-150405")))
	b := m.opts.Backend
	opts := RecordingOptions{Name: "recorded " + rec.started.UTC().Format("2006-01-02 15:04:05"), FleetFile: m.opts.FleetFile, Dir: m.opts.RecordDir}
	return func() tea.Msg {
		return savedMsg{path: path, err: b.WriteRecording(rec.mark, path, opts), quit: quit}
	}
}
