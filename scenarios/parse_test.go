package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

// TestParseErrors: every bad file names the file, the line, the column and
// what was expected there.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      device.FileError
	}{
		{"yaml syntax", "name: x\nsteps:\n  - send: {device: ios8\n", device.FileError{Line: 3, Column: 11}},
		{"not a mapping", "- a\n- b\n", device.FileError{Line: 1, Column: 1, Msg: "expected a mapping with the keys name, fleet and steps"}},
		{"unknown top key", "name: x\nstep:\n  - advance: 1s\n", device.FileError{Line: 2, Column: 1, Msg: `unknown field "step"`}},
		{"no steps", "name: x\n", device.FileError{Line: 1, Column: 1, Msg: "expected a non-empty list of steps (send, expect_response, tap, ...)"}},
		{"unknown step", "steps:\n  - sned: {device: ios8}\n", device.FileError{Line: 2, Column: 5, Msg: `unknown field "sned"`}},
		{"two kinds", "steps:\n  - advance: 1s\n    tap: {device: ios8, action: OK}\n", device.FileError{Line: 2, Column: 5, Msg: "one step holds tap and advance: expected exactly one kind per list item"}},
		{"scalar step", "steps:\n  - advance\n", device.FileError{Line: 2, Column: 5, Msg: "expected a step such as `- send: {...}`, one of: send, expect_response, expect_screen, tap, dismiss, reply, set, advance, expect_events, fault, exec, expect_lint, expect_stacks, expect_requests"}},
		{"bad duration", "steps:\n  - advance: soon\n", device.FileError{Line: 2, Column: 14, Msg: `invalid duration "soon": want e.g. 500ms, 31s or 2m`}},
		{"unknown device", "steps:\n  - tap: {device: ios99, action: OK}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (tap): unknown device "ios99": the fleet has ios6, ios7, ios8, ios9, ios10, ios12, ios15, ios17, ios18-locked`}},
		{"tap without action", "steps:\n  - tap: {device: ios8}\n", device.FileError{Line: 2, Column: 5, Msg: "step 1 (tap): expected action: an action identifier, or default for the body"}},
		{"send without payload", "steps:\n  - send: {device: ios8}\n", device.FileError{Line: 2, Column: 5, Msg: "step 1 (send): expected payload or payload_file (one of them)"}},
		{"bad auth", "steps:\n  - send: {device: ios8, auth: magic, payload: {aps: {}}}\n", device.FileError{Line: 2, Column: 5, Msg: "step 1 (send): unknown auth \"magic\": expected one of jwt, cert, cert-wrong-env, expired-jwt, unknown-key, wrong-key, none"}},
		{"bad reason", "steps:\n  - fault: {reason: Nope}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (fault): unknown APNs reason "Nope" (apns.md section 4)`}},
		{"bad frame kind", "steps:\n  - fault: {frame: {kind: teleport}}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (fault): frame.kind: unknown frame fault kind "teleport" (want goaway, rst_stream, no_ping_ack, close, close_idle or tls_handshake)`}},
		{"frame error code", "steps:\n  - fault: {frame: {kind: close, error_code: CANCEL}}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (fault): frame.error_code: frame fault close: error_code applies to goaway and rst_stream only`}},
		{"frame with a reason", "steps:\n  - fault: {reason: BadDeviceToken, frame: {kind: rst_stream}}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (fault): frame rst_stream replaces the answer, so reason "BadDeviceToken" would never be sent (a reason goes with goaway last_stream this, or close_idle)`}},
		{"tls handshake on a token", "steps:\n  - fault: {token: ab, frame: {kind: tls_handshake}}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (fault): a tls_handshake frame fires before any request, so it matches on connection, count and probability only`}},
		{"wrong type", "steps:\n  - send: {device: ios8, priority: high, payload: {aps: {}}}\n", device.FileError{Line: 2, Column: 36}},
		{"bad state", "steps:\n  - set: {device: ios8, app_state: asleep}\n", device.FileError{Line: 2, Column: 5, Msg: "step 1 (set): unknown app_state \"asleep\": expected one of not-running, background, foreground, force-quit"}},
		{"fleet error keeps its line", "fleet:\n  devices:\n    - name: a\n      ios: \"8.4\"\n      colour: red\nsteps:\n  - advance: 1s\n", device.FileError{Line: 5, Column: 7}},
		{"bad environment", "environment: staging\nsteps:\n  - advance: 1s\n", device.FileError{Line: 1, Column: 1, Msg: `unknown environment "staging": expected development or production`}},
		{"bad range", "steps:\n  - expect_lint: {payload: {aps: {}}, ios: \"eight\"}\n", device.FileError{Line: 2, Column: 5, Msg: `step 1 (expect_lint): invalid iOS range "eight": expected e.g. 7-18, 10+, <8, 9 or all`}},
		{"empty", "", device.FileError{Msg: "expected one YAML document with name, fleet and steps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.src))
			var fe *device.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse = %v, want a *device.FileError", err)
			}
			got := *fe
			want := tt.want
			want.File = "x.yaml"
			if want.Msg == "" {
				got.Msg = "" // the library's wording; only the position is checked
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error %q (-want +got):\n%s", fe, diff)
			}
		})
	}
}

// TestParseLibraryPositions: steps know their own line, for failure
// reports.
func TestParseLibraryPositions(t *testing.T) {
	src := "name: lines\nsteps:\n  - advance: 1s\n  # a comment\n  - tap:\n      device: ios8\n      action: OK\n"
	s, err := Parse("lines.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int
	for _, st := range s.Steps {
		got = append(got, [2]int{st.Line, st.Column})
	}
	if diff := cmp.Diff([][2]int{{3, 5}, {5, 5}}, got); diff != "" {
		t.Errorf("step positions (-want +got):\n%s", diff)
	}
}

// FuzzParseScenario: no input makes Parse panic; every error is a
// *device.FileError. The seed corpus is the library and the bad files above.
func FuzzParseScenario(f *testing.F) {
	files, _ := filepath.Glob("library/*.yaml")
	more, _ := filepath.Glob("testdata/*/*.yaml")
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "steps: [", "steps:\n  - advance: 1s\n", "fleet: {devices: []}\nsteps: [{advance: 1s}]", "steps: [{send: {devices: all, payload: '{'}}]", "fleet: &a [*a]\n", "steps:\n - exec: {command: []}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var fe *device.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is %T, want *device.FileError", err, err)
			}
			return
		}
		if len(s.Steps) == 0 {
			t.Fatal("parsed a scenario without steps")
		}
	})
}
