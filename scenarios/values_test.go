package scenarios

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/world"
)

func TestSubset(t *testing.T) {
	got := map[string]any{"action": "OK", "n": float64(3), "userInfo": map[string]any{"txn": "T-1", "x": []any{1.0, "a"}}}
	tests := []struct {
		name string
		want any
		ok   bool
	}{
		{"key", map[string]any{"action": "OK"}, true},
		{"nested", map[string]any{"userInfo": map[string]any{"txn": "T-1"}}, true},
		{"number kinds", map[string]any{"n": uint64(3)}, true},
		{"list", map[string]any{"userInfo": map[string]any{"x": []any{uint64(1), "a"}}}, true},
		{"wrong value", map[string]any{"action": "NOK"}, false},
		{"missing key", map[string]any{"text": ""}, false},
		{"short list", map[string]any{"userInfo": map[string]any{"x": []any{1.0}}}, false},
	}
	for _, tt := range tests {
		if ok := subset(tt.want, got); ok != tt.ok {
			t.Errorf("%s: subset = %v, want %v", tt.name, ok, tt.ok)
		}
	}
}

func TestMatchEvents(t *testing.T) {
	events := []world.Event{
		{Kind: world.EventAction, Device: "a"},
		{Kind: world.EventCompletion, Device: "b"},
		{Kind: world.EventCompletion, Device: "a"},
	}
	ms := []EventMatch{{Kind: world.EventCompletion, Device: "a"}, {Kind: world.EventAction}, {Kind: world.EventCompletion}}
	if diff := cmp.Diff([]int{2, -1, -1}, matchEvents(ms, events, true)); diff != "" {
		t.Errorf("ordered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 0, 1}, matchEvents(ms, events, false)); diff != "" {
		t.Errorf("unordered (-want +got):\n%s", diff)
	}
}

// TestWatch: a UI can follow a replay's log.
func TestWatch(t *testing.T) {
	s, err := Parse("w.yaml", []byte("fleet:\n  devices: [{name: a, ios: \"17.0\"}]\nsteps:\n  - send: {device: a, payload: {aps: {alert: hi}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var log *world.EventLog
	res := RunOne(context.Background(), s, Options{Watch: func(_ *Scenario, l *world.EventLog) { log = l }})
	if !res.Passed || log == nil || log.Last() == 0 {
		t.Fatalf("passed %v, watched log %v", res.Passed, log)
	}
}
