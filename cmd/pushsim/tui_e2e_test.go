package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/testtool"
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

// TestTUIInTmux runs pushsim (this test binary under that name, see
// TestMain) in tmux and drives it: the done-when flow, and --serve.
func TestTUIInTmux(t *testing.T) {
	// Always run, -short or not: a skipped end-to-end test proves
	// nothing. A missing tmux fails in CI (testtool.Need).
	testtool.Need(t, "tmux")
	testtool.Need(t, "curl")
	bin := pushsimCommand(t)
	t.Run("record", func(t *testing.T) { testTUIRecord(t, bin) })
	t.Run("serve", func(t *testing.T) { testTUIServe(t, bin) })
	t.Run("serve-curl-reply-80x24", func(t *testing.T) { testTUIServeCurlReply(t, bin) })
}

// startTUI starts bin with args in a private tmux server at 100×30, in
// dir.
func startTUI(t *testing.T, bin, dir string, args ...string) *tmuxSession {
	return startTUISized(t, 100, 30, bin, dir, args...)
}

// startTUISized starts bin with args in a private tmux server at w×h, in
// dir.
func startTUISized(t *testing.T, w, h int, bin, dir string, args ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("pushsim-e2e-%d-%s", os.Getpid(), filepath.Base(t.Name()))}
	t.Cleanup(func() { _, _ = s.tmux("kill-server") })
	// The pane's shell prints the exit status after the program (a dead
	// pane's status is flaky under tmux 3.3, charm-v2.md gotcha 9).
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	cmd := fmt.Sprintf("cd %q && %q %s; echo exit=$?; sleep 600", dir, bin, strings.Join(quoted, " "))
	if out, err := s.tmux("new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	return s
}

// testTUIRecord is the "done when" at 100×30: start pushsim with
// no arguments, ctrl+s the default poll, see the banner it arrived as on
// iOS 7 and → its legacy alert, OK/NOK on iOS 8, press 1 on iOS 8, see the action and the completion,
// record it, quit with q.
func testTUIRecord(t *testing.T, bin string) {
	dir := t.TempDir()
	s := startTUI(t, bin, dir)
	s.waitFor("Fleet", "Composer", "ctrl+s")
	s.keys("C-r")
	s.waitFor("REC")
	s.keys("C-s")
	s.waitFor("ios18-locked 200 OK")
	s.keys("Down")
	s.waitFor("ios7 · iOS 7.1", "banner 2/5 (arrival)") // where it arrived
	s.keys("Right")
	s.waitFor("alert 3/5", "[1 Close]  [2 View]") // the legacy alert
	s.keys("Down")
	s.waitFor("ios8 · iOS 8.4", "[1 OK]", "[2 NOK]")
	s.keys("1")
	s.waitFor("action     ios8", "completion ios8")
	s.keys("C-r")
	s.waitFor("recorded ", "pushsim-", ".yaml")
	s.keys("q")
	s.waitFor("exit=0")
	files, err := filepath.Glob(filepath.Join(dir, "pushsim-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
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

// testTUIServe: with --serve, a backend's send (here pushsim send
// --real against the served endpoint, with the credentials of
// pushsim.json) shows on the phone while the TUI runs, and can be tapped.
func testTUIServe(t *testing.T, bin string) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	s := startTUI(t, bin, dir, "--serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--state-dir", state)
	s.waitFor("serving APNs")
	info := readInfo(t, state)
	token := deviceToken(t, info, "ios8")
	code, _, errs := runCLI(t, `{"aps":{"alert":"from a backend","category":"poll"}}`, "send", "-", "--real", "--sandbox",
		"--endpoint", info.APNsURL, "--ca", info.CAFile, "--key", info.KeyFile, "--key-id", info.KeyID, "--team-id", info.TeamID,
		"--token", token, "--topic", "com.pushsim.demo")
	if code != 0 {
		t.Fatalf("send to the served APNs: exit %d: %s", code, errs)
	}
	s.keys("Down", "Down")
	s.waitFor("ios8 · iOS 8.4", "from a backend", "[1 OK]")
	s.keys("1")
	s.waitFor("completion ios8")
	s.keys("q")
	s.waitFor("exit=0")
}

// testTUIServeCurlReply is the --serve walk at the documented minimum,
// 80×24: the listen addresses stay in the header, a backend's send made
// with curl (the development client certificate of pushsim.json) is
// listed in Responses and drawn on the phone, a tap on its text-input
// button opens the reply field, and the typed reply reaches the app.
func testTUIServeCurlReply(t *testing.T, bin string) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	s := startTUISized(t, 80, 24, bin, dir, "--serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--state-dir", state)
	scr := s.waitFor("serving APNs https://127.0.0.1:")
	if lines := strings.Split(scr, "\n"); len(lines) < 2 || !strings.Contains(lines[1], "serving APNs") {
		t.Fatalf("the addresses are not the second header line:\n%s", scr)
	}
	info := readInfo(t, state)
	token := deviceToken(t, info, "ios10")
	cert := info.ClientCertificates[fakeapns.Development]
	out, err := exec.Command("curl", "-sS", "-w", "%{http_code}", "--http2", "--cacert", info.CAFile, "--cert", cert.CertFile, "--key", cert.KeyFile,
		"-H", "apns-topic: com.pushsim.demo", "-H", "apns-push-type: alert",
		"-d", `{"aps":{"alert":{"title":"Anna","body":"Still there?"},"category":"chat_message"}}`,
		info.APNsURL+"/3/device/"+token).CombinedOutput()
	if err != nil || !strings.HasSuffix(string(out), "200") {
		t.Fatalf("curl: %v: %s", err, out)
	}
	s.waitFor("backend → ios10 200 OK")
	s.keys("Down", "Down", "Down", "Down")
	s.waitFor("ios10 · iOS 10.3", "Still there?")
	s.keys("Tab") // the phone
	s.waitFor("▶ Phone")
	// iOS 10 shows the actions in the expanded view (→ until it is on
	// screen), the reply first.
	for range 5 {
		if strings.Contains(s.screen(), "expanded") {
			break
		}
		s.keys("Right")
		time.Sleep(100 * time.Millisecond)
	}
	s.waitFor("expanded", "[1 Reply")
	s.keys("1")
	s.waitFor("reply>", "enter send reply")
	s.keys("-l", "on my way")
	s.waitFor("reply> on my way")
	s.keys("Enter")
	s.waitFor("tapped REPLY on ios10", "✓ used: acted on with REPLY")
	s.keys("C-c")
	s.waitFor("exit=0")
}

// TestTUINeedsATerminal: with no terminal (CI, a pipe) the default command
// says so and exits 2 rather than failing to open /dev/tty.
func TestTUINeedsATerminal(t *testing.T) {
	for _, args := range [][]string{nil, {"tui"}, {"--app", "com.example"}} {
		code, _, errs := runCLI(t, "", args...)
		if code != exitUsage || !strings.Contains(errs, "needs a terminal") {
			t.Errorf("pushsim %v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// readInfo reads the pushsim.json that serve wrote into state.
func readInfo(t *testing.T, state string) serve.Info {
	t.Helper()
	info, err := serve.ReadInfo(state)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// deviceToken is the token of the first app on device name in info.
func deviceToken(t *testing.T, info serve.Info, name string) string {
	t.Helper()
	for _, d := range info.Devices {
		if d.Name == name && len(d.Apps) > 0 {
			return d.Apps[0].Token
		}
	}
	t.Fatalf("pushsim.json has no %s with an app", name)
	return ""
}
