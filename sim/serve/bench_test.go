package serve_test

import (
	"context"
	"testing"

	"github.com/pushsim/pushsim/sim"
)

// BenchmarkServeSend is one notification through "pushsim serve" end to
// end: apns2 with the written .p8 over TLS and HTTP/2, JWT check,
// validation, routing, delivery and rendering on the device, the request
// record. Compare it with fakeapns' own handler benchmark for the cost of
// the simulation and the inspection store.
func BenchmarkServeSend(b *testing.B) {
	dir := b.TempDir()
	s := start(b, dir, nil)
	info := s.Info
	p := providerFromFiles(b, info, info.APNsURL)
	req := sim.Request{Token: tokenOf(b, info, "ios17"), Topic: sim.DefaultBundleID, PushType: "alert",
		Payload: []byte(`{"aps":{"alert":{"title":"Lunch poll","body":"Pizza today?"},"category":"poll"}}`)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := p.Send(ctx, req)
		if err != nil || res.Status != 200 {
			b.Fatalf("send: %+v, %v", res, err)
		}
	}
}
