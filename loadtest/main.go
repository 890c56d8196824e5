// Command loadtest is the helper of loadtest/run.sh, the load-test
// measurement of "pushsim serve" (GitHub issue 18). It is never run by go
// test: performance is measured from separate processes.
//
//	loadtest bare -reply const|fresh   a bare Go HTTP/2 handler over TLS
//	loadtest auth -state-dir DIR       prints "bearer <JWT>" from pushsim.json's key
//	loadtest e2e -url URL ...          an apns2 client sending pushes, printing req/s
//	loadtest fleet-tokens -state-dir DIR -topic T
//	                                   the fleet's development tokens of app T, one per line
//
// bare answers 200 with a constant apns-id (-reply const), or with a fresh
// apns-id and apns-unique-id per request (-reply fresh), which Apple's
// protocol requires of any server (apns.md#E04, E05): the two baselines.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/serve"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadtest bare|auth|e2e|fleet-tokens [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "bare":
		err = bare(ctx, os.Args[2:])
	case "auth":
		err = auth(os.Args[2:])
	case "e2e":
		err = e2e(ctx, os.Args[2:])
	case "fleet-tokens":
		err = fleetTokens(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q (want bare, auth, e2e or fleet-tokens)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// bare serves the baseline handler until SIGTERM, printing URL=... once
// it listens.
func bare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	reply := fs.String("reply", "const", "const: one apns-id for every answer; fresh: a new apns-id and apns-unique-id each")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	const constID = "6e0b2b6c-7d3a-4a4e-9a36-2b8d7c1c5a10"
	var h http.HandlerFunc
	switch *reply {
	case "const":
		h = func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header()["Apns-Id"] = []string{constID}
			w.WriteHeader(http.StatusOK)
		}
	case "fresh":
		h = func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header()["Apns-Id"] = []string{fakeapns.NewUUID()}
			w.Header()["Apns-Unique-Id"] = []string{fakeapns.NewUUID()}
			w.WriteHeader(http.StatusOK)
		}
	default:
		return fmt.Errorf("-reply %q: want const or fresh", *reply)
	}
	ca, err := fakeapns.NewCA()
	if err != nil {
		return err
	}
	cert, err := ca.IssueServerCertificate("127.0.0.1", "localhost")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var p http.Protocols
	p.SetHTTP2(true)
	// The same HTTP/2 settings as fakeapns (apns.md#U06), so that only
	// the handler differs.
	srv := &http.Server{Handler: h, Protocols: &p, ReadHeaderTimeout: 30 * time.Second,
		HTTP2: &http.HTTP2Config{MaxConcurrentStreams: 1000}}
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
	fmt.Printf("URL=https://%s\n", ln.Addr())
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	if err := srv.Serve(tl); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// providerToken signs a provider token with the key of serve's state dir.
func providerToken(stateDir string) (*token.Token, error) {
	in, err := serve.ReadInfo(stateDir)
	if err != nil {
		return nil, err
	}
	pemBytes, err := os.ReadFile(in.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("reading the key: %w", err)
	}
	k, err := fakeapns.ParseSigningKey(pemBytes, in.TeamID, in.KeyID)
	if err != nil {
		return nil, err
	}
	t := k.Token()
	if _, err := t.Generate(); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	return t, nil
}

// auth prints the authorization header value for h2load.
func auth(args []string) error {
	fs := flag.NewFlagSet("auth", flag.ContinueOnError)
	dir := fs.String("state-dir", "", "state dir of pushsim serve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := providerToken(*dir)
	if err != nil {
		return err
	}
	fmt.Printf("bearer %s\n", t.Bearer)
	return nil
}

// e2e sends -n pushes with apns2 from -c goroutines over one client (its
// HTTP/2 connection pool) and prints REQS_PER_SEC=.
func e2e(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	url := fs.String("url", "", "server URL")
	dir := fs.String("state-dir", "", "state dir (for the key)")
	tokensFile := fs.String("tokens", "", "file of device tokens, one per line, used in turn")
	topic := fs.String("topic", "com.example.load", "apns-topic")
	n := fs.Int("n", 20000, "pushes")
	c := fs.Int("c", 100, "concurrent senders")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := providerToken(*dir)
	if err != nil {
		return err
	}
	tb, err := os.ReadFile(*tokensFile)
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	toks := strings.Fields(string(tb))
	if len(toks) == 0 {
		return fmt.Errorf("tokens: %s is empty", *tokensFile)
	}
	client := apns2.NewTokenClient(t)
	client.Host = *url
	// Loopback only, a throwaway CA: the client's cost, not its trust,
	// is measured.
	client.HTTPClient = &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}}, //nolint:gosec // loopback benchmark
		ForceAttemptHTTP2: true,
	}}
	payload := []byte(`{"aps":{"alert":{"title":"Load","body":"test"},"category":"INVITE"}}`)
	var next, ok, failed atomic.Int64
	var firstErr sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for range *c {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(*n) {
					return
				}
				res, err := client.PushWithContext(ctx, &apns2.Notification{
					DeviceToken: toks[i%int64(len(toks))], Topic: *topic, Payload: payload, PushType: apns2.PushTypeAlert,
				})
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
					firstErr.Do(func() { fmt.Fprintf(os.Stderr, "loadtest e2e: first failure: %v %+v\n", err, res) })
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("OK=%d FAILED=%d REQS_PER_SEC=%.0f\n", ok.Load(), failed.Load(), float64(ok.Load())/el.Seconds())
	if failed.Load() > 0 {
		return fmt.Errorf("%d pushes failed", failed.Load())
	}
	return nil
}

// fleetTokens prints the development tokens of app -topic on every
// device of serve's fleet (pushsim.json): the load on simulated devices
// that render, lint and log every push, not on synthetic counters.
func fleetTokens(args []string) error {
	fs := flag.NewFlagSet("fleet-tokens", flag.ContinueOnError)
	dir := fs.String("state-dir", "", "state dir of pushsim serve")
	topic := fs.String("topic", "", "bundle id of the app")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in, err := serve.ReadInfo(*dir)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range in.Devices {
		for _, a := range d.Apps {
			if a.BundleID == *topic && a.Environment == fakeapns.Development {
				fmt.Println(a.Token)
				n++
			}
		}
	}
	if n == 0 {
		return fmt.Errorf("no device of %s/pushsim.json has %s in development", *dir, *topic)
	}
	return nil
}
