package matrix

import (
	"encoding/json"
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
	Device  string
	Model   string
	Version device.Version
	Locked  bool
	// Row is the capability row that applies (apns.md section 7.1).
	Row string
	// Arrival is the context the notification first appears in
	// (ArrivalContext).
	Arrival device.Context
	// Presentations has one entry per context of the version (RenderAll);
	// empty when the app is not installed.
	Presentations []device.Presentation
	// Findings are the lint findings that concern this version.
	Findings []lint.Finding
}

// Matrix is a payload rendered on a fleet, with its lint findings. Its
// JSON form is Entries.
type Matrix struct {
	// BundleID is the app the payload was rendered for.
	BundleID string
	// Findings are all findings for the fleet's versions.
	Findings []lint.Finding
	Devices  []Column
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
	m := Matrix{BundleID: bundle, Findings: lint.Lint(req.Payload, target), Devices: []Column{}}
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
			fmt.Fprintf(&b, "  %-20s %s\n", string(p.Context)+":", p.Line())
			for _, n := range p.Notes {
				b.WriteString("      · " + n + "\n")
			}
		}
		for _, f := range c.Findings {
			b.WriteString("  ! " + f.String() + "\n")
		}
	}
	return b.String()
}

// Entry is one device of the matrix in its JSON form, the output of
// "pushsim matrix --json" (README).
type Entry struct {
	Device        string              `json:"device"`
	Model         string              `json:"model"`
	IOS           string              `json:"ios"`
	App           string              `json:"app"`
	Installed     bool                `json:"installed"`
	Presentations []EntryPresentation `json:"presentations"`
	Findings      []EntryFinding      `json:"findings"`
}

// EntryPresentation is one context of an Entry.
type EntryPresentation struct {
	Context  device.Context `json:"context"`
	Style    device.Style   `json:"style"`
	Title    string         `json:"title"`
	Subtitle string         `json:"subtitle,omitempty"`
	Body     string         `json:"body"`
	Buttons  []EntryButton  `json:"buttons"`
	Notes    []string       `json:"notes,omitempty"`
}

// EntryButton is one button of an EntryPresentation.
type EntryButton struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Destructive bool   `json:"destructive"`
	Foreground  bool   `json:"foreground"`
	TextInput   bool   `json:"text_input"`
}

// EntryFinding is a lint finding that concerns the Entry's device.
type EntryFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Entries is the JSON form of m: one Entry per device.
func (m Matrix) Entries() []Entry {
	entries := make([]Entry, 0, len(m.Devices))
	for _, col := range m.Devices {
		e := Entry{Device: col.Device, Model: col.Model, IOS: col.Version.String(), App: m.BundleID,
			Installed: len(col.Presentations) > 0, Presentations: []EntryPresentation{}, Findings: []EntryFinding{}}
		for _, p := range col.Presentations {
			ep := EntryPresentation{Context: p.Context, Style: p.Style, Title: p.Title, Subtitle: p.Subtitle, Body: p.Body,
				Buttons: make([]EntryButton, 0, len(p.Buttons)), Notes: p.Notes}
			for _, b := range p.Buttons {
				ep.Buttons = append(ep.Buttons, EntryButton{ID: b.ID, Title: b.Title, Destructive: b.Destructive, Foreground: b.Foreground, TextInput: b.TextInput})
			}
			e.Presentations = append(e.Presentations, ep)
		}
		for _, f := range col.Findings {
			e.Findings = append(e.Findings, EntryFinding{Rule: f.Rule, Severity: string(f.Severity), Message: f.Message})
		}
		entries = append(entries, e)
	}
	return entries
}

// MarshalJSON writes m as its Entries.
func (m Matrix) MarshalJSON() ([]byte, error) { return json.Marshal(m.Entries()) }
