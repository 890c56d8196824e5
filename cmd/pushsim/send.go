package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// sendCmd is `pushsim send`: one notification through the whole simulated
// flow, printed device by device.
type sendCmd struct {
	Payload string `arg:"" help:"Payload: a JSON file, a simctl .apns file, or - for standard input."`

	Device  []string `short:"d" placeholder:"NAME" env:"PUSHSIM_DEVICE" help:"Send to this device (repeatable); default: every device of the fleet."`
	Fleet   string   `placeholder:"FILE" type:"path" env:"PUSHSIM_FLEET" help:"Fleet file (YAML) with your own app, categories and devices; default: the built-in fleet."`
	App     string   `placeholder:"BUNDLE" env:"PUSHSIM_APP" help:"Bundle id of the app to send to (and the default apns-topic); default: the file's Simulator Target Bundle, else the fleet file's only app, else ${default_bundle}."`
	Tap     string   `placeholder:"ID" env:"PUSHSIM_TAP" help:"Then tap this action identifier ('default' taps the body, 'dismiss' clears it, 'timeout' lets a banner go, system:options / system:keep / system:turn-off press the system's buttons)."`
	Context string   `placeholder:"CONTEXT" env:"PUSHSIM_CONTEXT" help:"Tap in this context (e.g. alert-options, notification-center) instead of where the notification arrived; an action is reachable only where it is shown (apns.md#U41)."`
	Text    string   `env:"PUSHSIM_TEXT" help:"Typed text for a text-input action (with --tap)."`
	Events  bool     `env:"PUSHSIM_EVENTS" help:"Print the event log as JSON lines instead of the summary."`

	Topic      string `env:"PUSHSIM_TOPIC" help:"apns-topic; default: the file's Simulator Target Bundle, else ${default_bundle}."`
	PushType   string `name:"push-type" default:"alert" env:"PUSHSIM_PUSH_TYPE" help:"apns-push-type."`
	Priority   int    `env:"PUSHSIM_PRIORITY" help:"apns-priority (10, 5 or 1); default: none sent, which APNs reads as 10."`
	Expiration *int64 `env:"PUSHSIM_EXPIRATION" help:"apns-expiration, Unix seconds; 0 = one attempt, no storage."`
	CollapseID string `name:"collapse-id" env:"PUSHSIM_COLLAPSE_ID" help:"apns-collapse-id."`
	ApnsID     string `name:"apns-id" env:"PUSHSIM_APNS_ID" help:"apns-id (a UUID); default: APNs makes one."`

	realFlags `embed:""`
}

// request builds the APNs request from the flags; the simulated and the real
// path both use it, so the same input gives the same bytes on the wire.
func (c *sendCmd) request(token, topic string, body []byte) provider.Request {
	var expiration time.Time
	if c.Expiration != nil {
		// 0 is provider.ExpireNow: "apns-expiration: 0" (apns.md#H16, T21).
		expiration = time.Unix(*c.Expiration, 0)
	}
	return provider.Request{
		Token: token, Topic: topic, PushType: c.PushType, Priority: c.Priority,
		Expiration: expiration, CollapseID: c.CollapseID, ApnsID: c.ApnsID, Payload: body,
	}
}

// Run sends the payload and prints what each device shows.
func (c *sendCmd) Run(e *env) error {
	if c.Context != "" && c.Tap == "" {
		return usageErr("--context %q: chooses where --tap happens; expected --tap ID too (apns.md#U41)", c.Context)
	}
	if c.Context != "" && !slices.Contains(device.KnownContexts(), device.Context(c.Context)) {
		return usageErr("--context %q: no such context; expected one of %s", c.Context, joinContexts(device.KnownContexts()))
	}
	if c.Text != "" && c.Tap == "" {
		return usageErr("--text %q: types a reply only with --tap; expected --tap ID of a text-input action (apns.md#V34, V43)", c.Text)
	}
	pf, err := device.ReadPayloadFile(c.Payload, e.stdin)
	if err != nil {
		return usageErr("%v", err)
	}
	topic := c.Topic
	if topic == "" {
		topic = c.App
	}
	if topic == "" {
		topic = pf.TargetBundle
	}
	if !c.Real {
		if given := c.realOnly(e.args); len(given) > 0 {
			return usageErr("%s only apply to a real send: add --real (with --sandbox or --production), or drop them", strings.Join(given, ", "))
		}
	}
	if c.Real {
		if c.Fleet != "" {
			return usageErr("--fleet: a real send goes to Apple, not to simulated devices; give --token instead")
		}
		return c.runReal(e, pf, topic)
	}
	fleet := device.DefaultFleet()
	if c.Fleet != "" {
		if fleet, err = device.LoadFleet(c.Fleet); err != nil {
			return usageErr("--fleet: %w", err)
		}
	}
	if topic == "" {
		topic = device.PickBundle("", "", c.Fleet != "", fleet)
	}
	targets, err := pickDevices(fleet, c.Device)
	if err != nil {
		return err
	}
	if c.Tap != "" {
		if err := checkTap(targets, topic, pf.Body, c.Tap); err != nil {
			return err
		}
	}

	out, err := harness.SendOnce(e.ctx, harness.SendConfig{
		Fleet: fleet, Targets: targets, Request: c.request("", topic, pf.Body),
		Tap: c.Tap, Text: c.Text, Context: device.Context(c.Context),
	})
	if !c.Events {
		out.WriteText(e.stdout)
	}
	if err != nil {
		return err
	}
	var refusals []string // taps the device's screen cannot reach (apns.md#U41, U48)
	for _, d := range out.Devices {
		if refused := tapRefusal(d.Device.Name, c.Tap, d.TapErr); refused != "" {
			refusals = append(refusals, refused)
		}
	}
	if c.Events {
		if out.Missed > 0 {
			fmt.Fprintf(e.stderr, "%s: %d early events were dropped from the log\n", programName, out.Missed)
		}
		if err := world.WriteJSONL(e.stdout, out.Events); err != nil {
			return fmt.Errorf("write events: %w", err)
		}
	}
	if out.Rejected() {
		return errFailed()
	}
	if len(refusals) > 0 {
		return usageErr("%s", strings.Join(refusals, "\n"))
	}
	return nil
}

// tapRefusal words a tap the device refused because the screen cannot
// reach it, with how to choose a context that can; "" for anything else.
func tapRefusal(dev, id string, err error) string {
	var nr *world.ActionNotReachableError
	var amb *world.AmbiguousTapError
	var ce *world.ContextError
	switch {
	case errors.As(err, &nr):
		shown := make([]string, len(nr.ShownIn))
		for i, c := range nr.ShownIn {
			shown[i] = string(c)
		}
		msg := fmt.Sprintf("--tap %s on %s: not reachable in the %s; shown in: %s; choose one with --context %s (apns.md#U41)",
			id, dev, nr.Context, strings.Join(shown, ", "), shown[0])
		if nr.Hint != "" {
			msg += "; " + nr.Hint
		}
		return msg
	case errors.As(err, &amb):
		return fmt.Sprintf("--tap %s on %s: ambiguous: the app's action is %s, the system's button is %s; expected one of those ids (apns.md#U48)",
			id, dev, amb.AppAction, amb.System)
	case errors.As(err, &ce):
		return fmt.Sprintf("--context %s on %s: %s", ce.Context, dev, ce.Error())
	}
	return ""
}

func joinContexts(cs []device.Context) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// pickDevices returns the named devices in fleet order, or all of them.
func pickDevices(fleet []*device.Device, names []string) ([]*device.Device, error) {
	if len(names) == 0 {
		return fleet, nil
	}
	var out []*device.Device
	for _, name := range names {
		i := slices.IndexFunc(fleet, func(d *device.Device) bool { return d.Name == name })
		if i < 0 {
			return nil, usageErr("--device %q: no such device; expected one of %s", name, strings.Join(deviceNames(fleet), ", "))
		}
		out = append(out, fleet[i])
	}
	return out, nil
}

func deviceNames(fleet []*device.Device) []string {
	names := make([]string, len(fleet))
	for i, d := range fleet {
		names[i] = d.Name
	}
	return names
}

// checkTap refuses a --tap id that no target device would show, before
// anything is sent.
func checkTap(targets []*device.Device, topic string, body []byte, id string) error {
	switch {
	case id == device.UNNotificationDefaultActionIdentifier, id == device.UNNotificationDismissActionIdentifier,
		strings.HasPrefix(id, device.SystemIDPrefix):
		// The body, dismiss and the system's own buttons (apns.md#V20,
		// U42, U48, U50): the device resolves them, or says why not.
		return nil
	}
	switch id {
	case device.KeyDefault, device.KeyDismiss, world.KeyTimeout, "view", "close", "ok":
		return nil // short words; the device refuses them when ambiguous (apns.md#U48)
	}
	// A payload that does not parse shows nothing: APNs and the device say why.
	if _, err := device.ParsePayload(body); err != nil {
		return nil
	}
	order := device.ShownActions(targets, topic, body)
	if slices.Contains(order, id) {
		return nil
	}
	if len(order) == 0 {
		return usageErr("--tap %q: no device shows an action for this payload; expected default, dismiss, timeout, or a system button (system:view, system:close, system:ok)", id)
	}
	return usageErr("--tap %q: no device shows that action; expected one of %s, default, dismiss, timeout, or a system button (system:options, system:close, ...)", id, strings.Join(order, ", "))
}
