package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/matrix"
	"github.com/pushsim/pushsim/tui/screen"
)

// matrixCmd is `pushsim matrix`: one payload on every device of the fleet,
// in every context its version has. It never starts a tea.Program, so it
// works piped and in CI (STYLE.md section 6).
type matrixCmd struct {
	Payload string `arg:"" help:"Payload: a JSON file, a simctl .apns file, or - for standard input."`
	App     string `help:"Bundle id of the app to render for (default: the file's Simulator Target Bundle, else ${default_bundle})." env:"PUSHSIM_APP"`
	Fleet   string `help:"Fleet file (YAML); default: the built-in fleet." type:"path" env:"PUSHSIM_FLEET"`
	JSON    bool   `name:"json" help:"Print JSON instead of drawings." env:"PUSHSIM_JSON"`
	Notes   bool   `help:"Draw each presentation's notes (why it looks as it does) under its box." negatable:"" default:"true" env:"PUSHSIM_NOTES"`
	Width   int    `help:"Width to fit the drawing to (default: the terminal's, else $$COLUMNS, else 120)." env:"PUSHSIM_WIDTH"`
}

// matrixEntry is one device in `pushsim matrix --json`.
type matrixEntry struct {
	Device        string               `json:"device"`
	Model         string               `json:"model"`
	IOS           string               `json:"ios"`
	App           string               `json:"app"`
	Installed     bool                 `json:"installed"`
	Presentations []matrixPresentation `json:"presentations"`
	Findings      []matrixFinding      `json:"findings"`
}

type matrixPresentation struct {
	Context  device.Context `json:"context"`
	Style    device.Style   `json:"style"`
	Title    string         `json:"title"`
	Subtitle string         `json:"subtitle,omitempty"`
	Body     string         `json:"body"`
	Buttons  []matrixButton `json:"buttons"`
	Notes    []string       `json:"notes,omitempty"`
}

type matrixButton struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Destructive bool   `json:"destructive"`
	Foreground  bool   `json:"foreground"`
	TextInput   bool   `json:"text_input"`
}

// matrixFinding is a lint finding that concerns one device.
type matrixFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func (c *matrixCmd) Run(e *env) error {
	pf, err := device.ReadPayloadFile(c.Payload, e.stdin)
	if err != nil {
		return usageErr("%w", err)
	}
	fleet := device.DefaultFleet()
	if c.Fleet != "" {
		if fleet, err = e.loadFleet(c.Fleet); err != nil {
			return usageErr("--fleet: %w", err)
		}
	}
	bundle := c.App
	if bundle == "" {
		bundle = pf.TargetBundle
	}
	if bundle == "" {
		bundle = device.DefaultBundleID
	}
	m, err := matrix.Build(matrix.Request{Fleet: fleet, BundleID: bundle, Payload: pf.Body, Topic: bundle})
	if err != nil {
		var se *device.SyntaxError
		if errors.As(err, &se) {
			return usageErr("%s:%d:%d: %s", c.Payload, se.Line, se.Column, se.Msg)
		}
		return usageErr("%s: %w", c.Payload, err)
	}
	entries := matrixEntries(m, bundle)
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(entries); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
		return nil
	}
	st := screen.NewStyles(isDarkTerminal(e))
	out := screen.Matrix(screen.ColumnsOf(m, bundle), screen.MatrixOptions{Width: c.width(e), Notes: c.Notes}, &st)
	// lipgloss.Fprintln downsamples to what stdout can show and strips
	// colour when it is not a terminal (charm-v2.md gotcha 11).
	if _, err := lipgloss.Fprintln(e.stdout, out); err != nil {
		return fmt.Errorf("write matrix: %w", err)
	}
	return nil
}

// matrixEntries is the JSON shape of the matrix.
func matrixEntries(m matrix.Matrix, bundle string) []matrixEntry {
	entries := make([]matrixEntry, 0, len(m.Devices))
	for _, col := range m.Devices {
		me := matrixEntry{Device: col.Device, Model: col.Model, IOS: col.Version.String(), App: bundle,
			Installed: len(col.Presentations) > 0, Presentations: []matrixPresentation{}, Findings: []matrixFinding{}}
		for _, p := range col.Presentations {
			me.Presentations = append(me.Presentations, toMatrixPresentation(p))
		}
		for _, f := range col.Findings {
			me.Findings = append(me.Findings, matrixFinding{Rule: f.Rule, Severity: string(f.Severity), Message: f.Message})
		}
		entries = append(entries, me)
	}
	return entries
}

func toMatrixPresentation(p device.Presentation) matrixPresentation {
	mp := matrixPresentation{Context: p.Context, Style: p.Style, Title: p.Title, Subtitle: p.Subtitle, Body: p.Body,
		Buttons: make([]matrixButton, 0, len(p.Buttons)), Notes: p.Notes}
	for _, b := range p.Buttons {
		mp.Buttons = append(mp.Buttons, matrixButton{ID: b.ID, Title: b.Title, Destructive: b.Destructive, Foreground: b.Foreground, TextInput: b.TextInput})
	}
	return mp
}

// width is the width to fit: the flag, the terminal's, $COLUMNS, or 120.
func (c *matrixCmd) width(e *env) int {
	if c.Width > 0 {
		return c.Width
	}
	if f, ok := e.stdout.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 120
}

// isDarkTerminal asks the terminal for its background only when both ends
// are one; otherwise (piped, CI) colours are stripped anyway.
func isDarkTerminal(e *env) bool {
	in, okIn := e.stdin.(*os.File)
	out, okOut := e.stdout.(*os.File)
	if !okIn || !okOut || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return true
	}
	return lipgloss.HasDarkBackground(in, out)
}
