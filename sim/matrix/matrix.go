package matrix

import (
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
)

// Request is one payload to show on every device of a fleet.
type Request struct {
	Fleet []*device.Device
	// BundleID is the app the payload is for; DefaultBundleID when empty.
	BundleID string
	Payload  []byte
	// PushType, Priority and Topic are the APNs headers, for lint; zero
	// values mean unknown / absent (see lint.Target).
	PushType string
	Priority int
	Topic    string
}

// Column is one device's view of the payload.
type Column struct {
	Device  string         `json:"device"`
	Model   string         `json:"model,omitempty"`
	Version device.Version `json:"ios"`
	Locked  bool           `json:"locked,omitempty"`
	// Row is the capability row that applies (apns.md section 7.1).
	Row string `json:"row"`
	// Arrival is the context the notification first appears in
	// (ArrivalContext).
	Arrival device.Context `json:"arrival"`
	// Presentations has one entry per context of the version (RenderAll);
	// empty when the app is not installed.
	Presentations []device.Presentation `json:"presentations"`
	// Findings are the lint findings that concern this version.
	Findings []lint.Finding `json:"findings"`
}

// Matrix is a payload rendered on a fleet, with its lint findings.
type Matrix struct {
	// Findings are all findings for the fleet's versions.
	Findings []lint.Finding `json:"findings"`
	Devices  []Column       `json:"devices"`
}

// Build renders req.Payload on every device of req.Fleet in every
// context and lints it for the fleet's versions. A payload that cannot be
// parsed still gives a Matrix holding the lint findings (invalid-json with
// line and column), together with the parse error.
func Build(req Request) (Matrix, error) {
	bundle := req.BundleID
	if bundle == "" {
		bundle = device.DefaultBundleID
	}
	target := lint.Target{PushType: req.PushType, Priority: req.Priority, Topic: req.Topic}
	for _, d := range req.Fleet {
		if d == nil {
			continue
		}
		target.Versions = append(target.Versions, d.Version)
		if target.App == nil {
			target.App = d.App(bundle)
		}
	}
	m := Matrix{Findings: lint.Lint(req.Payload, target), Devices: []Column{}}
	p, err := device.ParsePayload(req.Payload)
	if err != nil {
		return m, fmt.Errorf("matrix: payload: %w", err)
	}
	n := device.Notification{Topic: req.Topic, PushType: req.PushType, Priority: req.Priority, Payload: p}
	for _, d := range req.Fleet {
		if d == nil {
			continue
		}
		col := Column{
			Device: d.Name, Model: d.Model, Version: d.Version, Locked: d.Locked,
			Row: device.TableRow(d.Version).Row, Presentations: []device.Presentation{}, Findings: []lint.Finding{},
		}
		if a := d.App(bundle); a != nil {
			col.Arrival = device.ArrivalContext(d, a)
			col.Presentations = device.RenderAll(d, a, n)
		}
		for _, f := range m.Findings {
			if f.Concerns(d.Version) {
				col.Findings = append(col.Findings, f)
			}
		}
		m.Devices = append(m.Devices, col)
	}
	return m, nil
}

// Text formats the matrix as plain text, one block per device, for the
// CLI and for reading in review. It carries no terminal styling.
func (m Matrix) Text() string {
	var b strings.Builder
	for i, c := range m.Devices {
		if i > 0 {
			b.WriteByte('\n')
		}
		lock := ""
		if c.Locked {
			lock = ", locked"
		}
		fmt.Fprintf(&b, "%s — iOS %s (%s%s) [%s] arrives as %s\n", c.Device, c.Version, c.Model, lock, c.Row, c.Arrival)
		if len(c.Presentations) == 0 {
			b.WriteString("  app not installed\n")
		}
		for _, p := range c.Presentations {
			writePresentation(&b, p)
		}
		for _, f := range c.Findings {
			fmt.Fprintf(&b, "  ! %s %s: %s\n", f.Severity, f.Rule, f.Message)
		}
	}
	return b.String()
}

// writePresentation writes one context's line, then its notes.
func writePresentation(b *strings.Builder, p device.Presentation) {
	fmt.Fprintf(b, "  %-20s %s", string(p.Context)+":", p.Style)
	if p.Style != device.StyleNone && p.Style != device.StyleForegroundSilent {
		var text []string
		for _, s := range []string{p.Title, p.Subtitle, p.Body} {
			if s != "" {
				text = append(text, s)
			}
		}
		if len(text) > 0 {
			fmt.Fprintf(b, " %q", strings.Join(text, " / "))
		}
		for _, a := range p.Attachments {
			b.WriteString(" " + device.AttachmentLabel(a)) // apns.md#V62
		}
		if p.Label != "" {
			b.WriteString(" <" + p.Label + ">") // apns.md#V67
		}
	}
	for _, btn := range p.Buttons {
		b.WriteString(" [" + btn.Title)
		switch {
		case btn.Destructive:
			b.WriteString(" (destructive)")
		case btn.TextInput:
			b.WriteString(" (text)")
		}
		b.WriteByte(']')
	}
	if p.Slider != "" {
		fmt.Fprintf(b, " ⟨%s⟩", p.Slider)
	}
	if p.Badge != nil {
		fmt.Fprintf(b, " badge=%d", *p.Badge)
	}
	if p.Sound != "" {
		fmt.Fprintf(b, " sound=%s", p.Sound)
	}
	b.WriteByte('\n')
	for _, n := range p.Notes {
		b.WriteString("      · " + n + "\n")
	}
}
