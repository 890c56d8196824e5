package inspect_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/world"
)

// BenchmarkRecordsObserve is the cost the store adds to every request the
// fake APNs answers (it runs in the server's Observer chain).
func BenchmarkRecordsObserve(b *testing.B) {
	world := world.New(world.Config{Fleet: device.DefaultFleet(), Clock: clock.NewVirtual(time.Now())})
	defer func() {
		if err := world.Close(); err != nil {
			b.Error(err)
		}
	}()
	s := inspect.NewRecords(1000, world)
	tok := world.Devices()[4].Apps[0].Token
	r := fakeapns.Record{
		Environment: fakeapns.Development, Method: "POST", Path: "/3/device/" + tok, Status: 200,
		Header:       http.Header{"Apns-Topic": {device.DefaultBundleID}},
		Payload:      []byte(`{"aps":{"alert":"x"}}`),
		Notification: &fakeapns.Notification{Token: tok, Topic: device.DefaultBundleID},
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Observe(r)
	}
}
