package serve_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/testtool"
)

// appleHostsScript runs inside a user + network + mount namespace: its
// own loopback, its own /etc/hosts bind-mounted over the real one (which
// is never touched), and port 443 allowed because the namespace's root
// owns its network. It starts "pushsim serve --apple-hosts" and sends with
// sideshow/apns2's own command-line sender, which has Apple's hosts built
// in and only takes a combined PEM, trusting ca.pem through SSL_CERT_FILE.
// appleHostsPrelude, run by "unshare -rnm sh -c", points Apple's hosts
// at 127.0.0.2/3 inside the namespace, starts "pushsim serve
// --apple-hosts" as $pid and waits for its banner.
const appleHostsPrelude = `set -e
ip link set lo up
printf '127.0.0.2 api.sandbox.push.apple.com api.development.push.apple.com\n127.0.0.3 api.push.apple.com\n' > "$DIR/hosts"
mount --bind "$DIR/hosts" /etc/hosts
"$PUSHSIM" serve --apple-hosts --api 127.0.0.1:0 --state-dir "$DIR/state" 2>"$DIR/serve.err" &
pid=$!
i=0
until grep -q 'Ctrl-C stops' "$DIR/serve.err" 2>/dev/null; do
  i=$((i+1)); [ $i -lt 300 ] || { cat "$DIR/serve.err"; exit 1; }; sleep 0.1
done
`

const appleHostsScript = appleHostsPrelude + `echo "$TOKEN {\"aps\":{\"alert\":\"via the hard-coded host\"}}" |
  SSL_CERT_FILE="$DIR/state/ca.pem" "$APNS2" -c "$DIR/state/client-development-bundle.pem" -t "$TOPIC" -m development
echo "$TOKEN {\"aps\":{\"alert\":\"to production\"}}" |
  SSL_CERT_FILE="$DIR/state/ca.pem" "$APNS2" -c "$DIR/state/client-production-bundle.pem" -t "$TOPIC" -m production
kill -TERM $pid
wait $pid
`

// TestAppleHostsRoute: a client with Apple's host names built in (the
// apns2 CLI) reaches pushsim through --apple-hosts and /etc/hosts, in a
// namespace of its own: development answers 200, production answers the
// development token with Apple's 400 BadDeviceToken (apns.md#D03).
func TestAppleHostsRoute(t *testing.T) {
	unshare := testtool.Need(t, "unshare")
	testtool.Need(t, "ip")
	if out, err := exec.Command(unshare, "-rnm", "true").CombinedOutput(); err != nil {
		testtool.Missing(t, fmt.Sprintf("unshare -rnm is not permitted here: %v %s", err, out),
			"sudo sysctl kernel.unprivileged_userns_clone=1 (user namespaces)")
	}
	dir := t.TempDir()
	// The state dir is made first, so that the token is known.
	s := start(t, filepath.Join(dir, "state"), nil)
	token := tokenOf(t, readInfo(t, filepath.Join(dir, "state")), "ios17")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	pushsim, apns2 := filepath.Join(bin, "pushsim"), filepath.Join(bin, "apns2")
	for _, b := range [][2]string{{pushsim, "github.com/pushsim/pushsim/cmd/pushsim"}, {apns2, "github.com/sideshow/apns2/apns2"}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "-rnm", "sh", "-c", appleHostsScript)
	cmd.Env = append(os.Environ(), "DIR="+dir, "PUSHSIM="+pushsim, "APNS2="+apns2, "TOKEN="+token, "TOPIC="+device.DefaultBundleID)
	out, err := cmd.CombinedOutput()
	serveErr, _ := os.ReadFile(filepath.Join(dir, "serve.err"))
	if err != nil {
		t.Fatalf("%v\n%s\npushsim serve said:\n%s", err, out, serveErr)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[0] != "200: ''" || lines[1] != "400: 'BadDeviceToken'" {
		t.Errorf("apns2 CLI printed:\n%s\nwant 200: '' then 400: 'BadDeviceToken'", out)
	}
	if !strings.Contains(string(serveErr), "stopped;") {
		t.Errorf("pushsim serve did not stop cleanly:\n%s", serveErr)
	}
}
