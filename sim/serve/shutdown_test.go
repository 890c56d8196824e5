package serve_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
)

// certClient is an HTTP/2 client with the development client certificate
// and the CA of the state directory, as a backend would build it.
func certClient(t testing.TB, s *serve.Server) *http.Client {
	t.Helper()
	caPEM, err := os.ReadFile(s.Info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	cert := s.State.Certs[fakeapns.Development].Cert
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// stalledPush starts a push whose body never comes: the HEADERS frame goes
// out, the DATA never does. It returns the channel of its outcome and the
// writer that would finish the body.
func stalledPush(t testing.TB, c *http.Client, s *serve.Server) (<-chan *stalledResult, *io.PipeWriter) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", s.Info.APNsURL+"/3/device/"+s.Info.Devices[0].Apps[0].Token, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("apns-topic", device.DefaultBundleID)
	out := make(chan *stalledResult, 1)
	go func() {
		res, err := c.Do(req)
		if err != nil {
			out <- nil
			return
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		out <- &stalledResult{res.StatusCode, string(body)}
	}()
	return out, pw
}

// stalledResult is the answer to a stalled push.
type stalledResult struct {
	StatusCode int
	Body       string
}

// TestReadTimeout: a stream whose body never arrives is answered once the
// read timeout passes (what arrived, nothing, is judged: PayloadEmpty,
// apns.md#E22 and #U70), instead of being held forever.
func TestReadTimeout(t *testing.T) {
	s := start(t, t.TempDir(), func(c *serve.Config) { c.ReadTimeout = 200 * time.Millisecond })
	out, pw := stalledPush(t, certClient(t, s), s)
	defer pw.Close()
	select {
	case res := <-out:
		if res == nil || res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "PayloadEmpty") {
			t.Fatalf("stalled body: %+v, want 400 PayloadEmpty", res)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a stream without a body was held for 20 s with a read timeout of 200 ms")
	}
}

// TestShutdownCutsAfterDrain: Close sends GOAWAY, waits the drain for the
// stalled stream, cuts it, counts it, and is not an error.
func TestShutdownCutsAfterDrain(t *testing.T) {
	s, err := serve.Start(context.Background(), serve.Config{
		Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: t.TempDir(),
		ShutdownTimeout: 300 * time.Millisecond, ReadTimeout: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := certClient(t, s)
	// One request completes first, so the connection is up and idle
	// requests are not what is counted.
	p := providerFromFiles(t, readInfo(t, s.State.Dir), s.Info.APNsURL)
	if res, err := p.Send(context.Background(), provider.Request{Token: s.Info.Devices[0].Apps[0].Token, Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"hi"}}`)}); err != nil || !res.Sent() {
		t.Fatalf("send: %+v %v", res, err)
	}
	out, pw := stalledPush(t, c, s)
	defer pw.Close()
	waitInFlight(t, s)
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatalf("Close after a drain that ran out: %v (cutting is the documented behaviour, not an error)", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Close took %s with a 300ms drain", took)
	}
	if got := s.Stopped().Cut; got != 1 {
		t.Errorf("Stopped().Cut = %d, want 1", got)
	}
	if res := <-out; res != nil {
		t.Errorf("the stalled stream got an answer %d; want it cut", res.StatusCode)
	}
}

// waitInFlight waits until the stalled request has reached the handler:
// its headers are on the server, its body is not.
func waitInFlight(t testing.TB, s *serve.Server) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if s.Development.InFlight() > 0 {
			return
		}
	}
	t.Fatal("the stalled request never reached the server")
}

// TestAPINeedsTokenBeyondLoopback: an API on every interface without a
// token is refused before anything serves.
func TestAPINeedsTokenBeyondLoopback(t *testing.T) {
	_, err := serve.Start(context.Background(), serve.Config{Listen: "127.0.0.1:0", API: "0.0.0.0:0", StateDir: t.TempDir()})
	var need *serve.NeedTokenError
	if err == nil || !strings.Contains(err.Error(), "--api-token") {
		t.Fatalf("Start with --api 0.0.0.0:0 and no token: %v", err)
	}
	if !errors.As(err, &need) {
		t.Errorf("error %T is not a *serve.NeedTokenError", err)
	}
	s := start(t, t.TempDir(), func(c *serve.Config) { c.API = "0.0.0.0:0"; c.APIToken = "t0ken" })
	port := s.Info.APIURL[strings.LastIndex(s.Info.APIURL, ":"):]
	req, _ := http.NewRequest("GET", "http://127.0.0.1"+port+"/api/v1/devices", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", res.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer t0ken")
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("with the token: %d, want 200", res.StatusCode)
	}
}
