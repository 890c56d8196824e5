package fakeapns

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/net/http2"
)

// FrameFault is a failure at the HTTP/2 level, below APNs' answers: what
// clients get wrong in production (issue 20). It rides on a FaultRule and
// is matched like the rule's reason (token, topic, push type, connection,
// count, probability); only FrameTLSHandshake fires before any request,
// so its rule may match on Connection, Count and Probability only.
//
// In JSON: {"kind":"goaway","error_code":"NO_ERROR","last_stream":"below",
// "debug":"{\"reason\":\"Shutdown\"}"}.
type FrameFault struct {
	// Kind is the failure.
	Kind FrameFaultKind `json:"kind"`
	// ErrorCode is the HTTP/2 error code (RFC 9113 section 7) by name, for
	// FrameGoAway (default NO_ERROR) and FrameRSTStream (default
	// REFUSED_STREAM).
	ErrorCode string `json:"error_code,omitempty"`
	// LastStream is the GOAWAY's last-stream-id: LastStreamBelow (the
	// default) or LastStreamThis.
	LastStream LastStream `json:"last_stream,omitempty"`
	// Debug is the GOAWAY's debug data; default {"reason":"Shutdown"}
	// (apns.md#T11).
	Debug string `json:"debug,omitempty"`
}

// FrameFaultKind names a frame-level failure. Each says what a
// well-behaved client must do.
type FrameFaultKind string

// The frame-level failures.
const (
	// FrameGoAway sends GOAWAY on the request's connection. With
	// LastStreamBelow the request is not processed: its stream and every
	// later one are above the last-stream-id, get no answer, and must be
	// retried on a new connection (RFC 9113 section 6.8); with
	// LastStreamThis it is answered first. The connection then closes:
	// at once for an error code, once idle for NO_ERROR. A client must
	// open no new stream on it.
	FrameGoAway FrameFaultKind = "goaway"
	// FrameRSTStream resets the request's stream instead of answering:
	// REFUSED_STREAM means "not processed, retry" (RFC 9113 section
	// 8.7); INTERNAL_ERROR leaves the outcome unknown. The request is not
	// processed either way (not routed).
	FrameRSTStream FrameFaultKind = "rst_stream"
	// FrameNoPingAck makes the connection half-dead from this request on:
	// nothing more comes back, no answer and no PING ACK, while the TCP
	// connection stays open. A client must notice (PING with a timeout,
	// apns.md#T15) and reconnect.
	FrameNoPingAck FrameFaultKind = "no_ping_ack"
	// FrameClose cuts the TCP connection while the request is in flight,
	// without GOAWAY. The outcome is unknown to the client.
	FrameClose FrameFaultKind = "close"
	// FrameCloseIdle answers the request, then closes the connection the
	// way an idle close does: GOAWAY NO_ERROR with {"reason":"IdleTimeout"}
	// (apns.md#U04, E18). A client must reconnect for the next push.
	FrameCloseIdle FrameFaultKind = "close_idle"
	// FrameTLSHandshake fails the TLS handshake of a new connection with
	// an internal_error alert, before any request (TLS listener only). A
	// client must report the error or retry with back-off.
	FrameTLSHandshake FrameFaultKind = "tls_handshake"
)

// LastStream chooses a GOAWAY's last-stream-id relative to the stream of
// the request the rule fired on.
type LastStream string

// The last-stream-id choices.
const (
	// LastStreamBelow is the request's stream id minus 2: the request and
	// every later stream were not processed.
	LastStreamBelow LastStream = "below"
	// LastStreamThis is the request's stream id: it was processed.
	LastStreamThis LastStream = "this"
)

// faultHeader marks a response for the frame layer; the frame layer
// removes it, so no client sees it.
const faultHeader = "x-fakeapns-frame-fault"

// FieldError is a FrameFault that cannot be applied: Field names the JSON
// field at fault (kind, error_code, last_stream or debug), so an API can
// answer with a one-line error naming it.
type FieldError struct {
	// Field is the JSON name of the bad field.
	Field string
	// Msg says what is wrong and what is expected.
	Msg string
}

func (e *FieldError) Error() string { return e.Msg }

// Validate reports what makes the fault unusable, as a *FieldError, or nil.
func (f *FrameFault) Validate() error { return f.validate() }

func (f *FrameFault) validate() error {
	bad := func(field, format string, args ...any) error {
		return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	switch f.Kind {
	case FrameGoAway, FrameRSTStream, FrameNoPingAck, FrameClose, FrameCloseIdle, FrameTLSHandshake:
	default:
		return bad("kind", "unknown frame fault kind %q (want goaway, rst_stream, no_ping_ack, close, close_idle or tls_handshake)", f.Kind)
	}
	if f.ErrorCode != "" {
		if f.Kind != FrameGoAway && f.Kind != FrameRSTStream {
			return bad("error_code", "frame fault %s: error_code applies to goaway and rst_stream only", f.Kind)
		}
		if _, ok := parseErrCode(f.ErrorCode); !ok {
			return bad("error_code", "frame fault %s: unknown HTTP/2 error code %q (want a name such as NO_ERROR, REFUSED_STREAM, INTERNAL_ERROR)", f.Kind, f.ErrorCode)
		}
	}
	if f.LastStream != "" && (f.Kind != FrameGoAway || f.LastStream != LastStreamBelow && f.LastStream != LastStreamThis) {
		return bad("last_stream", "frame fault %s: last_stream %q (want below or this, for goaway only)", f.Kind, f.LastStream)
	}
	if f.Debug != "" && f.Kind != FrameGoAway {
		return bad("debug", "frame fault %s: debug applies to goaway only", f.Kind)
	}
	if len(f.Debug) > 1024 {
		return bad("debug", "frame fault goaway: debug data of %d bytes (at most 1024)", len(f.Debug))
	}
	return nil
}

// ReplacesAnswer reports whether the fault takes the place of APNs'
// answer (the request is then not processed), so a rule with it cannot
// also carry a reason.
func (f *FrameFault) ReplacesAnswer() bool { return f.replacesAnswer() }

// replacesAnswer reports whether the fault takes the place of APNs'
// answer, so the request is not processed.
func (f *FrameFault) replacesAnswer() bool {
	switch f.Kind {
	case FrameRSTStream, FrameNoPingAck, FrameClose:
		return true
	case FrameGoAway:
		return f.LastStream != LastStreamThis
	}
	return false
}

func (f *FrameFault) code() http2.ErrCode {
	if c, ok := parseErrCode(f.ErrorCode); ok && f.ErrorCode != "" {
		return c
	}
	if f.Kind == FrameRSTStream {
		return http2.ErrCodeRefusedStream
	}
	return http2.ErrCodeNo
}

func (f *FrameFault) debug() string {
	if f.Debug == "" {
		return string(reasonJSON(ReasonShutdown))
	}
	return f.Debug
}

// String describes the fault as the wire shows it, for Records.
func (f *FrameFault) String() string {
	switch f.Kind {
	case FrameGoAway:
		last := "below this stream"
		if f.LastStream == LastStreamThis {
			last = "this stream"
		}
		return fmt.Sprintf("GOAWAY %s last-stream-id %s debug %s", f.code(), last, f.debug())
	case FrameRSTStream:
		return "RST_STREAM " + f.code().String()
	case FrameNoPingAck:
		return "half-dead connection (no answer, no PING ACK)"
	case FrameClose:
		return "connection cut mid-stream"
	case FrameCloseIdle:
		return `GOAWAY NO_ERROR debug {"reason":"IdleTimeout"} after the answer`
	case FrameTLSHandshake:
		return "TLS handshake failure"
	}
	return string(f.Kind)
}

// markValue is the faultHeader value carrying f to the frame layer.
func (f *FrameFault) markValue() string {
	b, _ := json.Marshal(f) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseFaultMark(v string) (*FrameFault, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("bad frame fault mark: %w", err)
	}
	var f FrameFault
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("bad frame fault mark: %w", err)
	}
	return &f, nil
}

// parseErrCode reads an HTTP/2 error code by its RFC name.
func parseErrCode(name string) (http2.ErrCode, bool) {
	for c := http2.ErrCodeNo; c <= http2.ErrCodeHTTP11Required; c++ {
		if strings.EqualFold(c.String(), name) {
			return c, true
		}
	}
	return 0, false
}
