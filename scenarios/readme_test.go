package scenarios

import (
	"os"
	"strings"
	"testing"
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
