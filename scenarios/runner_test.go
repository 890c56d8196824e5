package scenarios

import (
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBrokenCopies: deliberately broken scenarios fail at the right step
// with a readable diff.
func TestBrokenCopies(t *testing.T) {
	list, err := Load("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	results := Run(context.Background(), list, Options{})
	type outcome struct {
		Name   string
		Passed bool
		Where  string
		Diff   []string // lines the diff must contain
	}
	want := []outcome{
		{Name: "poll broken on iOS 7", Where: "testdata/broken/poll-ios7-buttons.yaml:14:5",
			Diff: []string{`-`, `"OK"`, `+`, `"Close"`, `"View"`}},
		{Name: "watchdog broken", Where: "testdata/broken/watchdog-expects-completion.yaml:16:5",
			Diff: []string{`completion device="ios15" action="OK"`, `watchdog ios15: completion handler never called`}},
		{Name: "wrong environment broken", Where: "testdata/broken/wrong-status.yaml:12:5",
			Diff: []string{`int(200)`, `int(400)`, `"BadDeviceToken"`}},
	}
	var got []outcome
	for i, r := range results {
		o := outcome{Name: r.Name, Passed: r.Passed}
		if r.Failure != nil {
			o.Where = r.Failure.Where()
			for _, line := range want[min(i, len(want)-1)].Diff {
				if strings.Contains(r.Failure.Diff, line) {
					o.Diff = append(o.Diff, line)
				}
			}
		}
		got = append(got, o)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		var report bytes.Buffer
		_ = WriteText(&report, results, false)
		t.Errorf("outcomes (-want +got):\n%s\nreport:\n%s", diff, report.String())
	}
}

// TestJUnitRoundTrip: the JUnit report parses back with encoding/xml into
// what a CI server reads: counts, one testcase per scenario, the failure
// with file:line and diff.
func TestJUnitRoundTrip(t *testing.T) {
	list, err := Load("testdata/broken/wrong-status.yaml", "library/wrong-environment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	results := Run(context.Background(), list, Options{})
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, "pushsim", results); err != nil {
		t.Fatal(err)
	}
	var back JUnitSuites
	if err := xml.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, buf.String())
	}
	type tc struct {
		Name, Message string
		Failed        bool
		DiffShown     bool
	}
	if len(back.Suites) != 1 {
		t.Fatalf("JUnit has %d testsuites, want 1:\n%s", len(back.Suites), buf.String())
	}
	var got []tc
	for _, c := range back.Suites[0].Cases {
		x := tc{Name: c.Name}
		if c.Failure != nil {
			x.Failed, x.Message = true, c.Failure.Message
			x.DiffShown = strings.Contains(c.Failure.Text, "(-want +got)") && strings.Contains(c.Failure.Text, "BadDeviceToken")
		}
		got = append(got, x)
	}
	want := []tc{
		{Name: "wrong environment broken", Failed: true, DiffShown: true,
			Message: "testdata/broken/wrong-status.yaml:12:5: APNs answered differently"},
		{Name: "wrong environment token"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JUnit testcases (-want +got):\n%s", diff)
	}
	if back.Tests != 2 || back.Failures != 1 || back.Suites[0].Tests != 2 || back.Suites[0].Failures != 1 {
		t.Errorf("counts: tests=%d failures=%d suite tests=%d failures=%d, want 2 1 2 1",
			back.Tests, back.Failures, back.Suites[0].Tests, back.Suites[0].Failures)
	}
}

// TestTextReportLastLine: CI reads exactly one final "N passed, N failed".
func TestTextReportLastLine(t *testing.T) {
	tests := []struct {
		results []Result
		want    string
	}{
		{nil, "0 passed, 0 failed"},
		{[]Result{{Name: "a", Passed: true}, {Name: "b", Failure: &Failure{Message: "x"}}}, "1 passed, 1 failed"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := WriteText(&buf, tt.results, false); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
		if diff := cmp.Diff(tt.want, lines[len(lines)-1]); diff != "" {
			t.Errorf("last line (-want +got):\n%s", diff)
		}
	}
}

// TestExec: an exec step's command sees the fake's address and
// credentials, and its exit status and output become an event.
func TestExec(t *testing.T) {
	src := `name: exec
fleet:
  devices:
    - {name: ios17, ios: "17.6"}
steps:
  - exec:
      command: 'test -s "$PUSHSIM_CA_FILE" && test -s "$PUSHSIM_KEY_FILE" && echo "$PUSHSIM_APNS_URL $PUSHSIM_TOKEN_IOS17 $GREETING"'
      env: {GREETING: hello}
  - exec: {command: [sh, -c, "echo oops >&2; exit 3"]}
  - expect_events:
      events:
        - {kind: exec, status: 0, message: "exit 0"}
        - {kind: exec, status: 3, text: oops}
`
	s, err := Parse("exec.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res := RunOne(context.Background(), s, Options{})
	if !res.Passed {
		t.Fatalf("exec scenario failed: %s", res.Failure)
	}
}

// TestCompanionFiles: payload_file (a simctl .apns file, whose target
// bundle becomes the topic) and fleet_file (with ${WEBHOOK_URL}) are read
// next to the scenario; a *.fleet.yaml is not taken for a scenario.
func TestCompanionFiles(t *testing.T) {
	list, err := Load("testdata/files")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("loaded %d scenarios, want 2 (fleet files are not scenarios)", len(list))
	}
	for _, r := range Run(context.Background(), list, Options{}) {
		if !r.Passed {
			t.Errorf("%s failed: %s", r.Name, r.Failure)
		}
	}
}

// TestIsolation: copies of one scenario run in parallel without seeing
// each other's faults, devices or clocks.
func TestIsolation(t *testing.T) {
	list, err := Load("library/storm-429.yaml", "library/unregistered.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var many []*Scenario
	for range 3 {
		many = append(many, list...)
	}
	for _, r := range Run(context.Background(), many, Options{Parallel: len(many)}) {
		if !r.Passed {
			t.Errorf("%s failed in parallel: %s", r.Name, r.Failure)
		}
	}
}

// TestExecOutputInTextReport: when a scenario fails, the text report shows
// what its exec steps printed on stderr, not only their exit status.
func TestExecOutputInTextReport(t *testing.T) {
	src := `name: exec fails
fleet:
  devices:
    - {name: ios17, ios: "17.6"}
steps:
  - exec: {command: [sh, -c, "echo 'backend: connection refused' >&2; exit 3"]}
  - expect_events:
      events:
        - {kind: exec, status: 0}
`
	s, err := Parse("exec.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res := RunOne(context.Background(), s, Options{})
	var b strings.Builder
	if err := WriteText(&b, []Result{res}, false); err != nil {
		t.Fatal(err)
	}
	if res.Passed || !strings.Contains(b.String(), "| backend: connection refused") {
		t.Errorf("text report:\n%s", b.String())
	}
}

// TestUnansweredSend: a send that gets no answer (here a cut connection)
// fails the scenario at the next step unless that step expects the error,
// and a wrong expected error shows the client's.
func TestUnansweredSend(t *testing.T) {
	const head = `fleet:
  devices:
    - {name: ios18, ios: "18.2"}
steps:
  - fault: {device: ios18, count: 1, frame: {kind: close}}
  - send: {device: ios18, payload: {aps: {alert: hi}}}
`
	tests := []struct{ name, tail, want string }{
		{"unchecked", "  - advance: 1s\n", "got no answer"},
		{"last step", "", "got no answer"},
		{"wrong error", "  - expect_response: {error: GOAWAY}\n", "APNs answered differently"},
		{"expected", "  - expect_response: {error: EOF}\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("cut.yaml", []byte(head+tc.tail))
			if err != nil {
				t.Fatal(err)
			}
			res := RunOne(context.Background(), s, Options{})
			switch {
			case tc.want == "" && !res.Passed:
				t.Errorf("failed: %s", res.Failure)
			case tc.want != "" && (res.Passed || !strings.Contains(res.Failure.Message, tc.want)):
				t.Errorf("failure = %v, want one saying %q", res.Failure, tc.want)
			}
		})
	}
}
