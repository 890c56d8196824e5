package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// RecordOptions says how Record turns a live session into a scenario.
type RecordOptions struct {
	// Name and Description of the scenario written.
	Name, Description string
	// Fleet is the session's fleet as it was when the stretch began; it is
	// written into the scenario. Nil leaves the default fleet.
	Fleet []*device.Device
	// Base is the fleet the session started from: device.DefaultFleet(), or
	// the devices of FleetFile. When Fleet is Base with only some state
	// changed (locks, app states, permissions, an open chat, an
	// uninstall), the scenario refers to Base (fleet_file: FleetFile, or
	// nothing for the default fleet) and begins with set steps for the
	// changes, rather than copying every device.
	Base []*device.Device
	// FleetFile is where Base was read from, as the scenario should name
	// it (relative to the scenario); "" for the default fleet.
	FleetFile string
	// Payload returns the body sent with an apns-id; PayloadsFromWorld
	// reads it from the world's devices. A request whose body is unknown
	// is recorded with an empty aps dictionary.
	Payload func(apnsID string) ([]byte, bool)
}

// PayloadsFromWorld looks up a delivered notification's body by apns-id
// on every device of w.
func PayloadsFromWorld(w *world.World) func(string) ([]byte, bool) {
	return func(apnsID string) ([]byte, bool) {
		for _, d := range w.Devices() {
			notes, err := w.Notifications(d.Name)
			if err != nil {
				continue
			}
			for _, n := range notes {
				if n.ApnsID == apnsID && len(n.Notification.Payload.Raw) > 0 {
					return n.Notification.Payload.Raw, true
				}
			}
		}
		return nil, false
	}
}

// Record turns a stretch of the event log into a scenario: each request
// becomes a send step with an expect_response; what the device shows, an
// expect_screen; each tap, reply, dismissal or state change, a step of its
// own; what followed it (actions, completions, watchdogs, webhooks, deep
// links), an expect_events; and the time between them, advance steps. The
// result replays with Run against the same fleet.
func Record(events []world.Event, opts RecordOptions) *Scenario {
	rec := &recorder{opts: opts, lastSend: -1, burst: -1}
	for _, ev := range events {
		rec.add(ev)
	}
	rec.flush()
	rec.allDevices()
	s := &Scenario{Name: opts.Name, Description: opts.Description, Steps: rec.steps}
	if s.Name == "" {
		s.Name = "recorded session"
	}
	if opts.Fleet != nil {
		if sets, ok := fleetChanges(opts.Base, opts.Fleet); ok {
			s.FleetFile = opts.FleetFile
			s.Steps = append(sets, s.Steps...)
			s.devices = opts.Base
		} else {
			s.Fleet = &device.FleetFile{Devices: opts.Fleet}
			s.devices = opts.Fleet
		}
	}
	return s
}

// fleetChanges is the set steps that turn base into fleet, when the two
// have the same devices and apps and differ only in what set steps
// change; ok is false otherwise.
func fleetChanges(base, fleet []*device.Device) (sets []Step, ok bool) {
	if base == nil || len(base) != len(fleet) {
		return nil, false
	}
	for i, b := range base {
		f := fleet[i]
		if b.Name != f.Name || b.Model != f.Model || b.Version.String() != f.Version.String() || len(b.Apps) != len(f.Apps) {
			return nil, false
		}
		if b.Locked != f.Locked {
			locked := f.Locked
			sets = append(sets, Step{Set: &SetStep{Target: Target{Device: f.Name}, Locked: &locked}})
		}
		for j, ba := range b.Apps {
			fa := *f.Apps[j]
			t := Target{Device: f.Name, App: fa.BundleID}
			set := &SetStep{Target: t}
			if ba.State != fa.State {
				st := fa.State
				set.AppState = &st
			}
			if ba.Permission != fa.Permission {
				p := fa.Permission
				set.Permission = &p
			}
			if ba.ChatOpen != fa.ChatOpen {
				c := fa.ChatOpen
				set.ChatOpen = &c
			}
			set.Uninstalled = fa.Uninstalled && !ba.Uninstalled
			// Everything else must be as the base has it.
			fa.State, fa.Permission, fa.ChatOpen = ba.State, ba.Permission, ba.ChatOpen
			fa.Uninstalled, fa.UninstalledAt = ba.Uninstalled, ba.UninstalledAt
			if !reflect.DeepEqual(*ba, fa) {
				return nil, false
			}
			if set.AppState != nil || set.Permission != nil || set.ChatOpen != nil || set.Uninstalled {
				sets = append(sets, Step{Set: set})
			}
		}
	}
	return sets, true
}

// allDevices writes a send that reached every device of the fleet as
// "devices: all".
func (rc *recorder) allDevices() {
	if rc.opts.Fleet == nil {
		return
	}
	names := make([]string, len(rc.opts.Fleet))
	for i, d := range rc.opts.Fleet {
		names[i] = d.Name
	}
	for _, st := range rc.steps {
		if st.Send != nil && len(st.Send.Devices) > 1 && slices.Equal(st.Send.Devices, names) {
			st.Send.Devices = Devices{AllDevices}
		}
	}
}

// recorder accumulates steps; pending holds the consequences of the last
// user step until the next one.
type recorder struct {
	opts    RecordOptions
	steps   []Step
	clock   time.Time // time of the last step written
	pending []EventMatch
	until   time.Time // time of the latest pending consequence
	prefix  []world.Event
	// lastSend is the index of the latest send step until a delivery
	// tells its time, else -1.
	lastSend int
	// burst is the index of the latest send step while nothing but its
	// answers and screens followed it, else -1: a request with the same
	// body and answer joins it (a send to several devices is one step).
	burst     int
	burstBody []byte
}

// Kinds that are consequences of a user step rather than steps.
var consequenceKinds = map[world.EventKind]bool{
	world.EventAction: true, world.EventCompletion: true, world.EventDoubleCompletion: true,
	world.EventWatchdog: true, world.EventWebhook: true, world.EventDeepLink: true,
	world.EventUnlock: true, world.EventWake: true,
}

func (rc *recorder) add(ev world.Event) {
	switch ev.Kind {
	case world.EventRequest, world.EventRejected:
		if rc.join(ev) {
			return
		}
		rc.flush()
		rc.lastSend = -1
		rc.send(ev)
	case world.EventDelivered:
		rc.sendTime(ev.Time)
	case world.EventPresented:
		rc.screen(ev)
	case world.EventSuppressed:
		rc.steps = append(rc.steps, Step{ExpectScreen: &ScreenExpect{Target: Target{Device: ev.Device, App: ev.App}, State: string(world.NotificationSuppressed)}})
	case world.EventDismissed:
		rc.user(ev, Step{Dismiss: &TapStep{Target: Target{Device: ev.Device}}})
	case world.EventAction:
		if ev.Action == device.UNNotificationDismissActionIdentifier {
			rc.consequence(ev) // told of a dismissal recorded just before
			return
		}
		action := ev.Action
		if action == device.UNNotificationDefaultActionIdentifier {
			action = device.KeyDefault
		}
		st := Step{Tap: &TapStep{Target: Target{Device: ev.Device}, Action: action}}
		if ev.Text != "" {
			st = Step{Reply: &TapStep{Target: Target{Device: ev.Device}, Action: action, Text: ev.Text}}
		}
		// An unlock logged just before the action is part of the same
		// tap (apns.md#V33).
		prefix := rc.prefix
		rc.prefix = nil
		rc.user(ev, st)
		for _, p := range prefix {
			rc.consequence(p)
		}
		rc.consequence(ev)
	case world.EventUnlock:
		rc.prefix = append(rc.prefix, ev)
	case world.EventAppState:
		// Other changes of app state follow from taps, set steps and
		// watchdogs, which the replay plays again.
		if st, ok := setFromAppState(ev); ok {
			rc.user(ev, st)
		}
	case world.EventNote:
		if st, ok := setFromNote(ev); ok {
			rc.user(ev, st)
		}
	default:
		if consequenceKinds[ev.Kind] {
			rc.consequence(ev)
		}
	}
}

// join adds the request ev to the send step of the burst it belongs to:
// the same app and body, the same answer, nothing but the burst's own
// answers and screens in between.
func (rc *recorder) join(ev world.Event) bool {
	if rc.burst < 0 || len(rc.pending) > 0 || len(rc.prefix) > 0 || ev.Device == "" {
		return false
	}
	send := rc.steps[rc.burst].Send
	resp := rc.steps[rc.burst+1].ExpectResponse
	body := rc.body(ev)
	status := ev.Status
	if status == 0 && ev.Kind == world.EventRequest {
		status = 200
	}
	if send.Token != "" || send.App != ev.App || !bytes.Equal(body, rc.burstBody) || resp.Status != status || *resp.Reason != ev.Reason {
		return false
	}
	devices := send.Devices
	if send.Device != "" {
		devices = Devices{send.Device}
	}
	if slices.Contains(devices, ev.Device) {
		return false
	}
	send.Device, send.Devices = "", append(devices, ev.Device)
	return true
}

// body is the request's payload as sent, when known.
func (rc *recorder) body(ev world.Event) []byte {
	if rc.opts.Payload == nil || ev.ApnsID == "" {
		return nil
	}
	b, _ := rc.opts.Payload(ev.ApnsID)
	return b
}

// user writes a user step at ev's time, after the pending expectations
// and the time that passed.
func (rc *recorder) user(ev world.Event, st Step) {
	rc.burst = -1
	rc.flush()
	rc.advanceTo(ev.Time)
	rc.steps = append(rc.steps, st)
}

// consequence adds an expectation for ev to the pending expect_events.
func (rc *recorder) consequence(ev world.Event) {
	m := EventMatch{Kind: ev.Kind, Device: ev.Device}
	switch ev.Kind {
	case world.EventAction:
		m.Action, m.Callback = ev.Action, ev.Callback
		if ev.Text != "" {
			t := ev.Text
			m.Text = &t
		}
	case world.EventCompletion, world.EventDoubleCompletion, world.EventUnlock:
		m.Action = ev.Action
	case world.EventWebhook:
		m.HTTPStatus = ev.HTTPStatus
	case world.EventDeepLink:
		m.URL = ev.URL
	}
	rc.pending = append(rc.pending, m)
	if ev.Time.After(rc.until) {
		rc.until = ev.Time
	}
}

// flush writes the pending expectations as one expect_events, advancing
// the clock to the last of them.
func (rc *recorder) flush() {
	for _, p := range rc.prefix {
		rc.consequence(p)
	}
	rc.prefix = nil
	if len(rc.pending) == 0 {
		return
	}
	e := &EventsExpect{Events: rc.pending}
	if d := roundUp(rc.until.Sub(rc.clock)); d > 0 && !rc.clock.IsZero() {
		dd := Duration(d)
		e.Within = &dd
		rc.clock = rc.clock.Add(d)
	}
	rc.steps = append(rc.steps, Step{ExpectEvents: e})
	rc.pending = nil
}

// advanceTo writes an advance step for the time since the last step.
func (rc *recorder) advanceTo(t time.Time) {
	if t.IsZero() {
		return
	}
	if rc.clock.IsZero() {
		rc.clock = t
		return
	}
	if d := t.Sub(rc.clock); d >= time.Millisecond {
		dd := Duration(d.Round(time.Millisecond))
		rc.steps = append(rc.steps, Step{Advance: &dd})
		rc.clock = rc.clock.Add(time.Duration(dd))
	}
}

// roundUp rounds a wait up to the millisecond, so the events it waits for
// are due when the replay checks them.
func roundUp(d time.Duration) time.Duration {
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return d
}

// send writes a send step and what APNs answered. Request events carry
// the server's (wall) time, so they do not move the recorded clock.
func (rc *recorder) send(ev world.Event) {
	st := &SendStep{Target: Target{Device: ev.Device}}
	if ev.Device == "" {
		st.Token = ev.Token
	}
	if ev.Device != "" && ev.App != "" {
		st.App = ev.App
	}
	body := rc.body(ev)
	var payload map[string]any
	if len(body) == 0 || json.Unmarshal(body, &payload) != nil || payload == nil {
		payload = map[string]any{"aps": map[string]any{}}
	}
	st.Payload = payload
	status := ev.Status
	if status == 0 && ev.Kind == world.EventRequest {
		status = 200
	}
	reason := ev.Reason
	rc.lastSend = len(rc.steps)
	rc.burst, rc.burstBody = len(rc.steps), body
	rc.steps = append(rc.steps, Step{Send: st}, Step{ExpectResponse: &ResponseExpect{Status: status, Reason: &reason}})
}

// sendTime places the time that passed before the latest send, now that
// its delivery (stamped by the world's clock) tells when it happened.
func (rc *recorder) sendTime(t time.Time) {
	i := rc.lastSend
	rc.lastSend = -1
	if i < 0 || t.IsZero() {
		return
	}
	if rc.clock.IsZero() {
		rc.clock = t
		return
	}
	if d := t.Sub(rc.clock); d >= time.Millisecond {
		dd := Duration(d.Round(time.Millisecond))
		rc.steps = append(rc.steps[:i], append([]Step{{Advance: &dd}}, rc.steps[i:]...)...)
		rc.clock = rc.clock.Add(time.Duration(dd))
		if rc.burst >= i {
			rc.burst++
		}
	}
}

// screen writes what a delivery showed in its primary context.
func (rc *recorder) screen(ev world.Event) {
	e := &ScreenExpect{Target: Target{Device: ev.Device}, Context: ev.Context}
	if p := ev.Presentation; p != nil {
		if e.Context == "" {
			e.Context = p.Context
		}
		e.Style = string(p.Style)
		body := p.Body
		e.Body = &body
		if p.Title != "" {
			title := p.Title
			e.Title = &title
		}
		buttons := []string{}
		for _, b := range p.Buttons {
			buttons = append(buttons, b.Title)
		}
		e.Buttons = &buttons
	}
	if e.Context == "" {
		e.State = string(world.NotificationShown)
	}
	rc.steps = append(rc.steps, Step{ExpectScreen: e})
}

// setFromNote recognises the notes world.World logs for the user's changes
// of device and app state. The wording is sim's; the round-trip test
// catches a change.
func setFromNote(ev world.Event) (Step, bool) {
	yes, no := true, false
	t := Target{Device: ev.Device, App: ev.App}
	switch {
	case ev.Message == "device locked":
		return Step{Set: &SetStep{Target: Target{Device: ev.Device}, Locked: &yes}}, true
	case ev.Message == "device unlocked":
		return Step{Set: &SetStep{Target: Target{Device: ev.Device}, Locked: &no}}, true
	case ev.ApnsID == "" && ev.Message == ev.App+": chat screen open: notifications are not shown":
		// With an apns-id the same note comes from a handler script.
		return Step{Set: &SetStep{Target: t, ChatOpen: &yes}}, true
	case strings.HasSuffix(ev.Message, ": chat screen closed"):
		return Step{Set: &SetStep{Target: t, ChatOpen: &no}}, true
	case strings.Contains(ev.Message, " uninstalled;"):
		return Step{Set: &SetStep{Target: t, Uninstalled: true}}, true
	}
	if p, ok := strings.CutPrefix(ev.Message, ev.App+": permission "); ok && ev.App != "" {
		perm := device.Permission(p)
		return Step{Set: &SetStep{Target: t, Permission: &perm}}, true
	}
	return Step{}, false
}

// setFromAppState recognises an app-state change the user asked for
// (World.SetAppState logs the reason "set").
func setFromAppState(ev world.Event) (Step, bool) {
	rest, ok := strings.CutSuffix(ev.Message, " (set)")
	if !ok {
		return Step{}, false
	}
	i := strings.LastIndex(rest, "→ ")
	if i < 0 {
		return Step{}, false
	}
	s := device.AppState(strings.TrimSpace(rest[i+len("→ "):]))
	return Step{Set: &SetStep{Target: Target{Device: ev.Device, App: ev.App}, AppState: &s}}, true
}

// Marshal writes the scenario as a YAML file that Parse reads back.
func (s *Scenario) Marshal() ([]byte, error) {
	out, err := yaml.MarshalWithOptions(s, yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		return nil, fmt.Errorf("writing scenario %s: %w", s.Name, err)
	}
	header := "# yaml-language-server: $schema=https://raw.githubusercontent.com/pushsim/pushsim/main/scenarios/scenario.schema.json\n"
	return append([]byte(header), out...), nil
}
