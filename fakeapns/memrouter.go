package fakeapns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// MemoryRouter is a small in-memory Router for library use: a table of
// device tokens, each registered for one topic in one environment. Create
// it with NewMemoryRouter; it is safe for concurrent use.
type MemoryRouter struct {
	mu     sync.RWMutex
	tokens map[string]*memToken
	grace  int
}

type memToken struct {
	topic string
	env   Environment
	// gone is set once the token is dead: Unregistered or ExpiredToken.
	gone   Reason
	goneAt time.Time
	// graceLeft counts the pushes still accepted after an uninstall.
	graceLeft int
}

// NewMemoryRouter returns an empty router. After Uninstall, one more push
// is accepted before 410 begins, the reference's default (apns.md#U21,
// D06); SetUninstallGrace changes that.
func NewMemoryRouter() *MemoryRouter {
	return &MemoryRouter{tokens: make(map[string]*memToken), grace: 1}
}

// SetUninstallGrace sets how many pushes later Uninstall calls still
// accept before answering 410 (apns.md#U21); 0 answers 410 at once.
func (m *MemoryRouter) SetUninstallGrace(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.grace = max(n, 0)
}

// Add registers token (hex, any case, apns.md#U17) for topic in env,
// replacing any earlier registration (a reinstall revives a token).
func (m *MemoryRouter) Add(token, topic string, env Environment) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[strings.ToLower(token)] = &memToken{topic: topic, env: env}
}

// Remove forgets token: it becomes BadDeviceToken.
func (m *MemoryRouter) Remove(token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, strings.ToLower(token))
}

// Uninstall marks the app of token as deleted at time at: after the grace
// pushes, Route answers 410 Unregistered with at as the timestamp
// (apns.md#E51, D06, U21). It reports whether the token was known.
func (m *MemoryRouter) Uninstall(token string, at time.Time) bool {
	return m.kill(token, ReasonUnregistered, at, true)
}

// Expire marks token as expired at time at: Route answers 410 ExpiredToken
// from the next push (apns.md#E50). It reports whether the token was known.
func (m *MemoryRouter) Expire(token string, at time.Time) bool {
	return m.kill(token, ReasonExpiredToken, at, false)
}

func (m *MemoryRouter) kill(token string, r Reason, at time.Time, grace bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[strings.ToLower(token)]
	if !ok {
		return false
	}
	t.gone, t.goneAt, t.graceLeft = r, at, 0
	if grace {
		t.graceLeft = m.grace
	}
	return true
}

// Route implements Router.
func (m *MemoryRouter) Route(_ context.Context, n Notification) error {
	m.mu.RLock()
	t, ok := m.tokens[n.Token]
	var rej *Rejection
	switch {
	case !ok, t.env != n.Environment:
		rej = Reject(ReasonBadDeviceToken) // apns.md#E11, D03
	case t.topic != n.Topic:
		rej = Reject(ReasonDeviceTokenNotForTopic) // apns.md#E16, D04
	}
	gone := ok && t.gone != ""
	m.mu.RUnlock()
	if rej != nil || !gone {
		return errOrNil(rej)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.graceLeft > 0 {
		t.graceLeft-- // apns.md#D06: the push reaches the device once more
		return nil
	}
	return &Rejection{Reason: t.gone, Timestamp: t.goneAt} // apns.md#E03, E50, E51
}

// errOrNil avoids a typed-nil error interface.
func errOrNil(r *Rejection) error {
	if r == nil {
		return nil
	}
	return r
}

// RandomDeviceToken returns 32 random bytes in lowercase hex, the shape of
// an iOS device token (apns.md#D02).
func RandomDeviceToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	return hex.EncodeToString(b)
}
