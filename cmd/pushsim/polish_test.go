package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
)

// TestNewcomerPolish: the rough edges a newcomer hit (issue 15.7), each
// through the real CLI entry point.
func TestNewcomerPolish(t *testing.T) {
	dev := startRealTarget(t, fakeapns.Development)
	withoutCA := slices.Clone(dev.args("sandbox"))
	i := slices.Index(withoutCA, "--ca")
	withoutCA = slices.Delete(withoutCA, i, i+2)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		want     string // in stdout or stderr
	}{
		{"typo suggests the command", "", []string{"sned", "x.json"}, 2, `did you mean "send"?`},
		{"version subcommand", "", []string{"version"}, 0, "pushsim "},
		{"--version", "", []string{"--version"}, 0, "pushsim "},
		{"real flags without --real", pollPayload, []string{"send", "-", "--sandbox", "--token", "abcd"}, 2,
			"--sandbox, --token only apply to a real send: add --real"},
		{"simulator explains a rejection", pollPayload, []string{"send", "-", "-d", "ios17", "--topic", "com.other.app"}, 1,
			"  meaning    "},
		{"lint-blocked real send exits 1", `{"aps":{"badge":"3"}}`, dev.args("sandbox"), 1, "nothing was sent (use --force"},
		{"production off a terminal says pass --yes", pollPayload, dev.args("production"), 2, "pass --yes"},
		{"self-signed endpoint without --ca names --ca", pollPayload, withoutCA, 2, "pass --ca FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("pushsim %s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s",
					strings.Join(tt.args, " "), code, tt.wantCode, tt.want, out, errOut)
			}
		})
	}
}

// TestJUnitPathCheckedFirst: a --junit into a missing directory is one
// line and exit 2 before any scenario runs.
func TestJUnitPathCheckedFirst(t *testing.T) {
	code, out, errOut := runCLI(t, "", "run", "../../scenarios/library", "--junit", t.TempDir()+"/no/such/dir/junit.xml")
	if code != 2 || !strings.Contains(errOut, "does not exist") || strings.Contains(out, "passed") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
