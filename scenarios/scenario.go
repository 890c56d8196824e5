package scenarios

import (
	"fmt"
	"strings"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/verify"
	"github.com/pushsim/pushsim/sim/world"
)

// Scenario is one scenario file: a fleet and the steps played against it.
type Scenario struct {
	// Name identifies the scenario in reports; it defaults to the file name
	// without its extension.
	Name string `yaml:"name,omitempty" json:"name"`
	// Description says what the scenario pins down, for its readers and
	// reports.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Environment is the fake APNs' environment; development by default
	// (apns.md#D03).
	Environment fakeapns.Environment `yaml:"environment,omitempty" json:"environment,omitempty"`
	// Start is the virtual clock's start time; a fixed default keeps runs
	// reproducible.
	Start time.Time `yaml:"start,omitempty" json:"start,omitzero"`
	// Fleet is the devices, in the fleet-file schema (device.FleetFile);
	// nil means the default fleet.
	Fleet *device.FleetFile `yaml:"fleet,omitempty" json:"fleet,omitempty"`
	// FleetFile is a fleet file to read instead, relative to the scenario.
	FleetFile string `yaml:"fleet_file,omitempty" json:"fleet_file,omitempty"`
	// Webhook configures the loopback receiver that ${WEBHOOK_URL} points
	// at.
	Webhook *WebhookSpec `yaml:"webhook,omitempty" json:"webhook,omitempty"`
	// Steps are played in order against the fleet; each is one of the
	// step kinds (send, expect_response, tap, ...).
	Steps []Step `yaml:"steps" json:"steps"`

	// File is where the scenario was read from ("" when built in code).
	File string `yaml:"-" json:"file,omitempty"`
	// Warnings are the fleet's settings a device of its version would
	// ignore, as file:line:col lines (device.ParseFleetWithWarnings).
	Warnings []string `yaml:"-" json:"-"`
	// devices is the parsed fleet, ready to copy for each run.
	devices []*device.Device
	// dir resolves payload_file and fleet_file paths.
	dir string
	// readFile reads files relative to dir (the OS, or an fs.FS).
	readFile func(name string) ([]byte, error)
}

// DefaultStart returns the virtual time every scenario starts at unless it
// says otherwise: 2026-01-01 09:00 UTC.
func DefaultStart() time.Time { return time.Date(2026, time.January, 1, 9, 0, 0, 0, time.UTC) }

// WebhookSpec configures the per-scenario webhook receiver.
type WebhookSpec struct {
	// Status is what the receiver answers; 200 by default.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
}

// Step is one step of a scenario. Exactly one field is set; its YAML key
// is the step's kind.
type Step struct {
	Send           *SendStep       `yaml:"send,omitempty" json:"send,omitempty"`
	ExpectResponse *ResponseExpect `yaml:"expect_response,omitempty" json:"expect_response,omitempty"`
	ExpectScreen   *ScreenExpect   `yaml:"expect_screen,omitempty" json:"expect_screen,omitempty"`
	Tap            *TapStep        `yaml:"tap,omitempty" json:"tap,omitempty"`
	Dismiss        *TapStep        `yaml:"dismiss,omitempty" json:"dismiss,omitempty"`
	Reply          *TapStep        `yaml:"reply,omitempty" json:"reply,omitempty"`
	Set            *SetStep        `yaml:"set,omitempty" json:"set,omitempty"`
	Advance        *Duration       `yaml:"advance,omitempty" json:"advance,omitempty"`
	ExpectEvents   *EventsExpect   `yaml:"expect_events,omitempty" json:"expect_events,omitempty"`
	Fault          *FaultStep      `yaml:"fault,omitempty" json:"fault,omitempty"`
	Exec           *ExecStep       `yaml:"exec,omitempty" json:"exec,omitempty"`
	ExpectLint     *LintExpect     `yaml:"expect_lint,omitempty" json:"expect_lint,omitempty"`
	ExpectStacks   *StacksExpect   `yaml:"expect_stacks,omitempty" json:"expect_stacks,omitempty"`
	ExpectRequests *RequestsExpect `yaml:"expect_requests,omitempty" json:"expect_requests,omitempty"`

	// Line and Column locate the step in its file (1-based; 0 when built
	// in code).
	Line   int `yaml:"-" json:"line,omitempty"`
	Column int `yaml:"-" json:"column,omitempty"`
}

// StepKinds returns the step keys, in the order the file format documents
// them (a new slice each call).
func StepKinds() []string {
	return []string{
		"send", "expect_response", "expect_screen", "tap", "dismiss", "reply", "set",
		"advance", "expect_events", "fault", "exec", "expect_lint", "expect_stacks", "expect_requests",
	}
}

// Kind returns the step's key, or "" when no field or several are set.
func (s *Step) Kind() string {
	kinds := s.kinds()
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

func (s *Step) kinds() []string {
	var k []string
	add := func(set bool, name string) {
		if set {
			k = append(k, name)
		}
	}
	add(s.Send != nil, "send")
	add(s.ExpectResponse != nil, "expect_response")
	add(s.ExpectScreen != nil, "expect_screen")
	add(s.Tap != nil, "tap")
	add(s.Dismiss != nil, "dismiss")
	add(s.Reply != nil, "reply")
	add(s.Set != nil, "set")
	add(s.Advance != nil, "advance")
	add(s.ExpectEvents != nil, "expect_events")
	add(s.Fault != nil, "fault")
	add(s.Exec != nil, "exec")
	add(s.ExpectLint != nil, "expect_lint")
	add(s.ExpectStacks != nil, "expect_stacks")
	add(s.ExpectRequests != nil, "expect_requests")
	return k
}

// Devices is a list of device names; the YAML scalar "all" (or a single
// name) is accepted too.
type Devices []string

// UnmarshalYAML reads a name, "all", or a list of names.
func (d *Devices) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*d = Devices{one}
		return nil
	}
	var many []string
	if err := unmarshal(&many); err != nil {
		return fmt.Errorf("expected a device name, \"all\" or a list of device names")
	}
	*d = many
	return nil
}

// MarshalYAML writes one name (or "all") as a scalar, several as a list.
func (d Devices) MarshalYAML() (any, error) {
	if len(d) == 1 {
		return d[0], nil
	}
	return []string(d), nil
}

// AllDevices is the Devices value that stands for the whole fleet.
const AllDevices = "all"

// Target names where a step applies: one device, or several.
type Target struct {
	// Device is the name of the one device the step applies to.
	Device string `yaml:"device,omitempty" json:"device,omitempty"`
	// Devices are several device names, or "all" for the whole fleet.
	Devices Devices `yaml:"devices,omitempty" json:"devices,omitempty"`
	// App is the bundle id; the device's first app by default.
	App string `yaml:"app,omitempty" json:"app,omitempty"`
}

// SendStep sends one notification per target device through apns2 over
// HTTP/2 to the in-process fake APNs.
type SendStep struct {
	Target `yaml:",inline"`
	// Token overrides the device token (e.g. a malformed one).
	Token string `yaml:"token,omitempty" json:"token,omitempty"`
	// Payload is the body: a YAML mapping (sent as JSON) or a string of
	// JSON sent byte for byte.
	Payload any `yaml:"payload,omitempty" json:"payload,omitempty"`
	// PayloadFile is a JSON or simctl .apns file, relative to the scenario.
	PayloadFile string `yaml:"payload_file,omitempty" json:"payload_file,omitempty"`
	// Topic is the apns-topic header: the app's bundle id (with a suffix
	// for some push types) by default (apns.md section 2).
	Topic string `yaml:"topic,omitempty" json:"topic,omitempty"`
	// PushType is the apns-push-type header: alert, background, voip, ...
	PushType string `yaml:"push_type,omitempty" json:"push_type,omitempty"`
	// Priority is the apns-priority header: 10 (immediately), 5 or 1.
	Priority int `yaml:"priority,omitempty" json:"priority,omitempty"`
	// Expiration is the apns-expiration header, a UNIX time in seconds;
	// 0 is sent as 0 (one attempt, no storage, apns.md#H16, T21), absent
	// sends no header.
	Expiration *int64 `yaml:"expiration,omitempty" json:"expiration,omitempty"`
	// CollapseID is the apns-collapse-id header: a newer notification with
	// the same id replaces the older one.
	CollapseID string `yaml:"collapse_id,omitempty" json:"collapse_id,omitempty"`
	// ApnsID is the apns-id header (a UUID); APNs makes one up when absent.
	ApnsID string `yaml:"apns_id,omitempty" json:"apns_id,omitempty"`
	// Auth is how the provider authenticates: one of AuthModes().
	Auth string `yaml:"auth,omitempty" json:"auth,omitempty"`
	// Environment is the APNs host to send to: the scenario's environment
	// by default; the other one reaches a second fake server that shares
	// the fleet (apns.md#T01, D03).
	Environment fakeapns.Environment `yaml:"environment,omitempty" json:"environment,omitempty"`
	// Retry resends on 429 and 5xx answers, as a careful backend does
	// (apns.md#E06).
	Retry *RetrySpec `yaml:"retry,omitempty" json:"retry,omitempty"`
}

// RetrySpec is a backend's retry policy: up to Attempts sends in all,
// waiting Backoff (doubled each time) on the virtual clock in between.
type RetrySpec struct {
	// Attempts is the most sends made in all, the first included.
	Attempts int `yaml:"attempts" json:"attempts"`
	// Backoff is the wait before the first resend, doubled before each
	// next one.
	Backoff Duration `yaml:"backoff,omitempty" json:"backoff,omitempty"`
}

// Auth modes of a send step.
const (
	AuthJWT          = "jwt"            // the harness key, fresh token (apns.md#A01)
	AuthCert         = "cert"           // a client certificate for the topic (apns.md#A12)
	AuthCertWrongEnv = "cert-wrong-env" // a certificate of the other environment (apns.md#A13)
	AuthExpiredJWT   = "expired-jwt"    // iat two hours old (apns.md#A05, E32)
	AuthUnknownKey   = "unknown-key"    // a key APNs does not know (apns.md#E34)
	AuthWrongKey     = "wrong-key"      // the right key id, signed by another key (apns.md#E34)
	AuthNone         = "none"           // no token, no certificate (apns.md#H01, E35)
)

// AuthModes returns the valid values of SendStep.Auth (a new slice each
// call).
func AuthModes() []string {
	return []string{AuthJWT, AuthCert, AuthCertWrongEnv, AuthExpiredJWT, AuthUnknownKey, AuthWrongKey, AuthNone}
}

// ResponseExpect checks APNs' answers to the previous send step. Only the
// fields given are compared.
type ResponseExpect struct {
	// Device picks one device's answer; every answer by default.
	Device string `yaml:"device,omitempty" json:"device,omitempty"`
	// Status is the HTTP status APNs answered (200, 400, 403, 410, ...).
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// Reason is Apple's reason string; "" (explicitly) means none.
	Reason *string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Timestamp: whether a 410's timestamp is present (apns.md#E03).
	Timestamp *bool `yaml:"timestamp,omitempty" json:"timestamp,omitempty"`
	// Attempts is how many sends a retry policy made.
	Attempts int `yaml:"attempts,omitempty" json:"attempts,omitempty"`
	// Error must appear within the client's error: the send got no answer
	// from APNs (a GOAWAY it did not retry, a reset stream, a cut
	// connection, a failed TLS handshake). A send that gets no answer
	// fails the scenario unless the next step is an expect_response with
	// error.
	Error string `yaml:"error,omitempty" json:"error,omitempty"`
}

// ScreenExpect checks what a device shows for a notification in one
// context. Only the fields given are compared.
type ScreenExpect struct {
	Target `yaml:",inline"`
	// Context is where to look; by default where the notification was
	// shown when it arrived (banner, lock screen, ...).
	Context device.Context `yaml:"context,omitempty" json:"context,omitempty"`
	// ApnsID picks the notification; the newest on the device by default.
	ApnsID string `yaml:"apns_id,omitempty" json:"apns_id,omitempty"`
	// Style is how the context draws the notification: banner, alert,
	// legacy-alert, list, ... or none.
	Style string `yaml:"style,omitempty" json:"style,omitempty"`
	// Title is the title line as drawn; "" means none.
	Title *string `yaml:"title,omitempty" json:"title,omitempty"`
	// Subtitle is the subtitle line as drawn (iOS 10+).
	Subtitle *string `yaml:"subtitle,omitempty" json:"subtitle,omitempty"`
	// Body is the message text as drawn, after localization.
	Body *string `yaml:"body,omitempty" json:"body,omitempty"`
	// Sound is the sound played; "" means silent.
	Sound *string `yaml:"sound,omitempty" json:"sound,omitempty"`
	// Slider is the lock screen's "slide to ..." text (before iOS 10).
	Slider *string `yaml:"slider,omitempty" json:"slider,omitempty"`
	// Badge is the app icon's badge number after the notification.
	Badge *int `yaml:"badge,omitempty" json:"badge,omitempty"`
	// Buttons are the button titles in screen order; [] means none.
	Buttons *[]string `yaml:"buttons,omitempty" json:"buttons,omitempty"`
	// ButtonIDs are the identifiers behind the buttons, in screen order.
	ButtonIDs *[]string `yaml:"button_ids,omitempty" json:"button_ids,omitempty"`
	// Destructive are the identifiers of the buttons drawn destructive
	// (red), in screen order; [] means none.
	Destructive *[]string `yaml:"destructive,omitempty" json:"destructive,omitempty"`
	// Notes must each appear within one of the presentation's notes.
	Notes []string `yaml:"notes,omitempty" json:"notes,omitempty"`
	// State is the notification's state: shown, suppressed, silent,
	// dismissed or acted.
	State string `yaml:"state,omitempty" json:"state,omitempty"`
	// Count is how many notifications the device holds.
	Count *int `yaml:"count,omitempty" json:"count,omitempty"`
	// Attachments are the service extension's attachments as drawn:
	// "[image: beach.jpg]" (apns.md#V62).
	Attachments *[]string `yaml:"attachments,omitempty" json:"attachments,omitempty"`
	// IconBadge is the number on the app icon (0: no badge), set by
	// aps.badge only when the system may badge (apns.md#U43).
	IconBadge *int `yaml:"icon_badge,omitempty" json:"icon_badge,omitempty"`
}

// TapStep is the user answering a notification: tap (an action id,
// "default" for the body), dismiss, or reply (a text-input action with
// text).
type TapStep struct {
	Target `yaml:",inline"`
	// ApnsID picks the notification; the newest on the device by default.
	ApnsID string `yaml:"apns_id,omitempty" json:"apns_id,omitempty"`
	// Action is the identifier of the button tapped, "default" for the
	// body, or a legacy alert's view, close or ok.
	Action string `yaml:"action,omitempty" json:"action,omitempty"`
	// Text is what the user types into a text-input action (reply).
	Text string `yaml:"text,omitempty" json:"text,omitempty"`
	// Context is where the user answers: a context that shows the
	// action, such as alert-options; by default where the notification is
	// now (apns.md#U41).
	Context device.Context `yaml:"context,omitempty" json:"context,omitempty"`
	// Error, when set, expects the interaction to be refused with a
	// message containing this text (e.g. no such button on iOS 7, or an
	// action the context does not show).
	Error string `yaml:"error,omitempty" json:"error,omitempty"`
}

// SetStep changes the state of a device or an app.
type SetStep struct {
	Target `yaml:",inline"`
	// Locked locks or unlocks the device.
	Locked *bool `yaml:"locked,omitempty" json:"locked,omitempty"`
	// AppState puts the app in the foreground, the background, not
	// running, or force-quit.
	AppState *device.AppState `yaml:"app_state,omitempty" json:"app_state,omitempty"`
	// Permission is the user's notification permission for the app.
	Permission *device.Permission `yaml:"permission,omitempty" json:"permission,omitempty"`
	// ChatOpen shows or hides the app's chat screen (no notification is
	// shown while it is visible).
	ChatOpen *bool `yaml:"chat_open,omitempty" json:"chat_open,omitempty"`
	// Uninstalled removes the app (apns.md#D06).
	Uninstalled bool `yaml:"uninstalled,omitempty" json:"uninstalled,omitempty"`
	// Offline takes the device off the network or brings it back; back
	// online it gets what APNs stored (apns.md#T20–T23).
	Offline *bool `yaml:"offline,omitempty" json:"offline,omitempty"`
	// Focus turns a Focus on by name, or off with "" (iOS 15+,
	// apns.md#V68).
	Focus *string `yaml:"focus,omitempty" json:"focus,omitempty"`
	// ShowPreviews is the device's Show Previews setting (apns.md#V71).
	ShowPreviews *device.Previews `yaml:"show_previews,omitempty" json:"show_previews,omitempty"`
}

// StacksExpect checks the stacks Notification Center draws on a device
// (apns.md#V64, V65): every stack, newest first, with the fields given.
type StacksExpect struct {
	Target `yaml:",inline"`
	// Stacks are every stack the device draws, newest first.
	Stacks []StackMatch `yaml:"stacks" json:"stacks"`
}

// StackMatch is one expected stack; fields left out are not checked.
type StackMatch struct {
	// App is the stack's bundle id.
	App string `yaml:"app,omitempty" json:"app,omitempty"`
	// Thread is the thread-id it groups by; "" for the app's own stack.
	Thread *string `yaml:"thread,omitempty" json:"thread,omitempty"`
	// Count is how many notifications it holds.
	Count *int `yaml:"count,omitempty" json:"count,omitempty"`
	// Top is the body of the newest notification, drawn on top.
	Top *string `yaml:"top,omitempty" json:"top,omitempty"`
	// Summary is the line under it: "2 more notifications from Alice".
	Summary *string `yaml:"summary,omitempty" json:"summary,omitempty"`
}

// EventsExpect checks the event log since the previous expect_events step
// (or the start).
type EventsExpect struct {
	// Within advances the virtual clock by this much first; the events
	// must have happened by then.
	Within *Duration `yaml:"within,omitempty" json:"within,omitempty"`
	// Ordered: the events must appear in this order (the default); other
	// events may come in between.
	Ordered *bool `yaml:"ordered,omitempty" json:"ordered,omitempty"`
	// Events must each have happened, one log event matching each.
	Events []EventMatch `yaml:"events,omitempty" json:"events,omitempty"`
	// Absent are events that must not have happened.
	Absent []EventMatch `yaml:"absent,omitempty" json:"absent,omitempty"`
}

// EventMatch matches one event; only the fields given are compared.
type EventMatch struct {
	// Kind is the event's kind: request, delivered, action, completion,
	// watchdog, webhook, ... (the README lists them).
	Kind world.EventKind `yaml:"kind" json:"kind"`
	// Device is the name of the device the event happened on.
	Device string `yaml:"device,omitempty" json:"device,omitempty"`
	// App is the bundle id of the app concerned.
	App string `yaml:"app,omitempty" json:"app,omitempty"`
	// Action is the action identifier the app was told of.
	Action string `yaml:"action,omitempty" json:"action,omitempty"`
	// Text is the typed reply the app received.
	Text *string `yaml:"text,omitempty" json:"text,omitempty"`
	// Callback is the app delegate method of the device's iOS era that was
	// called.
	Callback string `yaml:"callback,omitempty" json:"callback,omitempty"`
	// Context is where the notification was shown or acted on.
	Context device.Context `yaml:"context,omitempty" json:"context,omitempty"`
	// URL is the webhook or deep link the event concerns.
	URL string `yaml:"url,omitempty" json:"url,omitempty"`
	// Status is the HTTP status of a request event or an exec's exit
	// status.
	Status *int `yaml:"status,omitempty" json:"status,omitempty"`
	// Reason is the APNs reason of a rejected request.
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// HTTPStatus is the status the webhook's receiver answered.
	HTTPStatus int `yaml:"http_status,omitempty" json:"http_status,omitempty"`
	// Message must appear within the event's message.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
	// Body must be a subset of the event's text read as JSON (a webhook
	// body).
	Body any `yaml:"body,omitempty" json:"body,omitempty"`
}

// FaultStep installs a fault rule on the fake APNs (fakeapns.FaultRule).
type FaultStep struct {
	// Device limits the fault to this device's token (with App).
	Device string `yaml:"device,omitempty" json:"device,omitempty"`
	// App is the bundle id whose token on Device is matched; the device's
	// first app by default.
	App string `yaml:"app,omitempty" json:"app,omitempty"`
	// Token limits the fault to this device token.
	Token string `yaml:"token,omitempty" json:"token,omitempty"`
	// Topic limits the fault to this apns-topic.
	Topic string `yaml:"topic,omitempty" json:"topic,omitempty"`
	// PushType limits the fault to this apns-push-type.
	PushType string `yaml:"push_type,omitempty" json:"push_type,omitempty"`
	// Connection limits the fault to the HTTP/2 connection with this
	// number (1, 2, … in order of acceptance; a request event's
	// connection).
	Connection uint64 `yaml:"connection,omitempty" json:"connection,omitempty"`
	// Frame fails the request at the HTTP/2 level instead of (or, for
	// goaway with last_stream this and close_idle, after) APNs' answer.
	Frame *FrameStep `yaml:"frame,omitempty" json:"frame,omitempty"`
	// Reason is Apple's reason; Status defaults to the reason's status.
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Status overrides the reason's HTTP status.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// Count, when positive, limits the fault to the next Count matching
	// requests; always by default.
	Count int `yaml:"count,omitempty" json:"count,omitempty"`
	// Probability, between 0 and 1, is the chance the fault fires on a
	// matching request (seeded, so runs repeat); always by default.
	Probability float64 `yaml:"probability,omitempty" json:"probability,omitempty"`
	// Latency delays APNs' answer, on the virtual clock.
	Latency Duration `yaml:"latency,omitempty" json:"latency,omitempty"`
}

// FrameStep is a failure at the HTTP/2 level (fakeapns.FrameFault; the
// README's "Failure modes at the HTTP/2 level").
type FrameStep struct {
	// Kind is the failure: goaway, rst_stream, no_ping_ack (a half-dead
	// connection), close (cut mid-stream), close_idle (answered, then
	// closed as idle) or tls_handshake (the next TLS handshake fails).
	Kind fakeapns.FrameFaultKind `yaml:"kind" json:"kind"`
	// ErrorCode is the HTTP/2 error code by name, for goaway (NO_ERROR by
	// default) and rst_stream (REFUSED_STREAM by default).
	ErrorCode string `yaml:"error_code,omitempty" json:"error_code,omitempty"`
	// LastStream is, for goaway, whether the last-stream-id is below the
	// request's stream (the default: not processed, retry elsewhere) or
	// this stream (answered first).
	LastStream fakeapns.LastStream `yaml:"last_stream,omitempty" json:"last_stream,omitempty"`
	// Debug is the goaway's debug data; {"reason":"Shutdown"} by default.
	Debug string `yaml:"debug,omitempty" json:"debug,omitempty"`
}

// fault is the step's frame fault for fakeapns, nil without one.
func (f *FrameStep) fault() *fakeapns.FrameFault {
	if f == nil {
		return nil
	}
	return &fakeapns.FrameFault{Kind: f.Kind, ErrorCode: f.ErrorCode, LastStream: f.LastStream, Debug: f.Debug}
}

// ExecStep runs an external command (the user's own backend sender) with
// the fake's address and credentials in its environment.
type ExecStep struct {
	// Command is the program and its arguments; a string runs through
	// "sh -c".
	Command any `yaml:"command" json:"command"`
	// Env adds variables to the command's environment.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Timeout bounds the command's wall time; 30 s by default.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// LintExpect lints a payload and checks the findings.
type LintExpect struct {
	// Payload is the body to lint: a YAML mapping (read as JSON) or a
	// string of JSON.
	Payload any `yaml:"payload,omitempty" json:"payload,omitempty"`
	// PayloadFile is a JSON or simctl .apns file to lint, relative to the
	// scenario.
	PayloadFile string `yaml:"payload_file,omitempty" json:"payload_file,omitempty"`
	// App is the bundle id whose categories are checked; the first device's
	// app with that id in the fleet (the default app by default).
	App string `yaml:"app,omitempty" json:"app,omitempty"`
	// IOS is a version range such as "7-18", "8", "10+" or "<8"; the
	// fleet's versions by default.
	IOS string `yaml:"ios,omitempty" json:"ios,omitempty"`
	// PushType is the apns-push-type the payload would be sent with.
	PushType string `yaml:"push_type,omitempty" json:"push_type,omitempty"`
	// Priority is the apns-priority it would be sent with.
	Priority int `yaml:"priority,omitempty" json:"priority,omitempty"`
	// Topic is the apns-topic it would be sent with.
	Topic string `yaml:"topic,omitempty" json:"topic,omitempty"`
	// Findings must each be found; with Exact, nothing else may be.
	Findings []FindingMatch `yaml:"findings,omitempty" json:"findings,omitempty"`
	// Exact fails on any finding not listed in Findings.
	Exact bool `yaml:"exact,omitempty" json:"exact,omitempty"`
}

// FindingMatch matches one lint finding; only the fields given are
// compared.
type FindingMatch struct {
	// Rule is the lint rule's id (pushsim lint prints it).
	Rule string `yaml:"rule" json:"rule"`
	// Severity is error, warning or info.
	Severity string `yaml:"severity,omitempty" json:"severity,omitempty"`
	// Versions is the range of iOS versions the finding concerns, as lint
	// prints it (e.g. 8-9).
	Versions string `yaml:"versions,omitempty" json:"versions,omitempty"`
}

// RequestsExpect verifies what the backend sent to the fake APNs (an
// exec step's sender, or send steps), accepted and rejected requests
// alike: the matcher of POST /api/v1/verify and `pushsim verify`.
type RequestsExpect struct {
	// Device stands for match.token: the token of the device's app (App,
	// or its first app).
	Device string `yaml:"device,omitempty" json:"device,omitempty"`
	// App is the bundle id whose token device stands for; the device's
	// first app by default.
	App string `yaml:"app,omitempty" json:"app,omitempty"`
	// Verification is match, exactly | at_least | at_most, and since (a
	// request sequence number of this run; 0 counts every request).
	verify.Verification `yaml:",inline"`
}

// Duration is a time.Duration written as "31s" or "1m30s".
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalText reads a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("invalid duration %q: want e.g. 500ms, 31s or 2m", string(b))
	}
	if v < 0 {
		return fmt.Errorf("invalid duration %q: must not be negative", string(b))
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes d as a Go duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }
