package fakeapns

import (
	"errors"
	"fmt"
	"log"
	"net"
	"time"
)

// Config configures one server = one environment (apns.md#D03).
type Config struct {
	// Environment is the environment this server stands for; default
	// Development (the sandbox host, apns.md#T01).
	Environment Environment
	// Addr is the TLS listen address, default "127.0.0.1:0". With Listener
	// set, Addr is ignored.
	Addr string
	// Listener, when set, is served with TLS instead of listening on Addr;
	// the caller keeps the port it opened. Close closes it.
	Listener net.Listener
	// H2CAddr is an optional listen address for cleartext HTTP/2 with prior
	// knowledge (apns.md#T04); "" means no h2c listener.
	H2CAddr string
	// Router receives accepted notifications; nil means an empty
	// MemoryRouter, which answers BadDeviceToken to everything.
	Router Router
	// Observer receives a Record of every request; may be nil.
	Observer Observer
	// Now is the clock for iat checks, the 20-minute rule, timestamps and
	// Record times; default time.Now.
	Now func() time.Time
	// CA signs the server certificate and client certificates; generated
	// when nil.
	CA *CA
	// Hosts are extra names or IPs for the server certificate, added to
	// 127.0.0.1, ::1 and localhost.
	Hosts []string
	// Keys are token-signing keys registered at start (see RegisterKey).
	Keys []KeyInfo
	// Faults are fault rules installed at start (see Faults).
	Faults []FaultRule
	// FaultSeed seeds the random numbers of fault probabilities and random
	// latencies, so a run is reproducible.
	FaultSeed uint64
	// RateLimit answers TooManyRequests to a token pushed to too often
	// (apns.md#U22); off by default.
	RateLimit RateLimit
	// MaxPayload is the body limit of every push type but VoIP; default
	// 4096 (apns.md#P03).
	MaxPayload int
	// MaxVoIPPayload is the body limit of VoIP pushes; default 5120
	// (apns.md#P03, H06).
	MaxVoIPPayload int
	// MaxConcurrentStreams is SETTINGS_MAX_CONCURRENT_STREAMS; default 1000
	// (apns.md#U06). A client that opens more streams at once gets
	// RST_STREAM REFUSED_STREAM on each stream over the limit (RFC 9113
	// section 5.1.2), and may retry it.
	MaxConcurrentStreams int
	// MaxConnections bounds the connections open at once over both
	// listeners; default 4096 (apns.md#U34). Apple documents no limit:
	// this one protects the machine. A connection over it gets SETTINGS and GOAWAY
	// ENHANCE_YOUR_CALM, last-stream-id 0, debug data
	// {"reason":"ServiceUnavailable","fakeapns":"at most N connections
	// (Config.MaxConnections)"}, and is closed.
	MaxConnections int
	// IdleTimeout closes idle connections with GOAWAY after this long
	// (apns.md#U04); 0, the default, never does (apns.md#T13).
	IdleTimeout time.Duration
	// ReadTimeout bounds how long a request's body may take to arrive
	// after its headers; what arrived by then is judged as the body. 0
	// means DefaultReadTimeout; negative means no limit.
	ReadTimeout time.Duration
	// ShutdownTimeout bounds how long Close waits for in-flight requests
	// before cutting connections; default 5 s.
	ShutdownTimeout time.Duration
	// TokenCacheSize bounds the verified-token cache; default 4096 entries.
	TokenCacheSize int
	// ErrorLog receives connection-level errors (TLS handshakes, HTTP/2
	// framing); nil discards them.
	ErrorLog *log.Logger
	// Counters, when set, is kept up to date with open connections and
	// streams and JWT verifications, for metrics; nil costs nothing.
	Counters *Counters
	// Choices are the fake's answers where Apple is silent (apns.md
	// section 10).
	Choices Choices

	// noFrameLayer serves with net/http alone, as before the frame layer:
	// only for the benchmarks that measure what the frame layer costs.
	noFrameLayer bool
}

// Choices gathers the fake's decisions on the unconfirmed points of
// apns.md section 10, so each can change in one place. Zero values mean
// the reference's stated choice.
type Choices struct {
	// EnvironmentKeyReason answers a token signed by a key scoped to the
	// other environment: BadEnvironmentKeyInToken by default (apns.md#U11),
	// or ReasonBadEnvironmentKeyIDInToken, the documented spelling.
	EnvironmentKeyReason Reason
	// TopicSuffixReason answers a push type whose topic lacks the suffix the
	// type needs, e.g. voip without ".voip" (apns.md#H05–H13). Apple names
	// no reason; the default is BadTopic.
	TopicSuffixReason Reason
	// MaxIATSkew is how far in the future an iat may be (apns.md#U19);
	// default 5 min.
	MaxIATSkew time.Duration
	// TokenLifetime is the age beyond which a provider token is expired
	// (apns.md#A05); default 1 h.
	TokenLifetime time.Duration
	// TokenChangeInterval is the minimum time between two changes of the
	// bearer on one connection (apns.md#A05, U20); default 20 min.
	TokenChangeInterval time.Duration
	// NoStreamThrottle turns off Apple's stream throttle: by default a
	// token connection advertises SETTINGS_MAX_CONCURRENT_STREAMS 1 until a
	// push succeeds (apns.md#T08, U06), and every connection drops to 1
	// after a rejected push and returns to MaxConcurrentStreams after the
	// next success (apns.md#U33). A stream opened beyond the value the
	// client acknowledged gets RST_STREAM REFUSED_STREAM (apns.md#U83).
	// With NoStreamThrottle the full value is advertised and net/http
	// enforces it.
	NoStreamThrottle bool
}

// DefaultReadTimeout is Config.ReadTimeout's default: a body that has not
// arrived 30 s after its headers never will (apns.md#U70, chosen).
const DefaultReadTimeout = 30 * time.Second

// Documented defaults.
const (
	defaultAddr                 = "127.0.0.1:0"
	defaultMaxPayload           = 4096 // apns.md#P03
	defaultMaxVoIPPayload       = 5120 // apns.md#P03, H06
	defaultMaxConcurrentStreams = 1000 // apns.md#U06
	defaultMaxConnections       = 4096
	defaultShutdownTimeout      = 5 * time.Second
	defaultTokenCacheSize       = 4096
	defaultMaxIATSkew           = 5 * time.Minute  // apns.md#U19
	defaultTokenLifetime        = time.Hour        // apns.md#A05
	defaultTokenChangeInterval  = 20 * time.Minute // apns.md#A05, U20
)

// normalize fills defaults and rejects impossible settings.
func (c Config) normalize() (Config, error) {
	switch c.Environment {
	case "":
		c.Environment = Development
	case Development, Production:
	default:
		return c, fmt.Errorf("fakeapns: config: unknown environment %q (want %q or %q)", c.Environment, Development, Production)
	}
	if c.Addr == "" && c.Listener == nil {
		c.Addr = defaultAddr
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	def := func(v *int, d int, name string) error {
		if *v < 0 {
			return fmt.Errorf("fakeapns: config: negative %s %d", name, *v)
		}
		if *v == 0 {
			*v = d
		}
		return nil
	}
	err := errors.Join(
		def(&c.MaxPayload, defaultMaxPayload, "MaxPayload"),
		def(&c.MaxVoIPPayload, defaultMaxVoIPPayload, "MaxVoIPPayload"),
		def(&c.MaxConcurrentStreams, defaultMaxConcurrentStreams, "MaxConcurrentStreams"),
		def(&c.MaxConnections, defaultMaxConnections, "MaxConnections"),
		def(&c.TokenCacheSize, defaultTokenCacheSize, "TokenCacheSize"),
	)
	if err != nil {
		return c, err
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = defaultShutdownTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	ch := &c.Choices
	if ch.EnvironmentKeyReason == "" {
		ch.EnvironmentKeyReason = ReasonBadEnvironmentKeyInToken // apns.md#U11
	}
	if ch.TopicSuffixReason == "" {
		ch.TopicSuffixReason = ReasonBadTopic
	}
	for _, r := range []Reason{ch.EnvironmentKeyReason, ch.TopicSuffixReason} {
		if !r.Known() {
			return c, fmt.Errorf("fakeapns: config: choice %q is not an APNs reason", r)
		}
	}
	if ch.MaxIATSkew <= 0 {
		ch.MaxIATSkew = defaultMaxIATSkew
	}
	if ch.TokenLifetime <= 0 {
		ch.TokenLifetime = defaultTokenLifetime
	}
	if ch.TokenChangeInterval <= 0 {
		ch.TokenChangeInterval = defaultTokenChangeInterval
	}
	return c, nil
}
