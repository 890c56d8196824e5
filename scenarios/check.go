package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// checkStep validates what the decoder cannot: references to devices,
// allowed values, fields that go together. It returns "" or what was
// expected.
func (s *Scenario) checkStep(st *Step) string {
	switch {
	case st.Send != nil:
		return s.checkSend(st.Send)
	case st.ExpectResponse != nil:
		e := st.ExpectResponse
		if e.Device != "" && !s.hasDevice(e.Device) {
			return s.unknownDevice(e.Device)
		}
		if e.Status == 0 && e.Reason == nil && e.Timestamp == nil && e.Attempts == 0 && e.Error == "" {
			return "expected at least one of status, reason, timestamp, attempts, error"
		}
	case st.ExpectScreen != nil:
		e := st.ExpectScreen
		if msg := s.checkTarget(e.Target, false); msg != "" {
			return msg
		}
		if e.Context != "" && !slices.Contains(allContexts, e.Context) {
			return fmt.Sprintf("unknown context %q: expected one of %s", e.Context, joinContexts())
		}
		if e.State != "" && !slices.Contains(notificationStates, e.State) {
			return fmt.Sprintf("unknown state %q: expected one of %s", e.State, strings.Join(notificationStates, ", "))
		}
	case st.Tap != nil:
		if st.Tap.Action == "" {
			return "expected action: an action identifier, or default for the body"
		}
		if c := st.Tap.Context; c != "" && !slices.Contains(allContexts, c) {
			return fmt.Sprintf("unknown context %q: expected one of %s", c, joinContexts())
		}
		return s.checkTarget(st.Tap.Target, false)
	case st.Dismiss != nil:
		if st.Dismiss.Action != "" || st.Dismiss.Text != "" {
			return "dismiss takes no action or text"
		}
		return s.checkTarget(st.Dismiss.Target, false)
	case st.Reply != nil:
		if st.Reply.Action == "" {
			return "expected action: the text-input action's identifier"
		}
		return s.checkTarget(st.Reply.Target, false)
	case st.Set != nil:
		return s.checkSet(st.Set)
	case st.ExpectEvents != nil:
		e := st.ExpectEvents
		if len(e.Events) == 0 && len(e.Absent) == 0 {
			return "expected events or absent (a list of {kind: ...})"
		}
		for _, m := range append(slices.Clone(e.Events), e.Absent...) {
			if m.Kind == "" {
				return "every event needs a kind (request, rejected, presented, action, completion, watchdog, webhook, deep_link, ...)"
			}
			if m.Device != "" && !s.hasDevice(m.Device) {
				return s.unknownDevice(m.Device)
			}
		}
	case st.ExpectRequests != nil:
		return s.checkRequests(st.ExpectRequests)
	case st.Fault != nil:
		f := st.Fault
		if f.Reason == "" && f.Status == 0 && f.Latency == 0 && f.Frame == nil {
			return "expected reason (e.g. TooManyRequests), status, latency or frame"
		}
		if fr := f.Frame.fault(); fr != nil {
			if err := fr.Validate(); err != nil {
				var fe *fakeapns.FieldError
				if errors.As(err, &fe) {
					return "frame." + fe.Field + ": " + fe.Msg
				}
				return "frame: " + err.Error()
			}
			if f.Reason != "" && fr.ReplacesAnswer() {
				return fmt.Sprintf("frame %s replaces the answer, so reason %q would never be sent (a reason goes with goaway last_stream this, or close_idle)", fr.Kind, f.Reason)
			}
			if fr.Kind == fakeapns.FrameTLSHandshake && (f.Device != "" || f.Token != "" || f.Topic != "" || f.PushType != "" || f.Reason != "" || f.Latency != 0) {
				return "a tls_handshake frame fires before any request, so it matches on connection, count and probability only"
			}
		}
		if f.Reason != "" && !fakeapns.Reason(f.Reason).Known() {
			return fmt.Sprintf("unknown APNs reason %q (apns.md section 4)", f.Reason)
		}
		if f.Device != "" && !s.hasDevice(f.Device) {
			return s.unknownDevice(f.Device)
		}
	case st.Exec != nil:
		if _, err := commandArgs(st.Exec.Command); err != nil {
			return err.Error()
		}
	case st.ExpectStacks != nil:
		e := st.ExpectStacks
		if len(e.Stacks) == 0 {
			return "expected stacks (a list of {thread, count, top, summary})"
		}
		return s.checkTarget(e.Target, false)
	case st.ExpectLint != nil:
		e := st.ExpectLint
		if (e.Payload == nil) == (e.PayloadFile == "") {
			return "expected payload or payload_file (one of them)"
		}
		if e.IOS != "" {
			if _, err := device.ParseRange(e.IOS); err != nil {
				return err.Error()
			}
		}
		for _, f := range e.Findings {
			if f.Versions == "" {
				continue
			}
			if _, err := device.ParseRanges(f.Versions); err != nil {
				return "findings: " + err.Error()
			}
		}
	}
	return ""
}

func (s *Scenario) checkSend(e *SendStep) string {
	if msg := s.checkTarget(e.Target, e.Token != ""); msg != "" {
		return msg
	}
	if (e.Payload == nil) == (e.PayloadFile == "") {
		return "expected payload or payload_file (one of them)"
	}
	if e.Payload != nil {
		if _, err := payloadBytes(e.Payload); err != nil {
			return err.Error()
		}
	}
	if modes := AuthModes(); e.Auth != "" && !slices.Contains(modes, e.Auth) {
		return fmt.Sprintf("unknown auth %q: expected one of %s", e.Auth, strings.Join(modes, ", "))
	}
	switch e.Environment {
	case "", fakeapns.Development, fakeapns.Production:
	default:
		return fmt.Sprintf("unknown environment %q: expected development or production", e.Environment)
	}
	if e.Retry != nil && e.Retry.Attempts < 1 {
		return "retry.attempts: expected 1 or more"
	}
	return ""
}

func (s *Scenario) checkSet(e *SetStep) string {
	if msg := s.checkTarget(e.Target, false); msg != "" {
		return msg
	}
	if e.Locked == nil && e.AppState == nil && e.Permission == nil && e.ChatOpen == nil && !e.Uninstalled &&
		e.Offline == nil && e.Focus == nil && e.ShowPreviews == nil {
		return "expected locked, app_state, permission, chat_open, uninstalled, offline, focus or show_previews"
	}
	if e.ShowPreviews != nil && !slices.Contains(previewSettings, *e.ShowPreviews) {
		return fmt.Sprintf("unknown show_previews %q: expected always, when-unlocked or never (apns.md#V71)", *e.ShowPreviews)
	}
	if e.AppState != nil && !slices.Contains(appStates, *e.AppState) {
		return fmt.Sprintf("unknown app_state %q: expected one of %s", *e.AppState, joinStates())
	}
	if e.Permission != nil && !slices.Contains(permissions, *e.Permission) {
		return fmt.Sprintf("unknown permission %q: expected one of %s", *e.Permission, joinPermissions())
	}
	return ""
}

// checkTarget checks that the devices named exist. With tokenOK, a raw
// token may replace the device.
func (s *Scenario) checkTarget(t Target, tokenOK bool) string {
	if t.Device != "" && len(t.Devices) > 0 {
		return "expected device or devices, not both"
	}
	names := t.names()
	if len(names) == 0 && !tokenOK {
		return "expected device (a device name) or devices (a list, or all)"
	}
	for _, n := range names {
		if n == AllDevices {
			continue
		}
		if !s.hasDevice(n) {
			return s.unknownDevice(n)
		}
		if t.App != "" && s.device(n).App(t.App) == nil {
			return fmt.Sprintf("device %s has no app %q", n, t.App)
		}
	}
	return ""
}

func (t Target) names() []string {
	if t.Device != "" {
		return []string{t.Device}
	}
	return t.Devices
}

func (s *Scenario) device(name string) *device.Device {
	for _, d := range s.devices {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func (s *Scenario) hasDevice(name string) bool { return s.device(name) != nil }

func (s *Scenario) unknownDevice(name string) string {
	names := make([]string, 0, len(s.devices))
	for _, d := range s.devices {
		names = append(names, d.Name)
	}
	return fmt.Sprintf("unknown device %q: the fleet has %s", name, strings.Join(names, ", "))
}

var previewSettings = []device.Previews{device.PreviewsAlways, device.PreviewsWhenUnlocked, device.PreviewsNever}

// checkRequests checks an expect_requests step: the matcher compiles and
// device, when given, names a device of the fleet with that app.
func (s *Scenario) checkRequests(e *RequestsExpect) string {
	if _, err := e.Compile(); err != nil {
		return err.Error()
	}
	if e.Device == "" {
		if e.App != "" {
			return "app needs device: the token is the device's app's"
		}
		return ""
	}
	if e.Match.Token != "" {
		return "both device and match.token: expected one of them"
	}
	d := s.device(e.Device)
	if d == nil {
		return s.unknownDevice(e.Device)
	}
	if e.App != "" && d.App(e.App) == nil {
		return fmt.Sprintf("device %s has no app %q", e.Device, e.App)
	}
	return ""
}
