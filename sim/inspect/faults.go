package inspect

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

// Fault is one fault rule over the API: the body of POST faults and each
// item GET faults lists. It is a fakeapns.FaultRule with durations written
// as strings ("250ms") and the environment it applies to; in a listing,
// Count is what is left of the rule.
type Fault struct {
	// ID names the rule; one is assigned when empty.
	ID string `json:"id,omitempty"`
	// Environment is "development", "production", or empty for both when
	// posting.
	Environment fakeapns.Environment `json:"environment,omitempty"`
	// Token, Topic and PushType match the request; empty matches any.
	Token    string `json:"token,omitempty"`
	Topic    string `json:"topic,omitempty"`
	PushType string `json:"push_type,omitempty"`
	// Connection matches the connection's number (a notification's
	// "connection"); 0 matches any.
	Connection uint64 `json:"connection,omitempty"`
	// Frame is a failure at the HTTP/2 level (GOAWAY, RST_STREAM, a
	// half-dead connection, a cut, an idle close, a failed TLS handshake).
	Frame *fakeapns.FrameFault `json:"frame,omitempty"`
	// Reason and Status are APNs' answer.
	Reason    fakeapns.Reason `json:"reason,omitempty"`
	Status    int             `json:"status,omitempty"`
	Timestamp time.Time       `json:"timestamp,omitzero"`
	// Latency and LatencyMax delay the answer.
	Latency    string `json:"latency,omitempty"`
	LatencyMax string `json:"latency_max,omitempty"`
	// Count limits the rule to its next Count firings.
	Count int `json:"count,omitempty"`
	// Probability is the chance the rule fires on a matching request.
	Probability float64 `json:"probability,omitempty"`
	// Note, in answers only, says where the rule cannot fire: a TLS
	// handshake failure never reaches clients of an environment's h2c
	// listener (Config.H2C).
	Note string `json:"note,omitempty"`
}

// faultsBody is the answer of GET and POST faults.
type faultsBody struct {
	Faults []Fault `json:"faults"`
}

// faultSet is the fault rules of every environment, behind one id space.
type faultSet struct {
	envs []fakeapns.Environment // sorted, for a stable listing
	by   map[fakeapns.Environment]*fakeapns.Faults

	max int // rules at once
	h2c []fakeapns.Environment

	mu     sync.Mutex
	nextID int
}

func newFaultSet(m map[fakeapns.Environment]*fakeapns.Faults, h2c []fakeapns.Environment, limit int) *faultSet {
	fs := &faultSet{by: map[fakeapns.Environment]*fakeapns.Faults{}, max: limit, h2c: h2c}
	for env, f := range m {
		if f != nil {
			fs.envs = append(fs.envs, env)
			fs.by[env] = f
		}
	}
	slices.Sort(fs.envs)
	return fs
}

func (fs *faultSet) list() []Fault {
	out := []Fault{}
	for _, env := range fs.envs {
		for _, r := range fs.by[env].List() {
			out = append(out, fs.view(env, r))
		}
	}
	return out
}

func (fs *faultSet) clear() {
	for _, f := range fs.by {
		f.Clear()
	}
}

// add installs req in its environments, all or none.
func (fs *faultSet) add(req Fault) ([]Fault, *bodyError) {
	envs := fs.envs
	if req.Environment != "" {
		if _, ok := fs.by[req.Environment]; !ok {
			return nil, &bodyError{Field: "environment", Msg: fmt.Sprintf("%q is not an environment of this server (have %v)", req.Environment, fs.envs)}
		}
		envs = []fakeapns.Environment{req.Environment}
	}
	if len(envs) == 0 {
		return nil, &bodyError{Msg: "this server has no fake APNs to inject faults into"}
	}
	if req.Reason != "" && !req.Reason.Known() {
		return nil, &bodyError{Field: "reason", Msg: fmt.Sprintf("%q is not an APNs reason (apns.md section 4)", req.Reason)}
	}
	if req.Note != "" {
		return nil, &bodyError{Field: "note", Msg: "note is set by the server in answers, not posted"}
	}
	if berr := checkFrame(req); berr != nil {
		return nil, berr
	}
	rule := fakeapns.FaultRule{
		ID: req.ID, Token: req.Token, Topic: req.Topic, PushType: req.PushType,
		Connection: req.Connection, Frame: req.Frame,
		Reason: req.Reason, Status: req.Status, Timestamp: req.Timestamp,
		Count: req.Count, Probability: req.Probability,
	}
	var err error
	if rule.Latency, err = optDuration(req.Latency); err != nil {
		return nil, &bodyError{Field: "latency", Msg: err.Error()}
	}
	if rule.LatencyMax, err = optDuration(req.LatencyMax); err != nil {
		return nil, &bodyError{Field: "latency_max", Msg: err.Error()}
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n := fs.countLocked(); n >= fs.max {
		return nil, &bodyError{Msg: fmt.Sprintf("too many fault rules: the limit is %d (DELETE faults/{id} or POST reset first)", fs.max), status: http.StatusConflict}
	}
	if rule.ID == "" {
		for taken := true; taken; {
			fs.nextID++
			rule.ID = "f" + strconv.Itoa(fs.nextID)
			taken = fs.hasLocked(rule.ID)
		}
	} else if fs.hasLocked(rule.ID) {
		return nil, &bodyError{Field: "id", Msg: fmt.Sprintf("a fault %q already exists", rule.ID)}
	}
	var out []Fault
	for i, env := range envs {
		added, err := fs.by[env].Add(rule)
		if err != nil {
			for _, done := range envs[:i] {
				fs.by[done].Remove(rule.ID)
			}
			return nil, &bodyError{Msg: err.Error()}
		}
		out = append(out, fs.view(env, added))
	}
	return out, nil
}

// countLocked is the number of distinct rule ids installed.
func (fs *faultSet) countLocked() int {
	ids := map[string]bool{}
	for _, f := range fs.by {
		for _, r := range f.List() {
			ids[r.ID] = true
		}
	}
	return len(ids)
}

func (fs *faultSet) hasLocked(id string) bool {
	for _, f := range fs.by {
		for _, r := range f.List() {
			if r.ID == id {
				return true
			}
		}
	}
	return false
}

// remove deletes the rule id from every environment.
func (fs *faultSet) remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	found := false
	for _, f := range fs.by {
		found = f.Remove(id) || found
	}
	return found
}

// checkFrame refuses a frame fault that cannot apply, naming its field.
func checkFrame(req Fault) *bodyError {
	f := req.Frame
	if f == nil {
		return nil
	}
	if err := f.Validate(); err != nil {
		var fe *fakeapns.FieldError
		if errors.As(err, &fe) {
			return &bodyError{Field: "frame." + fe.Field, Msg: fe.Msg}
		}
		return &bodyError{Field: "frame", Msg: err.Error()}
	}
	if req.Reason != "" && f.ReplacesAnswer() {
		return &bodyError{Field: "reason", Msg: fmt.Sprintf("frame fault %s replaces the answer, so reason %q would never be sent (a reason goes with goaway last_stream this, or close_idle)", f.Kind, req.Reason)}
	}
	if f.Kind == fakeapns.FrameTLSHandshake {
		for _, m := range []struct{ field, v string }{
			{"token", req.Token}, {"topic", req.Topic}, {"push_type", req.PushType},
			{"reason", string(req.Reason)}, {"latency", req.Latency}, {"latency_max", req.LatencyMax},
		} {
			if m.v != "" {
				return &bodyError{Field: m.field, Msg: "a tls_handshake fault fires before any request, so it matches on connection, count and probability only"}
			}
		}
	}
	return nil
}

func (fs *faultSet) view(env fakeapns.Environment, r fakeapns.FaultRule) Fault {
	v := Fault{
		ID: r.ID, Environment: env, Token: r.Token, Topic: r.Topic, PushType: r.PushType,
		Connection: r.Connection, Frame: r.Frame, Reason: r.Reason, Status: r.Status, Timestamp: r.Timestamp, Count: r.Count, Probability: r.Probability,
	}
	if r.Latency > 0 {
		v.Latency = r.Latency.String()
	}
	if r.LatencyMax > 0 {
		v.LatencyMax = r.LatencyMax.String()
	}
	if r.Frame != nil && r.Frame.Kind == fakeapns.FrameTLSHandshake && slices.Contains(fs.h2c, env) {
		v.Note = "fires on the TLS listener only: clients on the h2c listener never see a handshake"
	}
	return v
}

func optDuration(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	return parseDuration(v)
}

func (a *API) getFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, faultsBody{Faults: a.faults.list()})
}

func (a *API) postFault(w http.ResponseWriter, r *http.Request) {
	var req Fault
	if err := decodeBody(w, r, &req); err != nil {
		writeBodyError(w, err)
		return
	}
	added, berr := a.faults.add(req)
	if berr != nil {
		writeBodyError(w, berr)
		return
	}
	writeJSON(w, http.StatusCreated, faultsBody{Faults: added})
}

func (a *API) deleteFault(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !a.faults.remove(id) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no fault %q", id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
