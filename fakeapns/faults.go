package fakeapns

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultRule makes the server misbehave for matching requests: answer with
// a status and reason, wait, fail at the HTTP/2 level (Frame), or a mix.
// Empty match fields match anything.
//
// Two reasons also act on the connection: Shutdown answers 503 and sends
// GOAWAY (apns.md#E57, T11), IdleTimeout answers 400 and closes the
// connection the same way (apns.md#E18, U04).
type FaultRule struct {
	// ID names the rule; Add assigns one when empty.
	ID string `json:"id,omitempty"`
	// Token matches the device token, case-insensitively (apns.md#U17).
	Token string `json:"token,omitempty"`
	// Topic matches apns-topic exactly.
	Topic string `json:"topic,omitempty"`
	// PushType matches apns-push-type exactly.
	PushType string `json:"push_type,omitempty"`
	// Connection matches the connection's number (Record.Connection: 1,
	// 2, … in order of acceptance); 0 matches any.
	Connection uint64 `json:"connection,omitempty"`
	// Frame is a failure at the HTTP/2 level (see FrameFault). With a
	// Reason, Frame must not replace the answer (goaway with last_stream
	// "this", or close_idle): the answer is sent, then the frames.
	Frame *FrameFault `json:"frame,omitempty"`
	// Reason is the answer; empty means no error (latency only).
	Reason Reason `json:"reason,omitempty"`
	// Status overrides Reason.Status() when non-zero.
	Status int `json:"status,omitempty"`
	// Timestamp is the 410 timestamp (apns.md#E03); zero means the time of
	// the request.
	Timestamp time.Time `json:"timestamp,omitzero"`
	// Latency delays the answer.
	Latency time.Duration `json:"latency,omitempty"`
	// LatencyMax, when above Latency, makes the delay uniformly random in
	// [Latency, LatencyMax].
	LatencyMax time.Duration `json:"latency_max,omitempty"`
	// Count, when positive, limits the rule to the next Count requests it
	// fires on; the rule is then removed.
	Count int `json:"count,omitempty"`
	// Probability, when strictly between 0 and 1, is the chance that the
	// rule fires on a matching request; otherwise it always fires.
	Probability float64 `json:"probability,omitempty"`
}

func (f FaultRule) validate() error {
	switch {
	case f.Reason != "" && !f.Reason.Known():
		return fmt.Errorf("fakeapns: fault %q: unknown reason %q", f.ID, f.Reason)
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return fmt.Errorf("fakeapns: fault %q: status %d out of range", f.ID, f.Status)
	case f.Status == 200 && f.Reason != "":
		// apns.md#E01: a 200 has an empty body, so it carries no reason.
		return fmt.Errorf("fakeapns: fault %q: status 200 with reason %q: a success has no reason (apns.md#E01)", f.ID, f.Reason)
	case f.Status != 0 && f.Status != 200 && f.Reason == "":
		// apns.md#E02: every APNs error carries a reason.
		return fmt.Errorf("fakeapns: fault %q: status %d needs a reason (apns.md#E02)", f.ID, f.Status)
	case f.Latency < 0 || f.LatencyMax < 0:
		return fmt.Errorf("fakeapns: fault %q: negative latency", f.ID)
	case f.Count < 0:
		return fmt.Errorf("fakeapns: fault %q: negative count", f.ID)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("fakeapns: fault %q: probability %v outside [0, 1]", f.ID, f.Probability)
	case f.Reason == "" && f.Latency == 0 && f.LatencyMax == 0 && f.Frame == nil:
		return fmt.Errorf("fakeapns: fault %q: neither a reason nor a latency (nor a frame fault)", f.ID)
	}
	if f.Frame == nil {
		return nil
	}
	if err := f.Frame.validate(); err != nil {
		return fmt.Errorf("fakeapns: fault %q: %w", f.ID, err)
	}
	switch {
	case f.Reason != "" && f.Frame.replacesAnswer():
		return fmt.Errorf("fakeapns: fault %q: frame fault %s replaces the answer, so reason %q would never be sent", f.ID, f.Frame.Kind, f.Reason)
	case f.Frame.Kind == FrameTLSHandshake && (f.Token != "" || f.Topic != "" || f.PushType != "" || f.Reason != "" || f.Latency != 0 || f.LatencyMax != 0):
		return fmt.Errorf("fakeapns: fault %q: tls_handshake fires before any request, so it matches on connection, count and probability only, with no reason or latency", f.ID)
	}
	return nil
}

// stage is when a rule is tried: at a request, or at a new connection's
// TLS handshake.
type stage uint8

const (
	atRequest stage = iota
	atHandshake
)

func (f FaultRule) matches(st stage, token, topic, pushType string, conn uint64) bool {
	if (f.Frame != nil && f.Frame.Kind == FrameTLSHandshake) != (st == atHandshake) {
		return false
	}
	return (f.Token == "" || strings.EqualFold(f.Token, token)) &&
		(f.Topic == "" || f.Topic == topic) &&
		(f.PushType == "" || f.PushType == pushType) &&
		(f.Connection == 0 || f.Connection == conn)
}

// Faults holds a server's fault rules; safe for concurrent use. Rules are
// tried in the order they were added; the first that fires wins.
type Faults struct {
	mu     sync.Mutex
	rules  []FaultRule
	rng    *rand.Rand
	nextID int
}

func newFaults(seed uint64) *Faults {
	return &Faults{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add installs a rule and returns it with its ID.
func (fs *Faults) Add(f FaultRule) (FaultRule, error) {
	if err := f.validate(); err != nil {
		return f, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f.ID == "" {
		fs.nextID++
		f.ID = "fault-" + strconv.Itoa(fs.nextID)
	}
	for _, r := range fs.rules {
		if r.ID == f.ID {
			return f, fmt.Errorf("fakeapns: fault %q already exists", f.ID)
		}
	}
	fs.rules = append(fs.rules, f)
	return f, nil
}

// Remove deletes the rule with id and reports whether it existed.
func (fs *Faults) Remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, r := range fs.rules {
		if r.ID == id {
			fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			return true
		}
	}
	return false
}

// List returns a copy of the rules, Count showing what is left.
func (fs *Faults) List() []FaultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]FaultRule(nil), fs.rules...)
}

// Clear removes every rule.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
}

// fire returns a copy of the rule that fires for a request, with its drawn
// latency, or nil. A pointer keeps the hot path's stack frames small.
func (fs *Faults) fire(st stage, token, topic, pushType string, conn uint64) (*FaultRule, time.Duration) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.rules {
		r := &fs.rules[i]
		if !r.matches(st, token, topic, pushType, conn) {
			continue
		}
		if r.Probability > 0 && r.Probability < 1 && fs.rng.Float64() >= r.Probability {
			continue
		}
		fired := new(FaultRule)
		*fired = *r
		delay := r.Latency
		if r.LatencyMax > r.Latency {
			delay += time.Duration(fs.rng.Int64N(int64(r.LatencyMax - r.Latency + 1)))
		}
		if r.Count > 0 {
			r.Count--
			if r.Count == 0 {
				fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			}
		}
		return fired, delay
	}
	return nil, 0
}
