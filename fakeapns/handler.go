package fakeapns

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// request is one request on its way through the checks.
type request struct {
	r    *http.Request
	conn *connState
	now  time.Time
	body []byte
	// apnsIDValid is false when apns-id was sent but is not a UUID.
	apnsIDValid bool
	// authed is set by step 4 when it passes: apns-unique-id may then be
	// sent (apns.md#U09).
	authed    bool
	closeConn bool
	key       KeyInfo      // the token's key, token auth only
	cert      *certBinding // the certificate's binding, certificate auth only
	rule      *pushTypeRule
	routed    bool // the Router was consulted
	// frame is the frame-level fault to apply to the answer, if any.
	frame *FrameFault
	// overLimit: the stream exceeds the connection's advertised
	// MAX_CONCURRENT_STREAMS (apns.md#U83).
	overLimit bool
	n         Notification
	// hv backs the response's header values, saving an allocation each.
	hv [3]string
}

// step is one row of the check order.
type step struct {
	name  string
	check func(*Server, *request) *Rejection
}

// checkOrder is the order in which a request's problems are found, the
// fake's choice of apns.md#U01; change it here and nowhere else. Faults sit
// before authentication: an overloaded or closing Apple server answers
// before it looks at credentials.
var checkOrder = [...]step{
	{CheckStreamLimit, (*Server).checkStreams},       // U83: HTTP/2, before APNs looks
	{"method", (*Server).checkMethod},                // U01 (1)
	{"path", (*Server).checkPath},                    // U01 (2)
	{"duplicate headers", (*Server).checkDuplicates}, // U01 (3)
	{"faults", (*Server).checkFaults},                // fault injection
	{"authentication", (*Server).checkAuth},          // U01 (4)
	{"headers", (*Server).checkHeaders},              // U01 (5)
	{"body", (*Server).checkBody},                    // U01 (6)
	{"device token", (*Server).checkToken},           // U01 (7)
	{"router", (*Server).checkRouter},                // U01 (7)
	{"rate limit", (*Server).checkRate},              // U01 (8)
}

// ServeHTTP answers one provider-API request exactly as APNs would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if c := s.cfg.Counters; c != nil {
		c.Streams.Add(1)
		defer c.Streams.Add(-1)
	}
	conn := connFrom(r.Context())
	overLimit := false
	if fc := conn.fc; fc != nil && r.ProtoMajor == 2 && !s.cfg.Choices.NoStreamThrottle {
		// Counted before InFlight, so that a request InFlight reports has
		// been counted here too.
		overLimit = !fc.enter()
		defer fc.leave()
	}
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	if s.cfg.ReadTimeout > 0 {
		// A stream whose body never comes is not held forever: the read
		// ends at the deadline and the body is judged as it arrived. Set
		// per request, since http.Server.ReadTimeout would also become the
		// HTTP/2 idle timeout (apns.md#T13: APNs keeps idle connections).
		_ = http.NewResponseController(w).SetReadDeadline(start.Add(s.cfg.ReadTimeout))
	}
	if r.ProtoMajor < 2 {
		s.refuseHTTP1(w, r, start)
		return
	}
	q := &request{r: r, conn: conn, now: s.cfg.Now(), overLimit: overLimit}
	q.n.Environment = s.cfg.Environment
	q.n.ReceivedAt = q.now
	q.n.ApnsID, q.apnsIDValid = requestApnsID(r.Header)
	// Read whole even on a refused stream: net/http would otherwise reset
	// the stream again (NO_ERROR) after the frame layer refused it.
	q.body = s.readBody(r)

	var rej *Rejection
	var check string
	for _, st := range &checkOrder { // &: ranging over the array itself would copy it onto the stack
		if rej = st.check(s, q); rej != nil {
			check = st.name
			break
		}
	}
	if fc := q.conn.fc; fc != nil && rej != frameAnswer && !s.cfg.Choices.NoStreamThrottle {
		// apns.md#U06, U33: one stream until a push succeeds, and again
		// after each rejected one.
		if rej == nil {
			fc.advertise(uint32(s.cfg.MaxConcurrentStreams))
		} else {
			fc.advertise(1)
		}
	}
	if rej != nil && rej.Reason.Status() == 0 {
		rej = &Rejection{Reason: ReasonInternalServerError} // a Router's unknown reason
	}
	if rej != nil && rej.Reason.Status() == http.StatusGone && rej.Timestamp.IsZero() {
		withTime := *rej           // the Router's value is not ours to change
		withTime.Timestamp = q.now // apns.md#E03: a 410 always has a timestamp
		rej = &withTime
	}
	s.respond(w, q, rej, check, start)
}

// requestApnsID returns the id to answer with: the client's when it is a
// valid UUID (apns.md#H15, E04), else a new one (apns.md#U08).
func requestApnsID(h http.Header) (string, bool) {
	v, ok := h["Apns-Id"]
	if !ok {
		return NewUUID(), true
	}
	if len(v) == 1 && validUUID(v[0]) {
		return v[0], true
	}
	return NewUUID(), false
}

// validUUID accepts the canonical 8-4-4-4-12 form in either case
// (apns.md#H15: Apple writes lowercase; clients often send uppercase).
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// readBody reads at most one byte more than the largest limit, so an
// oversized body is known as such without being buffered (apns.md#P03).
func (s *Server) readBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	limit := int64(max(s.cfg.MaxPayload, s.cfg.MaxVoIPPayload)) + 1
	size := int64(512)
	if r.ContentLength > 0 {
		size = min(r.ContentLength+1, limit) // +1: room to see EOF without growing
	}
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r.Body, limit)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			// A read error (a reset stream) leaves a short body, which the
			// checks then judge as sent.
			return buf
		}
	}
}

// checkMethod: apns.md#T06, E41.
func (s *Server) checkMethod(q *request) *Rejection {
	if q.r.Method != http.MethodPost {
		return Reject(ReasonMethodNotAllowed)
	}
	return nil
}

// checkPath: apns.md#T05, T06, E20, E40.
func (s *Server) checkPath(q *request) *Rejection {
	token, ok := strings.CutPrefix(q.r.URL.Path, "/3/device/")
	switch {
	case !ok:
		return Reject(ReasonBadPath)
	case token == "":
		return Reject(ReasonMissingDeviceToken)
	case strings.Contains(token, "/"):
		return Reject(ReasonBadPath)
	}
	q.n.Token = token
	return nil
}

// checkDuplicates: apns.md#H20, E17.
func (s *Server) checkDuplicates(q *request) *Rejection {
	for _, v := range q.r.Header {
		if len(v) > 1 {
			return Reject(ReasonDuplicateHeaders)
		}
	}
	// Header values are single from here on.
	h := q.r.Header
	q.n.Topic = first(h["Apns-Topic"])
	q.n.PushType = first(h["Apns-Push-Type"])
	q.n.CollapseID = first(h["Apns-Collapse-Id"])
	return nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// frameAnswer is checkFaults' answer when a frame fault takes the place
// of APNs' answer; respond then writes no APNs answer at all.
var frameAnswer = &Rejection{Reason: ReasonInternalServerError}

// CheckStreamLimit is Record.Check of a request refused at the HTTP/2
// layer because its stream was over the connection's
// MAX_CONCURRENT_STREAMS (apns.md#U83): RST_STREAM REFUSED_STREAM, no
// status.
const CheckStreamLimit = "stream limit"

// refusedStream is the stream error for a stream over the limit.
var refusedStream = &FrameFault{Kind: FrameRSTStream, ErrorCode: "REFUSED_STREAM"}

// checkStreams refuses a stream the client opened beyond the advertised
// MAX_CONCURRENT_STREAMS: RST_STREAM REFUSED_STREAM, not processed, safe
// to retry (RFC 9113 sections 5.1.2 and 8.7; apns.md#U83, U06).
func (s *Server) checkStreams(q *request) *Rejection {
	if !q.overLimit {
		return nil
	}
	q.frame = refusedStream
	return frameAnswer
}

// checkFaults applies the first fault rule that fires.
func (s *Server) checkFaults(q *request) *Rejection {
	var conn uint64
	if q.conn.fc != nil {
		conn = q.conn.fc.id
	}
	f, delay := s.faults.fire(atRequest, q.n.Token, q.n.Topic, q.n.PushType, conn)
	if f == nil {
		return nil
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-q.r.Context().Done():
			t.Stop()
		}
	}
	if f.Frame != nil {
		if q.conn.fc == nil {
			// In-process (Handler): no connection to fail.
			s.logf("fakeapns: fault %q: frame fault %s needs a connection; the in-process handler has none", f.ID, f.Frame.Kind)
		} else {
			q.frame = f.Frame
			if f.Frame.Kind == FrameNoPingAck {
				q.conn.fc.startBlackhole()
			}
			if f.Frame.replacesAnswer() {
				return frameAnswer
			}
		}
	}
	if f.Reason == "" {
		return nil
	}
	switch f.Reason {
	case ReasonShutdown, ReasonIdleTimeout:
		q.closeConn = true // apns.md#T11, U04: GOAWAY, then close
	}
	return &Rejection{Reason: f.Reason, Timestamp: f.Timestamp, Status: f.Status}
}

// checkHeaders is step 5 of apns.md#U01.
func (s *Server) checkHeaders(q *request) *Rejection {
	h := q.r.Header
	if !q.apnsIDValid {
		return Reject(ReasonBadMessageID) // apns.md#H15, E13
	}
	_, hasType := h["Apns-Push-Type"]
	rule := lookupPushType(q.n.PushType)
	if hasType && rule == nil {
		return Reject(ReasonInvalidPushType) // apns.md#H02, E19
	}
	if rule == nil {
		rule = lookupPushType("alert") // apns.md#H02: optional on iOS; APNs then treats it as alert
	}
	q.rule = rule
	q.n.Priority = 10 // apns.md#H17: the default
	if v, ok := h["Apns-Priority"]; ok {
		switch first(v) { // first: in-process callers may pass empty slices
		case "10":
		case "5":
			q.n.Priority = 5
		case "1":
			q.n.Priority = 1
		default:
			return Reject(ReasonBadPriority) // apns.md#H17, E14
		}
	}
	if rule.lowPriorityOnly && q.n.Priority == 10 {
		return Reject(ReasonBadPriority) // apns.md#H04, U05
	}
	if v, ok := h["Apns-Expiration"]; ok {
		sec, valid := parseExpiration(first(v))
		if !valid {
			return Reject(ReasonBadExpirationDate) // apns.md#H16, E12, U07
		}
		q.n.ExpirationSet = true
		if sec > 0 {
			q.n.Expiration = time.Unix(sec, 0).UTC()
		}
	}
	if len(q.n.CollapseID) > 64 {
		return Reject(ReasonBadCollapseID) // apns.md#H19, E10: bytes, not runes
	}
	return s.checkTopic(q)
}

// parseExpiration accepts non-negative decimal Unix seconds (apns.md#U07).
func parseExpiration(v string) (int64, bool) {
	if v == "" || len(v) > 19 {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// checkTopic: the topic part of step 5 (apns.md#H18, E15, E21, E23).
func (s *Server) checkTopic(q *request) *Rejection {
	_, present := q.r.Header["Apns-Topic"]
	if !present {
		switch {
		case q.cert == nil:
			return Reject(ReasonMissingTopic) // apns.md#H18, E21: token auth
		case len(q.cert.topics) > 1:
			return Reject(ReasonMissingTopic) // apns.md#H18: multi-topic certificate
		}
		q.n.Topic = q.cert.subject // apns.md#H18: the certificate's bundle id
	}
	if !validTopic(q.n.Topic) {
		return Reject(ReasonBadTopic) // apns.md#H18, E15
	}
	if q.rule.suffix != "" && !strings.HasSuffix(q.n.Topic, q.rule.suffix) {
		return Reject(s.cfg.Choices.TopicSuffixReason) // apns.md#H05–H13
	}
	if q.cert != nil {
		if q.rule.tokenOnly || !slices.Contains(q.cert.topics, q.n.Topic) {
			return Reject(ReasonTopicDisallowed) // apns.md#A12, A14, U04, U14
		}
		return nil
	}
	if !q.key.allowsTopic(q.n.Topic) {
		return Reject(ReasonTopicDisallowed) // apns.md#A10, U04
	}
	return nil
}

// validTopic accepts bundle-id-like strings: letters, digits, '.', '-' and
// '_', at most 255 bytes. Apple does not publish a grammar (apns.md#E15);
// this covers bundle ids, their suffixes and MDM UIDs.
func validTopic(t string) bool {
	if t == "" || len(t) > 255 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkBody is step 6 of apns.md#U01.
func (s *Server) checkBody(q *request) *Rejection {
	if len(q.body) == 0 {
		return Reject(ReasonPayloadEmpty) // apns.md#P02, E22
	}
	limit := s.cfg.MaxPayload
	if q.rule.voip {
		limit = s.cfg.MaxVoIPPayload
	}
	if len(q.body) > limit {
		return Reject(ReasonPayloadTooLarge) // apns.md#P03, E52
	}
	q.n.Payload = q.body
	q.n.PayloadProblem = payloadProblem(q.body)
	return nil
}

// payloadProblem implements apns.md#U02: a body that is not a JSON object
// is accepted (Apple names no reason) but marked undeliverable.
func payloadProblem(body []byte) string {
	if !json.Valid(body) {
		return "undeliverable: invalid JSON (apns.md#U02)"
	}
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n') {
		i++
	}
	if i < len(body) && body[i] == '{' {
		return ""
	}
	return "undeliverable: JSON top level is not an object (apns.md#P01, U02)"
}

// checkToken: the format half of step 7 (apns.md#U17, E11).
func (s *Server) checkToken(q *request) *Rejection {
	t := q.n.Token
	if len(t) < 32 || len(t) > 200 || len(t)%2 != 0 {
		return Reject(ReasonBadDeviceToken)
	}
	lower := true
	for i := 0; i < len(t); i++ {
		if !isHex(t[i]) {
			return Reject(ReasonBadDeviceToken)
		}
		if 'A' <= t[i] && t[i] <= 'F' {
			lower = false
		}
	}
	if !lower {
		q.n.Token = strings.ToLower(t) // apns.md#U17: compared case-insensitively
	}
	return nil
}

// checkRouter: the Router's half of step 7; its *Rejection is the answer,
// any other error is a 500 (apns.md#E55).
func (s *Server) checkRouter(q *request) *Rejection {
	q.routed = true
	err := s.router.Route(q.r.Context(), q.n)
	if err == nil {
		return nil
	}
	var rej *Rejection
	if errors.As(err, &rej) {
		return rej
	}
	s.logf("fakeapns: router: %v", err)
	return Reject(ReasonInternalServerError)
}
