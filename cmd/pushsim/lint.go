package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
)

// lintCmd is `pushsim lint`: version-aware findings for a payload.
type lintCmd struct {
	Payload  string `arg:"" name:"PAYLOAD" help:"A JSON payload file, a simctl .apns file, or - for standard input."`
	App      string `name:"app" placeholder:"BUNDLE" env:"PUSHSIM_APP" help:"Bundle id whose registered categories and strings are checked (default: the file's Simulator Target Bundle, else ${default_bundle})."`
	IOS      string `name:"ios" placeholder:"RANGE" default:"all" env:"PUSHSIM_IOS" help:"iOS versions to check: 7-18, 10+, <8, 9 or all."`
	Fleet    string `name:"fleet" placeholder:"FILE" env:"PUSHSIM_FLEET" help:"Fleet file that defines the app (default: the default fleet)."`
	PushType string `name:"push-type" env:"PUSHSIM_PUSH_TYPE" help:"The apns-push-type header the payload will be sent with."`
	Priority int    `name:"priority" env:"PUSHSIM_PRIORITY" help:"The apns-priority header (10 when absent)."`
	Topic    string `name:"topic" env:"PUSHSIM_TOPIC" help:"The apns-topic header."`
	JSON     bool   `name:"json" env:"PUSHSIM_JSON_OUTPUT" help:"Print the findings as JSON."`
}

// Run lints the payload and prints the findings; an error-level finding
// exits 1, an unreadable payload or a bad flag exits 2.
func (c *lintCmd) Run(e *env) error {
	ios, err := device.ParseRange(c.IOS)
	if err != nil {
		return usageErr("--ios: %v", err)
	}
	versions := ios.Versions()
	pf, err := device.ReadPayloadFile(c.Payload, e.stdin)
	if err != nil {
		return usageErr("%v", err)
	}
	bundle := c.App
	if bundle == "" {
		bundle = pf.TargetBundle
	}
	if bundle == "" {
		bundle = device.DefaultBundleID
	}
	fleet := device.DefaultFleet()
	if c.Fleet != "" {
		if fleet, err = e.loadFleet(c.Fleet); err != nil {
			return usageErr("--fleet: %v", err)
		}
	}
	app, known := findApp(fleet, bundle)
	if app == nil {
		if c.App == "" {
			return usageErr("%s: its %s %q is not in the fleet; expected one of %s, or --app", c.Payload, device.SimulatorTargetBundleKey, bundle, strings.Join(known, ", "))
		}
		return usageErr("--app: no app %q in the fleet; it has %s", bundle, strings.Join(known, ", "))
	}
	findings := lint.Lint(pf.Body, lint.Target{App: app, Versions: versions, PushType: c.PushType, Priority: c.Priority, Topic: c.Topic})
	if c.JSON {
		out := struct {
			Payload  string         `json:"payload"`
			App      string         `json:"app"`
			IOS      string         `json:"ios"`
			Findings []lint.Finding `json:"findings"`
		}{c.Payload, bundle, c.IOS, findings}
		if out.Findings == nil {
			out.Findings = []lint.Finding{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // "<8" stays readable
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing findings: %w", err)
		}
	} else {
		writeFindings(e, c.Payload, findings)
	}
	for _, f := range findings {
		if f.Severity == lint.SeverityError {
			return errFailed()
		}
	}
	return nil
}

// findApp returns the first install of bundle in the fleet, and the
// bundle ids the fleet has.
func findApp(fleet []*device.Device, bundle string) (*device.App, []string) {
	var known []string
	for _, d := range fleet {
		for _, a := range d.Apps {
			if a.BundleID == bundle {
				return a, nil
			}
			if !slices.Contains(known, a.BundleID) {
				known = append(known, a.BundleID)
			}
		}
	}
	return nil, known
}

// writeFindings prints one block per finding: severity, rule, versions,
// message, then the fix; and a count line.
func writeFindings(e *env, name string, findings []lint.Finding) {
	counts := map[lint.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
		row := ""
		if f.Row != "" && !strings.Contains(f.Message, "apns.md#"+f.Row) {
			row = " (apns.md#" + f.Row + ")"
		}
		fmt.Fprintf(e.stdout, "%s: %-7s %s [iOS %s]: %s%s\n", name, f.Severity, f.Rule, f.Versions, f.Message, row)
		if f.Fix != "" {
			fmt.Fprintf(e.stdout, "    fix: %s\n", f.Fix)
		}
	}
	fmt.Fprintf(e.stdout, "%s, %s, %s\n", plural(counts[lint.SeverityError], "error"), plural(counts[lint.SeverityWarning], "warning"), plural(counts[lint.SeverityInfo], "info"))
}

// plural is "1 error" or "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
