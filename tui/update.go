package tui

import (
	"fmt"
	"strings"

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
		if m.overlay == overlayMatrix {
			m.updateMatrix()
		}
		if m.overlay == overlayHelp {
			m.pager.setLines(m.helpLines(m.common.Width - 2))
		}
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
	case eventsMsg:
		m.readEvents()
		m.refresh()
		return m, tea.Batch(waitEvents(m.ctx, m.wake), m.retrySends())
	case sendsMsg:
		m.readSends()
		return m, m.retrySends()
	case sendMsg:
		m.responses.Add(sendResult(msg))
		if msg.Err == nil {
			m.responses.own[msg.Response.ApnsID] = true
		}
		m.status = ""
		m.readEvents()
		m.refresh()
	case tapMsg:
		m.setStatus(fmt.Sprintf("tapped %s on %s", msg.action, msg.device))
		if msg.err != nil {
			m.setStatus(msg.err.Error())
		}
		// The log is read here too, not only on the wake-up, so that what
		// the tap caused is on screen with its result.
		m.readEvents()
		m.refresh()
	case setMsg:
		m.setStatus(msg.what)
		if msg.err != nil {
			m.setStatus(msg.err.Error())
		}
		m.refresh()
	case savedMsg:
		if msg.err != nil {
			m.setStatus("recording not saved: " + msg.err.Error())
			return m, nil
		}
		m.rec = nil
		m.setStatus("recorded " + msg.path)
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
		switch {
		case m.tooSmall() || m.dialog != nil || m.overlay != overlayNone:
		case m.phone.replying != "":
			var cmd tea.Cmd
			m.phone.reply, cmd = m.phone.reply.Update(msg)
			return m, cmd
		case m.focus == paneComposer:
			return m, m.composer.Update(msg)
		}
	}
	return m, nil
}

func (m *Model) quit() (tea.Model, tea.Cmd) {
	m.Close()
	return m, tea.Quit
}

// handleKey dispatches a key press to what has the keyboard, in this
// order: a too-small screen, a dialog, an overlay, a text field (reply,
// filter), the keys that work everywhere, the composer, the focused pane.
// Each of the first five takes every key: nothing reaches what is hidden
// behind it.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	switch {
	case m.tooSmall():
		// Nothing can be seen: only quitting works.
		if key.Matches(k, km.Quit) || key.Matches(k, km.ForceQuit) {
			return m.requestQuit()
		}
		return nil
	case m.dialog != nil:
		return m.dialogKey(k)
	case m.overlay != overlayNone:
		return m.overlayKey(k)
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
		if key.Matches(k, km.LeaveEditor) {
			m.setFocus(panePhone)
			return nil
		}
		return m.composer.Update(k)
	}
	return m.paneKey(k)
}

// overlayKey is every key while the help, the matrix, a detail or the
// message history is open: they scroll it or close it, nothing else.
func (m *Model) overlayKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	switch {
	case key.Matches(k, km.ForceQuit):
		m.overlay = overlayNone
		return m.requestQuit()
	case key.Matches(k, km.Close),
		m.overlay == overlayHelp && key.Matches(k, km.Help),
		m.overlay == overlayMatrix && key.Matches(k, km.Matrix),
		m.overlay == overlayMessages && key.Matches(k, km.Messages),
		m.overlay == overlayRules && key.Matches(k, km.Explain),
		m.overlay == overlayFaults && key.Matches(k, km.Faults):
		m.overlay = overlayNone
	case m.overlay == overlayFaults:
		return m.faultsKey(k)
	case m.overlay == overlayMatrix:
		m.matrix.pager.key(km, k)
	default:
		m.pager.key(km, k)
	}
	return nil
}

// openPager shows lines in an overlay titled title, from the top.
func (m *Model) openPager(o overlay, title string, lines []string) {
	m.overlay, m.pagerTitle = o, title
	m.pager = pager{height: m.pager.height}
	m.pager.setLines(lines)
}

func (m *Model) requestQuit() tea.Cmd {
	if m.rec != nil && m.rec.unsaved() {
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
		m.setStatus("real mode: sends go to Apple")
		if m.opts.Real == nil {
			m.setStatus("real mode: " + m.opts.RealMissing)
		}
		return
	}
	m.mode = ModeSim
	m.setStatus("sim mode")
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

// paneKey handles the keys of the fleet, phone, responses and log panes:
// first the overlays' keys, then the focused pane's own.
func (m *Model) paneKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	switch {
	case key.Matches(k, km.Quit):
		return m.requestQuit()
	case key.Matches(k, km.Help):
		m.openPager(overlayHelp, "Help", m.helpLines(m.common.Width-2))
		return nil
	case key.Matches(k, km.Matrix):
		m.overlay = overlayMatrix
		m.matrix.pager.offset = 0
		m.updateMatrix()
		return nil
	case key.Matches(k, km.Explain):
		m.openPager(overlayRules, "Rules behind the notes", strings.Split(m.phone.noteRules(m.common.Width-2), "\n"))
		return nil
	case key.Matches(k, km.Faults):
		m.openFaults()
		return nil
	case key.Matches(k, km.Messages):
		m.openPager(overlayMessages, "Messages (newest last)", m.messageLines())
		m.pager.offset = m.pager.maxOffset()
		return nil
	}
	switch m.focus {
	case paneLog:
		return m.logKey(k)
	case paneResponses:
		return m.responsesKey(k)
	}
	return m.deviceKey(k)
}

// deviceKey is a key of the fleet or the phone pane: select a device,
// change its state, tap what the phone shows.
func (m *Model) deviceKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	switch {
	case key.Matches(k, km.Up):
		m.fleet.Move(-1)
		m.refresh()
	case key.Matches(k, km.Down):
		m.fleet.Move(1)
		m.refresh()
	// PgUp/PgDn scroll the phone's drawing from the fleet too: its "↓ 3
	// more (pgdn)" line is right for both panes.
	case key.Matches(k, km.PageUp):
		m.phone.Scroll(-max(1, m.phone.bodyHeight()-1))
	case key.Matches(k, km.PageDown):
		m.phone.Scroll(max(1, m.phone.bodyHeight()-1))
	case key.Matches(k, km.Buttons):
		return m.tapButton(int(k.Code - '1'))
	case key.Matches(k, km.Body):
		return m.tap(ActionDefault, "")
	case key.Matches(k, km.Dismiss):
		return m.tap(ActionDismiss, "")
	case key.Matches(k, km.Reply):
		b, ok := m.phone.TextInputAction()
		if !ok {
			m.setStatus("no text-input action on this screen")
			return nil
		}
		return m.startReply(b)
	case key.Matches(k, km.PrevCtx):
		m.phone.CycleContext(-1)
	case key.Matches(k, km.NextCtx):
		m.phone.CycleContext(1)
	case key.Matches(k, km.Older):
		m.phone.Step(-1)
	case key.Matches(k, km.Newer):
		m.phone.Step(1)
	case key.Matches(k, km.Lock), key.Matches(k, km.AppState), key.Matches(k, km.Permission),
		key.Matches(k, km.Offline), key.Matches(k, km.Focus), key.Matches(k, km.Previews):
		return m.setState(k)
	}
	return nil
}

// tapButton taps button i (0-based) of the phone's drawing: only a
// button the user can see, and a text-input button opens the reply field
// as iOS opens the keyboard (apns.md#V33, V43).
func (m *Model) tapButton(i int) tea.Cmd {
	b, err := m.phone.Button(i)
	if err != nil {
		m.setStatus(err.Error())
		return nil
	}
	if b.TextInput {
		return m.startReply(b)
	}
	return m.tap(tapAction(b.ID), "")
}

func (m *Model) logKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	l := m.log
	switch {
	case key.Matches(k, km.Up):
		l.Move(1)
	case key.Matches(k, km.Down):
		l.Move(-1)
	case key.Matches(k, km.PageUp):
		l.Move(l.rows())
	case key.Matches(k, km.PageDown):
		l.Move(-l.rows())
	case key.Matches(k, km.Home):
		l.Move(len(l.events))
	case key.Matches(k, km.Follow):
		l.Follow()
	case key.Matches(k, km.Detail):
		if e, ok := l.Selected(); ok {
			m.openPager(overlayDetail, fmt.Sprintf("Event %d", e.Seq), m.eventDetail(e))
		}
	case key.Matches(k, km.Filter):
		l.filtering = true
		return l.filter.Focus()
	case key.Matches(k, km.OnlyDevice):
		m.toggleOnlyDevice()
	case key.Matches(k, km.ClearFilter):
		if l.filter.Value() != "" || l.onlyDevice != "" {
			l.filter.SetValue("")
			l.onlyDevice = ""
			l.Follow()
			m.setStatus("log filter cleared")
		}
	}
	return nil
}

func (m *Model) responsesKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.common.Keys
	r := m.responses
	switch {
	case key.Matches(k, km.Up):
		r.Move(-1)
	case key.Matches(k, km.Down):
		r.Move(1)
	case key.Matches(k, km.PageUp):
		r.Move(-r.Height)
	case key.Matches(k, km.PageDown):
		r.Move(r.Height)
	case key.Matches(k, km.Home):
		r.Move(-len(r.results))
	case key.Matches(k, km.End):
		r.Follow()
	case key.Matches(k, km.Detail):
		if res, ok := r.Selected(); ok {
			m.openPager(overlayDetail, "Send to "+res.Request.Device, m.responseDetail(res))
		}
	}
	return nil
}

func (m *Model) toggleOnlyDevice() {
	if m.log.onlyDevice != "" {
		m.log.onlyDevice = ""
		m.log.Follow()
		return
	}
	if d, ok := m.fleet.Selected(); ok {
		m.log.onlyDevice = d.Name
		m.log.Follow()
	}
}

// setState changes the selected device: lock, app state or permission.
func (m *Model) setState(k tea.KeyPressMsg) tea.Cmd {
	d, ok := m.fleet.Selected()
	if !ok {
		return nil
	}
	b, km := m.opts.Backend, m.common.Keys
	switch {
	case key.Matches(k, km.Lock):
		locked := !d.Locked
		return setCmd(fmt.Sprintf("%s locked=%v", d.Name, locked), func() error { return b.SetLocked(d.Name, locked) })
	case key.Matches(k, km.Offline):
		off := !d.Offline
		return setCmd(fmt.Sprintf("%s offline=%v", d.Name, off), func() error { return b.SetOffline(d.Name, off) })
	case key.Matches(k, km.Focus):
		name := ""
		if d.Focus == "" {
			name = focusName
		}
		return setCmd(fmt.Sprintf("%s Focus %q", d.Name, name), func() error { return b.SetFocus(d.Name, name) })
	case key.Matches(k, km.Previews):
		p := nextPreviews(previews(d))
		return setCmd(fmt.Sprintf("%s show previews %s", d.Name, p), func() error { return b.SetShowPreviews(d.Name, p) })
	}
	a := d.App(m.opts.Bundle)
	if a == nil {
		m.setStatus(fmt.Sprintf("%s has no app %s", d.Name, m.opts.Bundle))
		return nil
	}
	if key.Matches(k, km.AppState) {
		s := nextAppState(a.State)
		return setCmd(fmt.Sprintf("%s app %s", d.Name, s), func() error { return b.SetAppState(d.Name, a.BundleID, s) })
	}
	p := nextPermission(a.Permission)
	return setCmd(fmt.Sprintf("%s permission %s", d.Name, p), func() error { return b.SetPermission(d.Name, a.BundleID, p) })
}

// arrivalOf is the context a notification arrived in, if the log said.
func (m *Model) arrivalOf(apnsID string) (device.Context, bool) {
	c, ok := m.arrival[apnsID]
	return c, ok
}
