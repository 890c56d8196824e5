package fakeapns

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Environment is the APNs environment one server instance stands for
// (apns.md#T01, D03).
type Environment string

// The two APNs environments.
const (
	Development Environment = "development" // api.sandbox.push.apple.com
	Production  Environment = "production"  // api.push.apple.com
)

// AuthMethod says how a request authenticated.
type AuthMethod string

// The two ways a provider authenticates (apns.md section 5).
const (
	AuthToken       AuthMethod = "token"       // JWT ES256, apns.md#A01
	AuthCertificate AuthMethod = "certificate" // TLS client certificate, apns.md#A12
)

// Identity is who sent an accepted request.
type Identity struct {
	Method AuthMethod `json:"method"`
	TeamID string     `json:"team_id,omitempty"`
	KeyID  string     `json:"key_id,omitempty"`
	// Subject is the client certificate's subject (its bundle id, apns.md#A12).
	Subject string `json:"subject,omitempty"`
}

// Notification is a request that passed authentication and validation and
// is handed to the Router.
type Notification struct {
	ApnsID string `json:"apns_id"`
	// Token is the device token from :path, lower-cased (apns.md#U17).
	Token string `json:"token"`
	Topic string `json:"topic"`
	// PushType is apns-push-type as sent; empty when the header was absent.
	PushType string `json:"push_type,omitempty"`
	// Priority is apns-priority, 10 when absent (apns.md#H17).
	Priority int `json:"priority"`
	// Expiration is apns-expiration; the zero time when absent or 0
	// (apns.md#H16).
	Expiration time.Time `json:"expiration,omitzero"`
	// ExpirationSet is true when the apns-expiration header was sent, so
	// that "0" (one attempt, no storage) differs from absent (APNs' storage
	// policy) (apns.md#H16, T21).
	ExpirationSet bool   `json:"expiration_set,omitempty"`
	CollapseID    string `json:"collapse_id,omitempty"`
	// Payload is the request body, unchanged.
	Payload []byte `json:"payload"`
	// PayloadProblem is non-empty when APNs accepts the body but no device
	// could show it: invalid JSON or a non-object (apns.md#U02).
	PayloadProblem string      `json:"payload_problem,omitempty"`
	Environment    Environment `json:"environment"`
	Auth           Identity    `json:"auth"`
	ReceivedAt     time.Time   `json:"received_at"`
}

// Rejection is a Router's refusal of a notification: Apple's reason, and
// for 410 reasons the moment the token stopped being valid (apns.md#E03).
type Rejection struct {
	Reason    Reason
	Timestamp time.Time
	// Status overrides Reason.Status() when non-zero; only fault rules
	// set it.
	Status int
	// Detail says why, for the developer reading the Record (e.g. "no iat
	// claim"); it never reaches the client: Apple's answer has the reason
	// only.
	Detail string
}

// Error implements error.
func (r *Rejection) Error() string {
	if r.Timestamp.IsZero() {
		return fmt.Sprintf("apns: %d %s", r.Reason.Status(), r.Reason)
	}
	return fmt.Sprintf("apns: %d %s (since %s)", r.Reason.Status(), r.Reason, r.Timestamp.UTC().Format(time.RFC3339))
}

// Reject returns a Rejection for reason, for Routers to return.
func Reject(reason Reason) *Rejection { return &Rejection{Reason: reason} }

// RejectWhy is Reject with a Detail for the Record.
func RejectWhy(reason Reason, format string, args ...any) *Rejection {
	return &Rejection{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// Router decides whether an authenticated, valid notification can be
// delivered. It runs last among the checks (apns.md#U01 step 7): unknown or
// malformed-for-this-environment token → BadDeviceToken (apns.md#E11, D03),
// token of another app → DeviceTokenNotForTopic (apns.md#E16, D04),
// uninstalled app → Unregistered with timestamp (apns.md#E51, D06).
//
// Route returns nil to accept, a *Rejection to answer with Apple's reason,
// or any other error to answer 500 InternalServerError. It must not block
// for long: delivery itself happens after acceptance, through the Observer.
type Router interface {
	Route(ctx context.Context, n Notification) error
}

// RouterFunc adapts a function to the Router interface.
type RouterFunc func(ctx context.Context, n Notification) error

// Route calls f.
func (f RouterFunc) Route(ctx context.Context, n Notification) error { return f(ctx, n) }

// Record is what the server saw and answered for one request, accepted or
// rejected. Every request produces exactly one Record.
type Record struct {
	Environment Environment `json:"environment"`
	ReceivedAt  time.Time   `json:"received_at"`
	RemoteAddr  string      `json:"remote_addr"`
	Method      string      `json:"method"`
	Path        string      `json:"path"`
	Header      http.Header `json:"header"`
	Payload     []byte      `json:"payload,omitempty"`
	Status      int         `json:"status"`
	Reason      Reason      `json:"reason,omitempty"`
	Timestamp   time.Time   `json:"timestamp,omitzero"` // 410 only
	// Check names the check that refused the request, e.g.
	// "authentication" or "router" (the order is apns.md#U01's), or
	// CheckStreamLimit; empty when accepted.
	Check    string        `json:"check,omitempty"`
	ApnsID   string        `json:"apns_id"`
	UniqueID string        `json:"apns_unique_id,omitempty"`
	Latency  time.Duration `json:"latency"`
	// Detail says why a request was rejected, when the check knows more
	// than the reason (Rejection.Detail); never sent to the client.
	Detail string `json:"detail,omitempty"`
	// Connection numbers the connection the request came on (1, 2, … in
	// order of acceptance, per server); 0 in-process. FaultRule.Connection
	// matches it.
	Connection uint64 `json:"connection,omitempty"`
	// Frame describes the frame-level fault applied to the request
	// (FaultRule.Frame), e.g. "RST_STREAM REFUSED_STREAM"; Status is then 0
	// when the fault took the place of APNs' answer.
	Frame string `json:"frame,omitempty"`
	// Notification is set when the request reached the Router (accepted, or
	// refused by the Router or the rate limit after it); nil when an
	// earlier check rejected it. Deliver only when Accepted().
	Notification *Notification `json:"notification,omitempty"`
}

// Accepted reports whether the request was answered 200.
func (r Record) Accepted() bool { return r.Status == http.StatusOK }

// Observer receives every Record, synchronously, before the response is
// written, so that when a client's request returns its consequences (a
// simulated delivery, an event) are already visible. Observers must be safe
// for concurrent use and must not block for long.
type Observer interface {
	Observe(Record)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(Record)

// Observe calls f.
func (f ObserverFunc) Observe(r Record) { f(r) }
