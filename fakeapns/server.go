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
	s.tlsLn = tls.NewListener(raw, tlsCfg)
	var p http.Protocols
	p.SetHTTP1(true) // only to answer HTTP/1.1 with a clear refusal
	p.SetHTTP2(true)
	s.tlsSrv = s.httpServer(p)

	if s.cfg.H2CAddr != "" {
		if s.h2cLn, err = net.Listen("tcp", s.cfg.H2CAddr); err != nil {
			_ = s.tlsLn.Close()
			return nil, fmt.Errorf("fakeapns: listen h2c %s: %w", s.cfg.H2CAddr, err)
		}
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true) // apns.md#T04: prior knowledge
		s.h2cSrv = s.httpServer(p)
	}
	s.serve(s.tlsSrv, s.tlsLn)
	if s.h2cSrv != nil {
		s.serve(s.h2cSrv, s.h2cLn)
	}
	s.stopWatch = context.AfterFunc(ctx, func() { _ = s.Close() })
	return s, nil
}

func (s *Server) httpServer(p http.Protocols) *http.Server {
	srv := &http.Server{
		Handler:           s,
		Protocols:         &p,
		ConnContext:       connContext,
		IdleTimeout:       s.cfg.IdleTimeout, // apns.md#U04; 0 = never
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          s.errorLog,
		HTTP2: &http.HTTP2Config{
			// apns.md#U06 wants 1 stream until the first valid token, then
			// more; net/http cannot change SETTINGS mid-connection, so the
			// configured value applies from the start.
			MaxConcurrentStreams: s.cfg.MaxConcurrentStreams,
		},
	}
	if s.cfg.Counters != nil {
		srv.ConnState = s.cfg.Counters.connState
	}
	return srv
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

// Close stops the server: GOAWAY on every connection, in-flight requests
// finish (up to Config.ShutdownTimeout), then everything closes. It is
// idempotent and safe to call concurrently.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWatch != nil {
			s.stopWatch()
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		var errs []error
		for _, srv := range []*http.Server{s.tlsSrv, s.h2cSrv} {
			if srv == nil {
				continue
			}
			if err := srv.Shutdown(ctx); err != nil {
				// Draining took too long: cut the remaining connections.
				errs = append(errs, fmt.Errorf("fakeapns: shutdown: %w", err), srv.Close())
			}
		}
		s.serveWG.Wait()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
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
