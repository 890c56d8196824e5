package main

import (
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
		if err := lint.WriteJSON(e.stdout, c.Payload, bundle, c.IOS, findings); err != nil {
			return err
		}
	} else {
		lint.WriteText(e.stdout, c.Payload, findings)
	}
	if lint.HasError(findings) {
		return errFailed()
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
