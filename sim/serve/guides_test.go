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

	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/testtool"
)

// The README's guides are these files, shown verbatim; each test below
// runs one against a real "pushsim serve".
var guideFiles = []string{
	"testdata/guides/node-apn-token.js",
	"testdata/guides/node-apn-cert.js",
	"testdata/guides/node-pushnotifications.js",
	"testdata/guides/apns2-npm.js",
	"testdata/guides/curl-jwt.sh",
	"testdata/guides/sideshow/main.go",
}

// TestGuidesAreInReadme: what the README shows is what the tests run.
func TestGuidesAreInReadme(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range guideFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), string(data)) {
			t.Errorf("README does not show %s as it is", f)
		}
	}
}

// nodeModules is where the guides' Node clients are, installed by
// .ci/run from sim/testtool's one committed lock file.
func nodeModules(t *testing.T) (node, modules string) {
	t.Helper()
	modules = testtool.NodeModules(t, "@parse/node-apn", "node-pushnotifications", "apns2")
	return testtool.Need(t, "node"), modules
}

// runGuide runs a guide against a fresh server and returns its output and
// what the server recorded for ios17.
func runGuide(t *testing.T, name string, args ...string) (string, []inspect.Entry) {
	t.Helper()
	dir := t.TempDir()
	s := start(t, dir, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "PUSHSIM_JSON="+filepath.Join(dir, serve.InfoFile))
	if len(args) > 0 && strings.HasSuffix(args[0], ".js") {
		_, modules := nodeModules(t)
		cmd.Env = append(cmd.Env, "NODE_PATH="+modules)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out), s.Records.List(inspect.Filter{Device: "ios17"})
}

func accepted(entries []inspect.Entry) int {
	n := 0
	for _, e := range entries {
		if e.Record.Accepted() {
			n++
		}
	}
	return n
}

func TestGuideNode(t *testing.T) {
	node, _ := nodeModules(t)
	for _, tc := range []struct{ file, want string }{
		{"testdata/guides/node-apn-token.js", `{"sent":1,"failed":[]}`},
		{"testdata/guides/node-apn-cert.js", `{"sent":1,"failed":[]}`},
		{"testdata/guides/node-pushnotifications.js", `[{"method":"apn","success":1,"failure":0}]`},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			out, entries := runGuide(t, node, tc.file)
			if !strings.Contains(out, tc.want) || accepted(entries) != 1 {
				t.Errorf("%s printed %q (want %s); ios17 accepted %d requests, want 1", tc.file, out, tc.want, accepted(entries))
			}
		})
	}
}

func TestGuideCurlJWT(t *testing.T) {
	for _, tool := range []string{"curl", "openssl", "xxd", "jq"} {
		testtool.Need(t, tool)
	}
	out, entries := runGuide(t, testtool.Need(t, "sh"), "testdata/guides/curl-jwt.sh")
	if strings.TrimSpace(out) != "200" || accepted(entries) != 1 || entries[0].Record.Notification.Auth.Method != "token" {
		t.Errorf("curl-jwt.sh printed %q; ios17 accepted %d", out, accepted(entries))
	}
}

func TestGuideSideshow(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sideshow")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/guides/sideshow").CombinedOutput(); err != nil {
		t.Fatalf("the README's Go program does not build: %v\n%s", err, out)
	}
	out, entries := runGuide(t, bin)
	if strings.TrimSpace(out) != "200" || accepted(entries) != 1 {
		t.Errorf("sideshow guide printed %q; ios17 accepted %d", out, accepted(entries))
	}
}

// apns2NPMScript runs the apns2 npm package, which dials port 443 of
// Apple's host, through --apple-hosts inside its own namespaces (see
// appleHostsScript).
const apns2NPMScript = appleHostsPrelude + `PUSHSIM_JSON="$DIR/state/pushsim.json" NODE_EXTRA_CA_CERTS="$DIR/state/ca.pem" "$NODE" "$GUIDE"
kill -TERM $pid
wait $pid
`

func TestGuideApns2NPM(t *testing.T) {
	node, modules := nodeModules(t)
	unshare := testtool.Need(t, "unshare")
	testtool.Need(t, "ip")
	if out, err := exec.Command(unshare, "-rnm", "true").CombinedOutput(); err != nil {
		testtool.Missing(t, fmt.Sprintf("unshare -rnm is not permitted here: %v %s", err, out),
			"sudo sysctl kernel.unprivileged_userns_clone=1 (user namespaces)")
	}
	dir := t.TempDir()
	pushsim := filepath.Join(t.TempDir(), "pushsim")
	if out, err := exec.Command("go", "build", "-o", pushsim, "github.com/pushsim/pushsim/cmd/pushsim").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	guide, err := filepath.Abs("testdata/guides/apns2-npm.js")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "-rnm", "sh", "-c", apns2NPMScript)
	cmd.Env = append(os.Environ(), "DIR="+dir, "PUSHSIM="+pushsim, "NODE="+node, "GUIDE="+guide, "NODE_PATH="+modules)
	out, err := cmd.CombinedOutput()
	serveErr, _ := os.ReadFile(filepath.Join(dir, "serve.err"))
	if err != nil || strings.TrimSpace(string(out)) != "sent" {
		t.Fatalf("%v\n%s\npushsim serve said:\n%s", err, out, serveErr)
	}
}
