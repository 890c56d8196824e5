package world

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
)

// EventKind says what happened.
type EventKind string

// Event kinds. Every step of the flow (DESIGN.md "One flow") appends one.
const (
	EventRequest          EventKind = "request"           // accepted by APNs (200)
	EventRejected         EventKind = "rejected"          // answered with a status and reason
	EventDelivered        EventKind = "delivered"         // reached the device
	EventPresented        EventKind = "presented"         // shown by the system
	EventSuppressed       EventKind = "suppressed"        // not shown: permission, chat open, foreground
	EventWake             EventKind = "wake"              // silent push: the app was woken
	EventAction           EventKind = "action"            // the app was told of a response
	EventCompletion       EventKind = "completion"        // the app called its completion handler
	EventDoubleCompletion EventKind = "double_completion" // ... a second time (apns.md#U16)
	EventWatchdog         EventKind = "watchdog"          // the handler never completed in time
	EventWebhook          EventKind = "webhook"           // the app's HTTP POST and its result
	EventDeepLink         EventKind = "deep_link"         // the app opened a URL
	EventLint             EventKind = "lint"              // a payload warning
	EventDismissed        EventKind = "dismissed"         // the user dismissed a notification
	EventError            EventKind = "error"             // something could not be simulated
	EventNote             EventKind = "note"              // anything else worth a line
	EventAppState         EventKind = "app_state"         // an app changed run state
	EventUnlock           EventKind = "unlock"            // the user was asked to unlock (apns.md#V33)
	EventTimedOut         EventKind = "timed_out"         // a banner went away by itself (apns.md#U49)
)

// Event is one entry of the event log. Presentation, when set, is shared
// between readers and must not be modified.
type Event struct {
	Seq          uint64               `json:"seq"`
	Time         time.Time            `json:"time"`
	Kind         EventKind            `json:"kind"`
	Device       string               `json:"device,omitempty"`
	App          string               `json:"app,omitempty"`
	Token        string               `json:"token,omitempty"`
	ApnsID       string               `json:"apns_id,omitempty"`
	Status       int                  `json:"status,omitempty"`
	Reason       string               `json:"reason,omitempty"`
	Action       string               `json:"action,omitempty"`
	Text         string               `json:"text,omitempty"`
	Callback     string               `json:"callback,omitempty"`
	Context      device.Context       `json:"context,omitempty"`
	Presentation *device.Presentation `json:"presentation,omitempty"`
	URL          string               `json:"url,omitempty"`
	HTTPStatus   int                  `json:"http_status,omitempty"`
	// Message is one human-readable line; Append fills it when empty.
	Message string `json:"message"`
}

// EventReader is the read side of the event log: what the TUI, `serve`
// and the scenario runner need, so they can be handed a fake in tests.
type EventReader interface {
	Since(seq uint64, max int) (events []Event, missed uint64)
	Last() uint64
	Wait(ctx context.Context, after uint64) error
	Subscribe() (ch <-chan struct{}, cancel func())
}

var _ EventReader = (*EventLog)(nil)

// DefaultEventLogCapacity is the ring size used when NewEventLog is given
// a capacity <= 0.
const DefaultEventLogCapacity = 10000

// EventLog is the one ordered, bounded log of everything that happens
// (DESIGN.md "One event log"). It is a ring: when full, the oldest events
// are overwritten, and readers that fall behind are told how many they
// missed. Writers never wait for readers. It is safe for concurrent use.
type EventLog struct {
	clock clock.Clock

	mu      sync.Mutex
	ring    []Event // grows up to cap, then is overwritten in place
	cap     int
	start   int    // index in ring of the oldest event
	last    uint64 // Seq of the newest event, 0 when empty
	waiters chan struct{}
	subs    map[int]chan struct{}
	nextSub int
}

// NewEventLog returns an empty log that keeps at most capacity events,
// stamping events with the wall clock.
func NewEventLog(capacity int) *EventLog { return NewEventLogClock(capacity, clock.Real()) }

// NewEventLogClock is NewEventLog with an injected clock for the Time of
// events appended without one.
func NewEventLogClock(capacity int, c clock.Clock) *EventLog {
	if capacity <= 0 {
		capacity = DefaultEventLogCapacity
	}
	if c == nil {
		c = clock.Real()
	}
	// The ring grows on demand so that a large capacity costs nothing
	// until it is used.
	return &EventLog{clock: c, cap: capacity, subs: map[int]chan struct{}{}}
}

// Capacity is the most events the log keeps.
func (l *EventLog) Capacity() int { return l.cap }

// Append adds e to the log and returns it with Seq (1, 2, 3…) and, when
// zero, Time assigned.
func (l *EventLog) Append(e Event) Event {
	if e.Time.IsZero() {
		e.Time = l.clock.Now()
	}
	if e.Message == "" {
		e.Message = string(e.Kind)
	}
	l.mu.Lock()
	l.last++
	e.Seq = l.last
	if len(l.ring) < l.cap {
		l.ring = append(l.ring, e)
	} else {
		l.ring[l.start] = e
		l.start = (l.start + 1) % l.cap
	}
	if l.waiters != nil {
		close(l.waiters)
		l.waiters = nil
	}
	for _, ch := range l.subs {
		select {
		case ch <- struct{}{}:
		default: // a wake-up is already pending: coalesce
		}
	}
	l.mu.Unlock()
	return e
}

// Last returns the Seq of the newest event, 0 when the log is empty.
func (l *EventLog) Last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// Since returns up to max events with Seq > seq, oldest first (max <= 0:
// all of them). missed counts the events after seq that were overwritten
// before this call, so a reader that fell behind knows how many it lost.
func (l *EventLog) Since(seq uint64, max int) (events []Event, missed uint64) {
	return l.AppendSince(nil, seq, max)
}

// AppendSince is Since appending to dst, so that a reader polling in a
// loop can reuse one buffer.
func (l *EventLog) AppendSince(dst []Event, seq uint64, max int) (events []Event, missed uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	oldest := l.last - uint64(len(l.ring)) + 1 // Seq at l.start
	if seq+1 < oldest {
		missed = oldest - (seq + 1)
		seq = oldest - 1
	}
	if seq >= l.last {
		return dst, missed
	}
	n := int(l.last - seq)
	if max > 0 && n > max {
		n = max
	}
	// Copy at most two contiguous runs of the ring.
	first := (l.start + int(seq+1-oldest)) % len(l.ring)
	end := min(first+n, len(l.ring))
	dst = append(dst, l.ring[first:end]...)
	dst = append(dst, l.ring[:n-(end-first)]...)
	return dst, missed
}

// Wait returns nil once an event with Seq > after exists, or ctx's error
// when ctx ends first. It suits long polls and server-sent events.
func (l *EventLog) Wait(ctx context.Context, after uint64) error {
	for {
		l.mu.Lock()
		if l.last > after {
			l.mu.Unlock()
			return nil
		}
		// One channel is shared by all waiters and made only when someone
		// waits, so Append allocates nothing in the common case.
		if l.waiters == nil {
			l.waiters = make(chan struct{})
		}
		ch := l.waiters
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for event after %d: %w", after, ctx.Err())
		}
	}
}

// Subscribe returns a channel that receives a wake-up after appends; many
// appends between two reads give one wake-up. The subscriber then reads
// with Since. cancel unsubscribes and closes the channel; it may be called
// more than once.
func (l *EventLog) Subscribe() (ch <-chan struct{}, cancel func()) {
	c := make(chan struct{}, 1)
	l.mu.Lock()
	id := l.nextSub
	l.nextSub++
	l.subs[id] = c
	l.mu.Unlock()
	var once sync.Once
	return c, func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.subs, id)
			close(c)
			l.mu.Unlock()
		})
	}
}

// WriteJSONL writes events as JSON Lines: one object per line.
func WriteJSONL(w io.Writer, events []Event) error {
	enc := json.NewEncoder(w)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("writing event %d as JSON: %w", e.Seq, err)
		}
	}
	return nil
}
