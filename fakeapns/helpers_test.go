package fakeapns

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	topic     = "com.example.app"
	tokOK     = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tokVoIP   = "1111111111111111111111111111111111111111111111111111111111111111"
	tokProd   = "2222222222222222222222222222222222222222222222222222222222222222"
	tokGone   = "3333333333333333333333333333333333333333333333333333333333333333"
	tokExpire = "4444444444444444444444444444444444444444444444444444444444444444"
	tokOther  = "5555555555555555555555555555555555555555555555555555555555555555"
	tokBroken = "6666666666666666666666666666666666666666666666666666666666666666"
	payload   = `{"aps":{"alert":"hi"}}`
)

// epoch is the fake clock's start, far from the wall clock so that no
// test passes by accident of the hour it runs at. Tests that need the wall
// clock (apns2 signs with it; certificates are valid around it) say so.
var epoch = time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: epoch} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// goneAt is when tokGone's app was uninstalled.
var goneAt = epoch.Add(-time.Hour)

// testRouter is the MemoryRouter every table uses, plus a token whose
// lookup fails with a plain error (apns.md#E55).
func testRouter() Router {
	m := NewMemoryRouter()
	m.SetUninstallGrace(0)
	m.Add(tokOK, topic, Development)
	m.Add(tokVoIP, topic+".voip", Development)
	m.Add(tokProd, topic, Production)
	m.Add(tokGone, topic, Development)
	m.Uninstall(tokGone, goneAt)
	m.Add(tokExpire, topic, Development)
	m.Expire(tokExpire, goneAt)
	m.Add(tokOther, "com.example.other", Development)
	return RouterFunc(func(ctx context.Context, n Notification) error {
		if n.Token == tokBroken {
			return errors.New("database is on fire")
		}
		return m.Route(ctx, n)
	})
}

// signJWT makes a provider token with any alg, kid, iss and iat.
func signJWT(t testing.TB, method jwt.SigningMethod, key any, kid, iss string, iat time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{"iss": iss, "iat": iat.Unix()})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign JWT: %v", err)
	}
	return s
}

// bearer signs a valid token with k at the clock's time.
func bearer(t testing.TB, k *SigningKey, iat time.Time) string {
	return "bearer " + signJWT(t, jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, iat)
}

// result is what a test compares: Apple's status, reason and timestamp.
type result struct {
	Status    int
	Reason    Reason
	Timestamp int64 // ms, 410 only
}

// rawResult adds what only a raw client sees.
type rawResult struct {
	result
	ApnsID   string
	UniqueID bool
}

// h2Client is a raw net/http HTTP/2 client over TLS (tlsCfg set) or h2c.
func h2Client(tlsCfg *tls.Config) (*http.Client, *http.Transport) {
	tr := newH2Transport(tlsCfg)
	return &http.Client{Transport: tr}, tr
}

// send posts one raw request; header values are sent as given, repeated
// keys as repeated fields. Any failure, including a response that breaks
// apns.md#E01/E02, fails the test; so send runs on the test's goroutine.
func send(t testing.TB, c *http.Client, base, method, path string, h http.Header, body string) rawResult {
	t.Helper()
	out, err := trySend(t.Context(), c, base, method, path, h, body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// trySend is send for goroutines a test spawns: it returns its failure.
func trySend(ctx context.Context, c *http.Client, base, method, path string, h http.Header, body string) (rawResult, error) {
	var out rawResult
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	if err != nil {
		return out, fmt.Errorf("new request: %w", err)
	}
	req.Header = h
	resp, err := c.Do(req)
	if err != nil {
		return out, fmt.Errorf("%s %s: %w", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return out, fmt.Errorf("read body: %w", err)
	}
	out.Status = resp.StatusCode
	out.ApnsID = resp.Header.Get("apns-id")
	out.UniqueID = resp.Header.Get("apns-unique-id") != ""
	if resp.StatusCode == http.StatusOK {
		if len(b) != 0 {
			return out, fmt.Errorf("200 with body %q (apns.md#E01)", b)
		}
		return out, nil
	}
	if ct := resp.Header.Get("content-type"); ct != "application/json" {
		return out, fmt.Errorf("content-type %q, want application/json (apns.md#E02)", ct)
	}
	var eb struct {
		Reason    Reason `json:"reason"`
		Timestamp *int64 `json:"timestamp"`
	}
	if err := json.Unmarshal(b, &eb); err != nil {
		return out, fmt.Errorf("error body %q is not JSON (apns.md#E62): %w", b, err)
	}
	out.Reason = eb.Reason
	if eb.Timestamp != nil {
		out.Timestamp = *eb.Timestamp
	}
	return out, nil
}

// closeAtEnd closes c when the test ends, failing it if that fails.
func closeAtEnd(t testing.TB, c io.Closer) {
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close %T: %v", c, err)
		}
	})
}
