package inspect_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim"
	"github.com/pushsim/pushsim/sim/inspect"
)

// BenchmarkRecordsObserve is the cost the store adds to every request the
// fake APNs answers (it runs in the server's Observer chain).
func BenchmarkRecordsObserve(b *testing.B) {
	world := sim.NewWorld(sim.WorldConfig{Fleet: sim.DefaultFleet(), Clock: sim.NewVirtualClock(time.Now())})
	defer world.Close()
	s := inspect.NewRecords(1000, world)
	tok := world.Devices()[4].Apps[0].Token
	r := fakeapns.Record{
		Environment: fakeapns.Development, Method: "POST", Path: "/3/device/" + tok, Status: 200,
		Header:       http.Header{"Apns-Topic": {sim.DefaultBundleID}},
		Payload:      []byte(`{"aps":{"alert":"x"}}`),
		Notification: &fakeapns.Notification{Token: tok, Topic: sim.DefaultBundleID},
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Observe(r)
	}
}
