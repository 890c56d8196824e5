package harness

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// Settle is how far a one-shot send's virtual clock is advanced after a
// delivery (with no tap) or a tap: past the 30 s watchdog (apns.md#C02,
// C05), so every completion handler has either been called or been ended.
const Settle = 31 * time.Second

// MaxEvents bounds the events one send keeps; a send makes a few dozen.
const MaxEvents = 100000

// SendConfig is one one-shot send: one request to each target device,
// then optionally one tap on what it shows.
type SendConfig struct {
	// Fleet is the simulated devices; nil means DefaultFleet().
	Fleet []*device.Device
	// Targets are the devices sent to, in order (members of Fleet); nil
	// means every device of the fleet.
	Targets []*device.Device
	// Request is the APNs request; its Token is replaced per device by the
	// installed app's token (or, when the app is missing, the token
	// pushsim makes up for it, which APNs does not know).
	Request provider.Request
	// Tap, when not "", is the action identifier tapped after each
	// accepted send, with Text typed into a text-input action and Context
	// choosing where (apns.md#U41); "" means where it arrived.
	Tap     string
	Text    string
	Context device.Context
	// Now starts the virtual clock; the zero value means time.Now().
	Now time.Time
}

// Outcome is what a one-shot send did, device by device.
type Outcome struct {
	// Topic is the apns-topic sent and Tap the action tapped ("" for none).
	Topic string
	Tap   string
	// Devices has one entry per target reached, in order.
	Devices []DeviceOutcome
	// Events is the whole event log of the run and Missed how many early
	// events it dropped.
	Events []world.Event
	Missed uint64
}

// DeviceOutcome is one device's part of a one-shot send.
type DeviceOutcome struct {
	Device *device.Device
	// AppMissing says the topic's app is not installed on the device.
	AppMissing bool
	// Response is APNs' answer.
	Response provider.Response
	// Events are the events of this send only (up to the settle).
	Events []world.Event
	// Delivered is what the device holds for this send right after it
	// (nil when nothing was delivered); DeliveredErr why it could not be
	// read.
	Delivered    *world.Delivered
	DeliveredErr error
	// Tapped says a tap was tried; TapErr is the device's refusal, and
	// TapEvents the events that followed an accepted tap.
	Tapped    bool
	TapErr    error
	TapEvents []world.Event
}

// Rejected says whether APNs refused any of the sends.
func (o Outcome) Rejected() bool {
	return slices.ContainsFunc(o.Devices, func(d DeviceOutcome) bool { return !d.Response.Sent() })
}

// SendOnce runs one notification through the whole simulated flow (apns2
// → fake APNs → device) on a virtual clock, so completion handlers and the
// watchdog resolve at once and the run is reproducible. On an error it
// returns what was done before it too.
func SendOnce(ctx context.Context, cfg SendConfig) (out Outcome, err error) {
	fleet := cfg.Fleet
	if fleet == nil {
		fleet = device.DefaultFleet()
	}
	targets := cfg.Targets
	if targets == nil {
		targets = fleet
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	clk := clock.NewVirtual(now)
	h, err := Start(ctx, Config{Fleet: fleet, Clock: clk})
	if err != nil {
		return out, err
	}
	defer func() {
		if cerr := h.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	topic := cfg.Request.Topic
	out.Topic, out.Tap = topic, cfg.Tap
	for _, d := range targets {
		app := d.App(topic)
		req := cfg.Request
		req.Token = device.DeviceToken(d.Name, topic)
		if app != nil {
			req.Token = app.Token
		}
		sendMark := h.Log.Last()
		res, err := h.Provider.Send(ctx, req)
		if err != nil {
			return out, err
		}
		if cfg.Tap == "" && res.Sent() {
			// A silent push's fetch handler resolves (or its watchdog
			// fires) as it would after a tap (apns.md#C05).
			clk.Advance(Settle)
		}
		do := DeviceOutcome{Device: d, AppMissing: app == nil, Response: res}
		do.Events, _ = h.Log.Since(sendMark, MaxEvents) // this send's events only
		if res.Sent() {
			delivered, err := h.World.Notifications(d.Name)
			if err != nil {
				do.DeliveredErr = err
			} else if i := slices.IndexFunc(delivered, func(n world.Delivered) bool { return n.ApnsID == res.ApnsID }); i >= 0 {
				do.Delivered = &delivered[i]
			}
		}
		if cfg.Tap != "" && res.Sent() {
			do.Tapped = true
			mark := h.Log.Last()
			_, do.TapErr = h.World.TapIn(ctx, d.Name, res.ApnsID, cfg.Tap, cfg.Text, cfg.Context)
			if do.TapErr == nil {
				clk.Advance(Settle)
				do.TapEvents, _ = h.Log.Since(mark, MaxEvents)
			}
		}
		out.Devices = append(out.Devices, do)
	}
	out.Events, out.Missed = h.Log.Since(0, MaxEvents)
	return out, nil
}
