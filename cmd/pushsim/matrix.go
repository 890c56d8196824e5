package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

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
	Payload string   `arg:"" help:"Payload: a JSON file, a simctl .apns file, or - for standard input."`
	App     string   `help:"Bundle id of the app to render for (default: the file's Simulator Target Bundle, else the fleet file's only app, else ${default_bundle})." env:"PUSHSIM_APP"`
	Device  []string `short:"d" placeholder:"NAME" help:"Only this device (repeatable)." env:"PUSHSIM_DEVICE"`
	Context []string `placeholder:"NAME" help:"Only this context (repeatable): lock-screen, banner, alert, notification-center, expanded, foreground." env:"PUSHSIM_CONTEXT"`
	Fleet   string   `help:"Fleet file (YAML); default: the built-in fleet." type:"path" env:"PUSHSIM_FLEET"`
	JSON    bool     `name:"json" help:"Print JSON instead of drawings." env:"PUSHSIM_JSON_OUTPUT"`
	Notes   bool     `help:"Draw each presentation's notes (why it looks as it does) under its box." negatable:"" default:"true" env:"PUSHSIM_NOTES"`
	Width   int      `help:"Width to fit the drawing to (default: the terminal's, else $$COLUMNS, else 120)." env:"PUSHSIM_WIDTH"`
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
	bundle := device.PickBundle(c.App, pf.TargetBundle, c.Fleet != "", fleet)
	if fleet, err = pickDevices(fleet, c.Device); err != nil {
		return err
	}
	contexts, err := pickContexts(c.Context)
	if err != nil {
		return err
	}
	m, err := matrix.Build(matrix.Request{Fleet: fleet, BundleID: bundle, Payload: pf.Body, Topic: bundle})
	if err != nil {
		var se *device.SyntaxError
		if errors.As(err, &se) {
			return usageErr("%s:%d:%d: %s", c.Payload, se.Line, se.Column, se.Msg)
		}
		return usageErr("%s: %w", c.Payload, err)
	}
	m = m.KeepContexts(contexts)
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
		return nil
	}
	st := screen.NewStyles(isDarkTerminal(e))
	out := screen.Matrix(drawColumns(m, bundle), screen.MatrixOptions{Width: c.width(e), Notes: c.Notes}, &st)
	// lipgloss.Fprintln downsamples to what stdout can show and strips
	// colour when it is not a terminal (charm-v2.md gotcha 11).
	if _, err := lipgloss.Fprintln(e.stdout, out); err != nil {
		return fmt.Errorf("write matrix: %w", err)
	}
	for _, col := range m.Devices {
		if _, err := fmt.Fprintln(e.stdout, col.Summary(bundle)); err != nil {
			return fmt.Errorf("write matrix: %w", err)
		}
	}
	return nil
}

// allContexts are the context names --context accepts.
var allContexts = []device.Context{device.ContextLockScreen, device.ContextBanner, device.ContextAlert,
	device.ContextNotificationCenter, device.ContextExpanded, device.ContextForeground}

// pickContexts checks the --context names; nil means every context.
func pickContexts(names []string) (map[device.Context]bool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	out := map[device.Context]bool{}
	for _, n := range names {
		if !slices.Contains(allContexts, device.Context(n)) {
			list := make([]string, len(allContexts))
			for i, c := range allContexts {
				list[i] = string(c)
			}
			return nil, usageErr("--context %q: no such context; expected one of %s", n, strings.Join(list, ", "))
		}
		out[device.Context(n)] = true
	}
	return out, nil
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

// drawColumns is the drawing's columns, each with the icon badge line
// under its screens (apns.md#U43).
func drawColumns(m matrix.Matrix, bundle string) []screen.Column {
	cols := screen.ColumnsOf(m, bundle)
	for i := range cols {
		if line := m.Devices[i].BadgeLine(); line != "" {
			cols[i].Findings = append([]string{line}, cols[i].Findings...)
		}
	}
	return cols
}
