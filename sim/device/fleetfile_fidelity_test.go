package device

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Bad values of the issue-19 keys are one error with file:line:col; the
// combinations a version ignores are warnings that say why (apns.md#V60,
// V67, V68, V71).
func TestFleetFidelityKeys(t *testing.T) {
	bad := []struct{ yaml, want string }{
		{"devices:\n  - name: a\n    ios: \"17.0\"\n    show_previews: sometimes\n", `f.yaml:4:20: invalid show_previews "sometimes"`},
		{"devices:\n  - name: a\n    ios: \"17.0\"\n    focus: {allowed_apps: [x]}\n", "f.yaml:4:13: focus needs a name"},
		{"devices:\n  - name: a\n    ios: \"17.0\"\n    apps:\n      - bundle_id: x\n        entitlements: [push-to-everyone]\n", `f.yaml:6:24: invalid entitlement "push-to-everyone"`},
		{"devices:\n  - name: a\n    ios: \"17.0\"\n    apps:\n      - bundle_id: x\n        service_extension: {complete: twice}\n", `f.yaml:6:39: invalid complete "twice"`},
		{"devices:\n  - name: a\n    ios: \"17.0\"\n    offline: maybe\n", "f.yaml:4:14:"},
		{"devices:\n  - name: a\n    ios: \"17.0\"\n    apps:\n      - bundle_id: x\n        service_extension: {colour: red}\n", `f.yaml:6:29: unknown field "colour"`},
	}
	for _, b := range bad {
		_, err := ParseFleet([]byte(b.yaml), "f.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), b.want) {
			t.Errorf("ParseFleet(%q) = %v, want %q...", b.yaml, err, b.want)
		}
	}
	const fleet = `devices:
  - name: old
    ios: "9.3"
    show_previews: never
    focus: {name: Work}
    apps:
      - bundle_id: com.x
        service_extension: {body: hi}
        entitlements: [time-sensitive, critical-alerts]
  - name: new
    ios: "17.0"
    focus: {name: Work, allowed_apps: [com.nope]}
`
	devices, warns, err := ParseFleetWithWarnings([]byte(fleet), "f.yaml")
	if err != nil || len(devices) != 2 {
		t.Fatalf("ParseFleetWithWarnings: %v", err)
	}
	var got []string
	for _, w := range warns {
		got = append(got, w.Error()[:strings.Index(w.Error(), " (apns.md")+1])
	}
	want := []string{
		"f.yaml:5:13: warning: Focus arrives with iOS 15 (earlier versions have Do Not Disturb only); on iOS 9.3 this Focus has no effect ",
		"f.yaml:4:20: warning: Show Previews arrives with iOS 11; on iOS 9.3 every notification shows its text ",
		"f.yaml:8:29: warning: Notification Service Extensions arrive with iOS 10; on iOS 9.3 this one never runs and mutable-content is ignored ",
		"f.yaml:9:24: warning: interruption levels arrive with iOS 15; on iOS 9.3 the time-sensitive entitlement has no effect ",
		"f.yaml:9:40: warning: critical alerts arrive with iOS 12; on iOS 9.3 the critical-alerts entitlement has no effect ",
		"",
	}
	if len(got) > 0 && !strings.Contains(warns[len(warns)-1].Error(), "com.nope is not installed on new") {
		t.Errorf("last warning %v, want com.nope not installed", warns[len(warns)-1])
	}
	if diff := cmp.Diff(want[:len(want)-1], got[:len(got)-1]); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
