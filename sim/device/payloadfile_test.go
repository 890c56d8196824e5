package device

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadPayloadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	poll := write("poll.json", `{"aps":{"alert":"Lunch?","category":"poll"}}`)
	simctl := write("poll.apns", `{"Simulator Target Bundle":"com.example.app","aps":{"alert":"Lunch?"},"id":7}`)
	broken := write("broken.json", "{\n  \"aps\": {\"alert\": \"x\",}\n}")
	array := write("array.json", `[1,2]`)
	empty := write("empty.json", " \n")
	bom := write("bom.json", "\xef\xbb\xbf"+`{"aps":{"alert":"hi"}}`)
	sub := filepath.Join(dir, "sub.json")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		file       string
		stdin      string
		wantBody   string
		wantTarget string
		wantErr    string
	}{
		{name: "json file", file: poll, wantBody: `{"aps":{"alert":"Lunch?","category":"poll"}}`},
		{name: "simctl file", file: simctl, wantBody: `{"aps":{"alert":"Lunch?"},"id":7}`, wantTarget: "com.example.app"},
		{name: "stdin", file: "-", stdin: `{"aps":{"alert":"hi"}}`, wantBody: `{"aps":{"alert":"hi"}}`},
		{name: "missing", file: filepath.Join(dir, "nope.json"), wantErr: "nope.json: no such file"},
		{name: "syntax error has line and column", file: broken, wantErr: "broken.json:2:24: invalid character '}'"},
		{name: "not an object", file: array, wantErr: "array.json:1:2: payload is not a JSON object"},
		{name: "directory", file: sub, wantErr: "sub.json: is a directory; expected a JSON payload file"},
		{name: "empty file", file: empty, wantErr: "empty.json: is empty; expected a JSON object"},
		{name: "byte-order mark", file: bom, wantErr: "bom.json: starts with a UTF-8 byte-order mark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pf, err := ReadPayloadFile(tt.file, strings.NewReader(tt.stdin))
			if tt.wantErr != "" {
				var fe *FileError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a *FileError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{string(pf.Body), pf.TargetBundle}
			if diff := cmp.Diff([]string{tt.wantBody, tt.wantTarget}, got); diff != "" {
				t.Errorf("body, target (-want +got):\n%s", diff)
			}
		})
	}
}
