package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCLI runs pushsim in-process, as a user would from a shell.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const pollPayload = `{"aps":{"alert":"Lunch at noon?","category":"poll"}}`

// section returns the lines printed for one device.
func section(out, device string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, " ") {
			in = strings.HasPrefix(line, device+" ")
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func TestSendPollShowsButtonsPerVersion(t *testing.T) {
	code, out, errOut := runCLI(t, pollPayload, "send", "-")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	ios8 := section(out, "ios8")
	if !strings.Contains(ios8, "APNs       200") || !strings.Contains(ios8, "[OK] [NOK]") {
		t.Errorf("ios8 should be accepted and show OK/NOK:\n%s", ios8)
	}
	ios7 := section(out, "ios7")
	if !strings.Contains(ios7, "APNs       200") || strings.Contains(ios7, "[OK]") {
		t.Errorf("ios7 should be accepted and show no custom actions:\n%s", ios7)
	}
	if !strings.Contains(ios7, "[Close] [View]") {
		t.Errorf("ios7's alert should be the legacy Close/View alert:\n%s", ios7)
	}
}

func TestSendTapOKCallsCompletionHandler(t *testing.T) {
	code, out, errOut := runCLI(t, pollPayload, "send", "-", "--device", "ios8", "--tap", "OK")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"tap OK", "handleActionWithIdentifier", "completion"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSendEventsAreJSONLines(t *testing.T) {
	code, out, errOut := runCLI(t, pollPayload, "send", "-", "--device", "ios10", "--tap", "NOK", "--events")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	var kinds []string
	var lastSeq float64
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		seq, _ := ev["seq"].(float64)
		if seq <= lastSeq {
			t.Errorf("sequence not increasing: %v after %v", seq, lastSeq)
		}
		lastSeq = seq
		kinds = append(kinds, ev["kind"].(string))
	}
	joined := strings.Join(kinds, ",")
	for _, want := range []string{"request", "delivered", "action", "completion"} {
		if !strings.Contains(joined, want) {
			t.Errorf("events %s lack %q", joined, want)
		}
	}
}

// TestSendTapLegacyButtons: the pre-iOS-8 alert's View opens the app and
// Close / OK dismiss it (apns.md#V20, V25, V27); --tap accepts their ids.
func TestSendTapLegacyButtons(t *testing.T) {
	tests := []struct {
		payload, tap string
		want         []string
	}{
		{pollPayload, "view", []string{"tap view", "app_state", "didReceiveRemoteNotification", "state inactive"}},
		{pollPayload, "close", []string{"tap close", "dismissed", "apns.md#V27"}},
		{`{"aps":{"alert":{"body":"Backup done","action-loc-key":null}}}`, "ok", []string{"tap ok", "dismissed", "apns.md#V27"}},
	}
	for _, tt := range tests {
		t.Run(tt.tap, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.payload, "send", "-", "--device", "ios7", "--tap", tt.tap)
			var missing []string
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					missing = append(missing, w)
				}
			}
			if diff := cmp.Diff([]string(nil), missing); code != 0 || diff != "" {
				t.Errorf("exit %d, stderr %q; output lacks (-want +got):\n%s\n%s", code, errOut, diff, out)
			}
		})
	}
}

// TestSendSilentSaysWhatTheAppIsTold: a push with nothing to draw still
// prints what the app was told: woken with the fetch handler and its
// completion from iOS 7, not woken before (apns.md#P11, C05).
func TestSendSilentSaysWhatTheAppIsTold(t *testing.T) {
	code, out, errOut := runCLI(t, `{"aps":{"content-available":1}}`, "send", "-",
		"--device", "ios6", "--device", "ios10", "--push-type", "background", "--priority", "5")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "wake" || f[0] == "completion" || f[0] == "suppressed" || strings.HasPrefix(line, "ios")) {
			got = append(got, f[0])
		}
	}
	want := []string{"ios6", "suppressed", "ios10", "wake", "completion"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s\n%s", diff, out)
	}
}

// TestSendUndeliverableSaysWhy: APNs accepts a body whose aps keys have
// the wrong types, and the device drops it (apns.md#U02); the summary
// says why instead of a bare "nothing delivered".
func TestSendUndeliverableSaysWhy(t *testing.T) {
	code, out, errOut := runCLI(t, `{"aps":[5]}`, "send", "-", "--device", "ios10")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	want := `  device     nothing delivered: undeliverable: invalid payload: "aps" is not a JSON object (apns.md#P01) (apns.md#U02)`
	var got string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  device") {
			got = line
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSendAppNotInstalled: a topic no device has is answered 400 by APNs
// (the token is unknown); the summary says the app is not installed
// rather than leaving a bare BadDeviceToken.
func TestSendAppNotInstalled(t *testing.T) {
	code, out, _ := runCLI(t, `{"aps":{"alert":"hi"}}`, "send", "-", "--device", "ios10", "--topic", "com.other.app")
	want := "  device     com.other.app is not installed on ios10: APNs does not know the token pushsim made up for it (--topic picks the app)"
	if diff := cmp.Diff([]any{exitFailed, true}, []any{code, strings.Contains(out, want+"\n")}); diff != "" {
		t.Errorf("exit, has the line (-want +got):\n%s\n%s", diff, out)
	}
}

// TestSendTapReachability: a tap the arrival context cannot reach exits 2,
// naming where the action is shown and how to choose it; --context
// chooses (apns.md#U41, U42, U48).
func TestSendTapReachability(t *testing.T) {
	const reschedule = `{"aps":{"alert":"Your parcel arrives today","category":"delivery_reschedule"}}`
	tests := []struct {
		name     string
		payload  string
		args     []string
		code     int
		out, err string
	}{
		{"third action on the iOS 8 banner", reschedule, []string{"--device", "ios8", "--tap", "PICK_DAY"}, 2,
			"not reachable in the banner", "--tap PICK_DAY on ios8: not reachable in the banner; shown in: alert-options; choose one with --context alert-options"},
		{"the caller chooses the alert's second step", reschedule, []string{"--device", "ios8", "--tap", "PICK_DAY", "--context", "alert-options"}, 0,
			`app told "PICK_DAY" via application:handleActionWithIdentifier:forRemoteNotification:completionHandler:`, ""},
		{"iOS 16 reaches it by long-press", reschedule, []string{"--device", "ios17", "--tap", "PICK_DAY"}, 0,
			`app told "PICK_DAY"`, ""},
		{"ok is ambiguous with the poll's OK", pollPayload, []string{"--device", "ios8", "--tap", "ok"}, 2,
			"ambiguous", `--tap ok on ios8: ambiguous: the app's action is OK, the system's button is system:ok`},
		{"Options then nothing else", pollPayload, []string{"--device", "ios8", "--tap", "system:options", "--context", "alert"}, 0,
			"Options: a second alert shows OK, NOK, Close", ""},
		{"a context the version lacks", pollPayload, []string{"--device", "ios8", "--tap", "OK", "--context", "expanded"}, 2,
			"no such context", `--context expanded on ios8`},
		{"--context without --tap", pollPayload, []string{"--context", "alert"}, 2, "", "--context \"alert\": chooses where --tap happens"},
		{"an unknown context", pollPayload, []string{"--tap", "OK", "--context", "widget"}, 2, "", `--context "widget": no such context; expected one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.payload, append([]string{"send", "-"}, tt.args...)...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Errorf("exit %d (want %d)\nstdout (want %q):\n%s\nstderr (want %q):\n%s", code, tt.code, tt.out, out, tt.err, errOut)
			}
		})
	}
}

// TestSendMistypedKeyIsIgnored: a string badge is left out by the device,
// which still shows the alert; the summary says so (apns.md#U47).
func TestSendMistypedKeyIsIgnored(t *testing.T) {
	code, out, errOut := runCLI(t, `{"aps":{"alert":"Hi","badge":"3"}}`, "send", "-", "--device", "ios10")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{`banner:              banner "Hi"`, `note       "aps.badge" must be an integer (apns.md#P07): the device ignores this key and delivers the rest (apns.md#U47)`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, `{"aps":{"alert":"Hi","badge":"3"}}`, "lint", "-")
	if code != 1 || !strings.Contains(out, "iOS ignores the key and shows the rest (apns.md#U47)") {
		t.Errorf("lint: exit %d, want 1 and the U47 finding:\n%s", code, out)
	}
}
