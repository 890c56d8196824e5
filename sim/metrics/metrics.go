// Package metrics counts what "pushsim serve" does, for the people
// load-testing a sender against it (GitHub issue 18): Prometheus text at
// GET /metrics and the same numbers as JSON at GET /api/v1/stats.
//
// It uses the official Prometheus Go client (client_golang): its
// exposition format, histogram buckets and process/Go collectors are what
// every Prometheus server and Grafana dashboard expects, and writing the
// text format by hand would have to track its changes.
//
// Every series sums across replicas: counters are totals since start and
// gauges are per-replica amounts, so a Prometheus sum() over the
// replicas of one state directory is the whole target's figure (README
// "Load testing").
package metrics

import (
	"cmp"
	"encoding/json"
	dto "github.com/prometheus/client_model/go"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/synthetic"
	"github.com/pushsim/pushsim/sim/world"
)

// Sources are the numbers kept elsewhere that metrics read on demand.
// Nil fields are left out.
type Sources struct {
	// Counters are the fake APNs servers' connections, streams and JWT
	// verifications.
	Counters *fakeapns.Counters
	// Log is the World's event log, for its size and overwritten events.
	Log *world.EventLog
	// Synthetic is the synthetic fleet, for its counters.
	Synthetic *synthetic.Fleet
}

// latencyBuckets are in seconds: the fake answers in tens of
// microseconds, faults add seconds.
var latencyBuckets = []float64{
	.00001, .000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10,
}

// Metrics counts requests through Observer and serves them. It is safe
// for concurrent use.
type Metrics struct {
	src     Sources
	started time.Time
	reg     *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series caches each label set's counter and a plain count of it for
	// the JSON: CounterVec.WithLabelValues hashes its labels on every
	// call, this is one map read.
	series sync.Map // seriesKey → *series
	lat    [2]prometheus.Observer
}

type seriesKey struct {
	env    fakeapns.Environment
	status int
	reason fakeapns.Reason
}

type series struct {
	c prometheus.Counter
	n atomic.Uint64
}

// New registers every metric; src is read at each scrape.
func New(src Sources) *Metrics {
	m := &Metrics{src: src, started: time.Now(), reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pushsim_requests_total",
		Help: "Provider API requests answered, by environment, HTTP status and APNs reason (empty when accepted).",
	}, []string{"environment", "status", "reason"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pushsim_request_duration_seconds",
		Help:    "Server-side time from receiving a request's headers to deciding its answer, by environment.",
		Buckets: latencyBuckets,
	}, []string{"environment"})
	m.lat[0] = m.latency.WithLabelValues(string(fakeapns.Development))
	m.lat[1] = m.latency.WithLabelValues(string(fakeapns.Production))
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "pushsim_deliveries_total", Help: "Accepted notifications delivered to the fleet's simulated devices.",
		ConstLabels: prometheus.Labels{"devices": "fleet"},
	}, func() float64 { return float64(m.fleetDeliveries()) }))
	if c := src.Counters; c != nil {
		gauge := func(name, help string, f func() float64) {
			m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
		}
		counter := func(name, help string, f func() float64) {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
		}
		gauge("pushsim_open_connections", "Provider connections open now (both environments, TLS and h2c).",
			func() float64 { return float64(c.Conns.Load()) })
		gauge("pushsim_open_streams", "Requests (HTTP/2 streams) being handled now.",
			func() float64 { return float64(c.Streams.Load()) })
		counter("pushsim_jwt_verifications_total", "Provider tokens whose ES256 signature was checked.",
			func() float64 { return float64(c.JWTVerifications.Load()) })
		counter("pushsim_jwt_cache_hits_total", "Requests whose provider token was already verified.",
			func() float64 { return float64(c.JWTCacheHits.Load()) })
	}
	if l := src.Log; l != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pushsim_event_log_events_total", Help: "Events appended to the event log.",
		}, func() float64 { return float64(l.Last()) }))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pushsim_event_log_dropped_total", Help: "Events overwritten in the event-log ring before the API or --record could read them later.",
		}, func() float64 { return float64(dropped(l)) }))
	}
	if f := src.Synthetic; f != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pushsim_synthetic_devices", Help: "Synthetic devices per environment (--synthetic).",
		}, func() float64 { return float64(f.Devices()) }))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pushsim_deliveries_total", Help: "Accepted notifications delivered to the fleet's simulated devices.",
			ConstLabels: prometheus.Labels{"devices": "synthetic"},
		}, func() float64 { return float64(f.Stats().Accepted) }))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pushsim_synthetic_sampled_total", Help: "Requests to sampled synthetic devices, rendered and logged on the sample device.",
		}, func() float64 { return float64(f.Stats().Sampled) }))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pushsim_synthetic_unregistered_total", Help: "Requests to uninstalled synthetic devices (410 Unregistered).",
		}, func() float64 { return float64(f.Stats().Unregistered) }))
	}
	return m
}

// dropped is how many events the ring has overwritten.
func dropped(l *world.EventLog) uint64 {
	last, c := l.Last(), uint64(l.Capacity())
	if last <= c {
		return 0
	}
	return last - c
}

// Observer returns a fakeapns.Observer that counts every Record, then
// hands it to next (when not nil).
func (m *Metrics) Observer(next fakeapns.Observer) fakeapns.Observer {
	return fakeapns.ObserverFunc(func(r fakeapns.Record) {
		m.count(r)
		if next != nil {
			next.Observe(r)
		}
	})
}

func (m *Metrics) count(r fakeapns.Record) {
	k := seriesKey{env: r.Environment, status: r.Status, reason: r.Reason}
	v, ok := m.series.Load(k)
	if !ok {
		s := &series{c: m.requests.WithLabelValues(string(k.env), strconv.Itoa(k.status), string(k.reason))}
		v, _ = m.series.LoadOrStore(k, s)
	}
	s := v.(*series)
	s.c.Inc()
	s.n.Add(1)
	if r.Environment == fakeapns.Production {
		m.lat[1].Observe(r.Latency.Seconds())
	} else {
		m.lat[0].Observe(r.Latency.Seconds())
	}
}

// fleetDeliveries is the accepted requests less the synthetic devices'
// (counted by the fleet), so that no request pays for a second token
// check here.
func (m *Metrics) fleetDeliveries() uint64 {
	var accepted uint64
	m.series.Range(func(k, v any) bool {
		if k.(seriesKey).status == http.StatusOK {
			accepted += v.(*series).n.Load()
		}
		return true
	})
	if f := m.src.Synthetic; f != nil {
		accepted -= min(accepted, f.Stats().Accepted)
	}
	return accepted
}

// Handler serves the Prometheus text format (GET /metrics).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// RequestCount is one label set of pushsim_requests_total.
type RequestCount struct {
	Environment fakeapns.Environment `json:"environment"`
	Status      int                  `json:"status"`
	Reason      fakeapns.Reason      `json:"reason,omitempty"`
	Count       uint64               `json:"count"`
}

// Stats is GET /api/v1/stats: the numbers of /metrics as JSON, totals
// since start. A client computes rates from two readings and their Time.
type Stats struct {
	Time          time.Time        `json:"time"`
	UptimeSeconds float64          `json:"uptime_seconds"`
	Requests      uint64           `json:"requests"`
	Accepted      uint64           `json:"accepted"`
	ByOutcome     []RequestCount   `json:"by_outcome"`
	Latency       LatencyStats     `json:"latency"`
	Connections   int64            `json:"open_connections"`
	Streams       int64            `json:"open_streams"`
	JWTVerified   uint64           `json:"jwt_verifications"`
	JWTCacheHits  uint64           `json:"jwt_cache_hits"`
	Deliveries    DeliveryStats    `json:"deliveries"`
	EventLog      EventLogStats    `json:"event_log"`
	Synthetic     *synthetic.Stats `json:"synthetic,omitempty"`
}

// LatencyStats summarises pushsim_request_duration_seconds.
type LatencyStats struct {
	Count       uint64  `json:"count"`
	SumSeconds  float64 `json:"sum_seconds"`
	MeanSeconds float64 `json:"mean_seconds"`
}

// DeliveryStats counts accepted notifications by kind of device.
type DeliveryStats struct {
	Fleet     uint64 `json:"fleet"`
	Synthetic uint64 `json:"synthetic"`
}

// EventLogStats describes the event-log ring.
type EventLogStats struct {
	Events   uint64 `json:"events"`
	Capacity int    `json:"capacity"`
	Dropped  uint64 `json:"dropped"`
}

// Snapshot reads every number now.
func (m *Metrics) Snapshot() Stats {
	now := time.Now()
	st := Stats{Time: now.UTC(), UptimeSeconds: now.Sub(m.started).Seconds(), ByOutcome: []RequestCount{}}
	m.series.Range(func(k, v any) bool {
		key, n := k.(seriesKey), v.(*series).n.Load()
		st.ByOutcome = append(st.ByOutcome, RequestCount{Environment: key.env, Status: key.status, Reason: key.reason, Count: n})
		st.Requests += n
		if key.status == http.StatusOK {
			st.Accepted += n
		}
		return true
	})
	sortCounts(st.ByOutcome)
	for _, o := range m.lat {
		if h, ok := o.(prometheus.Metric); ok {
			count, sum := histogramTotals(h)
			st.Latency.Count += count
			st.Latency.SumSeconds += sum
		}
	}
	if st.Latency.Count > 0 {
		st.Latency.MeanSeconds = st.Latency.SumSeconds / float64(st.Latency.Count)
	}
	if c := m.src.Counters; c != nil {
		st.Connections, st.Streams = c.Conns.Load(), c.Streams.Load()
		st.JWTVerified, st.JWTCacheHits = c.JWTVerifications.Load(), c.JWTCacheHits.Load()
	}
	st.Deliveries.Fleet = m.fleetDeliveries()
	if l := m.src.Log; l != nil {
		st.EventLog = EventLogStats{Events: l.Last(), Capacity: l.Capacity(), Dropped: dropped(l)}
	}
	if f := m.src.Synthetic; f != nil {
		s := f.Stats()
		st.Synthetic = &s
		st.Deliveries.Synthetic = s.Accepted
	}
	return st
}

// StatsHandler serves Snapshot as JSON (GET /api/v1/stats).
func (m *Metrics) StatsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(m.Snapshot())
	})
}

// histogramTotals reads a histogram's count and sum.
func histogramTotals(h prometheus.Metric) (uint64, float64) {
	var out dto.Metric
	if err := h.Write(&out); err != nil || out.Histogram == nil {
		return 0, 0
	}
	return out.Histogram.GetSampleCount(), out.Histogram.GetSampleSum()
}

// sortCounts orders by environment, status, then reason, so the JSON is
// stable from one reading to the next.
func sortCounts(cs []RequestCount) {
	slices.SortFunc(cs, func(a, b RequestCount) int {
		return cmp.Or(cmp.Compare(a.Environment, b.Environment), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Reason, b.Reason))
	})
}
