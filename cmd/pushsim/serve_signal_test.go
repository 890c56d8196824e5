package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
)

// TestServeSignal runs "pushsim serve" as a process, sends through it,
// then stops it with SIGTERM: exit status 0, the record file flushed and
// the --cpu-profile written whole.
func TestServeSignal(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "events.jsonl")
	profile := filepath.Join(dir, "cpu.pprof")
	cmd := exec.Command(pushsimCommand(t),
		"serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state"), "--record", record,
		"--cpu-profile", profile)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }() // in case the test fails before SIGTERM
	lines := bufio.NewScanner(stderr)
	var banner []string
	for lines.Scan() {
		banner = append(banner, lines.Text())
		if strings.Contains(lines.Text(), "Ctrl-C stops.") {
			break
		}
	}
	info, err := serve.ReadInfo(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatalf("%v; stderr so far:\n%s", err, strings.Join(banner, "\n"))
	}
	send(t, info)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	if err := cmd.Wait(); err != nil { // an *exec.ExitError for a status other than 0
		t.Fatalf("after SIGTERM: %v\n%s", err, strings.Join(rest, "\n"))
	}
	events, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(events), `"kind":"request"`) || !strings.Contains(string(events), `"kind":"delivered"`) {
		t.Errorf("record file after SIGTERM:\n%s", events)
	}
	// A CPU profile is a gzipped protocol buffer; a truncated one (the
	// profile not stopped before exit) fails to decompress.
	f, err := os.Open(profile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("--cpu-profile: %v", err)
	}
	if n, err := io.Copy(io.Discard, zr); err != nil || n == 0 {
		t.Errorf("--cpu-profile: %d bytes, %v", n, err)
	}
}

// send posts one notification with apns2 and the written credentials.
func send(t *testing.T, info serve.Info) {
	t.Helper()
	key, err := provider.LoadAuthKey(info.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := caPool(t, info)
	p, err := provider.New(provider.Config{Endpoint: info.APNsURL, RootCAs: roots, Key: key.Private, KeyID: info.KeyID, TeamID: info.TeamID})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}()
	if len(info.Devices) == 0 || len(info.Devices[0].Apps) == 0 {
		t.Fatalf("pushsim.json lists no device with an app: %+v", info.Devices)
	}
	res, err := p.Send(context.Background(), provider.Request{Token: info.Devices[0].Apps[0].Token, Topic: info.Devices[0].Apps[0].BundleID,
		Payload: []byte(`{"aps":{"alert":"before the signal"}}`)})
	if err != nil || !res.Sent() {
		t.Fatalf("send: %+v, %v", res, err)
	}
}

// TestServeSignalCutsStalledStream: SIGTERM while a stream's body never
// comes: GOAWAY, the --drain passes, the stream is cut, the log says how
// many, and the exit status is still 0 as the README promises.
func TestServeSignalCutsStalledStream(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(pushsimCommand(t),
		"serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state"),
		"--drain", "300ms", "--read-timeout", "1h")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	lines := bufio.NewScanner(stderr)
	for lines.Scan() && !strings.Contains(lines.Text(), "Ctrl-C stops.") {
	}
	info := readInfo(t, filepath.Join(dir, "state"))
	roots := caPool(t, info)
	cc := info.ClientCertificates["development"]
	cert, err := tls.LoadX509KeyPair(cc.CertFile, cc.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("POST", info.APNsURL+"/3/device/"+info.Devices[0].Apps[0].Token, pr)
	req.Header.Set("apns-topic", info.Devices[0].Apps[0].BundleID)
	// Once the stalled request's HEADERS are written, a request sent after
	// it on the same connection is answered only after the server has
	// taken the stalled stream in.
	wrote := make(chan struct{})
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{WroteHeaders: func() { close(wrote) }}))
	go func() {
		if res, err := (&http.Client{Transport: tr}).Do(req); err == nil {
			res.Body.Close()
		}
	}()
	<-wrote
	waitStreamOpen(t, tr, info)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM with a stalled stream: %v\n%s", err, strings.Join(rest, "\n"))
	}
	if out := strings.Join(rest, "\n"); !strings.Contains(out, "1 stream was still running after the 300ms drain and was cut") {
		t.Errorf("stderr after SIGTERM:\n%s", out)
	}
}

// waitStreamOpen sends a complete request on the client connection of
// the stalled one: once it is answered, the stalled stream (opened first
// on that connection) is on the server too.
func waitStreamOpen(t *testing.T, tr *http.Transport, info serve.Info) {
	t.Helper()
	req, _ := http.NewRequest("POST", info.APNsURL+"/3/device/"+info.Devices[0].Apps[0].Token, strings.NewReader(`{"aps":{"alert":"x"}}`))
	req.Header.Set("apns-topic", info.Devices[0].Apps[0].BundleID)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			res.Body.Close()
			return
		}
	}
	t.Fatal("the server did not answer")
}

// caPool is the pool of the CA serve wrote (info.CAFile), as a client
// configures its trust.
func caPool(t *testing.T, info serve.Info) *x509.CertPool {
	t.Helper()
	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("%s holds no certificate", info.CAFile)
	}
	return roots
}
