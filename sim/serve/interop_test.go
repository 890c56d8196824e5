package serve_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/testtool"
)

// bannerCommands returns the shell commands of the banner: each "curl"
// line with its continuation lines, as a user would paste them.
func bannerCommands(banner string) []string {
	var cmds []string
	var cur []string
	for _, line := range strings.Split(banner, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case len(cur) > 0:
			cur = append(cur, trimmed)
		case strings.HasPrefix(trimmed, "curl "):
			cur = []string{trimmed}
		default:
			continue
		}
		if !strings.HasSuffix(trimmed, `\`) {
			cmds = append(cmds, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	return cmds
}

// TestBannerCurl pastes the banner's commands into a shell: the send over
// TLS with the client certificate, the GET of notifications and the tap.
func TestBannerCurl(t *testing.T) {
	testtool.Need(t, "curl")
	sh := testtool.Need(t, "sh")
	s := start(t, t.TempDir(), nil)
	var banner bytes.Buffer
	s.Banner(&banner)
	cmds := bannerCommands(banner.String())
	if len(cmds) != 3 {
		t.Fatalf("banner has %d curl commands, want 3 (send, look, tap):\n%s", len(cmds), banner.String())
	}
	var outputs []string
	for _, c := range cmds {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, sh, "-c", c).CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("pasted command failed: %v\n%s\n%s", err, c, out)
		}
		outputs = append(outputs, string(out))
	}
	if outputs[0] != "200\n" {
		t.Errorf("the send printed %q; want the status 200 (apns.md#E64)", outputs[0])
	}
	if !strings.Contains(outputs[1], `"auth"`) || !strings.Contains(outputs[1], `"method":"certificate"`) {
		t.Errorf("GET notifications after the pasted send:\n%s", outputs[1])
	}
	if !strings.Contains(outputs[2], `"kind":"completion"`) {
		t.Errorf("the pasted tap did not complete:\n%s", outputs[2])
	}
}

// TestCurlH2C sends over cleartext HTTP/2 with prior knowledge, with a
// provider token signed by the written .p8 key (certificates need TLS).
func TestCurlH2C(t *testing.T) {
	curl := testtool.Need(t, "curl")
	dir := t.TempDir()
	s := start(t, dir, func(c *serve.Config) { c.H2C = "127.0.0.1:0" })
	info := readInfo(t, dir)
	key, err := provider.LoadAuthKey(info.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": info.TeamID, "iat": time.Now().Unix()})
	tok.Header["kid"] = info.KeyID
	bearer, err := tok.SignedString(key.Private)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, "-sS", "--http2-prior-knowledge",
		"-H", "authorization: bearer "+bearer, "-H", "apns-topic: "+device.DefaultBundleID,
		"-d", `{"aps":{"alert":"over h2c"}}`, "-w", "%{http_code} %{http_version}",
		info.H2CURL+"/3/device/"+tokenOf(t, info, "ios12")).CombinedOutput()
	if err != nil || string(out) != "200 2" {
		t.Fatalf("curl h2c: %v: %q", err, out)
	}
	if got := s.Records.List(inspect.Filter{Device: "ios12"}); len(got) != 1 || got[0].Record.Status != 200 {
		t.Errorf("records of ios12: %+v", got)
	}
}

// nodeScript sends one notification with @parse/node-apn, configured from
// pushsim.json with nothing changed but the address, port and CA.
const nodeScript = `
const fs = require('fs');
const apn = require('@parse/node-apn');
const info = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const device = info.devices.find(d => d.name === process.argv[3]);
const url = new URL(info.apns_url);
const provider = new apn.Provider({
  token: { key: info.key_file, keyId: info.key_id, teamId: info.team_id },
  production: false,
  address: url.hostname,
  port: Number(url.port),
  ca: [fs.readFileSync(info.ca_file)],
});
const note = new apn.Notification();
note.alert = { title: 'Card charged', body: 'Was it you?' };
note.aps.category = 'fraud_alert';
note.topic = device.apps[0].bundle_id;
provider.send(note, device.apps[0].token).then(result => {
  console.log(JSON.stringify({ sent: result.sent.length, failed: result.failed }));
  provider.shutdown();
  process.exit(result.failed.length === 0 ? 0 : 1);
}).catch(err => { console.error(err); process.exit(2); });
`

// TestNodeAPN sends with @parse/node-apn, installed by .ci/run from the
// committed lock file (testtool.NodeModules), through the files serve wrote.
func TestNodeAPN(t *testing.T) {
	modules := testtool.NodeModules(t, "@parse/node-apn")
	node := testtool.Need(t, "node")
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	dir := t.TempDir()
	s := start(t, dir, nil)
	script := filepath.Join(t.TempDir(), "send.js")
	if err := os.WriteFile(script, []byte(nodeScript), 0o600); err != nil {
		t.Fatal(err)
	}
	run := exec.CommandContext(ctx, node, script, filepath.Join(dir, "pushsim.json"), "ios15")
	run.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := run.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `{"sent":1,"failed":[]}`) {
		t.Fatalf("node-apn send: %v\n%s", err, out)
	}
	got := s.Records.List(inspect.Filter{Device: "ios15"})
	if len(got) != 1 || got[0].Record.Status != 200 || got[0].Record.Notification.Auth.Method != fakeapns.AuthToken {
		t.Errorf("records of ios15 after node-apn: %+v", got)
	}
}
