package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBadInputOneLine: every unusable payload or fleet file given to send,
// matrix and lint is one line on stderr that names the file or flag and
// says what was expected, with exit status 2.
func TestBadInputOneLine(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "dir.json")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	empty := writeTemp(t, "empty.json", "")
	bom := writeTemp(t, "bom.json", "\xef\xbb\xbf"+`{"aps":{"alert":"hi"}}`)
	garbage := writeTemp(t, "garbage.json", "\x00\x1b[31m\xff\xfe")
	poll := writeTemp(t, "poll.json", `{"aps":{"alert":"Lunch?","category":"poll"}}`)
	missing := filepath.Join(dir, "missing.yaml")
	other := writeTemp(t, "other.apns", `{"Simulator Target Bundle":"com.other.app","aps":{"alert":"hi"}}`)
	type result struct {
		Code  int
		Lines int
	}
	tests := []struct {
		name string
		args []string
		want string // in the one line
	}{
		{"send: a directory", []string{"send", sub}, "dir.json: is a directory; expected a JSON payload file"},
		{"matrix: a directory", []string{"matrix", sub}, "dir.json: is a directory; expected a JSON payload file"},
		{"lint: a directory", []string{"lint", sub}, "dir.json: is a directory; expected a JSON payload file"},
		{"send: an empty file", []string{"send", empty}, "empty.json: is empty; expected a JSON object"},
		{"lint: a byte-order mark", []string{"lint", bom}, "bom.json: starts with a UTF-8 byte-order mark"},
		{"matrix: binary garbage", []string{"matrix", garbage}, "garbage.json:1:1: invalid character"},
		{"matrix: missing fleet", []string{"matrix", poll, "--fleet", missing}, "--fleet: " + missing + ": no such file; expected a YAML fleet file"},
		{"matrix: fleet is a directory", []string{"matrix", poll, "--fleet", dir}, "--fleet: " + dir + ": is a directory; expected a YAML fleet file"},
		{"send: --text without --tap", []string{"send", poll, "--text", "On my way"}, `--text "On my way": types a reply only with --tap`},
		{"lint: simctl file for an app not in the fleet", []string{"lint", other}, `other.apns: its Simulator Target Bundle "com.other.app" is not in the fleet; expected one of com.pushsim.demo, or --app`},
		{"lint: missing fleet", []string{"lint", poll, "--fleet", missing}, "--fleet: " + missing + ": no such file; expected a YAML fleet file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, "", tt.args...)
			got := result{code, strings.Count(strings.TrimRight(errs, "\n"), "\n") + 1}
			if diff := cmp.Diff(result{exitUsage, 1}, got); diff != "" || !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q, want one line containing %q; exit, lines (-want +got):\n%s", errs, tt.want, diff)
			}
		})
	}
}
