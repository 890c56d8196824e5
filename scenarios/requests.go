package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/verify"
)

// expectRequests evaluates the step's matcher over the requests the fake
// servers saw so far in this run.
func (r *run) expectRequests(e *RequestsExpect) error {
	v := e.Verification
	if e.Device != "" {
		a, err := r.app(e.Device, e.App)
		if err != nil {
			return err
		}
		v.Match.Token = a.Token
	}
	m, err := v.Compile()
	if err != nil {
		return err // checked when parsed; kept for steps built in code
	}
	// Name each request's device, as the API does.
	owner := map[string]string{}
	for _, d := range r.devices {
		for _, a := range d.Apps {
			owner[strings.ToLower(a.Token)] = d.Name
		}
	}
	reqs := r.journal.Requests()
	for i := range reqs {
		reqs[i].Device = owner[reqs[i].Token]
	}
	res := m.Evaluate(reqs)
	if res.Holds {
		return nil
	}
	return failf("", "%s", strings.TrimRight(res.Text(), "\n"))
}

// requestsErrorKey is the YAML key a verify.FieldError's field points at:
// the pointer of a payload condition, else the last part of the path.
func requestsErrorKey(field string) string {
	if p, ok := strings.CutPrefix(field, "match.payload."); ok {
		return p
	}
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

// requestsError places a bad matcher's error on the key at fault when it
// can be found in the step's node, else on the step.
func requestsError(filename string, node ast.Node, st *Step, i int) error {
	_, err := st.ExpectRequests.Compile()
	var fe *verify.FieldError
	if err == nil || !errors.As(err, &fe) {
		return nil
	}
	line, col := st.Line, st.Column
	if p := findKey(node, requestsErrorKey(fe.Field)); p != nil {
		line, col = p.Line, p.Column
	}
	return &device.FileError{File: filename, Line: line, Column: col, Msg: fmt.Sprintf("step %d (expect_requests): %s", i+1, fe.Error())}
}

// findKey finds the first mapping key under node whose text is key.
func findKey(node ast.Node, key string) *token.Position {
	var found *token.Position
	ast.Walk(visitFunc(func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if mv, ok := n.(*ast.MappingValueNode); ok && mv.Key != nil && mv.Key.GetToken() != nil && mv.Key.GetToken().Value == key {
			found = mv.Key.GetToken().Position
			return false
		}
		return true
	}), node)
	return found
}
