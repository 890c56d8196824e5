package main

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/synthetic"
	"github.com/pushsim/pushsim/sim/testtool"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestHAProxyTwoReplicas runs the shipped loadtest/haproxy.cfg in front of
// two replicas started from one state directory: a backend that knows only
// the state dir's files reaches both through the balancer, with the same
// synthetic tokens, credentials and CA.
func TestHAProxyTwoReplicas(t *testing.T) {
	haproxy := testtool.Need(t, "haproxy")
	dir := t.TempDir()
	seed, err := synthetic.LoadSeed(dir)
	if err != nil {
		t.Fatal(err)
	}
	var replicas [2]*serve.Server
	for i := range replicas {
		f, err := synthetic.New(synthetic.Config{Seed: seed, Devices: 1000})
		if err != nil {
			t.Fatal(err)
		}
		s, err := serve.Start(context.Background(), serve.Config{
			Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: dir, Synthetic: f,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		replicas[i] = s
	}
	lbDev, lbProd := freeAddr(t), freeAddr(t)
	hostport := func(u string) string { return u[len("https://"):] }
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, haproxy, "-db", "-f", "haproxy.cfg")
	cmd.Env = append(os.Environ(),
		"PUSHSIM_LB_DEV="+lbDev, "PUSHSIM_LB_PROD="+lbProd,
		"PUSHSIM_R1_DEV="+hostport(replicas[0].Development.URL()), "PUSHSIM_R2_DEV="+hostport(replicas[1].Development.URL()),
		"PUSHSIM_R1_PROD="+hostport(replicas[0].Production.URL()), "PUSHSIM_R2_PROD="+hostport(replicas[1].Production.URL()),
	)
	out := &testtool.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy output:\n%s", out.String())
		}
	})
	waitListening(t, lbDev)

	// The backend's view: pushsim.json's key and CA, the balancer's address.
	info := readInfo(t, dir)
	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	key, err := provider.LoadAuthKey(info.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	// Four providers = four connections: leastconn spreads them.
	for i := range 4 {
		p, err := provider.New(provider.Config{Endpoint: "https://" + lbDev, RootCAs: roots, Key: key.Private, KeyID: info.KeyID, TeamID: info.TeamID})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		for j := range 5 {
			tok := seed.Token(fakeapns.Development, uint32(i*5+j))
			res, err := p.Send(context.Background(), provider.Request{Token: tok, Topic: "com.example.lb", Payload: []byte(`{"aps":{"alert":"hi"}}`)})
			if err != nil {
				t.Fatalf("push %d through haproxy: %v", i*5+j, err)
			}
			if res.Status != http.StatusOK {
				t.Errorf("push %d through haproxy: %+v, want 200", i*5+j, res)
			}
		}
	}
	var total uint64
	for i, r := range replicas {
		n := r.Metrics.Snapshot().Requests
		if n == 0 {
			t.Errorf("replica %d served no request: the balancer did not spread connections", i+1)
		}
		total += n
	}
	if total != 20 {
		t.Errorf("replicas counted %d requests, want 20", total)
	}
}

// TestPrometheusConfigParses: the shipped scrape config and rules are YAML
// of the expected shape (promtool is not in Debian's base).
func TestPrometheusConfigParses(t *testing.T) {
	for _, f := range []string{"prometheus.yml", "pushsim-rules.yml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := yaml.Unmarshal(b, &v); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if len(v) == 0 {
			t.Errorf("%s is empty", f)
		}
	}
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("haproxy never listened on %s", addr)
}

func readInfo(t *testing.T, dir string) serve.Info {
	t.Helper()
	info, err := serve.ReadInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
