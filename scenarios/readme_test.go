package scenarios

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmeExampleParses: the file-format example in the README is a
// valid scenario.
func TestReadmeExampleParses(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "## Scenarios: pushsim run and pushsim lint")
	if !ok {
		t.Fatal("README has no scenarios section")
	}
	_, rest, ok := strings.Cut(section, "```yaml\n")
	if !ok {
		t.Fatal("the scenarios section has no yaml example")
	}
	example, _, _ := strings.Cut(rest, "```")
	s, err := Parse("README.md", []byte(example))
	if err != nil {
		t.Fatalf("the README example does not parse: %v", err)
	}
	if len(s.Steps) < 12 {
		t.Errorf("the README example has %d steps, want one of each kind", len(s.Steps))
	}
}

// TestReadmeExampleRuns: the file-format example in the README, run as a
// newcomer would run it, passes every step but the one after exec, whose events come
// from the reader's own sender script (here a stub that sends nothing).
func TestReadmeExampleRuns(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(data), "## Scenarios: pushsim run and pushsim lint")
	_, rest, _ := strings.Cut(section, "```yaml\n")
	example, _, _ := strings.Cut(rest, "```")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "send-fraud-alert.sh"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Parse(filepath.Join(dir, "readme.yaml"), []byte(example))
	if err != nil {
		t.Fatalf("the README example does not parse: %v", err)
	}
	want := 0 // the 1-based step after the exec: it expects the script's request
	for i, st := range s.Steps {
		if st.Exec != nil {
			want = i + 2
		}
	}
	res := RunOne(context.Background(), s, Options{})
	got := 0
	if res.Failure != nil {
		got = res.Failure.Step
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failing step (-want the one after exec +got):\n%s\n%v", diff, res.Failure)
	}
}
