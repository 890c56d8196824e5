package harness

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// WriteText prints a one-shot send device by device: APNs' answer (with
// Apple's meaning and fix for a rejection), every context's screen as
// Presentation.Line draws it, what the app was told, and what a tap did.
// It is the one text form of an Outcome.
func (o Outcome) WriteText(w io.Writer) {
	for _, d := range o.Devices {
		d.writeDelivery(w)
		if d.AppMissing {
			fmt.Fprintf(w, "  device     %s is not installed on %s: APNs does not know the token pushsim made up for it (--topic picks the app)\n", o.Topic, d.Device.Name)
		}
		if d.Tapped {
			d.writeTap(w, o.Tap)
		}
	}
}

// writeDelivery prints APNs' answer and every context's screen for one device.
func (d DeviceOutcome) writeDelivery(w io.Writer) {
	dev, res, events := d.Device, d.Response, d.Events
	if dev.Model == "" { // fleet files may leave the model out
		fmt.Fprintf(w, "%s  iOS %s\n", dev.Name, dev.Version)
	} else {
		fmt.Fprintf(w, "%s  %s, iOS %s\n", dev.Name, dev.Model, dev.Version)
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
	if d.DeliveredErr != nil {
		fmt.Fprintf(w, "  device     %v\n", d.DeliveredErr)
		return
	}
	if d.Delivered == nil {
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
	shown := d.Delivered.Presentations
	for _, p := range shown {
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
			if ev.Kind == world.EventWake && len(shown) == 0 {
				continue // a silent push: printed below with what the app was told
			}
			// Ignored keys, the badge, collapse, a mixed push's wake
			// (apns.md#U40, U43, U46, U47).
			fmt.Fprintf(w, "  %-10s %s\n", ev.Kind, ev.Message)
		}
	}
	if len(shown) > 0 {
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

// writeTap prints the events that followed a tap, or why it could not be
// done on this device.
func (d DeviceOutcome) writeTap(w io.Writer, id string) {
	if err := d.TapErr; err != nil {
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
	for _, ev := range d.TapEvents {
		fmt.Fprintf(w, "    #%-4d %-18s %s\n", ev.Seq, ev.Kind, ev.Message)
	}
}
