package serve

import (
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
)

// TestDeepObserverPanicReachesTheCaller: an Observer that panics on a
// worker does not end the process; the panic is raised again in the
// request's goroutine, where net/http recovers it, and the worker goes on
// serving.
func TestDeepObserverPanicReachesTheCaller(t *testing.T) {
	var seen []string
	d := newDeepObserver(fakeapns.ObserverFunc(func(r fakeapns.Record) {
		if r.ApnsID == "boom" {
			panic("observer bug")
		}
		seen = append(seen, r.ApnsID)
	}))
	defer d.Close()
	func() {
		defer func() {
			if got := recover(); got != "observer bug" {
				t.Errorf("recovered %v, want the observer's panic", got)
			}
		}()
		d.Observe(fakeapns.Record{ApnsID: "boom"})
	}()
	for range 10 { // more jobs than workers: none of them died
		d.Observe(fakeapns.Record{ApnsID: "ok"})
	}
	if len(seen) != 10 {
		t.Errorf("observed %d records after the panic, want 10", len(seen))
	}
}
