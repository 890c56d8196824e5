package matrix

import (
	"encoding/json"
	"fmt"
	"slices"
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
	// IconBadge is the app icon's badge once the notification arrives:
	// aps.badge when the system may badge, nil when the icon is left as it
	// is; BadgeNote says why (apns.md#U43).
	IconBadge *int
	BadgeNote string
	// Findings are the lint findings for this device: its version and its
	// own app's categories and strings.
	Findings []lint.Finding
}

// BadgeLine says what the app icon shows after the push, for drawings;
// "" when the payload has no badge.
func (c Column) BadgeLine() string {
	switch {
	case c.IconBadge != nil:
		return fmt.Sprintf("icon badge %d (apns.md#P07)", *c.IconBadge)
	case c.BadgeNote != "":
		return "icon badge unchanged: " + c.BadgeNote
	}
	return ""
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
	m := Matrix{BundleID: bundle, Findings: []lint.Finding{}, Devices: []Column{}}
	// Each device is linted with its own version and its own app, whose
	// categories and strings may differ from the next device's.
	perDevice := make([][]lint.Finding, len(req.Fleet))
	for i, d := range req.Fleet {
		if d == nil {
			continue
		}
		perDevice[i] = lint.Lint(req.Payload, lint.Target{
			App: d.App(bundle), Versions: []device.Version{d.Version},
			PushType: req.PushType, Priority: req.Priority, Topic: req.Topic,
		})
		m.Findings = mergeFindings(m.Findings, perDevice[i])
	}
	p, err := device.ParsePayload(req.Payload)
	if err != nil {
		return m, fmt.Errorf("matrix: payload: %w", err)
	}
	n := device.Notification{Topic: req.Topic, PushType: req.PushType, Priority: req.Priority, Payload: p}
	for i, d := range req.Fleet {
		if d == nil {
			continue
		}
		col := Column{
			Device: d.Name, Model: d.Model, Version: d.Version, Locked: d.Locked,
			Row: device.TableRow(d.Version).Row, Presentations: []device.Presentation{}, Findings: perDevice[i],
		}
		if a := d.App(bundle); a != nil {
			col.Arrival = device.ArrivalContext(d, a)
			shown := n
			if device.RunsServiceExtension(d, a, n) {
				// The content the app's service extension hands back, or the
				// original when it would run out of time (apns.md#V60, V61).
				shown, _ = device.ApplyServiceExtension(a, n, device.DefaultExtensionLimit)
			}
			col.Presentations = device.RenderAll(d, a, shown)
			if b := p.Aps.Badge; b != nil {
				if col.BadgeNote = device.BadgeBlocked(d, a); col.BadgeNote == "" {
					col.IconBadge = b
				}
			}
		}
		m.Devices = append(m.Devices, col)
	}
	return m, nil
}

// mergeFindings adds the findings of add that all does not have yet
// (same rule and message), keeping errors before warnings before infos.
func mergeFindings(all, add []lint.Finding) []lint.Finding {
	for _, f := range add {
		if !slices.ContainsFunc(all, func(g lint.Finding) bool { return g.Rule == f.Rule && g.Message == f.Message }) {
			all = append(all, f)
		}
	}
	slices.SortStableFunc(all, func(a, b lint.Finding) int { return severityRank(a.Severity) - severityRank(b.Severity) })
	return all
}

func severityRank(s lint.Severity) int {
	switch s {
	case lint.SeverityError:
		return 0
	case lint.SeverityWarning:
		return 1
	}
	return 2
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
		if line := c.BadgeLine(); line != "" {
			b.WriteString("  " + line + "\n")
		}
		for _, f := range c.Findings {
			b.WriteString("  ! " + f.String() + "\n")
		}
	}
	return b.String()
}

// Entry is one device of the matrix in its JSON form, the output of
// "pushsim matrix --json" (README): every field the drawing shows, and the
// row ids behind them.
type Entry struct {
	Device    string         `json:"device"`
	Model     string         `json:"model"`
	IOS       string         `json:"ios"`
	Locked    bool           `json:"locked"`
	Row       string         `json:"row"`
	App       string         `json:"app"`
	Installed bool           `json:"installed"`
	Arrival   device.Context `json:"arrival,omitempty"`
	// IconBadge is the app icon's badge after the push; nil leaves it as it
	// is, for the reason in BadgeNote (apns.md#U43).
	IconBadge     *int                `json:"icon_badge,omitempty"`
	BadgeNote     string              `json:"badge_note,omitempty"`
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
	Sound    string         `json:"sound,omitempty"`
	Badge    *int           `json:"badge,omitempty"`
	Slider   string         `json:"slider,omitempty"`
	Gesture  string         `json:"gesture,omitempty"`
	Thread   string         `json:"thread,omitempty"`
	Callback string         `json:"callback,omitempty"`
	// Attachments are the service extension's, drawn "[image: x.jpg]"
	// (apns.md#V62); Label is "TIME SENSITIVE" (V67).
	Attachments []string      `json:"attachments,omitempty"`
	Label       string        `json:"label,omitempty"`
	Buttons     []EntryButton `json:"buttons"`
	// Notes say why the context looks as it does, each citing its row.
	Notes []string `json:"notes,omitempty"`
}

// EntryButton is one button of an EntryPresentation.
type EntryButton struct {
	ID                     string `json:"id"`
	Title                  string `json:"title"`
	Destructive            bool   `json:"destructive"`
	Foreground             bool   `json:"foreground"`
	AuthenticationRequired bool   `json:"authentication_required"`
	TextInput              bool   `json:"text_input"`
	Icon                   string `json:"icon,omitempty"`
	System                 bool   `json:"system,omitempty"`
}

// EntryFinding is a lint finding for the Entry's device (its version, its
// app).
type EntryFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Versions string `json:"versions"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
	Row      string `json:"row,omitempty"`
}

// Entries is the JSON form of m: one Entry per device.
func (m Matrix) Entries() []Entry {
	entries := make([]Entry, 0, len(m.Devices))
	for _, col := range m.Devices {
		e := Entry{Device: col.Device, Model: col.Model, IOS: col.Version.String(), Locked: col.Locked, Row: col.Row, App: m.BundleID,
			Installed: len(col.Presentations) > 0, Arrival: col.Arrival, IconBadge: col.IconBadge, BadgeNote: col.BadgeNote,
			Presentations: []EntryPresentation{}, Findings: []EntryFinding{}}
		for _, p := range col.Presentations {
			ep := EntryPresentation{Context: p.Context, Style: p.Style, Title: p.Title, Subtitle: p.Subtitle, Body: p.Body,
				Sound: p.Sound, Badge: p.Badge, Slider: p.Slider, Gesture: p.Gesture, Thread: p.Thread, Callback: string(p.Callback),
				Attachments: p.Attachments, Label: p.Label, Buttons: make([]EntryButton, 0, len(p.Buttons)), Notes: p.Notes}
			for _, b := range p.Buttons {
				ep.Buttons = append(ep.Buttons, EntryButton{ID: b.ID, Title: b.Title, Destructive: b.Destructive, Foreground: b.Foreground,
					AuthenticationRequired: b.AuthRequired, TextInput: b.TextInput, Icon: b.Icon, System: b.System})
			}
			e.Presentations = append(e.Presentations, ep)
		}
		for _, f := range col.Findings {
			e.Findings = append(e.Findings, EntryFinding{Rule: f.Rule, Severity: string(f.Severity), Versions: f.Versions.String(),
				Message: f.Message, Fix: f.Fix, Row: f.Row})
		}
		entries = append(entries, e)
	}
	return entries
}

// MarshalJSON writes m as its Entries.
func (m Matrix) MarshalJSON() ([]byte, error) { return json.Marshal(m.Entries()) }
