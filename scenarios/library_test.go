package scenarios

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/world"
)

// TestLibrary runs every scenario of the shipped library: each must pass.
func TestLibrary(t *testing.T) {
	list, err := Load("library")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("the library is empty")
	}
	results := Run(context.Background(), list, Options{Verbose: testing.Verbose()})
	var report strings.Builder
	if err := WriteText(&report, results, testing.Verbose()); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Passed {
			t.Errorf("scenario %s failed:\n%s", r.Name, report.String())
			return
		}
	}
	t.Log("\n" + report.String())
}

// TestEmbeddedLibrary: the embedded copy loads the same scenarios as the
// files on disk.
func TestEmbeddedLibrary(t *testing.T) {
	disk, err := Load("library")
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := LoadFS(Library(), "library")
	if err != nil {
		t.Fatal(err)
	}
	names := func(list []*Scenario) []string {
		var out []string
		for _, s := range list {
			out = append(out, s.Name)
		}
		return out
	}
	if diff := cmp.Diff(names(disk), names(embedded)); diff != "" {
		t.Errorf("embedded library (-disk +embedded):\n%s", diff)
	}
}

// TestLibraryReproducible: two runs of the library log the same events in
// the same order (apns-ids and wall-clock stamps aside).
func TestLibraryReproducible(t *testing.T) {
	list, err := Load("library")
	if err != nil {
		t.Fatal(err)
	}
	port := regexp.MustCompile(`:[0-9]+`)
	trace := func() map[string][]string {
		var mu sync.Mutex
		logs := map[string]*world.EventLog{}
		Run(context.Background(), list, Options{Watch: func(s *Scenario, log *world.EventLog) {
			mu.Lock()
			defer mu.Unlock()
			logs[s.Name] = log
		}})
		out := map[string][]string{}
		for name, log := range logs {
			events, _ := log.Since(0, 0)
			for _, ev := range events {
				url := port.ReplaceAllString(ev.URL, ":PORT") // each run has its own receiver
				out[name] = append(out[name], fmt.Sprintf("%s %s %s %d %s %s", ev.Kind, ev.Device, ev.Action, ev.Status, ev.Reason, url))
			}
		}
		return out
	}
	first, second := trace(), trace()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
}
