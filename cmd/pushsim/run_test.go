package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/scenarios"
)

// lastLine is the final line of a report.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestRunExitCodes: 0 all passed, 1 any failed, 2 usage or an invalid
// scenario, with the text report's last line for CI.
func TestRunExitCodes(t *testing.T) {
	lib := filepath.Join("..", "..", "scenarios", "library")
	broken := filepath.Join("..", "..", "scenarios", "testdata", "broken")
	invalid := filepath.Join("..", "..", "scenarios", "testdata", "invalid", "bad-step.yaml")
	tests := []struct {
		name     string
		args     []string
		code     int
		last     string // stdout's last line
		inStderr string
	}{
		{"library passes", []string{"run", lib}, 0, "29 passed, 0 failed", ""},
		{"filter", []string{"run", lib, "--run", "poll"}, 0, "1 passed, 0 failed", ""},
		{"broken copy fails", []string{"run", broken}, 1, "0 passed, 3 failed", ""},
		{"one of each", []string{"run", filepath.Join(broken, "wrong-status.yaml"), filepath.Join(lib, "wrong-environment.yaml")}, 1, "1 passed, 1 failed", ""},
		{"invalid file", []string{"run", invalid}, 2, "", "bad-step.yaml:4:5: unknown field \"expect_respons\""},
		{"missing file", []string{"run", "nope.yaml"}, 2, "", "nope.yaml: no such file or directory"},
		{"bad regex", []string{"run", lib, "--run", "("}, 2, "", "--run: invalid regular expression"},
		{"nothing matches", []string{"run", lib, "--run", "^zzz$"}, 2, "", "no scenario matches"},
		{"no args", []string{"run"}, 2, "", "expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			if tt.last != "" {
				if diff := cmp.Diff(tt.last, lastLine(out)); diff != "" {
					t.Errorf("last line (-want +got):\n%s", diff)
				}
			}
			if !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.inStderr)
			}
		})
	}
}

// TestRunReports: --junit and --json files a CI server can read.
func TestRunReports(t *testing.T) {
	dir := t.TempDir()
	junit, jsonFile := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json")
	broken := filepath.Join("..", "..", "scenarios", "testdata", "broken")
	code, out, errOut := runCLI(t, "", "run", broken, "--junit", junit, "--json", jsonFile, "-v")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "(-want +got)") || !strings.Contains(out, "poll-ios7-buttons.yaml:14:5") {
		t.Errorf("text report lacks the diff or the step's file:line:\n%s", out)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites scenarios.JUnitSuites
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	if len(suites.Suites) != 1 {
		t.Fatalf("junit.xml has %d testsuites, want 1:\n%s", len(suites.Suites), data)
	}
	var failed []string
	for _, c := range suites.Suites[0].Cases {
		if c.Failure != nil {
			failed = append(failed, c.Name)
		}
	}
	want := []string{"poll broken on iOS 7", "watchdog broken", "wrong environment broken"}
	if diff := cmp.Diff(want, failed); diff != "" {
		t.Errorf("failed testcases (-want +got):\n%s", diff)
	}
	var rep struct {
		Passed, Failed int
		Scenarios      []scenarios.Result
	}
	data, err = os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if rep.Passed != 0 || rep.Failed != 3 || len(rep.Scenarios) != 3 || rep.Scenarios[0].Failure == nil || rep.Scenarios[0].Failure.Line != 14 {
		t.Errorf("report.json: passed %d failed %d, %d scenarios %+v; want 0, 3, 3 with the first failing at line 14", rep.Passed, rep.Failed, len(rep.Scenarios), rep.Scenarios)
	}
}

// TestLintExitCodes: findings with rule, severity and versions; exit 1 on
// an error-level finding, 2 on an unreadable payload or a bad flag.
func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	simctl := filepath.Join(dir, "poll.apns")
	if err := os.WriteFile(simctl, []byte(`{"Simulator Target Bundle":"com.pushsim.demo","aps":{"alert":"Tap Yes or No","category":"poll"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		inStdout []string
		inStderr string
	}{
		{"clean", `{"aps":{"alert":"Hello"}}`, []string{"lint", "-", "--ios", "10+"}, 0, []string{"0 errors, 0 warnings, 0 infos"}, ""},
		{"warnings only", "", []string{"lint", simctl}, 0,
			[]string{"warning legacy-text-needs-buttons [iOS <8]", "fix: ", "category-ignored"}, ""},
		{"error level", `{"aps":{"alert":"x","interruption-level":"urgent"}}`, []string{"lint", "-"}, 1,
			[]string{"error   invalid-value [iOS 15+]", "1 error,"}, ""},
		{"json", `{"aps":{"alert":"x","category":"nope"}}`, []string{"lint", "-", "--json", "--ios", "8-18"}, 0,
			[]string{`"rule": "category-unregistered"`, `"versions": "8+"`}, ""},
		{"unknown app", `{"aps":{}}`, []string{"lint", "-", "--app", "com.example.none"}, 2, nil, `no app "com.example.none"`},
		{"bad range", `{"aps":{}}`, []string{"lint", "-", "--ios", "eleven"}, 2, nil, "--ios: invalid iOS range"},
		{"invalid json", `{"aps":`, []string{"lint", "-"}, 2, nil, "-:1:"},
		{"missing file", "", []string{"lint", filepath.Join(dir, "none.json")}, 2, nil, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, s := range tt.inStdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.inStderr)
			}
		})
	}
}
