package device

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
)

const fleetYAML = `devices:
  - name: old
    model: iPhone 4S
    ios: "7.1"
  - name: bank
    model: iPhone 15
    ios: "17.4"
    locked: true
    apps:
      - bundle_id: com.bank.app
        environment: production
        state: not-running
        categories:
          - id: fraud
            custom_dismiss_action: true
            actions:
              - {id: OK, title: "It was me"}
              - {id: NO, title: Report, destructive: true, authentication_required: true}
        strings: {FRAUD: "Charge of %@"}
        handler:
          will_present: none
          actions:
            NO: {complete: after, delay: 2s, webhook: "http://127.0.0.1:9/fraud"}
            "*": {complete: never}
          routes:
            - name: asapp
              when: {key: asapp}
              actions:
                default: {deep_link: "bank://chat", open_chat: true}
      - bundle_id: com.pushsim.demo
        token: ABCDEF0123456789ABCDEF0123456789
`

func TestParseFleet(t *testing.T) {
	got, err := ParseFleet([]byte(fleetYAML), "fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultApp(fakeapns.Development, DeviceToken("old", DefaultBundleID))
	demo := DefaultApp(fakeapns.Development, "abcdef0123456789abcdef0123456789")
	want := []*Device{
		{Name: "old", Model: "iPhone 4S", Version: Version{7, 1}, Apps: []*App{def}},
		{Name: "bank", Model: "iPhone 15", Version: Version{17, 4}, Locked: true, Apps: []*App{
			{
				BundleID: "com.bank.app", Environment: fakeapns.Production, Token: DeviceToken("bank", "com.bank.app"),
				State: AppNotRunning, Permission: PermissionAuthorized,
				Categories: []Category{{ID: "fraud", CustomDismissAction: true, Actions: []Action{
					{ID: "OK", Title: "It was me"},
					{ID: "NO", Title: "Report", Destructive: true, AuthenticationRequired: true},
				}}},
				Strings: map[string]string{"FRAUD": "Charge of %@"},
				Handler: Handler{
					WillPresent: WillPresentNone,
					Actions: map[string]Script{
						"NO": {Complete: CompleteAfter, Delay: 2 * time.Second, Webhook: "http://127.0.0.1:9/fraud"},
						"*":  {Complete: CompleteNever},
					},
					Routes: []Route{{Name: "asapp", When: Match{Key: "asapp"}, Actions: map[string]Script{
						KeyDefault: {DeepLink: "bank://chat", OpenChat: true},
					}}},
				},
			},
			demo,
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := ValidateFleet(got); err != nil {
		t.Errorf("ValidateFleet of a parsed fleet: %v", err)
	}
	if err := ValidateFleet(DefaultFleet()); err != nil {
		t.Errorf("ValidateFleet(DefaultFleet()): %v", err)
	}
}

func TestParseFileErrors(t *testing.T) {
	dev := "devices:\n  - name: a\n    ios: \"9.1\"\n"
	app := dev + "    apps:\n      - bundle_id: x\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"not YAML", "devices: [", "f.yaml:1:10: sequence end token ']' not found"},
		{"unknown key", dev + "    bogus: 1\n", `f.yaml:4:5: unknown field "bogus"`},
		{"bad version", "devices:\n  - name: a\n    ios: \"x.1\"\n", `f.yaml:3:10: invalid iOS version "x.1": want MAJOR[.MINOR]`},
		{"missing version", "devices:\n  - name: a\n", `f.yaml:2:5: device "a" needs ios (e.g. "9.3")`},
		{"missing name", "devices:\n  - ios: \"9\"\n", "f.yaml:2:5: device needs a name"},
		{"duplicate device", dev + "  - name: a\n    ios: \"10\"\n", `f.yaml:4:11: device name "a" used twice`},
		{"bad state", app + "        state: flying\n", `f.yaml:6:16: invalid state "flying" (want one of: not-running, background, foreground, force-quit)`},
		{"bad permission", app + "        permission: sure\n", `f.yaml:6:21: invalid permission "sure" (want one of: not-determined, denied, authorized, provisional)`},
		{"bad environment", app + "        environment: staging\n", `f.yaml:6:22: invalid environment "staging" (want one of: development, production)`},
		{"bad token", app + "        token: xyz\n", `f.yaml:6:16: token "xyz" is not 32–200 hex characters of even length (apns.md#U17)`},
		{"duplicate app", app + "      - bundle_id: x\n", `f.yaml:6:20: app "x" installed twice on "a"`},
		{"no bundle id", dev + "    apps:\n      - state: background\n", "f.yaml:5:9: app needs a bundle_id"},
		{"bad completion", app + "        handler:\n          actions:\n            '*': {complete: sometimes}\n",
			`f.yaml:8:29: invalid complete "sometimes" (want one of: after, never, twice)`},
		{"bad delay", app + "        handler:\n          actions:\n            A: {delay: soon}\n", `f.yaml:8:24: time: invalid duration "soon"`},
		{"bad webhook", app + "        handler:\n          actions:\n            A: {webhook: \"ftp://x\"}\n", `f.yaml:8:26: webhook "ftp://x" is not an http(s) URL`},
		{"route without key", app + "        handler:\n          routes:\n            - actions: {}\n", `f.yaml:8:15: route needs when.key`},
		// apns.md#U45: the delegate methods an app implements.
		{"bad delegate method", app + "        implements: [handle_action, didReceive]\n", `f.yaml:6:37: invalid delegate method "didReceive" (want one of: handle_action, handle_action_response_info, did_receive_response)`},
		// apns.md#U48: system: ids belong to the system's buttons.
		{"system action id", app + "        categories:\n          - {id: c, actions: [{id: \"system:close\", title: X}]}\n",
			`f.yaml:7:36: action id "system:close": ids starting with "system:" are the system's own buttons (apns.md#U48)`},
		// apns.md#U44: a chat is only open in a foreground app.
		{"chat open in the background", app + "        state: background\n        chat_open: true\n",
			`f.yaml:7:20: chat_open needs the app in the foreground, its state is background (apns.md#U44)`},
		{"duplicate action", app + "        categories:\n          - id: c\n            actions: [{id: A}, {id: A}]\n",
			`f.yaml:8:37: action "A" listed twice in category "c"`},
		{"shared token", dev + "  - name: b\n    ios: \"10\"\n    apps:\n      - {bundle_id: x, token: " + DeviceToken("a", DefaultBundleID) + "}\n",
			"f.yaml:7:31: token already used by a/com.pushsim.demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFleet([]byte(tt.yaml), "f.yaml")
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FileError", err, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFleet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(fleetYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	fleet, err := LoadFleet(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range fleet {
		names = append(names, d.Name)
	}
	if diff := cmp.Diff([]string{"old", "bank"}, names); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := LoadFleet(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
}

// TestParseFleetAliasedApps: devices sharing an apps list through a YAML
// alias still get a token each.
func TestParseFleetAliasedApps(t *testing.T) {
	data := []byte("devices:\n  - name: a\n    ios: \"8.4\"\n    apps: &apps\n      - bundle_id: com.example.app\n  - name: b\n    ios: \"10.3\"\n    apps: *apps\n")
	fleet, err := ParseFleet(data, "aliases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range fleet {
		for _, a := range d.Apps {
			got = append(got, a.Token)
		}
	}
	want := []string{DeviceToken("a", "com.example.app"), DeviceToken("b", "com.example.app")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
}
