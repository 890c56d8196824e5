package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the built binary in a private tmux server (its own
// socket, no ~/.tmux.conf) at a fixed size, and reads the screen back with
// capture-pane.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s *tmuxSession) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	return string(out), err
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	if out, err := s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...); err != nil {
		s.t.Fatalf("send-keys %v: %v: %s", keys, err, out)
	}
}

func (s *tmuxSession) screen() string {
	out, _ := s.tmux("capture-pane", "-t", "e2e", "-p")
	return out
}

// waitFor polls the screen until it shows every text, or fails after a
// deadline: the deadline bounds the wait, it is not an assertion on time.
func (s *tmuxSession) waitFor(texts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		missing := ""
		for _, text := range texts {
			if !strings.Contains(scr, text) {
				missing = text
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", missing, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTUIInTmux is the "done when" at 100×30: start pushsim with
// no arguments, ctrl+s the default poll, see the legacy alert on iOS 7 and
// OK/NOK on iOS 8, press 1 on iOS 8, see the action and the completion,
// record it, quit with q.
func TestTUIInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; CI installs it (apt-get install tmux)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pushsim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("pushsim-e2e-%d", os.Getpid())}
	t.Cleanup(func() { _, _ = s.tmux("kill-server") })
	// The pane's shell prints the exit status after the program (a dead
	// pane's status is flaky under tmux 3.3, charm-v2.md gotcha 9).
	cmd := fmt.Sprintf("cd %q && %q; echo exit=$?; sleep 600", dir, bin)
	if out, err := s.tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s.waitFor("Fleet", "Composer", "ctrl+s")
	s.keys("C-r")
	s.waitFor("REC")
	s.keys("C-s")
	s.waitFor("ios18-locked 200 OK")
	s.keys("Down")
	s.waitFor("ios7 · iOS 7.1", "[1 Close]  [2 View]")
	s.keys("Down")
	s.waitFor("ios8 · iOS 8.4", "[1 OK]", "[2 NOK]")
	s.keys("1")
	s.waitFor("action     ios8", "completion ios8")
	s.keys("C-r")
	s.waitFor("recorded ", "pushsim-", ".yaml")
	s.keys("q")
	s.waitFor("exit=0")
	files, _ := filepath.Glob(filepath.Join(dir, "pushsim-*.yaml"))
	if len(files) != 1 {
		t.Fatalf("recorded files: %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"send:", "tap:", "action: OK", "kind: completion"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("recording lacks %q:\n%s", want, data)
		}
	}
}
