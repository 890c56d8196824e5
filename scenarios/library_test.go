package scenarios

import (
	"context"
	"strings"
	"testing"
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
