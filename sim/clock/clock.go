package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is the source of time for everything in the simulated world
// (DESIGN.md "Time is injected"): the wall clock for the TUI and `serve`, a
// Virtual clock for scenarios and tests, so that a 30-second watchdog costs
// microseconds.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once, d from now. On the real clock f runs on its
	// own goroutine; on a Virtual clock it runs inside Advance.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call; it reports whether the call was still
	// pending.
	Stop() bool
}

// Real returns the wall clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer {
	if f == nil {
		f = func() {}
	}
	return time.AfterFunc(d, f)
}

// Virtual is a Clock that moves only when Advance is called. It is
// safe for concurrent use.
type Virtual struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap
	seq    uint64
}

// NewVirtual returns a virtual clock that reads start until advanced.
func NewVirtual(start time.Time) *Virtual {
	return &Virtual{now: start}
}

// Now returns the virtual time.
func (c *Virtual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d. A d <= 0 is due at once and runs at the
// next Advance (even Advance(0)), never inside AfterFunc itself: callers
// may hold their own locks while scheduling.
func (c *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d < 0 {
		d = 0
	}
	if f == nil {
		f = func() {}
	}
	c.seq++
	t := &virtualTimer{clock: c, at: c.now.Add(d), seq: c.seq, f: f, index: -1}
	heap.Push(&c.timers, t)
	return t
}

// Advance moves the clock forward by d, running every timer that falls due
// on the way, in time order (ties in scheduling order), synchronously on
// the caller's goroutine. Before each callback the clock reads that
// callback's due time; callbacks scheduled by callbacks that fall within
// the window also run. The clock's lock is not held during callbacks.
func (c *Virtual) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		if len(c.timers) == 0 || c.timers[0].at.After(target) {
			if target.After(c.now) {
				c.now = target
			}
			c.mu.Unlock()
			return
		}
		t := heap.Pop(&c.timers).(*virtualTimer)
		if t.at.After(c.now) {
			c.now = t.at
		}
		c.mu.Unlock()
		t.f()
	}
}

// Pending returns how many timers are scheduled and not yet run or
// stopped.
func (c *Virtual) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

type virtualTimer struct {
	clock *Virtual
	at    time.Time
	seq   uint64
	f     func()
	index int // position in the heap, -1 when not in it
}

// Stop removes the timer from its clock.
func (t *virtualTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// timerHeap orders timers by due time, then by scheduling order, so that
// equal-time timers run in the order they were set (reproducible runs).
type timerHeap []*virtualTimer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*virtualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
