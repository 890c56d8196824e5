package fakeapns

import (
	"context"
	"crypto/tls"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sideshow/apns2"
)

// Option adjusts the Config of a TestServer.
type Option func(*Config)

// WithConfig applies f to the Config before the server starts.
func WithConfig(f func(*Config)) Option { return Option(f) }

// WithEnvironment makes the test server a Production or Development one.
func WithEnvironment(e Environment) Option { return func(c *Config) { c.Environment = e } }

// WithRouter sets the Router.
func WithRouter(r Router) Option { return func(c *Config) { c.Router = r } }

// WithObserver sets the Observer.
func WithObserver(o Observer) Option { return func(c *Config) { c.Observer = o } }

// WithClock sets the clock.
func WithClock(now func() time.Time) Option { return func(c *Config) { c.Now = now } }

// WithH2C also serves cleartext HTTP/2 on a random loopback port.
func WithH2C() Option { return func(c *Config) { c.H2CAddr = "127.0.0.1:0" } }

// TestServer is a Server for Go tests, like net/http/httptest.Server: it
// listens on a random loopback port, has a registered signing Key, and is
// closed by t.Cleanup.
type TestServer struct {
	*Server
	// Key is registered with the server; Client signs with it.
	Key *SigningKey

	t          testing.TB
	mu         sync.Mutex
	transports []*http.Transport
}

// NewServer starts a TestServer or fails the test.
func NewServer(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	key, err := GenerateSigningKey("", "")
	if err != nil {
		t.Fatalf("fakeapns.NewServer: %v", err)
	}
	cfg := Config{Keys: []KeyInfo{key.Info()}}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("fakeapns.NewServer: %v", err)
	}
	ts := &TestServer{Server: s, Key: key, t: t}
	t.Cleanup(func() {
		if err := ts.Close(); err != nil {
			t.Errorf("fakeapns: close test server: %v", err)
		}
	})
	return ts
}

// AddToken registers a device token for topic in the server's
// environment and returns it; an empty token is replaced by a random one.
// It fails the test unless the server uses its default MemoryRouter.
func (ts *TestServer) AddToken(token, topic string) string {
	ts.t.Helper()
	m, ok := ts.Router().(*MemoryRouter)
	if !ok {
		ts.t.Fatalf("fakeapns: AddToken needs the default MemoryRouter, the server has a %T", ts.Router())
	}
	if token == "" {
		token = RandomDeviceToken()
	}
	m.Add(token, topic, ts.Environment())
	return token
}

// Close closes the clients' idle connections, then the server.
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
