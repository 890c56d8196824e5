package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/world"
)

// TestCountsEveryRecord: each Record is counted once under its
// environment, status and reason, in /metrics and in the JSON alike; the
// event ring's overwritten events are its drops.
func TestCountsEveryRecord(t *testing.T) {
	log := world.NewEventLog(2)
	for range 5 {
		log.Append(world.Event{Kind: world.EventNote})
	}
	c := &fakeapns.Counters{}
	c.Conns.Add(3)
	c.JWTCacheHits.Add(7)
	m := New(Sources{Counters: c, Log: log})
	var passed int
	obs := m.Observer(fakeapns.ObserverFunc(func(fakeapns.Record) { passed++ }))
	recs := []fakeapns.Record{
		{Environment: fakeapns.Development, Status: 200, Latency: time.Millisecond},
		{Environment: fakeapns.Development, Status: 200},
		{Environment: fakeapns.Production, Status: 400, Reason: fakeapns.ReasonBadDeviceToken},
		{Environment: fakeapns.Production, Status: 410, Reason: fakeapns.ReasonUnregistered},
	}
	for _, r := range recs {
		obs.Observe(r)
	}
	if passed != len(recs) {
		t.Errorf("next observer saw %d records, want %d", passed, len(recs))
	}
	st := m.Snapshot()
	if st.Requests != 4 || st.Accepted != 2 || st.Deliveries.Fleet != 2 || st.Latency.Count != 4 ||
		st.Connections != 3 || st.JWTCacheHits != 7 || st.EventLog.Dropped != 3 || len(st.ByOutcome) != 3 {
		t.Errorf("snapshot %+v", st)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`pushsim_requests_total{environment="development",reason="",status="200"} 2`,
		`pushsim_requests_total{environment="production",reason="BadDeviceToken",status="400"} 1`,
		`pushsim_requests_total{environment="production",reason="Unregistered",status="410"} 1`,
		`pushsim_open_connections 3`,
		`pushsim_event_log_dropped_total 3`,
		`pushsim_deliveries_total{devices="fleet"} 2`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
