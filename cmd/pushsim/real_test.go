package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// recorder keeps every Record the fake server saw.
type recorder struct {
	mu      sync.Mutex
	records []fakeapns.Record
}

func (r *recorder) Observe(rec fakeapns.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec)
}

func (r *recorder) all() []fakeapns.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]fakeapns.Record(nil), r.records...)
}

// realTarget is a fake APNs of one environment with the default fleet
// behind it, plus the files a real send is given: the CA and a .p8 key.
type realTarget struct {
	srv    *fakeapns.Server
	world  *world.World
	rec    *recorder
	key    *fakeapns.SigningKey
	caFile string
	p8File string
}

func startRealTarget(t *testing.T, env fakeapns.Environment) *realTarget {
	t.Helper()
	ctx := context.Background()
	world := world.New(world.Config{Fleet: device.DefaultFleet(), Clock: clock.NewVirtual(time.Now()), Log: world.NewEventLog(0)})
	t.Cleanup(func() {
		if err := world.Close(); err != nil {
			t.Error(err)
		}
	})
	rec := &recorder{}
	srv, err := fakeapns.Start(ctx, fakeapns.Config{
		Environment: env,
		Router:      world,
		Observer:    fakeapns.ObserverFunc(func(r fakeapns.Record) { rec.Observe(r); world.Observe(r) }),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	key, err := fakeapns.GenerateSigningKey("TEAM123456", "KEY1234567")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterKey(key.Info()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pemKey, err := key.PEM()
	if err != nil {
		t.Fatal(err)
	}
	rt := &realTarget{srv: srv, world: world, rec: rec, key: key,
		caFile: filepath.Join(dir, "ca.pem"), p8File: filepath.Join(dir, "AuthKey_KEY1234567.p8")}
	if err := os.WriteFile(rt.caFile, srv.CA().CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rt.p8File, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	return rt
}

func (rt *realTarget) args(env string, extra ...string) []string {
	args := []string{"send", "-", "--real", "--" + env, "--endpoint", rt.srv.URL(), "--ca", rt.caFile,
		"--key", rt.p8File, "--team-id", "TEAM123456",
		"--token", device.DeviceToken("ios8", device.DefaultBundleID), "--topic", device.DefaultBundleID}
	return append(args, extra...)
}

// wire is what must be identical between a simulated and a real send: every
// header but the JWT (ECDSA signatures are randomised) and the body.
func wire(r fakeapns.Record) (http.Header, string) {
	h := r.Header.Clone()
	h.Del("Authorization")
	return h, string(r.Payload)
}

func TestRealSendIsByteIdenticalToSimSend(t *testing.T) {
	rt := startRealTarget(t, fakeapns.Development)
	flags := []string{"--push-type", "alert", "--priority", "10", "--collapse-id", "lunch",
		"--expiration", "2000000000", "--apns-id", "0a1b2c3d-0000-4000-8000-000000000001"}

	code, out, errOut := runCLI(t, pollPayload, rt.args("sandbox", flags...)...)
	if code != 0 {
		t.Fatalf("real send: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "status          200") {
		t.Errorf("real send output lacks the status:\n%s", out)
	}

	// The simulated path: the Request the same flags build, through the
	// harness's Provider type with the same key.
	var c sendCmd
	exp := int64(2000000000)
	c.PushType, c.Priority, c.CollapseID, c.Expiration, c.ApnsID = "alert", 10, "lunch", &exp, "0a1b2c3d-0000-4000-8000-000000000001"
	prov, err := provider.New(provider.Config{Endpoint: rt.srv.URL(), RootCAs: rt.srv.CertPool(),
		Key: rt.key.Private, KeyID: rt.key.KeyID, TeamID: rt.key.TeamID})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := prov.Close(); err != nil {
			t.Error(err)
		}
	}()
	if _, err := prov.Send(context.Background(), c.request(device.DeviceToken("ios8", device.DefaultBundleID), device.DefaultBundleID, []byte(pollPayload))); err != nil {
		t.Fatal(err)
	}

	recs := rt.rec.all()
	if len(recs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(recs))
	}
	realH, realBody := wire(recs[0])
	simH, simBody := wire(recs[1])
	if diff := cmp.Diff(simH, realH); diff != "" {
		t.Errorf("headers differ between sim and real (-sim +real):\n%s", diff)
	}
	if realBody != simBody || realBody != pollPayload {
		t.Errorf("bodies differ: sim %q, real %q", simBody, realBody)
	}
}

func TestRealSendExplainsClassicMistakes(t *testing.T) {
	prod := startRealTarget(t, fakeapns.Production)
	dev := startRealTarget(t, fakeapns.Development)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"sandbox token sent to production", prod.args("production", "--yes"), 1,
			[]string{"status          400", "reason          BadDeviceToken", "probably a sandbox token"}},
		{"token of another app", dev.args("sandbox", "--topic", "com.other.app"), 1,
			[]string{"DeviceTokenNotForTopic", "bundle id of the app that registered this token"}},
		{"production without --yes and no terminal", prod.args("production"), 2, nil},
		{"malformed token", dev.args("sandbox", "--token", "xyz"), 2, nil},
		{"missing team id", append(dev.args("sandbox")[:10], "--token", device.DeviceToken("ios8", device.DefaultBundleID)), 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, pollPayload, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out+errOut, "PRIVATE KEY") || strings.Contains(out+errOut, "eyJ") {
				t.Errorf("a secret leaked into the output:\n%s%s", out, errOut)
			}
		})
	}
}

// writeCertPair writes a client certificate the fake issued, as PEM files.
func writeCertPair(t *testing.T, rt *realTarget, topic string, env fakeapns.Environment) (certFile, keyFile string) {
	t.Helper()
	cert, err := rt.srv.IssueClientCertificate(topic, env)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestRealSendWithCertificate(t *testing.T) {
	dev := startRealTarget(t, fakeapns.Development)
	base := []string{"send", "-", "--real", "--sandbox", "--endpoint", dev.srv.URL(), "--ca", dev.caFile,
		"--token", device.DeviceToken("ios8", device.DefaultBundleID), "--topic", device.DefaultBundleID}

	good, goodKey := writeCertPair(t, dev, device.DefaultBundleID, fakeapns.Development)
	code, out, errOut := runCLI(t, pollPayload, append(base, "--cert", good, "--cert-key", goodKey)...)
	if code != 0 || !strings.Contains(out, "status          200") {
		t.Fatalf("certificate send: exit %d\n%s%s", code, out, errOut)
	}

	// A certificate for the other environment: Apple's 403 and an explanation (apns.md#E31).
	prod, prodKey := writeCertPair(t, dev, device.DefaultBundleID, fakeapns.Production)
	code, out, _ = runCLI(t, pollPayload, append(base, "--cert", prod, "--cert-key", prodKey)...)
	if code != 1 || !strings.Contains(out, "BadCertificateEnvironment") || !strings.Contains(out, "other environment") {
		t.Errorf("wrong-environment certificate: exit %d\n%s", code, out)
	}

	// A certificate for another app's topic (apns.md#A12, U04).
	other, otherKey := writeCertPair(t, dev, "com.other.app", fakeapns.Development)
	code, out, _ = runCLI(t, pollPayload, append(base, "--cert", other, "--cert-key", otherKey)...)
	if code != 1 || !strings.Contains(out, "TopicDisallowed") {
		t.Errorf("wrong-topic certificate: exit %d\n%s", code, out)
	}
}

func TestRealSendProfileAndEnvironment(t *testing.T) {
	dev := startRealTarget(t, fakeapns.Development)
	dir := t.TempDir()
	profile := filepath.Join(dir, "dev.json")
	body := `{"environment":"sandbox","topic":"` + device.DefaultBundleID + `","token":"` + device.DeviceToken("ios8", device.DefaultBundleID) +
		`","key":"` + dev.p8File + `","team_id":"TEAM123456","endpoint":"` + dev.srv.URL() + `","ca":"` + dev.caFile + `"}`
	if err := os.WriteFile(profile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, pollPayload, "send", "-", "--real", "--profile", profile)
	if code != 0 || !strings.Contains(out, "status          200") {
		t.Fatalf("profile send: exit %d\n%s%s", code, out, errOut)
	}
	// By name, from the user's config dir (as the README says).
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	named := filepath.Join(config, "pushsim", "profiles", "dev.json")
	if err := os.MkdirAll(filepath.Dir(named), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(named, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, pollPayload, "send", "-", "--real", "--profile", "dev")
	if code != 0 || !strings.Contains(out, "status          200") {
		t.Fatalf("profile by name: exit %d\n%s%s", code, out, errOut)
	}
	// A flag wins over the profile: a wrong team id from the flag is used.
	code, _, errOut = runCLI(t, pollPayload, "send", "-", "--real", "--profile", profile, "--team-id", "bad")
	if code != 2 || !strings.Contains(errOut, "--team-id") {
		t.Errorf("flag over profile: exit %d, stderr %q", code, errOut)
	}
	// The environment twin is read when the flag is absent.
	t.Setenv("PUSHSIM_TEAM_ID", "ALSOBAD")
	code, _, errOut = runCLI(t, pollPayload, "send", "-", "--real", "--profile", profile)
	if code != 2 || !strings.Contains(errOut, `"ALSOBAD"`) {
		t.Errorf("environment over profile: exit %d, stderr %q", code, errOut)
	}
}

func TestRealSendBadCredentials(t *testing.T) {
	dev := startRealTarget(t, fakeapns.Development)
	dir := t.TempDir()
	notKey := filepath.Join(dir, "AuthKey_ABCDE12345.p8")
	if err := os.WriteFile(notKey, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := func(extra ...string) []string {
		return append([]string{"send", "-", "--real", "--sandbox", "--endpoint", dev.srv.URL(), "--ca", dev.caFile,
			"--token", device.DeviceToken("ios8", device.DefaultBundleID), "--topic", device.DefaultBundleID}, extra...)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing key file", base("--key", filepath.Join(dir, "nope.p8"), "--team-id", "TEAM123456"), "nope.p8: no such file"},
		{"not a p8", base("--key", notKey, "--team-id", "TEAM123456"), "not a PEM file"},
		{"wrong p12 password", base("--cert", dev.caFile), "not a readable PKCS#12"},
		{"no credentials", base(), "none given"},
		{"no environment", []string{"send", "-", "--real", "--token", device.DeviceToken("ios8", device.DefaultBundleID)}, "--sandbox or --production"},
		{"sim flags with --real", base("--tap", "OK"), "for the simulator"},
		{"unreachable endpoint", []string{"send", "-", "--real", "--sandbox", "--endpoint", "https://127.0.0.1:1", "--key", dev.p8File,
			"--team-id", "TEAM123456", "--token", device.DeviceToken("ios8", device.DefaultBundleID), "--topic", "x"}, "is the network up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, pollPayload, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.want)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("want one line on stderr, got:\n%s", errOut)
			}
		})
	}
}
