package fakeapns

import (
	"sync"
	"time"
)

// RateLimit answers TooManyRequests once a device token has received
// Pushes notifications within Window (apns.md#E54, U22). Apple publishes no
// threshold, so it is off unless both fields are positive.
type RateLimit struct {
	Pushes int           `json:"pushes"`
	Window time.Duration `json:"window"`
}

func (r RateLimit) enabled() bool { return r.Pushes > 0 && r.Window > 0 }

// rateLimiter counts accepted pushes per token in fixed windows.
type rateLimiter struct {
	mu     sync.Mutex
	limit  RateLimit
	counts map[string]*tokenWindow
}

type tokenWindow struct {
	start time.Time
	n     int
}

// sweepAt is the map size at which ended windows are dropped, which keeps
// memory bounded by the tokens pushed to within one window.
const sweepAt = 4096

func (l *rateLimiter) allow(token string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = make(map[string]*tokenWindow)
	}
	w, ok := l.counts[token]
	if !ok || now.Sub(w.start) >= l.limit.Window {
		if !ok && len(l.counts) >= sweepAt {
			for k, v := range l.counts {
				if now.Sub(v.start) >= l.limit.Window {
					delete(l.counts, k)
				}
			}
		}
		l.counts[token] = &tokenWindow{start: now, n: 1}
		return true
	}
	if w.n >= l.limit.Pushes {
		return false
	}
	w.n++
	return true
}

// checkRate is step 8 of apns.md#U01.
func (s *Server) checkRate(q *request) *Rejection {
	if !s.rate.limit.enabled() || s.rate.allow(q.n.Token, q.now) {
		return nil
	}
	return Reject(ReasonTooManyRequests) // apns.md#E54, U22
}
