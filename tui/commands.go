package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
	"github.com/pushsim/pushsim/sim/world"
)

// Messages from commands and from the event log.
type (
	// eventsMsg wakes the model: new events are in the log.
	eventsMsg struct{}
	// sendMsg is one send's outcome.
	sendMsg sendResult
	// tapMsg is a tap's outcome.
	tapMsg struct {
		device, action, text string
		err                  error
	}
	// setMsg is a state change's outcome.
	setMsg struct {
		what string
		err  error
	}
	// savedMsg reports a written recording.
	savedMsg struct {
		path string
		err  error
		quit bool
	}
)

// sendTimeout bounds one send; apns2 would wait 60 s.
const sendTimeout = 10 * time.Second

// waitEvents blocks, off the UI goroutine, until the log has news or ctx
// ends; Update re-arms it after each message.
func waitEvents(ctx context.Context, wake <-chan struct{}) tea.Cmd {
	if wake == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-wake:
			if !ok {
				return nil
			}
			return eventsMsg{}
		}
	}
}

func sendCmd(ctx context.Context, b Backend, now func() time.Time, r Request) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		at := now()
		resp, err := b.Send(ctx, r)
		return sendMsg{At: at, Request: r, Response: resp, Err: err}
	}
}

func tapCmd(ctx context.Context, b Backend, device, apnsID, action, text string, in device.Context) tea.Cmd {
	return func() tea.Msg {
		err := b.Tap(ctx, device, apnsID, action, text, in)
		return tapMsg{device: device, action: action, text: text, err: err}
	}
}

// setCmd runs one state change in a command, like every other call into
// the backend.
func setCmd(what string, f func() error) tea.Cmd {
	return func() tea.Msg { return setMsg{what: what, err: f()} }
}

// request builds the send to device d from the draft.
func (m *Model) request(d Device, dr Draft) (Request, error) {
	a := d.App(dr.Topic)
	if a == nil {
		a = d.App(m.opts.Bundle)
	}
	if a == nil {
		return Request{}, fmt.Errorf("%s has no app %s installed", d.Name, m.opts.Bundle)
	}
	return Request{Device: d.Name, BundleID: a.BundleID, Environment: a.Environment, Request: dr.apns(a.Token)}, nil
}

// send sends the composer's draft to the selected device, or to all.
func (m *Model) send(all bool) tea.Cmd {
	dr, err := m.composer.Draft()
	if err != nil {
		// The editor keeps the text; the error is shown inline.
		m.setStatus("not sent: fix the payload first (" + err.Error() + ")")
		return nil
	}
	if m.mode == ModeReal {
		return m.sendReal(dr)
	}
	var targets []Device
	if all {
		targets = m.fleet.devices
	} else if d, ok := m.fleet.Selected(); ok {
		targets = []Device{d}
	}
	reqs := make([]Request, 0, len(targets))
	for _, d := range targets {
		r, err := m.request(d, dr)
		if err != nil {
			m.responses.Add(sendResult{At: m.opts.Now(), Request: Request{Device: d.Name}, Err: err})
			continue
		}
		reqs = append(reqs, r)
	}
	cmds := make([]tea.Cmd, 0, len(reqs))
	for _, r := range reqs {
		cmds = append(cmds, sendCmd(m.ctx, m.opts.Backend, m.opts.Now, r))
	}
	m.setStatus(fmt.Sprintf("sending to %s…", plural(len(cmds), "device")))
	// One after the other, in fleet order: the log and the responses read
	// in the order of the fleet, and a send to all is a burst on one
	// HTTP/2 connection either way.
	return tea.Sequence(cmds...)
}

// tap answers the notification on the phone pane with action.
func (m *Model) tap(action, text string) tea.Cmd {
	s, ok := m.phone.Current()
	if !ok {
		m.setStatus("nothing to tap: no notification on this device")
		return nil
	}
	if s.State != string(world.NotificationShown) {
		m.setStatus(fmt.Sprintf("this notification is already %s: nothing to tap ([ and ] pick another)", s.State))
		return nil
	}
	// The tap happens where the user sees the notification: the context
	// on the phone pane, which may be the alert's second step.
	return tapCmd(m.ctx, m.opts.Backend, m.phone.device.Name, s.ApnsID, action, text, m.phone.shownContext())
}

// readEvents pulls everything new from the log, and the backend's sends
// when requests came in.
func (m *Model) readEvents() {
	const batch = 4096
	requests := 0
	for {
		evs, missed := m.opts.Backend.Events(m.lastSeq, batch)
		if len(evs) == 0 && missed == 0 {
			break
		}
		if len(evs) > 0 {
			m.lastSeq = evs[len(evs)-1].Seq
		}
		m.log.Append(evs, missed)
		if m.rec != nil {
			m.rec.count(evs)
		}
		for _, e := range evs {
			switch e.Kind {
			case world.EventRequest, world.EventRejected:
				requests++
			case world.EventPresented:
				m.noteArrival(e.ApnsID, e.Context)
			}
		}
		if len(evs) < batch {
			break
		}
	}
	if requests > 0 && m.keepsSends() {
		m.sendsDue += requests
		m.readSends()
	}
}

// keepsSends reports whether the Backend lists the fake APNs' requests
// (pushsim serve's does).
func (m *Model) keepsSends() bool {
	k, ok := m.opts.Backend.(interface{ KeepsSends() bool })
	return ok && k.KeepsSends()
}

// sendsRetry is how long Update waits before looking again for sends
// the log announced but the Backend had not listed yet, and maxSendsTries
// bounds how often it looks (20 × 25 ms).
const (
	sendsRetry    = 25 * time.Millisecond
	maxSendsTries = 20
)

// sendsMsg asks Update to look again for sends that are due.
type sendsMsg struct{}

// retrySends schedules another look while sends are due; a request event
// whose record never comes (none is kept for it) stops mattering after
// maxSendsTries.
func (m *Model) retrySends() tea.Cmd {
	if m.sendsDue == 0 || m.sendsTries >= maxSendsTries {
		m.sendsDue, m.sendsTries = 0, 0
		return nil
	}
	m.sendsTries++
	return tea.Tick(sendsRetry, func(time.Time) tea.Msg { return sendsMsg{} })
}

// noteArrival keeps the context a notification arrived in; the map is
// bounded like the log.
func (m *Model) noteArrival(apnsID string, c device.Context) {
	if apnsID == "" || c == "" {
		return
	}
	if len(m.arrival) >= 4*m.opts.LogSize {
		clear(m.arrival) // older notifications fall back to the phone's choice
	}
	m.arrival[apnsID] = c
}

// readSends adds what others (a backend, with --serve) sent to Responses;
// the TUI's own sends are there already, with the latency it measured.
func (m *Model) readSends() {
	for _, s := range m.opts.Backend.Sends(m.lastSend) {
		m.lastSend = s.Seq
		m.sendsDue = max(0, m.sendsDue-1)
		if m.responses.own[s.Response.ApnsID] {
			delete(m.responses.own, s.Response.ApnsID)
			continue
		}
		m.responses.Add(sendResult{At: s.At, Request: s.Request, Response: s.Response, Backend: true})
	}
}

// refresh re-reads the fleet and the selected device's notifications.
func (m *Model) refresh() {
	m.fleet.SetDevices(m.opts.Backend.Devices())
	if nw := m.fleet.nameWidth(); nw != m.log.deviceW {
		m.log.deviceW = nw
		m.SetSize(m.common.Width, m.common.Height) // the fleet's width follows its names
	}
	d, ok := m.fleet.Selected()
	if !ok {
		return
	}
	shown, err := m.opts.Backend.Notifications(d.Name)
	if err != nil {
		m.setStatus(err.Error())
	}
	for i := range shown {
		shown[i].Arrival, _ = m.arrivalOf(shown[i].ApnsID)
	}
	m.phone.SetDevice(d, shown)
	m.composer.findings = nil
	if dr, err := m.composer.Draft(); err == nil {
		m.composer.findings = lintDraft(dr, d.Version, d.App(m.opts.Bundle))
	}
	if m.overlay == overlayMatrix {
		m.updateMatrix()
	}
}

func (m *Model) updateMatrix() {
	dr, _ := m.composer.Draft()
	m.matrix.Update(m.fleet.devices, m.opts.Bundle, dr)
}

// lintDraft is lint.Lint for one version, as one line per finding, errors first
// as Lint orders them.
func lintDraft(d Draft, v device.Version, app *device.App) []string {
	fs := lint.Lint(d.Body, lint.Target{App: app, Versions: []device.Version{v}, PushType: d.PushType, Priority: d.Priority, Topic: d.Topic})
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	return out
}

// sendReal sends the draft to Apple, asking first for production; without
// credentials it says what is missing and sends nothing.
func (m *Model) sendReal(dr Draft) tea.Cmd {
	real := m.opts.Real
	if real == nil {
		m.responses.Add(sendResult{At: m.opts.Now(), Request: Request{Device: "real"}, Err: fmt.Errorf("real mode cannot send: %s", m.opts.RealMissing)})
		m.setStatus("real mode not configured")
		return nil
	}
	if m.production && m.dialog == nil {
		m.dialog = confirmProduction(false)
		return nil
	}
	r := Request{Device: "real", Request: dr.apns(real.Token)}
	now := m.opts.Now
	ctx := m.ctx
	m.setStatus("sending to Apple…")
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		at := now()
		resp, err := real.Send(ctx, r)
		return sendMsg{At: at, Request: r, Response: resp, Err: err}
	}
}
