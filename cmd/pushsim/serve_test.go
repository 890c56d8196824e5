package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bannerWriter collects stderr and says when the banner's last line came.
type bannerWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (w *bannerWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), "Ctrl-C stops.") {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *bannerWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestServeCommand runs "pushsim serve" in-process with a fleet file, then
// stops it as SIGINT would (the context main gets from
// signal.NotifyContext): exit status 0.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	fleet := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(fleet, []byte("devices:\n  - name: old\n    ios: \"7.1\"\n  - name: new\n    ios: \"18.2\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	stderr := &bannerWriter{ready: make(chan struct{})}
	var stdout bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--state-dir", state, "--fleet", fleet,
			"--record", filepath.Join(dir, "events.jsonl")}, strings.NewReader(""), &stdout, stderr)
	}()
	select {
	case <-stderr.ready:
	case c := <-code:
		t.Fatalf("serve exited with %d before its banner:\n%s", c, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(state, "pushsim.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Devices []struct{ Name, IOS string }
	}
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	want := []struct{ Name, IOS string }{{"old", "7.1"}, {"new", "18.2"}}
	if diff := cmp.Diff(want, info.Devices); diff != "" {
		t.Errorf("--fleet devices in pushsim.json (-want +got):\n%s", diff)
	}
	stop()
	if c := <-code; c != exitOK {
		t.Errorf("exit status after the signal = %d, want 0\n%s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopping") || stdout.Len() != 0 {
		t.Errorf("stderr:\n%s\nstdout:\n%s", stderr.String(), stdout.String())
	}
}

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("devices:\n  - name: x\n    ios: \"7.1\"\n    colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"fleet with an unknown key", []string{"serve", "--fleet", bad, "--state-dir", dir}, exitUsage, "bad.yaml:4"},
		{"missing fleet file", []string{"serve", "--fleet", filepath.Join(dir, "none.yaml")}, exitUsage, "none.yaml"},
		{"unknown flag", []string{"serve", "--colour"}, exitUsage, "--colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}
