// Command loadtest serves one side of the fakeapns load comparison for
// run.sh: -mode bare is a Go HTTP/2 handler that reads the body and answers
// 200; -mode fake is fakeapns with JWT auth, validation and routing. Both
// serve TLS (ALPN h2) and h2c on loopback, print their endpoints and
// credentials as KEY=VALUE lines, then serve until SIGINT/SIGTERM, when
// they print the requests served and the heap allocations per request.
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
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

const (
	token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	topic = "com.example.load"
)

func main() {
	mode := flag.String("mode", "fake", "bare or fake")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if err := profiled(*cpuProfile, *mode); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// profiled runs the server, under the CPU profiler when file is set.
func profiled(file, mode string) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if file != "" {
		f, cerr := os.Create(file)
		if cerr != nil {
			return fmt.Errorf("cpu profile: %w", cerr)
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("cpu profile: %w", cerr)
			}
		}()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile() // before f.Close: it writes the profile's end
	}
	return run(ctx, mode)
}

func run(ctx context.Context, mode string) (err error) {
	key, err := fakeapns.GenerateSigningKey("", "")
	if err != nil {
		return err
	}
	router := fakeapns.NewMemoryRouter()
	router.Add(token, topic, fakeapns.Development)
	var served atomic.Int64
	srv, err := fakeapns.Start(ctx, fakeapns.Config{
		Router:   router,
		Keys:     []fakeapns.KeyInfo{key.Info()},
		H2CAddr:  "127.0.0.1:0",
		Observer: fakeapns.ObserverFunc(func(fakeapns.Record) { served.Add(1) }),
	})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := srv.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close: %w", cerr)
		}
	}()

	tok := key.Token()
	if _, err := tok.Generate(); err != nil {
		return fmt.Errorf("sign token: %w", err)
	}
	tlsURL, h2cURL := srv.URL(), srv.H2CURL()
	switch mode {
	case "fake":
	case "bare":
		bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			served.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
		})
		if tlsURL, h2cURL, err = serveBare(ctx, srv, bare); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown -mode %q", mode)
	}
	fmt.Printf("TLS_URL=%s\nH2C_URL=%s\nAUTH=bearer %s\nTOKEN=%s\nTOPIC=%s\nREADY=1\n", tlsURL, h2cURL, tok.Bearer, token, topic)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpuBefore, err := cpuTime()
	if err != nil {
		return err
	}
	<-ctx.Done()
	runtime.ReadMemStats(&after)
	cpuAfter, err := cpuTime()
	if err != nil {
		return err
	}
	if n := served.Load(); n > 0 {
		// CPU time per request is what a shared machine disturbs least:
		// throughput swings with other tenants, the work per request less.
		fmt.Printf("mode=%s requests=%d cpu_us_per_request=%.2f allocs_per_request=%.1f bytes_per_request=%.0f\n", mode, n,
			float64((cpuAfter-cpuBefore).Microseconds())/float64(n),
			float64(after.Mallocs-before.Mallocs)/float64(n), float64(after.TotalAlloc-before.TotalAlloc)/float64(n))
	}
	return nil
}

// serveBare serves h on new TLS and h2c listeners with fakeapns's HTTP/2
// settings, so both modes differ only in the handler.
func serveBare(ctx context.Context, srv *fakeapns.Server, h http.Handler) (string, string, error) {
	cert, err := srv.CA().IssueServerCertificate("127.0.0.1")
	if err != nil {
		return "", "", err
	}
	tlsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("listen: %w", err)
	}
	h2cLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("listen: %w", err)
	}
	mk := func(p http.Protocols) *http.Server {
		return &http.Server{Handler: h, Protocols: &p, ReadHeaderTimeout: 30 * time.Second,
			HTTP2: &http.HTTP2Config{MaxConcurrentStreams: 1000}}
	}
	var pt, pc http.Protocols
	pt.SetHTTP2(true)
	pc.SetUnencryptedHTTP2(true)
	ts, cs := mk(pt), mk(pc)
	tlsL := tls.NewListener(tlsLn, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	for _, x := range []struct {
		s *http.Server
		l net.Listener
	}{{ts, tlsL}, {cs, h2cLn}} {
		go func() {
			if err := x.s.Serve(x.l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintln(os.Stderr, "loadtest: serve:", err)
			}
		}()
	}
	context.AfterFunc(ctx, func() { _ = ts.Close(); _ = cs.Close() })
	return "https://" + tlsLn.Addr().String(), "http://" + h2cLn.Addr().String(), nil
}

// cpuTime is the process's user plus system CPU time so far.
func cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
