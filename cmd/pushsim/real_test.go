package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim"
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
	world  *sim.World
	rec    *recorder
	key    *fakeapns.SigningKey
	caFile string
	p8File string
}

func startRealTarget(t *testing.T, env fakeapns.Environment) *realTarget {
	t.Helper()
	ctx := context.Background()
	world := sim.NewWorld(sim.WorldConfig{Fleet: sim.DefaultFleet(), Clock: sim.NewVirtualClock(time.Now()), Log: sim.NewEventLog(0)})
	t.Cleanup(func() { world.Close() })
	rec := &recorder{}
	srv, err := fakeapns.Start(ctx, fakeapns.Config{
		Environment: env,
		Router:      world,
		Observer:    fakeapns.ObserverFunc(func(r fakeapns.Record) { rec.Observe(r); world.Observe(r) }),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
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
		"--token", sim.DeviceToken("ios8", sim.DefaultBundleID), "--topic", sim.DefaultBundleID}
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
	c.PushType, c.Priority, c.CollapseID, c.Expiration, c.ApnsID = "alert", 10, "lunch", 2000000000, "0a1b2c3d-0000-4000-8000-000000000001"
	prov, err := sim.NewProvider(sim.ProviderConfig{Endpoint: rt.srv.URL(), RootCAs: rt.srv.CertPool(),
		Key: rt.key.Private, KeyID: rt.key.KeyID, TeamID: rt.key.TeamID})
	if err != nil {
		t.Fatal(err)
	}
	defer prov.Close()
	if _, err := prov.Send(context.Background(), c.request(sim.DeviceToken("ios8", sim.DefaultBundleID), sim.DefaultBundleID, []byte(pollPayload))); err != nil {
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
		{"missing team id", append(dev.args("sandbox")[:10], "--token", sim.DeviceToken("ios8", sim.DefaultBundleID)), 2, nil},
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
