package matrix

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// rules summarises findings as "rule/severity/versions".
func rules(fs []lint.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Rule+"/"+string(f.Severity)+"/"+f.Versions.String())
	}
	return out
}

// TestMatrixGolden renders two payloads on the default fleet as text, for
// review by reading testdata/matrix_*.txt (-update rewrites).
func TestMatrixGolden(t *testing.T) {
	for _, name := range []string{"poll", "fraud_alert"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "device", "testdata", "payloads", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Build(Request{Fleet: device.DefaultFleet(), Payload: b, PushType: "alert", Priority: 10})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "matrix_"+name+".txt")
			got := m.Text()
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

func TestMatrixInvalidPayload(t *testing.T) {
	m, err := Build(Request{Fleet: device.DefaultFleet(), Payload: []byte("{\"aps\": }")})
	var syn *device.SyntaxError
	if !errors.As(err, &syn) {
		t.Fatalf("err = %v, want a *SyntaxError", err)
	}
	if diff := cmp.Diff([]string{"invalid-json/error/all"}, rules(m.Findings)); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(0, len(m.Devices)); diff != "" {
		t.Error(diff)
	}
}

// TestMatrixFindingsPerDevice: each device lists only findings for its
// version.
func TestMatrixFindingsPerDevice(t *testing.T) {
	payload := []byte(`{"aps":{"alert":{"title":"Bill","body":"Tap Pay now"},"category":"payment_reminder"}}`)
	m, err := Build(Request{Fleet: device.DefaultFleet(), Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range m.Devices {
		got[c.Device] = rules(c.Findings)
	}
	old := []string{"title-unsupported/warning/<10", "legacy-text-needs-buttons/warning/<8", "category-ignored/info/<8"}
	mid := []string{"title-unsupported/warning/<10"}
	want := map[string][]string{
		"ios6": old, "ios7": old, "ios8": mid, "ios9": mid,
		"ios10": {}, "ios12": {}, "ios15": {}, "ios17": {}, "ios18-locked": {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestMatrixLintsEachDeviceWithItsOwnApp: a category one device's app
// registers and another's does not is flagged on the second column only;
// the icon badge follows each app's permission (apns.md#V36, U43).
func TestMatrixLintsEachDeviceWithItsOwnApp(t *testing.T) {
	fleet, err := device.ParseFleet([]byte(`devices:
  - name: a
    ios: "16.7"
    apps:
      - bundle_id: com.example.app
        categories: [{id: vote, actions: [{id: YES, title: "Yes"}]}]
  - name: b
    ios: "16.7"
    apps:
      - {bundle_id: com.example.app, permission: denied}
`), "fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(Request{Fleet: fleet, BundleID: "com.example.app", Payload: []byte(`{"aps":{"alert":"Vote?","category":"vote","badge":2}}`)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range m.Devices {
		got[c.Device] = append(rules(c.Findings), c.BadgeLine())
	}
	want := map[string][]string{
		"a": {"icon badge 2 (apns.md#P07)"},
		"b": {"category-unregistered/warning/8+", "icon badge unchanged: notifications are denied (apns.md#U43, V52)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("per-device findings and badge (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"category-unregistered/warning/8+"}, rules(m.Findings)); diff != "" {
		t.Errorf("fleet findings (-want +got):\n%s", diff)
	}
}
