package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
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

// settle is how far the one-shot simulation's virtual clock is advanced
// after a tap: past the 30 s watchdog (apns.md#C02, C05), so every
// completion handler has either been called or been ended.
const settle = 31 * time.Second

// maxEvents bounds what one send prints; a send makes a few dozen events.
const maxEvents = 100000

// Run sends the payload and prints what each device shows.
func (c *sendCmd) Run(e *env) (err error) {
	if c.Context != "" && c.Tap == "" {
		return usageErr("--context %q: chooses where --tap happens; expected --tap ID too (apns.md#U41)", c.Context)
	}
	if c.Context != "" && !slices.Contains(knownContexts(), device.Context(c.Context)) {
		return usageErr("--context %q: no such context; expected one of %s", c.Context, joinContexts(knownContexts()))
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
		topic = pickApp("", "", c.Fleet, fleet)
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

	// A one-shot send runs on a virtual clock: completion handlers and the
	// watchdog resolve at once and the run is reproducible.
	clock := clock.NewVirtual(time.Now())
	h, err := harness.Start(e.ctx, harness.Config{Fleet: fleet, Clock: clock})
	if err != nil {
		return err
	}
	defer closing(&err, h.Close)

	anyRejected := false
	var refusals []string // taps the device's screen cannot reach (apns.md#U41, U48)
	for _, d := range targets {
		app := d.App(topic)
		token := device.DeviceToken(d.Name, topic)
		if app != nil {
			token = app.Token
		}
		sendMark := h.Log.Last()
		res, err := h.Provider.Send(e.ctx, c.request(token, topic, pf.Body))
		if err != nil {
			return err
		}
		if !res.Sent() {
			anyRejected = true
		}
		if c.Tap == "" && res.Sent() {
			// A silent push's fetch handler resolves (or its watchdog
			// fires) as it would after a tap (apns.md#C05).
			clock.Advance(settle)
		}
		if !c.Events {
			events, _ := h.Log.Since(sendMark, maxEvents) // this send's events only
			printDelivery(e.stdout, h.World, events, d, res)
			if app == nil {
				fmt.Fprintf(e.stdout, "  device     %s is not installed on %s: APNs does not know the token pushsim made up for it (--topic picks the app)\n", topic, d.Name)
			}
		}
		if c.Tap == "" || !res.Sent() {
			continue
		}
		mark := h.Log.Last()
		_, terr := h.World.TapIn(e.ctx, d.Name, res.ApnsID, c.Tap, c.Text, device.Context(c.Context))
		if refused := tapRefusal(d.Name, c.Tap, terr); refused != "" {
			refusals = append(refusals, refused)
		}
		if terr == nil {
			clock.Advance(settle)
		}
		if !c.Events {
			printTap(e.stdout, h.Log, mark, c.Tap, terr)
		}
	}
	if c.Events {
		events, missed := h.Log.Since(0, maxEvents)
		if missed > 0 {
			fmt.Fprintf(e.stderr, "%s: %d early events were dropped from the log\n", programName, missed)
		}
		if err := world.WriteJSONL(e.stdout, events); err != nil {
			return fmt.Errorf("write events: %w", err)
		}
	}
	if anyRejected {
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

// knownContexts are the contexts any version has, for --context.
func knownContexts() []device.Context {
	var out []device.Context
	for _, row := range device.TableRows() {
		for _, c := range row.Contexts {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
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
	payload, err := device.ParsePayload(body)
	if err != nil {
		return nil // the device will not show it; APNs and the device say why
	}
	shown := map[string]bool{}
	var order []string
	for _, d := range targets {
		app := d.App(topic)
		if app == nil {
			continue
		}
		n := device.Notification{Topic: topic, Payload: payload}
		for _, p := range device.RenderAll(d, app, n) {
			for _, b := range p.Buttons {
				if b.System || shown[b.ID] {
					continue
				}
				shown[b.ID] = true
				order = append(order, b.ID)
			}
		}
	}
	if shown[id] {
		return nil
	}
	if len(order) == 0 {
		return usageErr("--tap %q: no device shows an action for this payload; expected default, dismiss, timeout, or a system button (system:view, system:close, system:ok)", id)
	}
	return usageErr("--tap %q: no device shows that action; expected one of %s, default, dismiss, timeout, or a system button (system:options, system:close, ...)", id, strings.Join(order, ", "))
}

// printDelivery prints APNs' answer and every context's screen for one device.
func printDelivery(w io.Writer, wd *world.World, events []world.Event, d *device.Device, res provider.Response) {
	if d.Model == "" { // fleet files may leave the model out
		fmt.Fprintf(w, "%s  iOS %s\n", d.Name, d.Version)
	} else {
		fmt.Fprintf(w, "%s  %s, iOS %s\n", d.Name, d.Model, d.Version)
	}
	if !res.Sent() {
		line := fmt.Sprintf("  APNs       %d %s  apns-id %s", res.Status, res.Reason, res.ApnsID)
		if !res.Timestamp.IsZero() {
			line += "  timestamp " + strconv.FormatInt(res.Timestamp.UnixMilli(), 10)
		}
		fmt.Fprintln(w, line)
		// Apple's meaning and the fix, as a real send prints them.
		x := provider.Explain(string(res.Reason), fakeapns.Development)
		fmt.Fprintf(w, "  meaning    %s\n", x.Meaning)
		fmt.Fprintf(w, "  fix        %s\n", x.Fix)
		return
	}
	fmt.Fprintf(w, "  APNs       %d  apns-id %s\n", res.Status, res.ApnsID)
	delivered, err := wd.Notifications(d.Name)
	if err != nil {
		fmt.Fprintf(w, "  device     %v\n", err)
		return
	}
	i := slices.IndexFunc(delivered, func(n world.Delivered) bool { return n.ApnsID == res.ApnsID })
	if i < 0 {
		// Say why: APNs took a body the device cannot use (apns.md#U02),
		// the app is uninstalled, and so on.
		why := ""
		for _, ev := range events {
			if ev.ApnsID == res.ApnsID && (ev.Kind == world.EventSuppressed || ev.Kind == world.EventNote || ev.Kind == world.EventError) {
				why = ": " + ev.Message
			}
		}
		fmt.Fprintf(w, "  device     nothing delivered%s\n", why)
		return
	}
	for _, p := range delivered[i].Presentations {
		fmt.Fprintf(w, "  %-20s %s\n", string(p.Context)+":", p.Line())
		for _, n := range p.Notes {
			fmt.Fprintf(w, "      · %s\n", n)
		}
	}
	for _, ev := range events {
		if ev.ApnsID != res.ApnsID {
			continue
		}
		switch ev.Kind {
		case world.EventLint:
			fmt.Fprintf(w, "  lint       %s\n", ev.Message)
		case world.EventNote, world.EventWake:
			if ev.Kind == world.EventWake && len(delivered[i].Presentations) == 0 {
				continue // a silent push: printed below with what the app was told
			}
			// Ignored keys, the badge, collapse, a mixed push's wake
			// (apns.md#U40, U43, U46, U47).
			fmt.Fprintf(w, "  %-10s %s\n", ev.Kind, ev.Message)
		}
	}
	if len(delivered[i].Presentations) > 0 {
		return
	}
	// Nothing to draw (a silent push, badge or sound only): say what the
	// app was told instead (apns.md#P11, C05, U23).
	for _, ev := range events {
		switch ev.Kind {
		case world.EventWake, world.EventSuppressed, world.EventCompletion, world.EventDoubleCompletion, world.EventWatchdog:
			if ev.ApnsID == res.ApnsID {
				fmt.Fprintf(w, "  %-20s %s\n", ev.Kind, ev.Message)
			}
		}
	}
}

// printTap prints the events that followed a tap, or why it could not be
// done on this device.
func printTap(w io.Writer, log *world.EventLog, mark uint64, id string, err error) {
	if err != nil {
		var unknown *world.UnknownActionError
		var unavailable *world.ActionNotAvailableError
		var unreachable *world.ActionNotReachableError
		var ambiguous *world.AmbiguousTapError
		var badContext *world.ContextError
		if errors.As(err, &unknown) || errors.As(err, &unavailable) || errors.As(err, &unreachable) ||
			errors.As(err, &ambiguous) || errors.As(err, &badContext) {
			fmt.Fprintf(w, "  tap %-16s not possible here: %v\n", id, err)
			return
		}
		fmt.Fprintf(w, "  tap %-16s error: %v\n", id, err)
		return
	}
	fmt.Fprintf(w, "  tap %s\n", id)
	events, _ := log.Since(mark, maxEvents)
	for _, ev := range events {
		fmt.Fprintf(w, "    #%-4d %-18s %s\n", ev.Seq, ev.Kind, ev.Message)
	}
}
