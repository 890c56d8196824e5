package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"
)

// Config says where and as whom a Provider sends. The simulator and
// the real-send mode differ only in these values (DESIGN.md "The same client
// path for sim and real").
type Config struct {
	// Endpoint is the APNs base URL, e.g. apns2.HostDevelopment or a fake
	// server's URL.
	Endpoint string
	// RootCAs verifies the server; nil uses the system roots.
	RootCAs *x509.CertPool
	// Token auth (apns.md#A01–A07): the .p8 key, its key id and team id.
	Key    *ecdsa.PrivateKey
	KeyID  string
	TeamID string
	// Token is token auth with an apns2 token used as given, for a bearer
	// the caller signed itself (an expired JWT in a scenario, apns.md#E32).
	Token *token.Token
	// Certificate auth (apns.md#A12): a client certificate instead of a key.
	Certificate *tls.Certificate
	// NoAuth sends with neither a token nor a certificate, as a
	// misconfigured provider does (apns.md#H01, E35).
	NoAuth bool
	// Timeout bounds one request; 0 means apns2's 60 s (apns.md#T15).
	Timeout time.Duration
}

// Provider sends notifications through sideshow/apns2 over HTTP/2.
type Provider struct {
	client *apns2.Client

	mu    sync.Mutex
	conns map[net.Conn]struct{} // every connection dialled, for Close
}

// New builds a Provider. Exactly one of Key, Token, Certificate and
// NoAuth must be set.
func New(cfg Config) (*Provider, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("provider: no endpoint")
	}
	auths := 0
	for _, set := range []bool{cfg.Key != nil, cfg.Token != nil, cfg.Certificate != nil, cfg.NoAuth} {
		if set {
			auths++
		}
	}
	if auths != 1 {
		return nil, errors.New("provider: set exactly one of a signing key, a token, a client certificate or NoAuth")
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = apns2.HTTPClientTimeout
	}
	tlsConfig := &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	client := &apns2.Client{}
	switch {
	case cfg.Key != nil:
		client.Token = &token.Token{AuthKey: cfg.Key, KeyID: cfg.KeyID, TeamID: cfg.TeamID}
	case cfg.Token != nil:
		client.Token = cfg.Token
	case cfg.Certificate != nil:
		tlsConfig.Certificates = []tls.Certificate{*cfg.Certificate}
		client.Certificate = *cfg.Certificate
	}
	p := &Provider{client: client, conns: map[net.Conn]struct{}{}}
	// apns2's constructors dial with its package-level DialTLS and default
	// roots; building the transport here keeps every Provider independent
	// (STYLE.md section 6: no shared mutable package state).
	dialer := &net.Dialer{Timeout: 20 * time.Second, KeepAlive: 15 * time.Second}
	// APNs speaks HTTP/2 only (apns.md#T03): offer nothing else over TLS.
	protocols := new(http.Protocols)
	protocols.SetHTTP2(true)
	transport := &http.Transport{
		TLSClientConfig:     tlsConfig,
		DialContext:         p.track(dialer.DialContext),
		TLSHandshakeTimeout: 20 * time.Second,
		Protocols:           protocols,
		HTTP2:               &http.HTTP2Config{SendPingTimeout: 15 * time.Second}, // apns.md#T15
	}
	client.HTTPClient = &http.Client{Transport: expireNowTransport{transport}, Timeout: timeout}
	client.Host = strings.TrimRight(cfg.Endpoint, "/")
	return p, nil
}

// track wraps dial so that Close can end every connection, busy or idle.
func (p *Provider) track(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: conn, p: p}
		p.mu.Lock()
		p.conns[tc] = struct{}{}
		p.mu.Unlock()
		return tc, nil
	}
}

// trackedConn forgets itself when closed, so a long-lived Provider that
// reconnects does not keep dead connections.
type trackedConn struct {
	net.Conn
	p *Provider
}

func (c *trackedConn) Close() error {
	c.p.mu.Lock()
	delete(c.p.conns, c)
	c.p.mu.Unlock()
	return c.Conn.Close()
}

// Request is one notification to send: the body and the APNs headers.
type Request struct {
	Token    string
	Topic    string
	PushType string
	Priority int
	// Expiration is apns-expiration: the zero time sends no header (APNs'
	// storage policy); ExpireNow (time.Unix(0, 0)) sends "0": one attempt,
	// no storage (apns.md#H16, T21).
	Expiration time.Time
	CollapseID string
	ApnsID     string
	Payload    []byte
}

// Response is APNs' answer to one Request.
type Response struct {
	Status    int           `json:"status"`
	Reason    string        `json:"reason,omitempty"`
	ApnsID    string        `json:"apns_id"`
	UniqueID  string        `json:"apns_unique_id,omitempty"`
	Timestamp time.Time     `json:"timestamp,omitzero"`
	Latency   time.Duration `json:"latency"`
}

// Sent reports whether APNs accepted the notification (apns.md#E64).
func (r Response) Sent() bool { return r.Status == http.StatusOK }

// Send posts req and returns APNs' answer. An error means no answer came
// (connection refused, TLS failure, timeout, unreadable body).
func (p *Provider) Send(ctx context.Context, req Request) (Response, error) {
	n := &apns2.Notification{
		DeviceToken: req.Token,
		Topic:       req.Topic,
		PushType:    apns2.EPushType(req.PushType),
		Priority:    req.Priority,
		Expiration:  req.Expiration,
		CollapseID:  req.CollapseID,
		ApnsID:      req.ApnsID,
		Payload:     req.Payload,
	}
	if req.Expiration.Equal(ExpireNow) {
		ctx = context.WithValue(ctx, expireNowKey{}, true)
	}
	start := time.Now()
	res, err := p.client.PushWithContext(ctx, n)
	latency := time.Since(start)
	if err != nil {
		return Response{Latency: latency}, fmt.Errorf("send to %s: %w", p.client.Host, err)
	}
	out := Response{
		Status:   res.StatusCode,
		Reason:   res.Reason,
		ApnsID:   res.ApnsID,
		UniqueID: res.ApnsUniqueID,
		Latency:  latency,
	}
	if !res.Timestamp.IsZero() && res.Timestamp.Unix() != 0 {
		out.Timestamp = res.Timestamp.Time
	}
	return out, nil
}

// Endpoint is the base URL the Provider sends to.
func (p *Provider) Endpoint() string { return p.client.Host }

// Close ends the Provider's connections, idle or not: a connection left
// half-closed would make a server's graceful shutdown wait for it. Sends
// still in flight fail. It returns the errors of closing them, but for
// connections that had closed already.
func (p *Provider) Close() error {
	p.client.CloseIdleConnections()
	p.mu.Lock()
	conns := make([]net.Conn, 0, len(p.conns))
	for conn := range p.conns {
		conns = append(conns, conn)
	}
	p.mu.Unlock()
	var errs []error
	for _, conn := range conns {
		// A trackedConn removes itself from p.conns.
		if err := conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("provider: closing a connection: %w", err))
		}
	}
	return errors.Join(errs...)
}

// ExpireNow as Request.Expiration sends apns-expiration: 0 (apns.md#H16,
// T21, T24).
var ExpireNow = time.Unix(0, 0)

type expireNowKey struct{}

// expireNowTransport adds apns-expiration: 0 for requests whose context
// asks for it: apns2 v0.25 sends the header only for times after the epoch
// (sideshow/apns2 issue #169), so it cannot say "0" on its own.
type expireNowTransport struct{ next http.RoundTripper }

func (t expireNowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if now, _ := r.Context().Value(expireNowKey{}).(bool); now && r.Header.Get("apns-expiration") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("apns-expiration", "0")
	}
	return t.next.RoundTrip(r)
}

// CloseIdleConnections lets apns2's Client.CloseIdleConnections reach the
// transport below.
func (t expireNowTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
