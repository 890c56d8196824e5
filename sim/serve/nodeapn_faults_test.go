package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/testtool"
)

// nodeFaultScript pushes twice with @parse/node-apn, one after the other,
// and prints one line per push: sent, failed <status> <reason>, error
// <message>, or hang (no outcome within 4 s, the deadline a backend
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
  const hang = new Promise(r => setTimeout(() => r('hang'), 4000));
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
		{"GOAWAY NO_ERROR below", `{"kind":"goaway"}`, "?"},
		{"GOAWAY PROTOCOL_ERROR below", `{"kind":"goaway","error_code":"PROTOCOL_ERROR"}`, "?"},
		{"GOAWAY after the answer", `{"kind":"goaway","last_stream":"this"}`, "?"},
		{"RST_STREAM REFUSED_STREAM", `{"kind":"rst_stream"}`, "?"},
		{"RST_STREAM INTERNAL_ERROR", `{"kind":"rst_stream","error_code":"INTERNAL_ERROR"}`, "?"},
		{"half-dead connection", `{"kind":"no_ping_ack"}`, "?"},
		{"cut mid-stream", `{"kind":"close"}`, "?"},
		{"idle close after the answer", `{"kind":"close_idle"}`, "?"},
		{"TLS handshake failure", `{"kind":"tls_handshake"}`, "?"},
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
			for _, e := range s.Records.List(inspect.Filter{Device: dev})[before:] {
				r := e.Record
				seen = append(seen, fmt.Sprintf("%d@%d%s", r.Status, r.Connection, strings.TrimSuffix(" "+r.Frame, " ")))
			}
			got := strings.Join(strings.Fields(strings.ReplaceAll(string(out), "\n", " | ")), " ") + " ; server: " + strings.Join(seen, ", ")
			t.Logf("%s: %s", tc.name, got)
			if tc.want != "?" && got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
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
