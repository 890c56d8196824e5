package world

import (
	"context"
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/device"
)

// routedTopicSuffix is the apns-topic suffix each push type needs after the
// bundle id (apns.md#H03–H13). Push types not listed (and mdm, whose topic
// is a certificate UID, H09) are not checked against the bundle id.
var routedTopicSuffix = map[string]string{
	"":             "", // apns2 sends alert when unset (apns.md#T16)
	"alert":        "", // apns.md#H03
	"background":   "", // apns.md#H04
	"location":     ".location-query",
	"voip":         ".voip",
	"complication": ".complication",
	"fileprovider": ".pushkit.fileprovider",
	"liveactivity": ".push-type.liveactivity",
	"pushtotalk":   ".voip-ptt",
	"widgets":      ".push-type.widgets",
	"controls":     ".push-type.controls",
}

// alertTokenPushTypes are the push types sent to an app's ordinary device
// token (apns.md#H03, H04, D08; "" is apns2's alert, T16).
var alertTokenPushTypes = map[string]bool{"": true, "alert": true, "background": true}

// Route implements fakeapns.Router: it finds the app that owns the token
// and refuses the notification with Apple's reason when it cannot be
// delivered: unknown token or token of the other environment →
// BadDeviceToken (apns.md#E11, D03); topic (with its push-type suffix) not
// the app's → DeviceTokenNotForTopic (apns.md#E16, D04); uninstalled app →
// 410 Unregistered with the uninstall time (apns.md#E51, D06, U21).
func (w *World) Route(ctx context.Context, n fakeapns.Notification) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("routing %s: %w", n.ApnsID, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ref, ok := w.byToken[strings.ToLower(n.Token)]
	if !ok {
		return fakeapns.Reject(fakeapns.ReasonBadDeviceToken)
	}
	a := ref.app
	if a.Environment != "" && n.Environment != "" && a.Environment != n.Environment {
		return fakeapns.Reject(fakeapns.ReasonBadDeviceToken) // apns.md#D03
	}
	if suffix, checked := routedTopicSuffix[n.PushType]; checked && n.Topic != a.BundleID+suffix {
		return fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic) // apns.md#D04
	}
	if !alertTokenPushTypes[n.PushType] {
		// PushKit (voip, complication, fileprovider), Live Activity,
		// push-to-talk, location and widget pushes go to tokens of their
		// own (apns.md#D08), which the simulated apps do not register: the
		// app's alert token is not registered for that topic (apns.md#D04).
		return fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic)
	}
	if a.Uninstalled && (w.unregNow || ref.ds.dead[a]) {
		return &fakeapns.Rejection{Reason: fakeapns.ReasonUnregistered, Timestamp: a.UninstalledAt}
	}
	return nil
}

// Observe implements fakeapns.Observer: it logs every request (accepted
// or rejected) and delivers accepted ones to their device. It does no I/O.
func (w *World) Observe(r fakeapns.Record) {
	var n *fakeapns.Notification
	token := ""
	if r.Notification != nil {
		n = r.Notification
		token = n.Token
	} else if t, ok := strings.CutPrefix(r.Path, "/3/device/"); ok {
		token = strings.ToLower(t)
	}
	// Parse, lint and render before taking the lock for the delivery:
	// they are the costly part (prepare.go).
	var payload device.Payload
	var ignored []*device.FieldError
	var perr error
	var pre *prepared
	var dn device.Notification
	if r.Accepted() && n != nil {
		payload, ignored, perr = device.ParseDeliverable(n.Payload)
		dn = device.Notification{
			ApnsID: n.ApnsID, Topic: n.Topic, PushType: n.PushType, Priority: n.Priority,
			CollapseID: n.CollapseID, Payload: payload, Ignored: device.IgnoredMessages(ignored),
			Expiration: n.Expiration, ExpirationSet: n.ExpirationSet,
		}
		if perr == nil {
			pre = w.prepareFor(token, dn)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ref, known := w.byToken[token]
	// Events take the World's clock, not r.ReceivedAt, so that a scenario
	// on a virtual clock keeps one timeline.
	ev := Event{ApnsID: r.ApnsID, Token: token, Status: r.Status, Reason: string(r.Reason)}
	if known {
		ev.Device, ev.App = ref.ds.dev.Name, ref.app.BundleID
	}
	if !r.Accepted() {
		ev.Kind = EventRejected
		ev.Message = fmt.Sprintf("rejected: %d %s", r.Status, r.Reason)
		if r.Status == 0 && r.Frame != "" {
			// A frame fault took the place of APNs' answer (fakeapns
			// FrameFault): the request was not processed.
			ev.Message = fmt.Sprintf("not answered: %s on connection %d", r.Frame, r.Connection)
			if r.Check == fakeapns.CheckStreamLimit {
				ev.Message += ": the client opened more streams than the MAX_CONCURRENT_STREAMS it acknowledged; not processed, safe to retry (apns.md#U83)"
			}
		}
		if !r.Timestamp.IsZero() {
			ev.Message += fmt.Sprintf(" (token invalid since %s)", r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		if r.Status != 0 && r.Frame != "" {
			ev.Message += fmt.Sprintf(", then %s on connection %d", r.Frame, r.Connection)
		}
		w.emit(nil, ev)
		return
	}
	ev.Kind = EventRequest
	if n == nil {
		ev.Message = "accepted, but the record carries no notification"
		w.emit(nil, ev)
		return
	}
	ev.Message = fmt.Sprintf("accepted: %s %s priority %d", n.Topic, pushTypeOr(n.PushType), n.Priority)
	if r.Connection != 0 {
		// Which connection tells a client's retry on a new connection
		// from one on the same (frame faults, issue 20).
		ev.Message += fmt.Sprintf(" on connection %d", r.Connection)
	}
	if r.Frame != "" {
		ev.Message += ", then " + r.Frame
	}
	w.emit(nil, ev)
	if !known {
		w.emit(nil, Event{Kind: EventError, ApnsID: r.ApnsID, Token: token,
			Message: "accepted, but no simulated device has this token (is the World the server's router?)"})
		return
	}
	if perr != nil {
		// apns.md#U02: APNs answers 200; the device never shows it.
		w.emit(nil, Event{Kind: EventSuppressed, Device: ref.ds.dev.Name, App: ref.app.BundleID, ApnsID: r.ApnsID, Token: token,
			Message: fmt.Sprintf("undeliverable: invalid payload: %v (apns.md#U02)", perr)})
		return
	}
	dn.ReceivedAt = w.clock.Now()
	w.arrive(ref.ds, ref.app, dn, pre)
}

// prepareFor takes the snapshot of the device that has token (briefly
// holding w.mu) and prepares n on it without the lock; nil when the token
// is unknown or the device would not deliver at once (offline: stored by
// APNs; priority 1: held), where preparing would be wasted.
func (w *World) prepareFor(token string, n device.Notification) *prepared {
	w.mu.Lock()
	ref, ok := w.byToken[token]
	var snap *snapshot
	var bundleID string
	if ok && !ref.app.Uninstalled && !ref.ds.dev.Offline && n.Priority != 1 {
		snap, bundleID = w.snapshotOf(ref.ds), ref.app.BundleID
	}
	w.mu.Unlock()
	if snap == nil {
		return nil
	}
	return w.prepare(snap, bundleID, token, n)
}

func pushTypeOr(t string) string {
	if t == "" {
		return "(no push type)"
	}
	return t
}
