package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pushsim/pushsim/sim/device"
)

// Update routes one message. Keys go to handleKey; results of commands
// update the panes; events re-arm the log subscription.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		if m.showMatrix {
			m.updateMatrix()
		}
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
	case eventsMsg:
		m.readEvents()
		m.refresh()
		return m, waitEvents(m.ctx, m.wake)
	case sendMsg:
		m.responses.Add(sendResult(msg))
		if m.rec != nil && msg.step >= 0 && msg.step < len(m.rec.steps) {
			o := SendOutcome{Device: msg.Request.Device, Response: msg.Err == nil, Status: msg.Response.Status, Reason: msg.Response.Reason,
				Screen: m.screenOf(msg.Request.Device, msg.Response.ApnsID)}
			if msg.Err != nil {
				o.Err = msg.Err.Error()
			}
			s := &m.rec.steps[msg.step]
			s.Outcomes = append(s.Outcomes, o)
		}
		m.status = ""
		m.readEvents()
		m.refresh()
	case tapMsg:
		m.status = fmt.Sprintf("tapped %s on %s", msg.action, msg.device)
		if msg.err != nil {
			m.status = msg.err.Error()
			if m.rec != nil && msg.step >= 0 && msg.step < len(m.rec.steps) {
				m.rec.steps[msg.step].Err = msg.err.Error()
			}
		}
		// The log is read here too, not only on the wake-up, so that what
		// the tap caused is on screen with its result.
		m.readEvents()
		m.refresh()
	case setMsg:
		m.status = msg.what
		if msg.err != nil {
			m.status = msg.err.Error()
		}
		m.refresh()
	case savedMsg:
		if msg.err != nil {
			m.status = "recording not saved: " + msg.err.Error()
			return m, nil
		}
		m.rec = nil
		m.status = "recorded " + msg.path
		if msg.quit {
			return m.quit()
		}
	case tea.MouseClickMsg:
		return m, m.click(msg.Mouse())
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if m.focus == paneComposer {
			return m, m.composer.Update(msg)
		}
	}
	return m, nil
}

func (m *Model) quit() (tea.Model, tea.Cmd) {
	m.Close()
	return m, tea.Quit
}

// handleKey dispatches a key press: the dialog, the text inputs and the
// composer take keys first; then the global keys; then the focused pane's.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	switch {
	case m.dialog != nil:
		return m.dialogKey(k)
	case key.Matches(k, km.ForceQuit):
		return m.requestQuit()
	case m.phone.replying != "":
		return m.replyKey(k)
	case m.log.filtering:
		return m.filterKey(k)
	}
	if cmd, ok := m.globalKey(k); ok {
		return cmd
	}
	if m.focus == paneComposer {
		if key.Matches(k, km.Cancel) {
			m.setFocus(panePhone)
			return nil
		}
		return m.composer.Update(k)
	}
	return m.paneKey(k)
}

func (m *Model) requestQuit() tea.Cmd {
	if m.rec != nil && m.rec.unsaved(m.lastSeq) {
		m.dialog = confirmQuit()
		return nil
	}
	_, cmd := m.quit()
	return cmd
}

// globalKey handles the keys that work in every pane, the editor included.
func (m *Model) globalKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := m.common.Keys
	switch {
	case key.Matches(k, km.Send):
		return m.send(m.toAll), true
	case key.Matches(k, km.Target):
		m.toAll = !m.toAll
		m.composer.toAll = m.toAll
	case key.Matches(k, km.Template):
		m.composer.NextTemplate()
		m.refresh()
	case key.Matches(k, km.NextPane):
		m.setFocus((m.focus + 1) % paneCount)
	case key.Matches(k, km.PrevPane):
		m.setFocus((m.focus + paneCount - 1) % paneCount)
	case key.Matches(k, km.Mode):
		m.toggleMode()
	case key.Matches(k, km.Environment):
		if m.opts.Real != nil {
			m.status = "the environment is set by --sandbox / --production"
			return nil, true
		}
		m.production = !m.production
		m.status = map[bool]string{true: "environment: production", false: "environment: sandbox"}[m.production]
	case key.Matches(k, km.Record):
		return m.toggleRecording(false), true
	default:
		return nil, false
	}
	return nil, true
}

func (m *Model) toggleMode() {
	if m.mode == ModeSim {
		m.mode = ModeReal
		m.status = "real mode: sends go to Apple"
		if m.opts.Real == nil {
			m.status = "real mode: " + m.opts.RealMissing
		}
		return
	}
	m.mode = ModeSim
	m.status = "sim mode"
}

func (m *Model) setFocus(p pane) {
	if m.focus == paneComposer && p != paneComposer {
		m.composer.Blur()
	}
	m.focus = p
	if p == paneComposer {
		m.composer.Focus()
	}
}

// paneKey handles the keys of the fleet, phone and log panes.
func (m *Model) paneKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	switch {
	case key.Matches(k, km.Quit):
		return m.requestQuit()
	case key.Matches(k, km.Help):
		m.showHelp = !m.showHelp
	case key.Matches(k, km.Cancel):
		m.showHelp, m.showMatrix, m.explain = false, false, ""
	case key.Matches(k, km.Explain):
		if m.explain != "" {
			m.explain = ""
		} else {
			m.explain = m.phone.noteRules(m.common.Width - 4)
		}
	case key.Matches(k, km.Matrix):
		m.showMatrix = !m.showMatrix
		m.updateMatrix()
	case key.Matches(k, km.Up), key.Matches(k, km.Down):
		m.move(k)
	case key.Matches(k, km.Buttons):
		i := int(k.Code - '1')
		if action, ok := m.phone.Button(i); ok {
			return m.tap(action, "")
		}
		m.status = fmt.Sprintf("no button %d on this screen", i+1)
	case key.Matches(k, km.Body):
		return m.tap(ActionDefault, "")
	case key.Matches(k, km.Dismiss):
		return m.tap(ActionDismiss, "")
	case key.Matches(k, km.Reply):
		return m.startReply()
	case key.Matches(k, km.PrevCtx):
		m.phone.CycleContext(-1)
	case key.Matches(k, km.NextCtx):
		m.phone.CycleContext(1)
	case key.Matches(k, km.Older):
		m.phone.Step(-1)
	case key.Matches(k, km.Newer):
		m.phone.Step(1)
	case key.Matches(k, km.Lock), key.Matches(k, km.AppState), key.Matches(k, km.Permission):
		return m.setState(k)
	case key.Matches(k, km.Filter):
		m.log.filtering = true
		return m.log.filter.Focus()
	case key.Matches(k, km.OnlyDevice):
		m.toggleOnlyDevice()
	case key.Matches(k, km.Follow):
		m.log.Follow()
	}
	return nil
}

func (m *Model) move(k tea.KeyPressMsg) {
	delta := 1
	if key.Matches(k, m.common.Keys.Up) {
		delta = -1
	}
	switch {
	case m.showMatrix:
		m.matrix.Scroll(delta)
	case m.focus == paneLog:
		m.log.Scroll(-delta)
	default:
		m.fleet.Move(delta)
		m.refresh()
	}
}

func (m *Model) toggleOnlyDevice() {
	if m.log.onlyDevice != "" {
		m.log.onlyDevice = ""
		return
	}
	if d, ok := m.fleet.Selected(); ok {
		m.log.onlyDevice = d.Name
	}
}

// setState changes the selected device: lock, app state or permission.
func (m *Model) setState(k tea.KeyPressMsg) tea.Cmd {
	d, ok := m.fleet.Selected()
	if !ok {
		return nil
	}
	b, km := m.opts.Backend, m.common.Keys
	step := RecordedStep{Kind: "set", At: m.opts.Now(), Device: d.Name}
	var cmd tea.Cmd
	if key.Matches(k, km.Lock) {
		locked := !d.Locked
		step.Locked = &locked
		cmd = setCmd(fmt.Sprintf("%s locked=%v", d.Name, locked), func() error { return b.SetLocked(d.Name, locked) })
	} else {
		a := d.App(m.opts.Bundle)
		if a == nil {
			m.status = fmt.Sprintf("%s has no app %s", d.Name, m.opts.Bundle)
			return nil
		}
		step.App = a.BundleID
		if key.Matches(k, km.AppState) {
			s := nextAppState(a.State)
			step.AppState = string(s)
			cmd = setCmd(fmt.Sprintf("%s app %s", d.Name, s), func() error { return b.SetAppState(d.Name, a.BundleID, s) })
		} else {
			p := nextPermission(a.Permission)
			step.Permission = string(p)
			cmd = setCmd(fmt.Sprintf("%s permission %s", d.Name, p), func() error { return b.SetPermission(d.Name, a.BundleID, p) })
		}
	}
	if m.rec != nil {
		m.rec.add(step)
	}
	return cmd
}

// screenOf is what device shows for apnsID in the context the phone pane
// would pick, for a recording's expect_screen.
func (m *Model) screenOf(device, apnsID string) *device.Presentation {
	shown, err := m.opts.Backend.Notifications(device)
	if err != nil || apnsID == "" {
		return nil
	}
	for _, s := range shown {
		if s.ApnsID != apnsID {
			continue
		}
		ph := phonePane{device: Device{Name: device}, shown: []Shown{s}, index: -1}
		for _, d := range m.fleet.devices {
			if d.Name == device {
				ph.device = d
			}
		}
		if p, ok := ph.Presentation(); ok {
			return &p
		}
	}
	return nil
}
