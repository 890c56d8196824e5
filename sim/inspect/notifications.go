package inspect

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// NotificationView is one request as GET notifications shows it: what the
// backend sent, what the fake APNs answered and, for accepted requests,
// what each context of the device's iOS version shows.
type NotificationView struct {
	Seq         uint64               `json:"seq"`
	ReceivedAt  time.Time            `json:"received_at"`
	Environment fakeapns.Environment `json:"environment"`
	RemoteAddr  string               `json:"remote_addr,omitempty"`
	Method      string               `json:"method"`
	Path        string               `json:"path"`
	Headers     http.Header          `json:"headers"`
	// Payload is the body when it is valid JSON in valid UTF-8;
	// PayloadText when it is not. A body that is not valid UTF-8 (APNs
	// still accepts it when it parses, apns.md#P01) cannot be carried in
	// JSON as it is: its bytes are in PayloadBase64, PayloadText is a
	// lossy view (U+FFFD for each bad byte) and PayloadNote says so.
	Payload       json.RawMessage `json:"payload,omitempty"`
	PayloadText   string          `json:"payload_text,omitempty"`
	PayloadBase64 string          `json:"payload_base64,omitempty"`
	PayloadNote   string          `json:"payload_note,omitempty"`
	Status        int             `json:"status"`
	Reason        fakeapns.Reason `json:"reason,omitempty"`
	// Connection numbers the HTTP/2 connection the request came on (1, 2,
	// … in order of acceptance), to tell a retry on a new connection from
	// one on the same; a fault rule's "connection" matches it.
	Connection uint64 `json:"connection,omitempty"`
	// Frame is the frame-level fault applied to the request, e.g.
	// "GOAWAY NO_ERROR last-stream-id below"; Status is then 0 when the
	// fault took the place of the answer.
	Frame string `json:"frame,omitempty"`
	// Detail says why a rejected request was refused (e.g. "provider
	// token: no iat claim"): for the developer, never in APNs' answer.
	Detail    string             `json:"detail,omitempty"`
	Timestamp time.Time          `json:"timestamp,omitzero"`
	ApnsID    string             `json:"apns_id"`
	UniqueID  string             `json:"apns_unique_id,omitempty"`
	LatencyMS float64            `json:"latency_ms"`
	Token     string             `json:"token,omitempty"`
	Topic     string             `json:"topic,omitempty"`
	PushType  string             `json:"push_type,omitempty"`
	Auth      *fakeapns.Identity `json:"auth,omitempty"`
	Device    string             `json:"device,omitempty"`
	App       string             `json:"app,omitempty"`
	// State is where the notification stands on the device now (shown,
	// suppressed, silent, dismissed, acted); empty when it is not (or no
	// longer) on the device.
	State  world.NotificationState `json:"state,omitempty"`
	Action string                  `json:"action,omitempty"`
	// Presentations has one entry per context of the device's iOS
	// version, as rendered when the notification arrived.
	Presentations []device.Presentation `json:"presentations,omitempty"`
	// Lint holds the warnings and errors of the payload for this device's
	// iOS version and app, from the event log (EventLint).
	Lint []string `json:"lint,omitempty"`
	// Fleet, with ?fleet=true, is the same notification rendered on every
	// device of the fleet that has the app: one entry per iOS version.
	Fleet []FleetView `json:"fleet,omitempty"`
}

// FleetView is what one device of the fleet would show for a
// notification, in every context of its iOS version.
type FleetView struct {
	Device        string                `json:"device"`
	IOS           string                `json:"ios"`
	Locked        bool                  `json:"locked,omitempty"`
	Presentations []device.Presentation `json:"presentations"`
}

// notificationsBody is the answer of GET notifications.
type notificationsBody struct {
	Notifications []NotificationView `json:"notifications"`
	// Next is the since= of the following page.
	Next uint64 `json:"next"`
	// Missed counts requests after since that the store dropped (it keeps
	// --keep-notifications) before they were read.
	Missed uint64 `json:"missed,omitempty"`
}

// maxNotificationsPerRead bounds one page of GET notifications.
const maxNotificationsPerRead = 1000

func (a *API) getNotifications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{Device: q.Get("device"), Token: q.Get("token"), ApnsID: q.Get("apns_id")}
	if f.Device != "" {
		if _, err := a.world.Device(f.Device); err != nil {
			writeWorldError(w, err)
			return
		}
	}
	since, err := uintParam(q.Get("since"))
	if err != nil {
		writeFieldError(w, http.StatusBadRequest, "since", "since: "+err.Error())
		return
	}
	limit := maxNotificationsPerRead
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			writeFieldError(w, http.StatusBadRequest, "limit", fmt.Sprintf("limit: %q is not a positive number", v))
			return
		}
		limit = min(n, maxNotificationsPerRead)
	}
	fleet := false
	if v := q.Get("fleet"); v != "" {
		var err error
		if fleet, err = strconv.ParseBool(v); err != nil {
			writeFieldError(w, http.StatusBadRequest, "fleet", fmt.Sprintf("fleet: %q is not true or false", v))
			return
		}
	}
	var devices []world.DeviceView
	if fleet {
		devices = a.world.Devices()
	}
	missed := a.records.Missed(since)
	entries := a.records.List(f)
	first := 0
	for first < len(entries) && entries[first].Seq <= since {
		first++
	}
	entries = entries[first:]
	if len(entries) > limit {
		entries = entries[:limit]
	}
	next := since
	if len(entries) > 0 {
		next = entries[len(entries)-1].Seq
	}
	lint := a.lintByApnsID()
	// What is on each device is read once per device, not per request.
	onDevice := map[string]map[string]world.Delivered{}
	out := make([]NotificationView, 0, len(entries))
	for _, e := range entries {
		v := view(e)
		if e.Record.Accepted() && e.Device != "" {
			byID, ok := onDevice[e.Device]
			if !ok {
				byID = map[string]world.Delivered{}
				if ds, err := a.world.Notifications(e.Device); err == nil {
					for _, d := range ds {
						byID[strings.ToLower(d.ApnsID)] = d
					}
				}
				onDevice[e.Device] = byID
			}
			v.Lint = lint[strings.ToLower(e.Record.ApnsID)]
			if d, ok := byID[strings.ToLower(e.Record.ApnsID)]; ok {
				v.State, v.Action, v.Presentations = d.State, d.Action, d.Presentations
				if fleet {
					v.Fleet = fleetViews(devices, d)
				}
			}
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, notificationsBody{Notifications: out, Next: next, Missed: missed})
}

// lintByApnsID gathers the lint messages of the event log (since the
// last reset) by lower-case apns-id, reading the log in bounded pages.
func (a *API) lintByApnsID() map[string][]string {
	out := map[string][]string{}
	buf := make([]world.Event, 0, 512)
	for since := a.floorSeq(); ; {
		events, _ := a.log.AppendSince(buf[:0], since, cap(buf))
		for _, e := range events {
			if e.Kind == world.EventLint && e.ApnsID != "" {
				id := strings.ToLower(e.ApnsID)
				out[id] = append(out[id], e.Message)
			}
		}
		if len(events) < cap(buf) {
			return out
		}
		since, buf = events[len(events)-1].Seq, events
	}
}

// fleetViews renders d on every device that has its app, with the pure
// Render (DESIGN.md "Render is pure"): each device as it is now.
func fleetViews(devices []world.DeviceView, d world.Delivered) []FleetView {
	var out []FleetView
	for i := range devices {
		dev := &devices[i].Device
		app := dev.App(d.App)
		if app == nil || app.Uninstalled {
			continue
		}
		out = append(out, FleetView{Device: dev.Name, IOS: dev.Version.String(), Locked: dev.Locked,
			Presentations: device.RenderAll(dev, app, d.Notification)})
	}
	return out
}

// view turns a stored request into its JSON view.
func view(e Entry) NotificationView {
	r := e.Record
	v := NotificationView{
		Seq: e.Seq, ReceivedAt: r.ReceivedAt, Environment: r.Environment, RemoteAddr: r.RemoteAddr,
		Method: r.Method, Path: r.Path, Headers: redact(r.Header),
		Status: r.Status, Reason: r.Reason, Detail: r.Detail, Timestamp: r.Timestamp,
		ApnsID: r.ApnsID, UniqueID: r.UniqueID, Connection: r.Connection, Frame: r.Frame,
		LatencyMS: float64(r.Latency.Microseconds()) / 1000,
		Token:     recordToken(r), Device: e.Device, App: e.App,
	}
	switch p := r.Payload; {
	case len(p) == 0:
	case !utf8.Valid(p):
		v.PayloadBase64 = base64.StdEncoding.EncodeToString(p)
		v.PayloadText = strings.ToValidUTF8(string(p), "\uFFFD")
		v.PayloadNote = invalidUTF8Note
	case json.Valid(p):
		v.Payload = json.RawMessage(p)
	default:
		v.PayloadText = string(p)
	}
	if v.Detail == "" && r.Status != http.StatusOK && r.Check != "" {
		v.Detail = "refused by the " + r.Check + " check (apns.md#U01)"
	}
	if n := r.Notification; n != nil {
		v.Topic, v.PushType = n.Topic, n.PushType
		auth := n.Auth
		v.Auth = &auth
	} else {
		v.Topic, v.PushType = r.Header.Get("apns-topic"), r.Header.Get("apns-push-type")
	}
	return v
}

// invalidUTF8Note is the PayloadNote of a body that is not valid UTF-8.
const invalidUTF8Note = "the body is not valid UTF-8: payload_base64 holds its exact bytes, payload_text a lossy view"

// redact copies h, cutting the signature off a provider token: the header
// and claims (kid, iss, iat) are what one debugs, while the signature
// would let anyone who reads the API replay the token for an hour.
func redact(h http.Header) http.Header {
	out := h.Clone()
	for i, v := range out.Values("Authorization") {
		if dot := strings.LastIndexByte(v, '.'); dot > 0 && strings.Count(v, ".") == 2 {
			out["Authorization"][i] = v[:dot+1] + "(signature redacted)"
		}
	}
	return out
}

// LatestNotification, used as the apns_id of a tap, stands for the newest
// notification the device still shows.
const LatestNotification = "latest"

// ActionRequest is the body of POST devices/{name}/notifications/{apns_id}/actions.
type ActionRequest struct {
	// Action is an action identifier, "default" (tap on the body) or
	// "dismiss".
	Action string `json:"action"`
	// Text is the typed reply of a text-input action (iOS 9+).
	Text string `json:"text,omitempty"`
	// Context is where the user answers (e.g. "alert-options"); by default
	// where the notification is now (apns.md#U41).
	Context device.Context `json:"context,omitempty"`
}

// tapConflict is the 409 answer to a tap the screen cannot reach: Reason
// is "action-not-reachable", "ambiguous-tap" or "context-not-shown";
// ShownIn are the contexts to choose from with the request's "context"
// (apns.md#U41, U48).
type tapConflict struct {
	Error   string           `json:"error"`
	Reason  string           `json:"reason"`
	Context device.Context   `json:"context,omitempty"`
	ShownIn []device.Context `json:"shown_in,omitempty"`
}

// writeTapConflict answers 409 for a tap refused by what the screen
// shows, and reports whether err was one.
func writeTapConflict(w http.ResponseWriter, err error) bool {
	var nr *world.ActionNotReachableError
	var amb *world.AmbiguousTapError
	var ce *world.ContextError
	body := tapConflict{Error: err.Error()}
	switch {
	case errors.As(err, &nr):
		body.Reason, body.Context, body.ShownIn = "action-not-reachable", nr.Context, nr.ShownIn
	case errors.As(err, &amb):
		body.Reason = "ambiguous-tap"
	case errors.As(err, &ce):
		body.Reason, body.Context, body.ShownIn = "context-not-shown", ce.Context, ce.Shows
	default:
		return false
	}
	writeJSON(w, http.StatusConflict, body)
	return true
}

// actionBody is the answer of a tap: the events that followed at once.
type actionBody struct {
	Events []world.Event `json:"events"`
}

func (a *API) postAction(w http.ResponseWriter, r *http.Request) {
	var req ActionRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeBodyError(w, err)
		return
	}
	if req.Action == "" {
		writeFieldError(w, http.StatusBadRequest, "action", `missing: an action identifier, "default" or "dismiss"`)
		return
	}
	id := r.PathValue("apns_id")
	if id == LatestNotification {
		id = "" // the World's word for the newest notification shown
	}
	events, err := a.world.TapIn(r.Context(), r.PathValue("name"), id, req.Action, req.Text, req.Context)
	if err != nil {
		if !writeTapConflict(w, err) {
			writeWorldError(w, err)
		}
		return
	}
	if events == nil {
		events = []world.Event{}
	}
	writeJSON(w, http.StatusOK, actionBody{Events: events})
}
