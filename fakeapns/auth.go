package fakeapns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// providerToken is a signature-verified provider token (apns.md#A01, A02).
type providerToken struct {
	key      KeyInfo
	issuedAt time.Time
}

var errUnknownKey = errors.New("unknown key id")

// verifyJWT parses raw and checks its signature against the key its kid
// names. Every failure is InvalidProviderToken (apns.md#E34): unsigned or
// non-ES256 tokens (apns.md#A03), DER signatures (apns.md#A04, U18; jwt/v5
// accepts only the 64-byte r‖s form), unknown kids, and an iss that is not
// the key's team (apns.md#A02), and what strictJWT refuses.
func verifyJWT(parser *jwt.Parser, raw string, lookup func(kid string) (KeyInfo, bool)) (*providerToken, error) {
	iat, err := strictJWT(raw)
	if err != nil {
		return nil, fmt.Errorf("provider token: %w", err)
	}
	var claims jwt.RegisteredClaims
	var key KeyInfo
	_, err = parser.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, ok := lookup(kid)
		if !ok {
			return nil, fmt.Errorf("%w %q", errUnknownKey, kid)
		}
		key = k
		return k.Public, nil
	})
	if err != nil {
		return nil, fmt.Errorf("provider token: %w", err)
	}
	if claims.Issuer != key.TeamID {
		return nil, fmt.Errorf("provider token: iss %q is not the team %q of key %s (apns.md#A02)", claims.Issuer, key.TeamID, key.KeyID)
	}
	// iat from strictJWT: golang-jwt's NumericDate went through a float.
	return &providerToken{key: key, issuedAt: time.Unix(iat, 0)}, nil
}

// newJWTParser accepts ES256 only (apns.md#A03). Time claims are checked by
// the server against its own clock, so the parser skips them.
func newJWTParser() *jwt.Parser {
	return jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodES256.Alg()}), jwt.WithoutClaimsValidation())
}

// tokenCache remembers verified bearer strings, because signature checks
// are the hot path and a provider reuses one token for up to an hour
// (apns.md#A05, A06). When full it starts over, which keeps memory bounded
// without bookkeeping on the hot path.
type tokenCache struct {
	mu  sync.RWMutex
	m   map[string]*providerToken // pointers keep checkAuth's stack frame small
	max int
}

func (c *tokenCache) get(raw string) (*providerToken, bool) {
	c.mu.RLock()
	t, ok := c.m[raw]
	c.mu.RUnlock()
	return t, ok
}

func (c *tokenCache) put(raw string, t *providerToken) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]*providerToken, min(c.max, 64))
	}
	c.m[raw] = t
	c.mu.Unlock()
}

func (c *tokenCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// connState is what APNs remembers about one connection: the team and key
// bound by the first authenticated request (apns.md#A08, A09) and the last
// bearer change (apns.md#A05, U20).
type connState struct {
	mu        sync.Mutex
	teamID    string
	keyID     string
	bearer    string
	changedAt time.Time

	certOnce sync.Once
	cert     certResult

	// fc is the connection, nil in-process (Handler), where r.TLS stands
	// for it.
	fc *frameConn
	// tlsOnce/tlsState cache fc's TLS state, which cannot change.
	tlsOnce  sync.Once
	tlsState *tls.ConnectionState
}

// tls is the request's TLS state: the connection's, as TLS ends before
// net/http sees it, or r.TLS in-process; nil for h2c.
func (q *request) tls() *tls.ConnectionState {
	cs := q.conn
	if cs.fc == nil {
		return q.r.TLS
	}
	cs.tlsOnce.Do(func() { cs.tlsState = cs.fc.tlsState() })
	return cs.tlsState
}

// certResult is the verdict on a connection's client certificate, computed
// once per connection since the certificate cannot change.
type certResult struct {
	binding certBinding
	reason  Reason // BadCertificate when verification failed
}

// connKey is the context key of a connection's state: a typed nil
// pointer, which compares as one machine word; a struct{} key costs an
// interface comparison call on every lookup, measurable on the hot path.
func connKey() any { return (*connState)(nil) }

// connContext attaches a fresh connState to each accepted connection.
func connContext(ctx context.Context, c net.Conn) context.Context {
	fc, _ := c.(*frameConn)
	return context.WithValue(ctx, connKey(), &connState{fc: fc})
}

// connFrom returns the connection's state, or a throwaway one for requests
// served without a connection context (in-process Handler use), where the
// per-connection rules cannot apply.
func connFrom(ctx context.Context) *connState {
	if cs, ok := ctx.Value(connKey()).(*connState); ok && cs != nil {
		return cs
	}
	return &connState{}
}

// checkAuth is step 4 of apns.md#U01.
func (s *Server) checkAuth(q *request) *Rejection {
	if tlsState := q.tls(); tlsState != nil && len(tlsState.PeerCertificates) > 0 {
		return s.checkCertificate(q)
	}
	var value string
	if auth := q.r.Header["Authorization"]; len(auth) > 0 {
		// Trimmed: clients and proxies drop trailing blanks, so "bearer "
		// arrives as "bearer", and must still read as "no token".
		value = strings.TrimSpace(auth[0])
	}
	if value == "" {
		return RejectWhy(ReasonMissingProviderToken, "no authorization header and no client certificate") // apns.md#H01, E35
	}
	scheme, raw, _ := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, "bearer") {
		return RejectWhy(ReasonInvalidProviderToken, "authorization scheme %q is not bearer", scheme) // apns.md#H01, E34
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Reject(ReasonMissingProviderToken) // apns.md#E35: no token
	}
	tok, ok := s.cache.get(raw)
	if c := s.cfg.Counters; c != nil {
		if ok {
			c.JWTCacheHits.Add(1)
		} else {
			c.JWTVerifications.Add(1)
		}
	}
	if !ok {
		var err error
		if tok, err = verifyJWT(s.parser, raw, s.lookupKey); err != nil {
			return RejectWhy(ReasonInvalidProviderToken, "%v", err) // apns.md#E34, A03, A04, U18
		}
		s.cache.put(raw, tok)
	}
	ch := &s.cfg.Choices
	if tok.issuedAt.After(q.now.Add(ch.MaxIATSkew)) {
		return RejectWhy(ReasonInvalidProviderToken, "iat is %s in the future (more than %s)", tok.issuedAt.Sub(q.now).Round(time.Second), ch.MaxIATSkew) // apns.md#U19
	}
	if !tok.key.allowsEnvironment(s.cfg.Environment) {
		return RejectWhy(ch.EnvironmentKeyReason, "key %s is not valid for %s", tok.key.KeyID, s.cfg.Environment) // apns.md#A10, E37, E38, U11
	}
	cs := q.conn
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.teamID != "" && cs.teamID != tok.key.TeamID {
		return RejectWhy(ReasonInvalidProviderToken, "team %s on a connection of team %s", tok.key.TeamID, cs.teamID) // apns.md#A08, U10
	}
	if cs.keyID != "" && cs.keyID != tok.key.KeyID {
		return RejectWhy(ReasonUnrelatedKeyIDInToken, "key %s on a connection that used key %s", tok.key.KeyID, cs.keyID) // apns.md#A09, E36
	}
	if q.now.Sub(tok.issuedAt) > ch.TokenLifetime {
		return RejectWhy(ReasonExpiredProviderToken, "iat is %s old (more than %s)", q.now.Sub(tok.issuedAt).Round(time.Second), ch.TokenLifetime) // apns.md#A05, E32
	}
	switch {
	case cs.bearer == "":
		// apns.md#U20: the first bearer is free. Its 20 minutes run from
		// when it was made, not from when it reached this connection:
		// apns2 shares one token across connections and refreshes it at
		// iat+50 min (apns.md#A06), so a connection opened late in a
		// token's life must still accept that refresh.
		cs.changedAt = q.now
		if tok.issuedAt.Before(q.now) {
			cs.changedAt = tok.issuedAt
		}
	case cs.bearer != raw:
		if q.now.Sub(cs.changedAt) < ch.TokenChangeInterval {
			return RejectWhy(ReasonTooManyProviderTokenUpdates, "a new token %s after the last change (less than %s)", q.now.Sub(cs.changedAt).Round(time.Second), ch.TokenChangeInterval) // apns.md#A05, E53, U20
		}
		cs.changedAt = q.now
	}
	cs.bearer, cs.teamID, cs.keyID = raw, tok.key.TeamID, tok.key.KeyID
	q.n.Auth = Identity{Method: AuthToken, TeamID: tok.key.TeamID, KeyID: tok.key.KeyID}
	q.key = tok.key
	q.authed = true
	return nil
}

// checkCertificate authenticates a certificate connection; the
// authorization header is ignored there (apns.md#H01).
func (s *Server) checkCertificate(q *request) *Rejection {
	cs := q.conn
	cs.certOnce.Do(func() { cs.cert = s.verifyCertificate(q.tls().PeerCertificates, q.now) })
	if cs.cert.reason != "" {
		return Reject(cs.cert.reason) // apns.md#A13, E30
	}
	b := cs.cert.binding
	if !slices.Contains(b.envs, s.cfg.Environment) {
		return Reject(ReasonBadCertificateEnvironment) // apns.md#A13, E31
	}
	q.n.Auth = Identity{Method: AuthCertificate, Subject: b.subject}
	q.cert = &cs.cert.binding
	q.authed = true
	return nil
}

func (s *Server) verifyCertificate(chain []*x509.Certificate, now time.Time) certResult {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         s.caPool,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return certResult{reason: ReasonBadCertificate}
	}
	b, err := parseCertBinding(chain[0])
	if err != nil {
		return certResult{reason: ReasonBadCertificate}
	}
	return certResult{binding: b}
}

// lookupKey finds a registered key by key id.
func (s *Server) lookupKey(kid string) (KeyInfo, bool) {
	s.keysMu.RLock()
	defer s.keysMu.RUnlock()
	k, ok := s.keys[kid]
	return k, ok
}

// RegisterKey registers (or replaces) a token-signing key. Replacing or
// adding a key empties the verified-token cache, so no token outlives a
// change of its key.
func (s *Server) RegisterKey(k KeyInfo) error {
	if err := k.validate(); err != nil {
		return err
	}
	s.keysMu.Lock()
	s.keys[k.KeyID] = k
	s.keysMu.Unlock()
	s.cache.clear()
	return nil
}

// RevokeKey unregisters a key; tokens it signed become
// InvalidProviderToken (apns.md#T12). It reports whether the key existed.
func (s *Server) RevokeKey(keyID string) bool {
	s.keysMu.Lock()
	_, ok := s.keys[keyID]
	delete(s.keys, keyID)
	s.keysMu.Unlock()
	s.cache.clear()
	return ok
}
