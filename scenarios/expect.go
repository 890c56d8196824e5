package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
	"github.com/pushsim/pushsim/sim/world"
)

// expectResponse checks the previous send step's answers. Each answer is
// compared as a map of the fields the step names, so the diff shows only
// those.
func (r *run) expectResponse(e *ResponseExpect) error {
	if len(r.last) == 0 {
		return failf("", "no send step came before this expect_response")
	}
	var want, got []map[string]any
	for _, res := range r.last {
		if e.Device != "" && res.Device != e.Device {
			continue
		}
		fin := res.final()
		w := map[string]any{"device": res.Device}
		g := map[string]any{"device": res.Device}
		if e.Status != 0 {
			w["status"], g["status"] = e.Status, fin.Status
		}
		if e.Reason != nil {
			w["reason"], g["reason"] = *e.Reason, fin.Reason
		}
		if e.Timestamp != nil {
			w["timestamp"], g["timestamp"] = *e.Timestamp, !fin.Timestamp.IsZero()
		}
		if e.Attempts != 0 {
			w["attempts"], g["attempts"] = e.Attempts, len(res.Responses)
		}
		switch {
		case e.Error != "" && strings.Contains(res.Err, e.Error):
			w["error"], g["error"] = e.Error, e.Error
		case e.Error != "" || res.Err != "":
			// An error not expected, or not the one expected, shows in
			// full.
			w["error"], g["error"] = e.Error, res.Err
		}
		want, got = append(want, w), append(got, g)
	}
	if len(want) == 0 {
		return failf("", "the previous send step did not send to %s", e.Device)
	}
	if d := cmp.Diff(want, got); d != "" {
		return failf(d, "APNs answered differently")
	}
	return nil
}

// view is the part of something checked that a step names: one entry per
// field compared, so a diff shows only those.
type view = map[string]any

// expectScreen checks what each target device shows.
func (r *run) expectScreen(e *ScreenExpect) error {
	var want, got []view
	for _, dev := range r.targets(e.Target) {
		w, g, err := r.screenOf(dev, e)
		if err != nil {
			return err
		}
		want, got = append(want, w), append(got, g)
	}
	if d := cmp.Diff(want, got); d != "" {
		return failf(d, "the screen differs")
	}
	return nil
}

func (r *run) screenOf(dev string, e *ScreenExpect) (want, got view, err error) {
	want, got = view{"device": dev}, view{"device": dev}
	notes, err := r.world.Notifications(dev)
	if err != nil {
		return want, got, err
	}
	if e.App != "" {
		notes = slices.DeleteFunc(notes, func(d world.Delivered) bool { return d.App != e.App })
	}
	if e.Count != nil {
		want["count"], got["count"] = *e.Count, len(notes)
	}
	if e.IconBadge != nil {
		dv, err := r.world.Device(dev)
		if err != nil {
			return want, got, err
		}
		bundle := e.App
		if bundle == "" && len(dv.Apps) > 0 {
			bundle = dv.Apps[0].BundleID
		}
		want["icon_badge"], got["icon_badge"] = *e.IconBadge, dv.Badges[bundle]
	}
	drawn := e.Style != "" || e.Title != nil || e.Subtitle != nil || e.Body != nil || e.Sound != nil ||
		e.Slider != nil || e.Badge != nil || e.Buttons != nil || e.ButtonIDs != nil || e.Destructive != nil || len(e.Notes) > 0 ||
		e.Attachments != nil
	if !drawn && e.State == "" && e.Context == "" {
		return want, got, nil
	}
	var d *world.Delivered
	for i := len(notes) - 1; i >= 0; i-- {
		if e.ApnsID == "" || notes[i].ApnsID == e.ApnsID {
			d = &notes[i]
			break
		}
	}
	if d == nil {
		if e.ApnsID != "" {
			return want, got, failf("", "%s holds no notification %s", dev, e.ApnsID)
		}
		return want, got, failf("", "%s holds no notification", dev)
	}
	if e.State != "" {
		want["state"], got["state"] = e.State, string(d.State)
	}
	if !drawn {
		return want, got, nil
	}
	ctx := e.Context
	if ctx == "" {
		// No context named: where the notification is now (where it
		// arrived, the alert's second step after Options, ...).
		if ctx = d.Context; ctx == "" {
			return want, got, failf("", "%s did not show notification %s on arrival (state %s); name a context to check one of %s", dev, d.ApnsID, d.State, contextsOf(d))
		}
	}
	want["context"], got["context"] = ctx, ctx
	var p *device.Presentation
	for i := range d.Presentations {
		if d.Presentations[i].Context == ctx {
			p = &d.Presentations[i]
		}
	}
	if p == nil {
		return want, got, failf("", "%s has no %s context; it has %s", dev, ctx, contextsOf(d))
	}
	str := func(key string, w *string, g string) {
		if w != nil {
			want[key], got[key] = *w, g
		}
	}
	if e.Style != "" {
		want["style"], got["style"] = e.Style, string(p.Style)
	}
	str("title", e.Title, p.Title)
	str("subtitle", e.Subtitle, p.Subtitle)
	str("body", e.Body, p.Body)
	str("sound", e.Sound, p.Sound)
	str("slider", e.Slider, p.Slider)
	if e.Badge != nil {
		want["badge"], got["badge"] = *e.Badge, "none"
		if p.Badge != nil {
			got["badge"] = *p.Badge
		}
	}
	buttons := func(key string, w *[]string, pick func(device.Button) (string, bool)) {
		if w == nil {
			return
		}
		g := []string{}
		for _, b := range p.Buttons {
			if v, ok := pick(b); ok {
				g = append(g, v)
			}
		}
		want[key], got[key] = nonNil(*w), g
	}
	if e.Attachments != nil {
		drawn := []string{}
		for _, a := range p.Attachments {
			drawn = append(drawn, device.AttachmentLabel(a))
		}
		want["attachments"], got["attachments"] = nonNil(*e.Attachments), drawn
	}
	buttons("buttons", e.Buttons, func(b device.Button) (string, bool) { return b.Title, true })
	buttons("button_ids", e.ButtonIDs, func(b device.Button) (string, bool) { return b.ID, true })
	buttons("destructive", e.Destructive, func(b device.Button) (string, bool) { return b.ID, b.Destructive })
	if len(e.Notes) > 0 {
		var found []string
		for _, n := range e.Notes {
			f := "(not among: " + strings.Join(p.Notes, " | ") + ")"
			for _, pn := range p.Notes {
				if strings.Contains(pn, n) {
					f = n
					break
				}
			}
			found = append(found, f)
		}
		want["notes"], got["notes"] = e.Notes, found
	}
	return want, got, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func contextsOf(d *world.Delivered) string {
	var cs []string
	for _, p := range d.Presentations {
		cs = append(cs, string(p.Context))
	}
	return strings.Join(cs, ", ")
}

// expectLint lints a payload and compares the findings.
func (r *run) expectLint(e *LintExpect) error {
	body, _, err := r.payload(e.Payload, e.PayloadFile)
	if err != nil {
		return err
	}
	target := lint.Target{PushType: e.PushType, Priority: e.Priority, Topic: e.Topic}
	bundle := e.App
	if bundle == "" {
		bundle = device.DefaultBundleID
	}
	for _, d := range r.devices {
		if a := d.App(bundle); a != nil {
			target.App = a
			break
		}
	}
	if target.App == nil {
		return fmt.Errorf("expect_lint: no device of the fleet has the app %q", bundle)
	}
	if e.IOS != "" {
		r, err := device.ParseRange(e.IOS)
		if err != nil {
			return err
		}
		target.Versions = r.Versions()
	} else {
		for _, d := range r.devices {
			if !slices.Contains(target.Versions, d.Version) {
				target.Versions = append(target.Versions, d.Version)
			}
		}
	}
	findings := lint.Lint(body, target)
	used := make([]bool, len(findings))
	var want, got []string
	for _, m := range e.Findings {
		want = append(want, m.line(m.Severity, m.Versions))
		line := m.Rule + " (missing)"
		for i, f := range findings {
			if !used[i] && m.matches(f) {
				used[i] = true
				line = m.line(fieldIf(m.Severity, string(f.Severity)), m.Versions) // the same versions, as written
				break
			}
		}
		if strings.HasSuffix(line, "(missing)") {
			// The same rule with another severity or range reads better in
			// the diff than "missing".
			for i, f := range findings {
				if !used[i] && f.Rule == m.Rule {
					used[i] = true
					line = m.line(fieldIf(m.Severity, string(f.Severity)), fieldIf(m.Versions, f.Versions.String()))
					break
				}
			}
		}
		got = append(got, line)
	}
	if e.Exact {
		for i, f := range findings {
			if !used[i] {
				got = append(got, FindingMatch{Rule: f.Rule}.line(string(f.Severity), f.Versions.String())+": "+f.Message)
			}
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		return failf(d, "lint findings differ")
	}
	return nil
}

func fieldIf(want, got string) string {
	if want == "" {
		return ""
	}
	return got
}

func (m FindingMatch) matches(f lint.Finding) bool {
	return m.Rule == f.Rule &&
		(m.Severity == "" || m.Severity == string(f.Severity)) &&
		(m.Versions == "" || m.sameVersions(f.Versions))
}

// sameVersions reports whether m's versions, as written, are the
// finding's: "8-9" matches 8–9.
func (m FindingMatch) sameVersions(rs device.Ranges) bool {
	want, err := device.ParseRanges(m.Versions)
	return err == nil && slices.Equal(want, rs)
}

func (m FindingMatch) line(severity, versions string) string {
	s := m.Rule
	if severity != "" {
		s += " " + severity
	}
	if versions != "" {
		s += " on " + versions
	}
	return s
}

// expectStacks compares the stacks Notification Center draws on each
// device with the expected ones, field by field (apns.md#V64, V65).
func (r *run) expectStacks(e *StacksExpect) error {
	var want, got []view
	for _, dev := range r.targets(e.Target) {
		v, err := r.world.Device(dev)
		if err != nil {
			return err
		}
		stacks := v.Stacks
		if e.App != "" {
			stacks = slices.DeleteFunc(stacks, func(s world.Stack) bool { return s.App != e.App })
		}
		for i, m := range e.Stacks {
			w, g := view{"device": dev, "stack": i}, view{"device": dev, "stack": i}
			if i >= len(stacks) {
				g["missing"] = true
				want, got = append(want, w), append(got, g)
				continue
			}
			s := stacks[i]
			if m.App != "" {
				w["app"], g["app"] = m.App, s.App
			}
			if m.Thread != nil {
				w["thread"], g["thread"] = *m.Thread, s.Thread
			}
			if m.Count != nil {
				w["count"], g["count"] = *m.Count, s.Count
			}
			if m.Top != nil {
				w["top"], g["top"] = *m.Top, s.Body
			}
			if m.Summary != nil {
				w["summary"], g["summary"] = *m.Summary, s.Summary
			}
			want, got = append(want, w), append(got, g)
		}
		for i := len(e.Stacks); i < len(stacks); i++ {
			want = append(want, view{"device": dev, "stack": i, "missing": true})
			got = append(got, view{"device": dev, "stack": i, "extra": stacks[i].Text()})
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		return failf(d, "the stacks differ")
	}
	return nil
}
