package serve_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/testtool"
)

// nodeFaultScript pushes twice with @parse/node-apn, one after the other,
// and prints one line per push: sent, failed <status> <reason>, error
// <message>, or hang (no outcome within 2 s, the deadline a backend
// would set).
const nodeFaultScript = `
const fs = require('fs');
const apn = require('@parse/node-apn');
const info = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const device = info.devices.find(d => d.name === process.argv[3]);
const url = new URL(info.apns_url);
const provider = new apn.Provider({
  token: { key: info.key_file, keyId: info.key_id, teamId: info.team_id },
  production: false, address: url.hostname, port: Number(url.port),
  ca: [fs.readFileSync(info.ca_file)],
});
async function push(i) {
  const note = new apn.Notification();
  note.alert = 'push ' + i;
  note.topic = device.apps[0].bundle_id;
  const hang = new Promise(r => setTimeout(() => r('hang'), 2000));
  const sent = provider.send(note, device.apps[0].token).then(res => {
    if (res.sent.length === 1) return 'sent';
    const f = res.failed[0] || {};
    if (f.error) return 'error ' + String(f.error.message || f.error).split('\n')[0];
    return 'failed ' + f.status + ' ' + ((f.response || {}).reason || '');
  }, err => 'error ' + String(err && err.message || err).split('\n')[0]);
  return Promise.race([sent, hang]);
}
(async () => {
  for (const i of [1, 2]) console.log(await push(i));
  provider.shutdown();
  process.exit(0);
})();
`

// TestNodeAPNFrameFaults is the client behaviour report of issue 20 for
// @parse/node-apn: each HTTP/2 frame fault is injected through the
// inspection API (as a backend's test would), node-apn pushes twice, and
// the test pins what it did with the faulted push and with the next one,
// and what the server saw (records with their connection). The README's
// "Failure modes at the HTTP/2 level" table is this test's want column.
func TestNodeAPNFrameFaults(t *testing.T) {
	modules := testtool.NodeModules(t, "@parse/node-apn")
	node := testtool.Need(t, "node")
	dir := t.TempDir()
	s := start(t, dir, nil)
	info := readInfo(t, dir)
	script := filepath.Join(t.TempDir(), "faults.js")
	if err := os.WriteFile(script, []byte(nodeFaultScript), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		frame string // the fault rule's "frame" in JSON
		want  string
	}{
		{"GOAWAY NO_ERROR below", `{"kind":"goaway"}`, "lost (REFUSED_STREAM, not retried) | sent ; server: unanswered c1, 200 c2"},
		{"GOAWAY PROTOCOL_ERROR below", `{"kind":"goaway","error_code":"PROTOCOL_ERROR"}`, "lost (session closed, not retried) | sent ; server: unanswered c1, 200 c2"},
		{"GOAWAY after the answer", `{"kind":"goaway","last_stream":"this"}`, "sent | lost (sent on the closing connection) ; server: 200 c1"},
		{"RST_STREAM REFUSED_STREAM", `{"kind":"rst_stream"}`, "lost (REFUSED_STREAM, not retried) | sent ; server: unanswered c1, 200 c1"},
		{"RST_STREAM INTERNAL_ERROR", `{"kind":"rst_stream","error_code":"INTERNAL_ERROR"}`, "lost (INTERNAL_ERROR) | sent ; server: unanswered c1, 200 c1"},
		{"half-dead connection", `{"kind":"no_ping_ack"}`, "hangs | hangs ; server: unanswered c1"},
		{"cut mid-stream", `{"kind":"close"}`, "lost (stream ended unexpectedly) | sent ; server: unanswered c1, 200 c2"},
		{"idle close after the answer", `{"kind":"close_idle"}`, "sent | lost (sent on the closing connection) ; server: 200 c1"},
		{"TLS handshake failure", `{"kind":"tls_handshake"}`, "lost (TLS alert internal_error) | sent ; server: 200 c1"},
	}
	const dev = "ios15"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"environment":"development","count":1,"frame":` + tc.frame
			if !strings.Contains(tc.frame, "tls_handshake") {
				body += `,"token":"` + tokenOf(t, info, dev) + `"`
			}
			postFault(t, info.APIURL, body+"}")
			before := len(s.Records.List(inspect.Filter{Device: dev}))
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			run := exec.CommandContext(ctx, node, script, filepath.Join(dir, "pushsim.json"), dev)
			run.Env = append(os.Environ(), "NODE_PATH="+modules)
			out, err := run.CombinedOutput()
			if err != nil {
				t.Fatalf("node: %v\n%s", err, out)
			}
			var seen []string
			conns := map[uint64]int{}
			for _, e := range s.Records.List(inspect.Filter{Device: dev})[before:] {
				r := e.Record
				if _, ok := conns[r.Connection]; !ok {
					conns[r.Connection] = len(conns) + 1
				}
				status := "unanswered"
				if r.Status != 0 {
					status = strconv.Itoa(r.Status)
				}
				seen = append(seen, fmt.Sprintf("%s c%d", status, conns[r.Connection]))
			}
			var outcomes []string
			for line := range strings.Lines(string(out)) {
				outcomes = append(outcomes, nodeOutcome(strings.TrimSpace(line)))
			}
			if strings.Contains(tc.frame, "no_ping_ack") && len(seen) > 1 {
				// Whether the second push reached the server before
				// the script gave up on it is a race (it is processed,
				// and delivered, but its answer never comes back).
				seen = seen[:1]
			}
			got := strings.Join(outcomes, " | ") + " ; server: " + strings.Join(seen, ", ")
			if testing.Verbose() {
				t.Logf("node-apn printed:\n%s", out)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// nodeOutcome sums up one line of nodeFaultScript, so that the wording of
// Node's errors may change without the behaviour changing.
func nodeOutcome(line string) string {
	switch {
	case line == "sent", line == "hang":
		return strings.Replace(line, "hang", "hangs", 1)
	case strings.Contains(line, "REFUSED_STREAM"):
		return "lost (REFUSED_STREAM, not retried)"
	case strings.Contains(line, "Session closed with error code"):
		return "lost (session closed, not retried)"
	case strings.Contains(line, "INTERNAL_ERROR"):
		return "lost (INTERNAL_ERROR)"
	case strings.Contains(line, "Request frame error"):
		// Node's http2 refuses a new stream on a session that received
		// GOAWAY; node-apn had picked that session all the same.
		return "lost (sent on the closing connection)"
	case strings.Contains(line, "stream ended unexpectedly"):
		return "lost (stream ended unexpectedly)"
	case strings.Contains(line, "alert internal error"):
		return "lost (TLS alert internal_error)"
	}
	return line
}

// postFault installs a fault rule through the inspection API.
func postFault(t *testing.T, apiURL, body string) {
	t.Helper()
	res, err := http.Post(apiURL+inspect.Prefix+"faults", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		var e map[string]any
		_ = json.NewDecoder(res.Body).Decode(&e)
		t.Fatalf("POST faults %s = %d %v", body, res.StatusCode, e)
	}
}

// TestNoStreamThrottle: by default a new connection advertises one stream
// until a push succeeds (apns.md#U06); serve's NoStreamThrottle
// (--no-stream-throttle) advertises the full limit from the start.
func TestNoStreamThrottle(t *testing.T) {
	for _, off := range []bool{false, true} {
		dir := t.TempDir()
		start(t, dir, func(c *serve.Config) { c.NoStreamThrottle = off })
		info := readInfo(t, dir)
		got := firstMaxStreams(t, info)
		if throttled := got == 1; throttled == off {
			t.Errorf("NoStreamThrottle %v: SETTINGS_MAX_CONCURRENT_STREAMS %d", off, got)
		}
	}
}

// firstMaxStreams reads the server's first SETTINGS on a new connection to
// the development fake APNs, as a raw HTTP/2 client sees it.
func firstMaxStreams(t *testing.T, info serve.Info) uint32 {
	t.Helper()
	u, err := url.Parse(info.APNsURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: caPool(t, info), NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("reading the server's SETTINGS: %v", err)
		}
		if sf, ok := f.(*http2.SettingsFrame); ok && !sf.IsAck() {
			v, _ := sf.Value(http2.SettingMaxConcurrentStreams)
			return v
		}
	}
}
