package serve

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/pushsim/pushsim/sim/world"
)

// recorder appends every event of a log to a JSON Lines file (--record).
// It follows the log through Subscribe, so appending never waits for the
// disk.
type recorder struct {
	path string
	log  *world.EventLog
	f    *os.File
	w    *bufio.Writer

	cancel func()
	done   chan struct{}

	mu     sync.Mutex // guards w, last and err between the loop and close
	last   uint64
	err    error
	closed bool
}

func startRecorder(path string, log *world.EventLog) (*recorder, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	ch, cancel := log.Subscribe()
	r := &recorder{path: path, log: log, f: f, w: bufio.NewWriter(f), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for range ch { // closed by cancel
			r.drain()
		}
	}()
	return r, nil
}

// drain writes the events not yet written, and flushes.
func (r *recorder) drain() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	for {
		events, missed := r.log.Since(r.last, 1000)
		if missed > 0 {
			// The ring overwrote events before they were written: say so in
			// the file rather than leave a silent gap.
			r.err = world.WriteJSONL(r.w, []world.Event{{Kind: world.EventError, Seq: r.last + missed,
				Message: fmt.Sprintf("record: %d events lost (the event log overflowed)", missed)}})
		}
		if len(events) == 0 || r.err != nil {
			break
		}
		r.err = world.WriteJSONL(r.w, events)
		r.last = events[len(events)-1].Seq
	}
	if r.err == nil {
		r.err = r.w.Flush()
	}
	if r.err != nil {
		r.err = fmt.Errorf("--record %s: %w", r.path, r.err)
	}
}

// close writes what is left, flushes and closes the file.
func (r *recorder) close() error {
	r.cancel()
	<-r.done
	r.drain()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.err
	}
	r.closed = true
	return errors.Join(r.err, r.f.Close())
}
