package verify

import (
	"sync"

	"github.com/pushsim/pushsim/fakeapns"
)

// DefaultJournal is how many requests a Journal keeps when given a
// capacity <= 0.
const DefaultJournal = 10000

// Journal is a bounded store of the requests a fake APNs saw, as a
// fakeapns.Observer, for callers without the inspection API's store (the
// scenario runner). It keeps the newest requests. Safe for concurrent use.
type Journal struct {
	mu   sync.Mutex
	reqs []Request
	cap  int
	last uint64
}

// NewJournal returns an empty journal of at most capacity requests.
func NewJournal(capacity int) *Journal {
	if capacity <= 0 {
		capacity = DefaultJournal
	}
	return &Journal{cap: capacity}
}

// Observe implements fakeapns.Observer: it numbers and stores r.
func (j *Journal) Observe(r fakeapns.Record) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.last++
	if len(j.reqs) == j.cap {
		// Drop the oldest; copy rather than reslice so the array does
		// not grow without bound.
		copy(j.reqs, j.reqs[1:])
		j.reqs = j.reqs[:len(j.reqs)-1]
	}
	j.reqs = append(j.reqs, FromRecord(j.last, r))
}

// Requests returns a copy of the stored requests, oldest first.
func (j *Journal) Requests() []Request {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Request(nil), j.reqs...)
}

// Last is the sequence number of the newest request, 0 when none came.
func (j *Journal) Last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}
