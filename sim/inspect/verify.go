package inspect

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pushsim/pushsim/sim/verify"
	"github.com/pushsim/pushsim/sim/world"
)

// journal returns the stored requests as the matcher sees them, oldest
// first, each with the device and app its token belongs to.
func (a *API) journal() []verify.Request {
	entries := a.records.List(Filter{})
	out := make([]verify.Request, len(entries))
	for i, e := range entries {
		q := verify.FromRecord(e.Seq, e.Record)
		q.Device, q.App = e.Device, e.App
		out[i] = q
	}
	return out
}

// postVerify evaluates a verify.Verification over the stored requests:
// 200 with the matches when the count holds, 409 with the near misses
// when it does not, 400 naming the field of a bad matcher.
func (a *API) postVerify(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	m, err := verify.Parse(r.Body)
	if err != nil {
		var fe *verify.FieldError
		if errors.As(err, &fe) {
			writeFieldError(w, http.StatusBadRequest, fe.Field, "bad matcher: "+fe.Error())
			return
		}
		writeError(w, http.StatusBadRequest, "bad matcher: "+err.Error())
		return
	}
	res := m.Evaluate(a.journal())
	status := http.StatusOK
	if !res.Holds {
		status = http.StatusConflict
	}
	writeJSON(w, status, res)
}

// Delivery states of GET notifications/unique/{id}, after the Push
// Notifications Console's delivery log (apns.md#U80).
const (
	DeliveryRejected  = "rejected"  // APNs answered an error: never received
	DeliveryReceived  = "received"  // accepted; nothing known of the device yet
	DeliveryDelivered = "delivered" // reached the device
	DeliveryStored    = "stored"    // kept by APNs for a device that is offline
	DeliveryDiscarded = "discarded" // accepted but never delivered, and why
)

// DeliveryView is the answer of GET notifications/unique/{id}: where one
// push stands, like a line of the Push Notifications Console's delivery
// log, with the events that tell its story.
type DeliveryView struct {
	UniqueID string `json:"apns_unique_id"`
	ApnsID   string `json:"apns_id"`
	// State is one of rejected, received, delivered, stored, discarded.
	State string `json:"state"`
	// Console is the Push Notifications Console's wording of the state,
	// e.g. "Delivered to Device" or "Discarded - Token Unregistered".
	Console string `json:"console"`
	// Reason is Apple's reason for a rejection, or why the push was
	// discarded or stored.
	Reason  string         `json:"reason,omitempty"`
	Request verify.Request `json:"request"`
	// Events are the event-log entries of this push (by apns-id), oldest
	// first.
	Events []world.Event `json:"events"`
}

// Event kinds of the World's offline storage and power handling
// (apns.md#T20–T22, C10, C11), written as strings because they land on
// main with that work (branch fidelity19); until then they never match.
const (
	kindStored        world.EventKind = "stored"         // offline: APNs keeps it
	kindReplaced      world.EventKind = "replaced"       // stored, dropping the one kept before
	kindExpired       world.EventKind = "expired"        // not stored, or expired in storage
	kindDeliveredLate world.EventKind = "delivered_late" // the device came back: from storage
	kindDeferred      world.EventKind = "deferred"       // held for power (priority 1, budget)
	kindCoalesced     world.EventKind = "coalesced"      // held, replacing the one held before
)

// deliveryStates maps event kinds to the delivery state they put a push
// in, in the Console's words (apns.md#U80).
var deliveryStates = map[world.EventKind]struct{ state, console string }{
	world.EventDelivered: {DeliveryDelivered, "Delivered to Device"},
	kindStored:           {DeliveryStored, "Stored - Device Offline"},
	kindReplaced:         {DeliveryStored, "Stored - Device Offline"},
	kindExpired:          {DeliveryDiscarded, "Discarded - Expired"},
	kindDeliveredLate:    {DeliveryDelivered, "Delivered to Device (From Storage)"},
	kindDeferred:         {DeliveryStored, "Stored - Power Considerations"},
	kindCoalesced:        {DeliveryStored, "Stored - Power Considerations"},
}

// getDelivery looks one push up by the apns-unique-id the development
// server answered (apns.md#E05, U09).
func (a *API) getDelivery(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var found *verify.Request
	for _, q := range a.journal() {
		if q.UniqueID != "" && strings.EqualFold(q.UniqueID, id) {
			found = &q
		}
	}
	if found == nil {
		writeFieldError(w, http.StatusNotFound, "id", fmt.Sprintf(
			"no stored request has apns-unique-id %q (only development answers carry one, apns.md#E05; the store keeps the newest requests and POST reset clears it)", id))
		return
	}
	v := DeliveryView{UniqueID: found.UniqueID, ApnsID: found.ApnsID, Request: *found, Events: a.eventsOf(found.ApnsID)}
	if found.Status != http.StatusOK {
		v.State, v.Console, v.Reason = DeliveryRejected, fmt.Sprintf("Rejected - %d %s", found.Status, found.Reason), found.Reason
		writeJSON(w, http.StatusOK, v)
		return
	}
	v.State, v.Console = DeliveryReceived, "Received by APNs"
	for _, e := range v.Events {
		own := strings.EqualFold(e.ApnsID, found.ApnsID)
		switch s, known := deliveryStates[e.Kind]; {
		case !own:
			// A newer push's event that names this one: it took this
			// one's place in storage or among the held pushes.
			v.State, v.Console, v.Reason = DeliveryDiscarded, "Discarded - Replaced by a newer notification", e.Message
		case e.Kind == world.EventSuppressed && strings.Contains(e.Message, "uninstalled"):
			// Reaches the device, which drops it: the Console's word
			// for the app being gone.
			v.State, v.Console, v.Reason = DeliveryDiscarded, "Discarded - Token Unregistered", e.Message
		case e.Kind == world.EventDelivered && v.Console == "Delivered to Device (From Storage)":
			// The device receiving what storage forwarded: keep saying so.
		case known:
			v.State, v.Console, v.Reason = s.state, s.console, ""
			if s.state != DeliveryDelivered {
				v.Reason = e.Message
			}
		case v.State == DeliveryDelivered:
		case e.Kind == world.EventSuppressed, e.Kind == world.EventError:
			// What the World logs for a push that never reaches a device:
			// a body no device can show (apns.md#U02), a token no device
			// has.
			v.State, v.Console, v.Reason = DeliveryDiscarded, "Discarded", e.Message
		}
	}
	writeJSON(w, http.StatusOK, v)
}

// eventsOf gathers the events (since the last reset) of one apns-id,
// and those of newer pushes that replaced it (their message names it),
// reading the log in bounded pages.
func (a *API) eventsOf(apnsID string) []world.Event {
	out := []world.Event{}
	buf := make([]world.Event, 0, 512)
	for since := a.floorSeq(); ; {
		events, _ := a.log.AppendSince(buf[:0], since, cap(buf))
		for _, e := range events {
			switch {
			case e.ApnsID != "" && strings.EqualFold(e.ApnsID, apnsID):
				out = append(out, e)
			case (e.Kind == kindReplaced || e.Kind == kindCoalesced) && apnsID != "" &&
				strings.Contains(strings.ToLower(e.Message), strings.ToLower(apnsID)):
				out = append(out, e)
			}
		}
		if len(events) < cap(buf) {
			return out
		}
		since, buf = events[len(events)-1].Seq, events
	}
}
