package main

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
)

// startServe runs pushsim serve in-process with its state in a temporary
// directory and sends two pushes through apns2 with the files it wrote, as
// a backend would: a poll to ios17 (accepted) and a fraud alert to the
// wrong topic (rejected DeviceTokenNotForTopic).
func startServe(t *testing.T) (*serve.Server, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := serve.Start(context.Background(), serve.Config{Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	key, err := provider.LoadAuthKey(s.Info.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(s.Info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca)
	p, err := provider.New(provider.Config{Endpoint: s.Info.APNsURL, RootCAs: roots, Key: key.Private, KeyID: s.Info.KeyID, TeamID: s.Info.TeamID})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var token string
	for _, d := range s.Info.Devices {
		if d.Name == "ios17" {
			token = d.Apps[0].Token
		}
	}
	for _, r := range []provider.Request{
		{Token: token, Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"Pizza?","category":"poll"}}`)},
		{Token: token, Topic: "com.example.other", Payload: []byte(`{"aps":{"alert":"Card used abroad","category":"fraud_alert"}}`)},
	} {
		if _, err := p.Send(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return s, dir
}

// TestVerifyExitCodes: 0 when the count holds, 1 with the near misses
// printed, 2 for bad usage — against a running serve, over the wire.
func TestVerifyExitCodes(t *testing.T) {
	s, dir := startServe(t)
	api := s.Info.APIURL
	var tok string
	for _, d := range s.Info.Devices {
		if d.Name == "ios17" {
			tok = d.Apps[0].Token
		}
	}
	matchFile := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(matchFile, []byte(`{"match":{"payload":{"/aps/category":"poll"}},"exactly":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string // a line the output must hold
		stderr string
	}{
		{"holds", "", []string{"--api", api, "--token", tok, "--accepted", "--payload", "/aps/category=poll", "--exactly", "1"}, 0,
			"OK: want exactly 1 request matching {token d012dc1b…, accepted, /aps/category = poll}; found 1 among 2 requests", ""},
		{"device", "", []string{"--api", api, "--device", "ios17", "--app", device.DefaultBundleID, "--exactly", "2"}, 0, "OK: want exactly 2 requests matching {token d012dc1b…}", ""},
		{"device with nothing sent", "", []string{"--api", api, "-d", "ios15", "--at-least", "1"}, 1, "near misses: 2 closest requests: 2 to ios17 (d012dc1b…), not 48085574…", ""},
		{"unknown device", "", []string{"--api", api, "--device", "ios99", "--exactly", "1"}, 2, "", `unknown device "ios99"`},
		{"unknown app", "", []string{"--api", api, "--device", "ios17", "--app", "com.x", "--exactly", "1"}, 2, "", `device ios17 has no app "com.x"`},
		{"device and token", "", []string{"--api", api, "--device", "ios17", "--token", tok, "--exactly", "1"}, 2, "", "give one of them"},
		{"api with prefix, state dir", "", []string{"--state-dir", dir, "--topic", device.DefaultBundleID, "--at-least", "1"}, 0, "OK: want at least 1 request", ""},
		{"match json file", "", []string{"--api", api + "/api/v1/", "--match-json", matchFile}, 0, "found 1 among 2", ""},
		{"match json stdin, flags added", `{"match":{"payload":{"/aps/alert":{"contains":"abroad"}}}}`, []string{"--api", api, "--match-json", "-", "--reason", "DeviceTokenNotForTopic", "--exactly", "1"}, 0, "OK:", ""},
		{"near misses", "", []string{"--api", api, "--token", tok, "--status", "200", "--payload", "/aps/category=fraud_alert", "--exactly", "1"}, 1,
			"near misses: 2 requests to this token: 1 rejected DeviceTokenNotForTopic, 1 with category poll, not fraud_alert", ""},
		{"too many", "", []string{"--api", api, "--token", tok, "--at-most", "1"}, 1, "  seq 2 to ios17: rejected 400 DeviceTokenNotForTopic", ""},
		{"comma in a value", "", []string{"--api", api, "--payload-contains", `/aps={"alert":"Pizza?","category":"poll"}`, "--exactly", "1"}, 0, "found 1", ""},
		{"json", "", []string{"--api", api, "--payload-absent", "/aps", "--exactly", "1", "--json"}, 1, `"holds":false`, ""},
		{"no count", "", []string{"--api", api, "--token", tok}, 2, "", "missing count"},
		{"two counts", "", []string{"--api", api, "--exactly", "1", "--at-most", "2"}, 2, "", "give one of --exactly, --at-least, --at-most"},
		{"negative", "", []string{"--api", api, "--at-least=-1"}, 2, "", "expected a count of 0 or more"},
		{"not a number", "", []string{"--api", api, "--exactly", "one"}, 2, "", "expected a whole number"},
		{"bad pointer", "", []string{"--api", api, "--payload", "aps/x=1", "--exactly", "1"}, 2, "", "match.payload.aps/x"},
		{"bad match json", `{"match":{"tokn":"x"},"exactly":1}`, []string{"--api", api, "--match-json", "-"}, 2, "", `match.tokn: unknown field`},
		{"bad api", "", []string{"--api", "localhost:1", "--exactly", "1"}, 2, "", "expected an http:// URL"},
		{"api down", "", []string{"--api", "http://127.0.0.1:1", "--exactly", "1"}, 2, "", "cannot reach the API"},
		{"unknown flag", "", []string{"--api", api, "--exactlyy", "1"}, 2, "", "unknown flag"},
	}
	for _, tc := range tests {
		code, stdout, stderr := runCLI(t, tc.stdin, append([]string{"verify"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", tc.name, code, tc.code, stdout, stderr)
			continue
		}
		if !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s:\nstdout: %s\nstderr: %s\nwant stdout with %q, stderr with %q", tc.name, stdout, stderr, tc.stdout, tc.stderr)
		}
		if tc.code == 2 && strings.Count(strings.TrimRight(stderr, "\n"), "\n") > 0 && !strings.Contains(stderr, "Usage") {
			t.Errorf("%s: bad usage must be one line, got:\n%s", tc.name, stderr)
		}
	}
}

// TestReadmeVerifyExcerpt: the README's `pushsim verify` output is what
// the command prints for the requests it describes.
func TestReadmeVerifyExcerpt(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(data), "```\n$ pushsim verify ")
	if !ok {
		t.Fatal("README has no pushsim verify excerpt")
	}
	block, _, _ = strings.Cut(block, "```")
	_, want, _ := strings.Cut(block, "\n")
	s, _ := startServe(t)
	var tok string
	for _, d := range s.Info.Devices {
		if d.Name == "ios17" {
			tok = d.Apps[0].Token
		}
	}
	code, out, errs := runCLI(t, "", "verify", "--api", s.Info.APIURL, "--token", tok, "--status", "200", "--payload", "/aps/category=fraud_alert", "--exactly", "1")
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	if out != want {
		t.Errorf("README excerpt:\n%s\noutput:\n%s", want, out)
	}
}
