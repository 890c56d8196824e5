package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/matrix"
)

const matrixPoll = `{"aps":{"alert":"Lunch poll: pizza today?","category":"poll"}}`

func writeTemp(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMatrixText goldens the drawing at a fixed width: piped output has no
// colour escapes.
func TestMatrixText(t *testing.T) {
	code, out, errs := runCLI(t, matrixPoll, "matrix", "-", "--width", "100")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("piped matrix output contains escape sequences")
	}
	golden.RequireEqual(t, out)
}

func TestMatrixJSON(t *testing.T) {
	path := writeTemp(t, "poll.apns", `{"Simulator Target Bundle":"com.pushsim.demo",`+matrixPoll[1:])
	code, out, errs := runCLI(t, "", "matrix", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var got []matrix.Entry
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	// What the done-when asks: the legacy alert on iOS 7, OK/NOK on iOS 8
	// behind Options (apns.md#V32, U42).
	alertButtons := map[string][]matrix.EntryButton{}
	for _, e := range got {
		for _, p := range e.Presentations {
			if p.Context == "alert" || p.Context == "alert-options" {
				alertButtons[e.Device+" "+string(p.Context)] = p.Buttons
			}
		}
	}
	closeB := matrix.EntryButton{ID: "system:close", Title: "Close", System: true}
	want := map[string][]matrix.EntryButton{
		"ios7 alert":         {closeB, {ID: "system:view", Title: "View", Foreground: true, System: true}},
		"ios8 alert":         {closeB, {ID: "system:options", Title: "Options", System: true}},
		"ios8 alert-options": {{ID: "OK", Title: "OK"}, {ID: "NOK", Title: "NOK"}, closeB},
	}
	for dev, w := range want {
		if diff := cmp.Diff(w, alertButtons[dev]); diff != "" {
			t.Errorf("%s alert buttons (-want +got):\n%s", dev, diff)
		}
	}
	if len(got) == 0 || got[0].IOS == "" || got[0].Presentations == nil {
		t.Errorf("entries lack fields: %+v", got)
	}
}

// TestMatrixJSONCarriesWhatTheTextShows: sound, badge, slider, callback,
// authentication_required, the icon badge, and findings with their rows
// and versions are in --json as in the drawing (issue 12 item 10).
func TestMatrixJSONCarriesWhatTheTextShows(t *testing.T) {
	path := writeTemp(t, "parcel.json", `{"aps":{"alert":"Parcel today","category":"delivery_reschedule","badge":1,"sound":"default","content-available":1,"interruption-level":"active"}}`)
	code, out, errs := runCLI(t, "", "matrix", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				seen[prefix+k] = true
				walk(prefix+k+".", e)
			}
		case []any:
			for _, e := range x {
				walk(prefix, e)
			}
		}
	}
	for _, e := range got {
		walk("", e)
	}
	for _, key := range []string{"row", "arrival", "locked", "icon_badge", "presentations.sound", "presentations.badge",
		"presentations.slider", "presentations.callback", "presentations.notes", "presentations.buttons.authentication_required",
		"findings.row", "findings.versions", "findings.fix"} {
		if !seen[key] {
			t.Errorf("matrix --json has no %q", key)
		}
	}
}

func TestMatrixErrors(t *testing.T) {
	bad := writeTemp(t, "bad.json", "{\"aps\": {\n  \"alert\": }\n}")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"missing file", []string{"matrix", filepath.Join(t.TempDir(), "nope.json")}, exitUsage, "no such file"},
		{"invalid JSON", []string{"matrix", bad}, exitUsage, "bad.json:2:"},
		{"no payload", []string{"matrix"}, exitUsage, "expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, "", tt.args...)
			if code != tt.wantCode || !strings.Contains(errs, tt.wantErr) {
				t.Errorf("exit %d stderr %q, want %d containing %q", code, errs, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestMatrixFindingsPerDevice: a finding about pre-8 devices appears under
// iOS 7 and not under iOS 8; an app missing from a device is said.
func TestMatrixFindingsPerDevice(t *testing.T) {
	fleet := writeTemp(t, "fleet.yaml", `devices:
  - {name: ios7, model: iPhone 4S, ios: "7.1"}
  - {name: ios8, model: iPhone 6, ios: "8.4"}
`)
	code, out, errs := runCLI(t, `{"aps":{"alert":"Tap Yes or No","category":"poll"}}`, "matrix", "-", "--fleet", fleet, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []matrix.Entry
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	rules := map[string][]string{}
	for _, e := range got {
		rules[e.Device] = []string{}
		for _, f := range e.Findings {
			rules[e.Device] = append(rules[e.Device], f.Rule)
		}
	}
	if !slices.Contains(rules["ios7"], "legacy-text-needs-buttons") || slices.Contains(rules["ios8"], "legacy-text-needs-buttons") {
		t.Errorf("findings per device: %v", rules)
	}
	code, out, _ = runCLI(t, matrixPoll, "matrix", "-", "--fleet", fleet, "--app", "com.example.other", "--width", "80")
	if code != 0 || !strings.Contains(out, "com.example.other is not installed on") {
		t.Errorf("exit %d, output lacks the missing app:\n%s", code, out)
	}
}
