package serve

import (
	"runtime"
	"sync"

	"github.com/pushsim/pushsim/fakeapns"
)

// deepObserver runs an Observer on a few long-lived goroutines and waits
// for it, so that a request still sees its delivery done when it is
// answered (fakeapns.Observer is synchronous).
//
// Why: net/http runs each HTTP/2 stream's handler on a new goroutine,
// whose stack starts at 8 KB. A push to a simulated device (parse, lint,
// render, log) goes deeper than that, so every such request grew and
// copied its stack: 12% of serve's CPU under load, by profile, more than
// the payload's parse. The pool's goroutines grow theirs once. Requests
// that never reach the World (synthetic devices, rejections) do not come
// here and pay no hand-off.
type deepObserver struct {
	next fakeapns.Observer
	jobs chan *deepJob
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
	free sync.Pool // *deepJob, each with its done channel
}

type deepJob struct {
	rec  fakeapns.Record
	done chan struct{}
	// panicked is what the Observer panicked with, handed back to the
	// request's goroutine, where net/http recovers it as it did before
	// the pool (a worker must not take the process down).
	panicked any
}

// newDeepObserver starts the pool: two goroutines per CPU, so that a
// worker waiting for the World's lock does not leave a CPU idle.
func newDeepObserver(next fakeapns.Observer) *deepObserver {
	d := &deepObserver{next: next, jobs: make(chan *deepJob), quit: make(chan struct{})}
	d.free.New = func() any { return &deepJob{done: make(chan struct{}, 1)} }
	for range 2 * runtime.GOMAXPROCS(0) {
		d.wg.Go(d.work)
	}
	return d
}

func (d *deepObserver) work() {
	for {
		select {
		case j := <-d.jobs:
			d.observe(j)
		case <-d.quit:
			return
		}
	}
}

// observe runs one job on a worker, keeping a panic for the caller.
func (d *deepObserver) observe(j *deepJob) {
	defer func() {
		j.panicked = recover()
		j.done <- struct{}{}
	}()
	d.next.Observe(j.rec)
}

// Observe hands r to a worker and waits until it is observed; once the
// pool is closed, it observes r itself.
func (d *deepObserver) Observe(r fakeapns.Record) {
	j := d.free.Get().(*deepJob)
	j.rec = r
	select {
	case d.jobs <- j:
		<-j.done
	case <-d.quit:
		d.next.Observe(r)
	}
	p := j.panicked
	j.rec, j.panicked = fakeapns.Record{}, nil // do not keep the request alive in the pool
	d.free.Put(j)
	if p != nil {
		panic(p)
	}
}

// Close stops the workers; later Observe calls run inline.
func (d *deepObserver) Close() {
	d.once.Do(func() { close(d.quit) })
	d.wg.Wait()
}
