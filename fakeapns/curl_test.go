package fakeapns

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/testtool"
)

// TestCurl sends requests with curl over TLS (--http2 --cacert) and h2c
// (--http2-prior-knowledge): a client that shares no code with Go.
func TestCurl(t *testing.T) {
	curl := testtool.Need(t, "curl")
	f := newFixture(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, f.ts.CA().CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	type got struct {
		Status  string
		Version string
		Reason  Reason
	}
	tests := []struct {
		id    string
		token string
		topic string
		want  got
	}{
		{"E01", tokOK, topic, got{Status: "200", Version: "2"}},
		{"E11", strings.Repeat("ab", 32), topic, got{Status: "400", Version: "2", Reason: ReasonBadDeviceToken}},
		{"E16", tokOther, topic, got{Status: "400", Version: "2", Reason: ReasonDeviceTokenNotForTopic}},
	}
	for _, mode := range []struct{ name, base, flag string }{
		{"tls", f.ts.URL(), "--http2"},
		{"h2c", f.ts.H2CURL(), "--http2-prior-knowledge"},
	} {
		for _, tc := range tests {
			t.Run(mode.name+"/"+tc.id, func(t *testing.T) {
				args := []string{"-sS", mode.flag, "--cacert", caFile,
					"-H", "authorization: " + bearer(t, f.ts.Key, f.clock.Now()),
					"-H", "apns-topic: " + tc.topic, "-H", "apns-push-type: alert",
					"--data-binary", payload, "-w", "\n%{http_code} %{http_version}",
					mode.base + "/3/device/" + tc.token}
				out, err := exec.CommandContext(t.Context(), curl, args...).CombinedOutput()
				if err != nil {
					t.Fatalf("curl: %v\n%s", err, out)
				}
				body, tail, _ := strings.Cut(string(out), "\n")
				var g got
				g.Status, g.Version, _ = strings.Cut(tail, " ")
				if body != "" {
					var eb struct{ Reason Reason }
					if err := json.Unmarshal([]byte(body), &eb); err != nil {
						t.Fatalf("body %q: %v", body, err)
					}
					g.Reason = eb.Reason
				}
				if diff := cmp.Diff(tc.want, g); diff != "" {
					t.Errorf("(-want +got)\n%s", diff)
				}
			})
		}
	}
}
