package serve

import (
	"net/http"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/metrics"
	"github.com/pushsim/pushsim/sim/synthetic"
	"github.com/pushsim/pushsim/sim/world"
)

// The load-test target (GitHub issue 18) plugs into Start here: synthetic
// devices in front of the World, metrics in front of everything.

// withSampleDevice adds the device that shows sampled synthetic
// notifications, when there are synthetic devices; fleet is not changed.
func withSampleDevice(fleet []*device.Device, f *synthetic.Fleet) []*device.Device {
	if f == nil || f.Devices() == 0 {
		return fleet
	}
	return append(fleet[:len(fleet):len(fleet)], synthetic.SampleDevice())
}

// loadHooks returns the fake APNs servers' Router, Observer and Counters:
// synthetic tokens are answered before the World's lock is taken, and
// only the sampled ones reach the World and the request ring; metrics see
// every request.
func (s *Server) loadHooks(cfg Config, w *world.World, next fakeapns.Observer) (fakeapns.Router, fakeapns.Observer, *fakeapns.Counters) {
	var router fakeapns.Router = w
	observer := next
	if f := cfg.Synthetic; f != nil && f.Devices() > 0 {
		router = f.Router(w)
		observer = f.Observer(next, synthetic.WorldSink(w, next))
	}
	counters := &fakeapns.Counters{}
	s.Metrics = metrics.New(metrics.Sources{Counters: counters, Log: s.Log, Synthetic: cfg.Synthetic})
	return router, s.Metrics.Observer(observer), counters
}

// apiHandler is the inspection API plus GET /metrics (Prometheus) and
// GET /api/v1/stats (the same numbers as JSON), behind the API's guard
// (--api-token, Host check).
func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.API.Guarded(s.Metrics.Handler()))
	mux.Handle("GET /api/v1/stats", s.API.Guarded(s.Metrics.StatsHandler()))
	mux.Handle("/", s.API)
	return mux
}
