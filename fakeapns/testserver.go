package fakeapns

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"sync"

	"github.com/sideshow/apns2"
)

// TB is the part of testing.TB a TestServer uses; *testing.T and
// *testing.B satisfy it. It is an interface of its own so that package
// fakeapns does not import testing (which would register the test flags in
// every binary that links it).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Cleanup(func())
}

// TestServer is a Server for Go tests, like net/http/httptest.Server: it
// listens on a random loopback port, has a registered signing Key, and is
// closed by t.Cleanup.
type TestServer struct {
	*Server
	// Key is registered with the server; Client signs with it.
	Key *SigningKey

	t          TB // nil: failures panic, as httptest's do
	mu         sync.Mutex
	transports []*http.Transport
}

// NewServer starts a TestServer configured by cfg (at most one; none means
// the zero Config: a Development server with an empty MemoryRouter). A
// signing key is generated and added to cfg.Keys.
//
// With t set, a failure fails the test and t.Cleanup closes the server.
// With t nil, as in an Example or a main function, a failure panics and
// the caller closes the server, exactly like httptest.NewServer.
func NewServer(t TB, cfg ...Config) *TestServer {
	if t != nil {
		t.Helper()
	}
	ts, err := newTestServer(cfg)
	if err != nil {
		if t == nil {
			panic(fmt.Sprintf("fakeapns.NewServer: %v", err))
		}
		t.Fatalf("fakeapns.NewServer: %v", err)
		return nil // t.Fatalf does not return; a TB that does gets nil
	}
	ts.t = t
	if t != nil {
		t.Cleanup(func() {
			if err := ts.Close(); err != nil {
				t.Errorf("fakeapns: close test server: %v", err)
			}
		})
	}
	return ts
}

func newTestServer(cfgs []Config) (*TestServer, error) {
	var cfg Config
	switch len(cfgs) {
	case 0:
	case 1:
		cfg = cfgs[0]
	default:
		return nil, fmt.Errorf("%d Configs given, want at most one", len(cfgs))
	}
	key, err := GenerateSigningKey("", "")
	if err != nil {
		return nil, err
	}
	cfg.Keys = append(append([]KeyInfo(nil), cfg.Keys...), key.Info()) // not the caller's array
	s, err := Start(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	return &TestServer{Server: s, Key: key}, nil
}

// fail reports a misuse through t, or panics without one.
func (ts *TestServer) fail(format string, args ...any) {
	if ts.t == nil {
		panic(fmt.Sprintf(format, args...))
	}
	ts.t.Helper()
	ts.t.Fatalf(format, args...)
}

// AddToken registers a device token for topic in the server's
// environment and returns it; an empty token is replaced by a random one.
// It fails the test unless the server uses its default MemoryRouter.
func (ts *TestServer) AddToken(token, topic string) string {
	if ts.t != nil {
		ts.t.Helper()
	}
	m, ok := ts.Router().(*MemoryRouter)
	if !ok {
		ts.fail("fakeapns: AddToken needs the default MemoryRouter, the server has a %T", ts.Router())
		return token
	}
	if token == "" {
		token = RandomDeviceToken()
	}
	m.Add(token, topic, ts.Environment())
	return token
}

// Close closes the clients' idle connections, then the server (see
// Server.Close).
func (ts *TestServer) Close() error {
	ts.mu.Lock()
	for _, tr := range ts.transports {
		tr.CloseIdleConnections()
	}
	ts.mu.Unlock()
	return ts.Server.Close()
}

// HTTPClient is an HTTP/2 client that trusts the server; tlsCfg, when not
// nil, is used instead of ClientTLSConfig (for client certificates).
func (ts *TestServer) HTTPClient(tlsCfg *tls.Config) *http.Client {
	if tlsCfg == nil {
		tlsCfg = ts.ClientTLSConfig()
	}
	tr := newH2Transport(tlsCfg)
	ts.mu.Lock()
	ts.transports = append(ts.transports, tr)
	ts.mu.Unlock()
	return &http.Client{Transport: tr}
}

// Client is an apns2 token client signing with Key, pointed at URL() and
// trusting the server. Each call opens its own connections.
func (ts *TestServer) Client() *apns2.Client {
	c := apns2.NewTokenClient(ts.Key.Token())
	c.Host = ts.URL()
	c.HTTPClient = ts.HTTPClient(nil)
	return c
}

// CertificateClient is an apns2 client authenticating with cert.
func (ts *TestServer) CertificateClient(cert tls.Certificate) *apns2.Client {
	tlsCfg := ts.ClientTLSConfig()
	tlsCfg.Certificates = []tls.Certificate{cert}
	c := &apns2.Client{Host: ts.URL(), Certificate: cert, HTTPClient: ts.HTTPClient(tlsCfg)}
	return c
}

// newH2Transport is an HTTP/2-only client transport: over TLS when tlsCfg
// is set, else h2c with prior knowledge (apns.md#T03, T04).
func newH2Transport(tlsCfg *tls.Config) *http.Transport {
	var p http.Protocols
	if tlsCfg != nil {
		p.SetHTTP2(true)
	} else {
		p.SetUnencryptedHTTP2(true)
	}
	return &http.Transport{TLSClientConfig: tlsCfg, Protocols: &p, ForceAttemptHTTP2: true}
}
