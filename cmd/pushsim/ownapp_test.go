package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeOwnApp writes the README's "Your own app" fleet and payload into
// dir, as a reader would paste them, and returns their paths.
func readmeOwnApp(t *testing.T, dir string) (fleet, payload string) {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(data), "### Your own app")
	if !ok {
		t.Fatal("README has no 'Your own app' section")
	}
	_, yml, _ := strings.Cut(sec, "```yaml\n")
	yml, _, _ = strings.Cut(yml, "```")
	_, sh, _ := strings.Cut(sec, "```sh\n")
	echo, _, _ := strings.Cut(sh, "\n")
	body, _, _ := strings.Cut(strings.TrimPrefix(echo, "echo '"), "' > order.json")
	fleet, payload = filepath.Join(dir, "shop.yaml"), filepath.Join(dir, "order.json")
	if err := os.WriteFile(fleet, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(payload, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return fleet, payload
}

// TestOwnAppFromReadme runs the README's commands for a user's own app:
// matrix defaults to the fleet's only app, filters devices and contexts
// and sums up each device in one line; send reaches the app and taps its
// text-input action.
func TestOwnAppFromReadme(t *testing.T) {
	fleet, payload := readmeOwnApp(t, t.TempDir())
	code, out, errs := runCLI(t, "", "matrix", payload, "--fleet", fleet, "--no-notes", "--width", "120")
	if code != 0 {
		t.Fatalf("matrix: exit %d: %s", code, errs)
	}
	for _, want := range []string{"Cancel order", "ann-iphone (iOS 17.6): arrives as banner; 2 buttons in expanded: Cancel order, Add a note; 0 errors",
		"old-ipad (iOS 9.3):"} {
		if !strings.Contains(out, want) {
			t.Errorf("matrix output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = runCLI(t, "", "matrix", payload, "--fleet", fleet, "--device", "old-ipad", "--context", "banner", "--no-notes")
	if code != 0 {
		t.Fatalf("matrix --device --context: exit %d: %s", code, errs)
	}
	if strings.Contains(out, "ann-iphone") || strings.Contains(out, "notification-center") || !strings.Contains(out, "old-ipad (iOS 9.3): arrives as banner") {
		t.Errorf("matrix --device old-ipad --context banner:\n%s", out)
	}
	code, out, errs = runCLI(t, "", "send", payload, "--fleet", fleet, "--app", "com.example.shop", "--device", "ann-iphone", "--tap", "NOTE", "--text", "Ring twice")
	if code != 0 {
		t.Fatalf("send: exit %d: %s\n%s", code, errs, out)
	}
	if !strings.Contains(out, "ann-iphone  iOS 17.6") || !strings.Contains(out, `app told "NOTE"`) || !strings.Contains(out, `userText "Ring twice"`) {
		t.Errorf("send output:\n%s", out)
	}
	for _, bad := range [][]string{
		{"matrix", payload, "--fleet", fleet, "--context", "lockscreen"},
		{"matrix", payload, "--fleet", fleet, "--device", "nope"},
	} {
		if code, _, errs := runCLI(t, "", bad...); code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "expected one of") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming the choices", bad, code, errs)
		}
	}
}
