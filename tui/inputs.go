package tui

import (
	"fmt"
	"path/filepath"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// click focuses the pane under the mouse; on the phone it taps what is
// under it, on the fleet it selects the row.
func (m *Model) click(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft || m.dialog != nil || m.showHelp || m.showMatrix {
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
			if action, ok := m.phone.Hit(x, y); ok {
				return m.tap(action, "")
			}
		}
		return nil
	}
	return nil
}

// wheel scrolls the log, the matrix or the fleet.
func (m *Model) wheel(ms tea.Mouse) {
	delta := 3
	if ms.Button == tea.MouseWheelUp {
		delta = -3
	}
	switch {
	case m.showMatrix:
		m.matrix.Scroll(delta)
	case m.rects[paneLog].contains(ms.X, ms.Y):
		m.log.Scroll(-delta)
	case m.rects[paneFleet].contains(ms.X, ms.Y):
		m.fleet.Move(delta / 3)
		m.refresh()
	}
}

func (m *Model) dialogKey(k tea.KeyPressMsg) tea.Cmd {
	d := m.dialog
	switch d.kind {
	case dialogProduction:
		switch {
		case key.Matches(k, m.common.Keys.Confirm):
			cmd := m.send(d.all) // the dialog is still set: send goes on
			m.dialog = nil
			return cmd
		case k.String() == "n", key.Matches(k, m.common.Keys.Cancel):
			m.dialog = nil
			m.status = "not sent"
		}
	case dialogQuit:
		switch k.String() {
		case "s":
			m.dialog = nil
			return m.saveRecording(true)
		case "d":
			m.dialog = nil
			m.rec = nil
			_, cmd := m.quit()
			return cmd
		case "esc":
			m.dialog = nil
		}
	}
	return nil
}

// startReply opens the reply input for the text-input action on screen
// (apns.md#V33, V43).
func (m *Model) startReply() tea.Cmd {
	b, ok := m.phone.TextInputAction()
	if !ok {
		m.status = "no text-input action on this screen"
		return nil
	}
	m.phone.replying = b.ID
	m.phone.reply.Placeholder = b.TextInputPlaceholder
	if m.phone.reply.Placeholder == "" {
		m.phone.reply.Placeholder = "Message"
	}
	m.phone.reply.SetValue("")
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
		names := make([]string, len(m.fleet.devices))
		for i, d := range m.fleet.devices {
			names[i] = d.Name
		}
		m.rec = newRecorder(m.opts.Now(), m.opts.FleetFile, names)
		if sw, ok := m.opts.Backend.(ScenarioWriter); ok {
			mark := sw.RecordStart()
			m.rec.mark = &mark
		}
		m.status = "recording: send, tap, then ctrl+r again to save"
		return nil
	}
	if !m.rec.unsaved(m.lastSeq) {
		m.rec = nil
		m.status = "recording stopped: nothing to save"
		return nil
	}
	return m.saveRecording(quit)
}

// saveRecording writes the scenario in a command: file I/O stays off the
// UI goroutine.
func (m *Model) saveRecording(quit bool) tea.Cmd {
	rec := *m.rec
	rec.steps = append([]RecordedStep(nil), m.rec.steps...)
	path := filepath.Join(m.opts.RecordDir, fmt.Sprintf("pushsim-%s.yaml", rec.started.Format("20060102-150405")))
	sw, ok := m.opts.Backend.(ScenarioWriter)
	return func() tea.Msg {
		var err error
		if ok && rec.mark != nil {
			err = sw.WriteRecording(*rec.mark, path, "recorded "+rec.started.UTC().Format("2006-01-02 15:04:05"))
		} else {
			err = writeScenario(path, &rec)
		}
		return savedMsg{path: path, err: err, quit: quit}
	}
}
