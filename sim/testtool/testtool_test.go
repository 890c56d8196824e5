package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "true": true, "1": true, "woodpecker": true} {
		t.Setenv("CI", v)
		if got := InCI(); got != want {
			t.Errorf("CI=%q: InCI() = %v, want %v", v, got, want)
		}
	}
}

// TestNeedMissing runs this test binary again with a tool that does not
// exist: outside CI the test is skipped with the command that installs
// it, in CI it fails with the same command.
func TestNeedMissing(t *testing.T) {
	if os.Getenv("TESTTOOL_HELPER") == "1" {
		Need(t, "pushsim-no-such-tool")
		return
	}
	for _, tt := range []struct {
		ci       string
		wantFail bool
		want     string
	}{
		{"", false, "--- SKIP: TestNeedMissing"},
		{"true", true, "--- FAIL: TestNeedMissing"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNeedMissing$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTTOOL_HELPER=1", "CI="+tt.ci)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tt.wantFail || !strings.Contains(string(out), tt.want) ||
			!strings.Contains(string(out), "pushsim-no-such-tool is not installed") ||
			!strings.Contains(string(out), "sudo apt-get install pushsim-no-such-tool") {
			t.Errorf("CI=%q: err %v, want failure %v and %q with the install command:\n%s", tt.ci, err, tt.wantFail, tt.want, out)
		}
	}
}

func TestNodeModulesDirExists(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, nodeDir, "package-lock.json")); err != nil {
		t.Errorf("the committed lock file: %v", err)
	}
}
