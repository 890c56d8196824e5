package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
