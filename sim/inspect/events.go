package inspect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/sim/world"
)

// maxEventsPerRead bounds one answer of GET events (the client pages on
// with since=next).
const maxEventsPerRead = 1000

// eventsBody is the answer of GET events.
type eventsBody struct {
	Events []world.Event `json:"events"`
	// Next is the since= of the following poll.
	Next uint64 `json:"next"`
	// Missed counts events after since that the ring overwrote before they
	// were read.
	Missed uint64 `json:"missed,omitempty"`
}

// getEvents answers the events after since, waiting up to wait for the
// first one when none is there yet (a long poll).
func (a *API) getEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	since, err := uintParam(q.Get("since"))
	if err != nil {
		writeFieldError(w, http.StatusBadRequest, "since", "since: "+err.Error())
		return
	}
	limit := maxEventsPerRead
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			writeFieldError(w, http.StatusBadRequest, "limit", fmt.Sprintf("limit: %q is not a positive number", v))
			return
		}
		limit = min(n, maxEventsPerRead)
	}
	var wait time.Duration
	if v := q.Get("wait"); v != "" {
		if wait, err = parseDuration(v); err != nil {
			writeFieldError(w, http.StatusBadRequest, "wait", "wait: "+err.Error())
			return
		}
		wait = min(wait, a.maxWait)
	}
	// A since beyond the newest event (a client that outlived a restart
	// of the server) reads from the newest, rather than waiting for a
	// sequence number that may never come.
	from := min(max(since, a.floorSeq()), a.log.Last())
	events, missed := a.log.Since(from, limit)
	if len(events) == 0 && wait > 0 {
		if !a.acquire(w, &a.waiters, a.limits.Waiters, "long polls (GET events?wait=)") {
			return
		}
		defer a.waiters.Add(-1)
		ctx, cancel := a.requestContext(r.Context())
		ctx, cancelWait := context.WithTimeout(ctx, wait)
		err := a.log.Wait(ctx, from)
		cancelWait()
		cancel()
		if err == nil {
			from = max(from, a.floorSeq())
			events, missed = a.log.Since(from, limit)
		}
	}
	next := from
	if len(events) > 0 {
		next = events[len(events)-1].Seq
	}
	if events == nil {
		events = []world.Event{}
	}
	writeJSON(w, http.StatusOK, eventsBody{Events: events, Next: next, Missed: missed})
}

// streamEvents sends the event log as Server-Sent Events: each event with
// its Seq as id and its kind as event type, from since= or Last-Event-ID,
// until the client goes away or the API closes.
func (a *API) streamEvents(w http.ResponseWriter, r *http.Request) {
	start := r.URL.Query().Get("since")
	if start == "" {
		start = r.Header.Get("Last-Event-ID")
	}
	since, err := uintParam(start)
	if err != nil {
		writeFieldError(w, http.StatusBadRequest, "since", "since: "+err.Error())
		return
	}
	if !a.acquire(w, &a.subscribers, a.limits.Subscribers, "event streams (GET events/stream)") {
		return
	}
	defer a.subscribers.Add(-1)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return // the writer cannot stream; nothing more to say
	}
	ctx, cancel := a.requestContext(r.Context())
	defer cancel()
	since = min(since, a.log.Last())
	for {
		since = max(since, a.floorSeq())
		events, missed := a.log.Since(since, maxEventsPerRead)
		if missed > 0 {
			if _, err := fmt.Fprintf(w, "event: missed\ndata: {\"missed\":%d}\n\n", missed); err != nil {
				return
			}
		}
		for _, e := range events {
			data, err := json.Marshal(e)
			if err != nil {
				continue // an Event always encodes; skip rather than end the stream
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Kind, data); err != nil {
				return
			}
			since = e.Seq
		}
		if len(events) == 0 {
			wctx, cancelWait := context.WithTimeout(ctx, a.heartbeat)
			err := a.log.Wait(wctx, since)
			cancelWait()
			switch {
			case ctx.Err() != nil:
				return // client gone or API closed
			case errors.Is(err, context.DeadlineExceeded):
				// A comment line keeps proxies from timing the stream out and
				// lets the server notice a client that went away.
				if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
					return
				}
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// acquire takes one of limit slots counted by n, or answers 429 naming
// the limit and returns false.
func (a *API) acquire(w http.ResponseWriter, n *atomic.Int64, limit int, what string) bool {
	if n.Add(1) > int64(limit) {
		n.Add(-1)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("too many concurrent %s: the limit is %d", what, limit))
		return false
	}
	return true
}

// requestContext is ctx, also cancelled when the API closes.
func (a *API) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-a.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func uintParam(v string) (uint64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an event sequence number", v)
	}
	return n, nil
}

// parseDuration reads "30s", "1m30s", or a bare number of seconds.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("%q is negative", v)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 30s or 1m", v)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", v)
	}
	return d, nil
}
