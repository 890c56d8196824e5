package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/sim/synthetic"
)

// TestLoadFlagsBadInput: out-of-range load-test flags are one line and
// exit status 2, before anything listens.
func TestLoadFlagsBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--state-dir", dir, "--synthetic=-1"}, "--synthetic -1: want 0 to 10000000"},
		{[]string{"serve", "--state-dir", dir, "--synthetic", "10000001"}, "--synthetic 10000001: want 0 to 10000000"},
		{[]string{"serve", "--state-dir", dir, "--synthetic", "5", "--sample", "1.5"}, "--sample 1.5: want a share from 0 to 1"},
		{[]string{"serve", "--state-dir", dir, "--sample=-0.5"}, "--sample -0.5: want a share from 0 to 1"},
		{[]string{"serve", "--state-dir", dir, "--unregistered", "2"}, "--unregistered 2: want a share from 0 to 1"},
		{[]string{"tokens", "--state-dir", dir, "--count", "0"}, "--count 0: want 1 to 10000000"},
		{[]string{"tokens", "--state-dir", dir, "--count", "2", "--from", "9999999"}, "--from 9999999: want 0 to 9999998"},
		{[]string{"tokens", "--state-dir", dir, "--count", "1", "--environment", "staging"}, "--environment"},
	}
	for _, tt := range tests {
		code, _, errs := runCLI(t, "", tt.args...)
		if code != exitUsage || strings.Count(strings.TrimRight(errs, "\n"), "\n") != 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("pushsim %s: exit %d, stderr %q; want 2 and one line containing %q", strings.Join(tt.args, " "), code, errs, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, synthetic.SeedFile)); err == nil {
		t.Error("bad flags created a seed")
	}
}

// TestTokens: tokens are printed one per line; the seed is created on
// first use and reused, so --from continues the same list.
func TestTokens(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new-state")
	code, out, errs := runCLI(t, "", "tokens", "--state-dir", dir, "--count", "3")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Fields(out)
	if len(lines) != 3 || len(lines[0]) != synthetic.TokenHexLen || !strings.HasPrefix(lines[2], "00000002") {
		t.Fatalf("tokens: %q", out)
	}
	_, out2, _ := runCLI(t, "", "tokens", "--state-dir", dir, "--count", "2", "--from", "1")
	if got := strings.Fields(out2); len(got) != 2 || got[0] != lines[1] || got[1] != lines[2] {
		t.Errorf("--from 1: %q, want %q", got, lines[1:])
	}
	_, prod, _ := runCLI(t, "", "tokens", "--state-dir", dir, "--count", "1", "--environment", "production")
	if strings.TrimSpace(prod) == lines[0] {
		t.Error("production token equals the development one")
	}
}
