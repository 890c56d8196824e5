package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// Event kinds the runner adds to the scenario's event log, next to sim's.
const (
	// EventWebhookReceived: the scenario's loopback receiver got a POST;
	// Text is the body, URL the path.
	EventWebhookReceived world.EventKind = "webhook_received"
	// EventExec: an exec step's command ended; Status is its exit status
	// (-1 when it could not run or timed out), Text its output.
	EventExec world.EventKind = "exec"
)

// WebhookVar is replaced by the scenario's receiver URL in the fleet's
// handler scripts and in exec steps.
const WebhookVar = "${WEBHOOK_URL}"

// webhookSentinel stands for WebhookVar in a parsed fleet (the fleet's
// checks want an http URL); each run replaces it with its receiver's URL.
// The .invalid top-level domain never resolves (RFC 2606).
const webhookSentinel = "http://webhook.pushsim.invalid"

// receiver is a loopback HTTP server that records the apps' webhooks in
// the event log, so expect_events can check their bodies.
type receiver struct {
	srv    *http.Server
	url    string
	log    *world.EventLog
	status int
	done   chan struct{}
}

// maxHookBody bounds what the receiver reads of one request.
const maxHookBody = 64 << 10

func startReceiver(log *world.EventLog, status int) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	rc := &receiver{url: "http://" + ln.Addr().String(), log: log, status: status, done: make(chan struct{})}
	rc.srv = &http.Server{Handler: rc, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(rc.done)
		_ = rc.srv.Serve(ln) // returns when closed
	}()
	return rc, nil
}

// ServeHTTP records one request as an event and answers the configured
// status.
func (rc *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, maxHookBody))
	var who struct {
		Device   string `json:"device"`
		BundleID string `json:"bundle_id"`
		Action   string `json:"action"`
	}
	_ = json.Unmarshal(body, &who) // a body that is not JSON is still recorded
	rc.log.Append(world.Event{
		Kind: EventWebhookReceived, Device: who.Device, App: who.BundleID, Action: who.Action,
		URL: req.URL.Path, Text: string(body), HTTPStatus: rc.status,
		Message: fmt.Sprintf("webhook receiver: %s %s %s", req.Method, req.URL.Path, oneLine(string(body), 200)),
	})
	w.WriteHeader(rc.status)
}

// Close stops the receiver and waits for it.
func (rc *receiver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := rc.srv.Shutdown(ctx)
	<-rc.done
	if err != nil {
		return fmt.Errorf("webhook receiver: %w", err)
	}
	return nil
}

// usesWebhook reports whether the scenario refers to ${WEBHOOK_URL}.
func usesWebhook(s *Scenario, devices []*device.Device) bool {
	for _, st := range s.Steps {
		if st.Exec != nil {
			return true // exec steps get PUSHSIM_WEBHOOK_URL
		}
	}
	found := false
	walkScripts(devices, func(sc *device.Script) {
		if strings.HasPrefix(sc.Webhook, webhookSentinel) || strings.HasPrefix(sc.DeepLink, webhookSentinel) {
			found = true
		}
	})
	return found
}

// substituteFleet points the handler scripts' webhooks at url.
func substituteFleet(devices []*device.Device, url string) {
	fix := func(s string) string {
		if rest, ok := strings.CutPrefix(s, webhookSentinel); ok {
			return url + rest
		}
		return s
	}
	walkScripts(devices, func(sc *device.Script) {
		sc.Webhook = fix(sc.Webhook)
		sc.DeepLink = fix(sc.DeepLink)
	})
}

func walkScripts(devices []*device.Device, f func(*device.Script)) {
	each := func(m map[string]device.Script) {
		for k, sc := range m {
			f(&sc)
			m[k] = sc
		}
	}
	for _, d := range devices {
		for _, a := range d.Apps {
			each(a.Handler.Actions)
			for i := range a.Handler.Routes {
				each(a.Handler.Routes[i].Actions)
			}
		}
	}
}

func substitute(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	for k, v := range vars {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	return s
}

// vars are the ${NAME} substitutions of this run.
func (r *run) vars() map[string]string {
	v := map[string]string{}
	if r.hook != nil {
		v["WEBHOOK_URL"] = r.hook.url
	}
	return v
}

// cloneDevice deep-copies a device through JSON, which every field of the
// fleet schema round-trips.
func cloneDevice(d *device.Device) (*device.Device, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var c device.Device
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// execEnv writes the fake's CA and key to a temporary directory and
// returns the variables an external sender needs to reach it.
func (r *run) execEnv() ([]string, error) {
	if r.tmpdir == "" {
		dir, err := os.MkdirTemp("", "pushsim-scenario-")
		if err != nil {
			return nil, fmt.Errorf("exec: %w", err)
		}
		r.tmpdir = dir
		keyPEM, err := r.h.Key.PEM()
		if err != nil {
			return nil, fmt.Errorf("exec: key: %w", err)
		}
		err = errors.Join(
			os.WriteFile(filepath.Join(dir, "ca.pem"), r.h.Server.CA().CertPEM(), 0o600),
			os.WriteFile(filepath.Join(dir, "AuthKey_"+r.h.Key.KeyID+".p8"), keyPEM, 0o600),
		)
		if err != nil {
			return nil, fmt.Errorf("exec: writing credentials: %w", err)
		}
	}
	env := []string{
		"PUSHSIM_APNS_URL=" + r.h.Server.URL(),
		"PUSHSIM_CA_FILE=" + filepath.Join(r.tmpdir, "ca.pem"),
		"PUSHSIM_KEY_FILE=" + filepath.Join(r.tmpdir, "AuthKey_"+r.h.Key.KeyID+".p8"),
		"PUSHSIM_KEY_ID=" + r.h.Key.KeyID,
		"PUSHSIM_TEAM_ID=" + r.h.Key.TeamID,
		"PUSHSIM_TOPIC=" + device.DefaultBundleID,
	}
	if r.hook != nil {
		env = append(env, "PUSHSIM_WEBHOOK_URL="+r.hook.url)
	}
	for _, d := range r.devices {
		if len(d.Apps) > 0 {
			env = append(env, "PUSHSIM_TOKEN_"+envName(d.Name)+"="+d.Apps[0].Token)
		}
	}
	return env, nil
}

// envName turns a device name into an environment variable suffix:
// upper case, anything but letters and digits as "_" ("ios18-locked" →
// "IOS18_LOCKED").
func envName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
}

// maxExecOutput bounds the output kept from a command.
const maxExecOutput = 64 << 10

// exec runs an external command against the fake and logs its exit status
// and output as an event. A failing command does not fail the step: the
// scenario checks the exec event with expect_events.
func (r *run) exec(e *ExecStep) error {
	args, err := commandArgs(e.Command)
	if err != nil {
		return err
	}
	vars := r.vars()
	for i := range args {
		args[i] = substitute(args[i], vars)
	}
	env, err := r.execEnv()
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(e.Env))
	for k := range e.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+substitute(e.Env[k], vars))
	}
	timeout := e.Timeout.D()
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.ctx, timeout)
	defer cancel()
	dir := ""
	if r.s.dir != "" && r.s.File != "" {
		if st, err := os.Stat(r.s.dir); err == nil && st.IsDir() {
			dir = r.s.dir
		}
	}
	var out limitedBuffer
	runErr := runCommand(ctx, args, append(os.Environ(), env...), dir, &out)
	status := 0
	msg := fmt.Sprintf("exec %s: exit 0", strings.Join(args, " "))
	switch {
	case ctx.Err() != nil && r.ctx.Err() == nil:
		status, msg = -1, fmt.Sprintf("exec %s: timed out after %s", strings.Join(args, " "), timeout)
	case runErr != nil:
		var ee *exec.ExitError
		if errors.As(runErr, &ee) {
			status = ee.ExitCode()
			msg = fmt.Sprintf("exec %s: exit %d", strings.Join(args, " "), status)
		} else {
			status, msg = -1, fmt.Sprintf("exec %s: %v", strings.Join(args, " "), runErr)
		}
	}
	if r.ctx.Err() != nil {
		return fmt.Errorf("exec: %w", r.ctx.Err())
	}
	r.log.Append(world.Event{Kind: EventExec, Status: status, Text: strings.TrimRight(out.String(), "\n"), Message: msg})
	return r.idle()
}

// runCommand runs args to the end. A script written just before (by a test
// or an earlier step) can still be open for writing in a child that another
// goroutine is forking; exec then fails with ETXTBSY until that child execs
// (golang.org/issue/22315), so starting is retried a few times.
func runCommand(ctx context.Context, args, env []string, dir string, out io.Writer) error {
	for attempt := 0; ; attempt++ {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env, cmd.Dir = env, dir
		cmd.Stdout, cmd.Stderr = out, out
		cmd.WaitDelay = time.Second
		err := cmd.Run()
		if !errors.Is(err, syscall.ETXTBSY) || attempt == 4 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
		}
	}
}

// limitedBuffer keeps the first maxExecOutput bytes written to it.
type limitedBuffer struct{ bytes.Buffer }

// Write keeps what fits and reports everything written, so the command
// never blocks or fails on a full buffer.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxExecOutput - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// oneLine shortens s to one line of at most n bytes for messages.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
