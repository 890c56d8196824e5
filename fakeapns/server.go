package fakeapns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sideshow/apns2"
)

// Server is one fake APNs environment: a TLS HTTP/2 listener, optionally
// an h2c one, and the provider-API handler behind both.
type Server struct {
	cfg      Config
	ca       *CA
	caPool   *x509.CertPool
	router   Router
	observer Observer
	faults   *Faults
	parser   *jwt.Parser
	cache    tokenCache
	rate     rateLimiter
	errorLog *log.Logger

	keysMu sync.RWMutex
	keys   map[string]KeyInfo

	tlsSrv, h2cSrv *http.Server
	tlsLn, h2cLn   net.Listener
	serveWG        sync.WaitGroup
	stopWatch      func() bool

	// inflight counts requests being handled; cut is how many were still
	// running when a drain ran out and the connections were closed.
	inflight atomic.Int64
	cut      atomic.Int64
	// conns is every open connection with its last state, so that Close
	// can end each one the moment it has no stream left (see Close).
	connsMu sync.Mutex
	conns   map[*frameConn]http.ConnState
	closing bool
	// connIDs numbers connections; openConns counts them against
	// Config.MaxConnections; refuseWG waits for refusals in progress.
	connIDs atomic.Uint64
	// shuttingDown tells the frame layer that the server's GOAWAYs are
	// those of a shutdown (apns.md#T11).
	shuttingDown atomic.Bool
	openConns    atomic.Int64
	refuseWG     sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// newServer builds a server without listening: enough for Handler().
func newServer(cfg Config) (*Server, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		ca:       cfg.CA,
		router:   cfg.Router,
		observer: cfg.Observer,
		faults:   newFaults(cfg.FaultSeed),
		parser:   newJWTParser(),
		cache:    tokenCache{max: cfg.TokenCacheSize},
		rate:     rateLimiter{limit: cfg.RateLimit},
		keys:     make(map[string]KeyInfo),
		conns:    make(map[*frameConn]http.ConnState),
		errorLog: cfg.ErrorLog,
	}
	if s.errorLog == nil {
		s.errorLog = log.New(io.Discard, "", 0)
	}
	if s.router == nil {
		s.router = NewMemoryRouter()
	}
	if s.ca == nil {
		if s.ca, err = NewCA(); err != nil {
			return nil, err
		}
	}
	s.caPool = s.ca.CertPool()
	for _, k := range cfg.Keys {
		if err := s.RegisterKey(k); err != nil {
			return nil, err
		}
	}
	for _, f := range cfg.Faults {
		if _, err := s.faults.Add(f); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Start listens on loopback (or the given listener) and serves until ctx
// is cancelled or Close is called; both stop gracefully (GOAWAY, in-flight
// requests finish). It returns once the listeners accept connections.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	cert, err := s.ca.IssueServerCertificate(append([]string{"127.0.0.1", "::1", "localhost"}, s.cfg.Hosts...)...)
	if err != nil {
		return nil, err
	}
	tlsCfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		// apns.md#T04: only h2 is advertised. A client offering only
		// http/1.1 still connects (crypto/tls falls back to no ALPN) and
		// gets a clear 505 from refuseHTTP1.
		NextProtos: []string{"h2"},
		MinVersion: tls.VersionTLS12, // apns.md#T03
		// Any certificate is requested and judged per request, so that a
		// bad one gets BadCertificate (apns.md#E30) rather than a failed
		// handshake.
		ClientAuth: tls.RequestClientCert,
	}
	raw := s.cfg.Listener
	if raw == nil {
		if raw, err = net.Listen("tcp", s.cfg.Addr); err != nil {
			return nil, fmt.Errorf("fakeapns: listen %s: %w", s.cfg.Addr, err)
		}
	}
	// TLS is terminated in frameListener, not by net/http, so that the
	// frame layer sees plaintext HTTP/2 on both listeners; net/http then
	// serves both alike, HTTP/2 with prior knowledge (a TLS client that
	// negotiated h2 starts with the preface too).
	s.tlsLn = &frameListener{Listener: raw, tlsCfg: tlsCfg, s: s}
	s.tlsSrv = s.httpServer()
	if s.cfg.noFrameLayer {
		s.tlsLn = tls.NewListener(raw, tlsCfg)
		s.tlsSrv.Protocols.SetHTTP2(true)
	}
	if s.cfg.H2CAddr != "" {
		ln, err := net.Listen("tcp", s.cfg.H2CAddr)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("fakeapns: listen h2c %s: %w", s.cfg.H2CAddr, err), raw.Close())
		}
		s.h2cLn = &frameListener{Listener: ln, s: s}
		if s.cfg.noFrameLayer {
			s.h2cLn = ln
		}
		s.h2cSrv = s.httpServer()
	}
	s.serve(s.tlsSrv, s.tlsLn)
	if s.h2cSrv != nil {
		s.serve(s.h2cSrv, s.h2cLn)
	}
	s.stopWatch = context.AfterFunc(ctx, func() { _ = s.Close() })
	return s, nil
}

func (s *Server) httpServer() *http.Server {
	var p http.Protocols
	p.SetHTTP1(true)            // only to answer HTTP/1.1 with a clear refusal
	p.SetUnencryptedHTTP2(true) // apns.md#T04: over TLS (terminated before), or h2c
	return &http.Server{
		Handler:           s,
		Protocols:         &p,
		ConnContext:       connContext,
		ConnState:         s.trackConn,
		IdleTimeout:       s.cfg.IdleTimeout, // apns.md#U04; 0 = never
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          s.errorLog,
		HTTP2: &http.HTTP2Config{
			// The frame layer advertises less than this for apns.md#U06.
			MaxConcurrentStreams: s.cfg.MaxConcurrentStreams,
			// No dynamic table in the server's HPACK encoder (1 byte fits no
			// entry; 0 would mean the default), so that the frame layer can
			// decode, drop or rewrite any response HEADERS on its own.
			MaxEncoderHeaderTableSize: 1,
		},
	}
}

func (s *Server) serve(srv *http.Server, ln net.Listener) {
	s.serveWG.Add(1)
	go func() {
		defer s.serveWG.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("fakeapns: serve %s: %v", ln.Addr(), err)
		}
	}()
}

func (s *Server) logf(format string, args ...any) { s.errorLog.Printf(format, args...) }

// Close stops the server and returns once every connection is closed:
// it stops accepting, sends GOAWAY on every connection, closes idle
// connections at once and busy ones the moment their last in-flight
// request is answered (apns.md#T11: in-flight requests finish, new ones go
// elsewhere), cutting whatever is left after Config.ShutdownTimeout. No
// client cooperation is needed: net/http alone would keep an HTTP/2
// connection open for a further second after GOAWAY, waiting for the
// client to hang up. Close is idempotent and safe to call concurrently.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWatch != nil {
			s.stopWatch()
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		s.connsMu.Lock()
		s.closing = true
		s.connsMu.Unlock()
		s.shuttingDown.Store(true) // GOAWAY debug data from now on: Shutdown
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, srv := range []*http.Server{s.tlsSrv, s.h2cSrv} {
			if srv == nil {
				continue
			}
			wg.Go(func() {
				if err := srv.Shutdown(ctx); err != nil {
					// Draining took too long: cut the remaining connections.
					s.cut.Store(s.inflight.Load()) // still running when the drain ran out
					errs[i] = errors.Join(fmt.Errorf("fakeapns: shutdown: %w", err), srv.Close())
				}
			})
		}
		// Shutdown has sent GOAWAY (or will in a moment, on each
		// connection's own goroutine); connections idle now are closed
		// here, the others by trackConn when they become idle.
		s.closeIdle()
		wg.Wait()
		s.serveWG.Wait()
		s.refuseWG.Wait()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// InFlight is the number of requests being handled now.
func (s *Server) InFlight() int { return int(s.inflight.Load()) }

// Cut is, after Close, the number of requests (streams) still in flight
// when the drain ran out and the connections were closed; 0 when every
// request finished in time.
func (s *Server) Cut() int {
	return int(s.cut.Load())
}

// trackConn is the servers' ConnState hook. HTTP/2 connections report
// StateIdle whenever their last stream ends; once closing, that is the
// moment to close them.
func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	if k := s.cfg.Counters; k != nil {
		k.connState(c, st) // metrics (GitHub issue 18)
	}
	fc := asFrameConn(c)
	if fc == nil {
		return // not from our listeners
	}
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, fc)
		return
	}
	s.conns[fc] = st
	fc.idle.Store(st == http.StateIdle)
	if st == http.StateIdle && (s.closing || fc.goingAway.Load()) {
		fc.closeWhenFlushed()
	}
}

// closeIdle closes the connections that have no request in flight,
// including new ones still in their TLS handshake, which net/http would
// otherwise wait 5 s for.
func (s *Server) closeIdle() {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	for c, st := range s.conns {
		switch {
		case st == http.StateIdle:
			c.closeWhenFlushed() // after its GOAWAY
		case st == http.StateNew && !c.h2.Load():
			closeConnAsync(c) // no request yet: nothing to lose
		}
	}
}

// closeConnAsync closes c on a goroutine of its own: a TLS close writes an
// alert and may wait for a write in progress, which must not hold up the
// connection's own goroutine (the ConnState hook runs on it). The error
// is of no use: the peer may already have gone, and the server is closing.
func closeConnAsync(c net.Conn) {
	go func() { _ = c.Close() }()
}

// URL is the TLS endpoint, "https://127.0.0.1:PORT"; "" for a server that
// was not started.
func (s *Server) URL() string {
	if s.tlsLn == nil {
		return ""
	}
	return "https://" + s.tlsLn.Addr().String()
}

// H2CURL is the cleartext HTTP/2 endpoint, "http://127.0.0.1:PORT", or ""
// without one.
func (s *Server) H2CURL() string {
	if s.h2cLn == nil {
		return ""
	}
	return "http://" + s.h2cLn.Addr().String()
}

// Environment is the environment the server stands for.
func (s *Server) Environment() Environment { return s.cfg.Environment }

// CA is the server's certificate authority.
func (s *Server) CA() *CA { return s.ca }

// CertPool trusts the server's certificate (a fresh copy).
func (s *Server) CertPool() *x509.CertPool { return s.ca.CertPool() }

// ClientTLSConfig trusts the server and offers ALPN h2, for an HTTP/2
// client; add Certificates for certificate auth.
func (s *Server) ClientTLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.ca.CertPool(), NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12}
}

// IssueClientCertificate signs a provider certificate for topic, valid in
// envs (both when none are given), the way Apple issues push certificates
// (apns.md#A12, A13). Use ca.IssueClientCertificate for multi-topic ones.
func (s *Server) IssueClientCertificate(topic string, envs ...Environment) (tls.Certificate, error) {
	return s.ca.IssueClientCertificate(ClientCertSpec{Topic: topic, Environments: envs})
}

// APNS2Client is an apns2 token client signing with key, pointed at URL()
// and trusting the server. apns2's package variables are left alone: the
// client gets its own HTTP/2 transport.
func (s *Server) APNS2Client(key *SigningKey) *apns2.Client {
	c := apns2.NewTokenClient(key.Token())
	c.Host = s.URL()
	c.HTTPClient = &http.Client{Transport: newH2Transport(s.ClientTLSConfig())}
	return c
}

// Faults is the server's fault-rule set, changeable at runtime.
func (s *Server) Faults() *Faults { return s.faults }

// Router is the server's router (a *MemoryRouter unless Config.Router was
// set).
func (s *Server) Router() Router { return s.router }

// Handler is the provider-API handler for in-process use. Without the
// server's listeners there is no connection identity, so the per-connection
// rules (apns.md#A05, A08, A09) do not apply, and r.TLS decides certificate
// auth.
func (s *Server) Handler() http.Handler { return s }

// NewHandler builds a provider-API handler without listeners (Addr,
// Listener and H2CAddr are ignored), for in-process use.
func NewHandler(cfg Config) (*Server, error) { return newServer(cfg) }
