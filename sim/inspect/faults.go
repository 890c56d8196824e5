package inspect

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

// FaultRequest is the body of POST faults: a fakeapns.FaultRule with
// durations written as strings ("250ms") and the environment it applies
// to.
type FaultRequest struct {
	// ID names the rule; one is assigned when empty.
	ID string `json:"id,omitempty"`
	// Environment is "development", "production", or empty for both.
	Environment fakeapns.Environment `json:"environment,omitempty"`
	Token       string               `json:"token,omitempty"`
	Topic       string               `json:"topic,omitempty"`
	PushType    string               `json:"push_type,omitempty"`
	Reason      fakeapns.Reason      `json:"reason,omitempty"`
	Status      int                  `json:"status,omitempty"`
	Timestamp   time.Time            `json:"timestamp,omitzero"`
	Latency     string               `json:"latency,omitempty"`
	LatencyMax  string               `json:"latency_max,omitempty"`
	Count       int                  `json:"count,omitempty"`
	Probability float64              `json:"probability,omitempty"`
}

// FaultView is one installed rule of one environment, as GET faults shows
// it; Count is what is left of it.
type FaultView struct {
	ID          string               `json:"id"`
	Environment fakeapns.Environment `json:"environment"`
	Token       string               `json:"token,omitempty"`
	Topic       string               `json:"topic,omitempty"`
	PushType    string               `json:"push_type,omitempty"`
	Reason      fakeapns.Reason      `json:"reason,omitempty"`
	Status      int                  `json:"status,omitempty"`
	Timestamp   time.Time            `json:"timestamp,omitzero"`
	Latency     string               `json:"latency,omitempty"`
	LatencyMax  string               `json:"latency_max,omitempty"`
	Count       int                  `json:"count,omitempty"`
	Probability float64              `json:"probability,omitempty"`
}

// faultsBody is the answer of GET and POST faults.
type faultsBody struct {
	Faults []FaultView `json:"faults"`
}

// faultSet is the fault rules of every environment, behind one id space.
type faultSet struct {
	envs []fakeapns.Environment // sorted, for a stable listing
	by   map[fakeapns.Environment]*fakeapns.Faults

	max int // rules at once

	mu     sync.Mutex
	nextID int
}

func newFaultSet(m map[fakeapns.Environment]*fakeapns.Faults, limit int) *faultSet {
	fs := &faultSet{by: map[fakeapns.Environment]*fakeapns.Faults{}, max: limit}
	for env, f := range m {
		if f != nil {
			fs.envs = append(fs.envs, env)
			fs.by[env] = f
		}
	}
	slices.Sort(fs.envs)
	return fs
}

func (fs *faultSet) list() []FaultView {
	out := []FaultView{}
	for _, env := range fs.envs {
		for _, r := range fs.by[env].List() {
			out = append(out, faultView(env, r))
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
func (fs *faultSet) add(req FaultRequest) ([]FaultView, *bodyError) {
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
	rule := fakeapns.FaultRule{
		ID: req.ID, Token: req.Token, Topic: req.Topic, PushType: req.PushType,
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
	var out []FaultView
	for i, env := range envs {
		added, err := fs.by[env].Add(rule)
		if err != nil {
			for _, done := range envs[:i] {
				fs.by[done].Remove(rule.ID)
			}
			return nil, &bodyError{Msg: err.Error()}
		}
		out = append(out, faultView(env, added))
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

func faultView(env fakeapns.Environment, r fakeapns.FaultRule) FaultView {
	v := FaultView{
		ID: r.ID, Environment: env, Token: r.Token, Topic: r.Topic, PushType: r.PushType,
		Reason: r.Reason, Status: r.Status, Timestamp: r.Timestamp, Count: r.Count, Probability: r.Probability,
	}
	if r.Latency > 0 {
		v.Latency = r.Latency.String()
	}
	if r.LatencyMax > 0 {
		v.LatencyMax = r.LatencyMax.String()
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
	var req FaultRequest
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
