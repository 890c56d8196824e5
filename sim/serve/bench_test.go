package serve_test

import (
	"context"
	"testing"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
)

// BenchmarkServeSend is notifications through "pushsim serve" end to end,
// with concurrent streams on one connection as a provider sends them:
// apns2 with the written .p8 over TLS and HTTP/2, JWT check, validation,
// routing, delivery and rendering on the device, the request record.
// Compare it with sim/harness's BenchmarkEndToEnd (one environment, no record
// store) run alongside, for the cost serve adds.
func BenchmarkServeSend(b *testing.B) {
	s := start(b, b.TempDir(), func(c *serve.Config) { c.LogSize = 4096 })
	info := s.Info
	p := providerFromFiles(b, info, info.APNsURL)
	req := provider.Request{Token: tokenOf(b, info, "ios8"), Topic: device.DefaultBundleID,
		Payload: []byte(`{"aps":{"alert":"Lunch at noon?","category":"poll"}}`)}
	ctx := context.Background()
	if res, err := p.Send(ctx, req); err != nil || !res.Sent() { // warm the connection
		b.Fatalf("warm-up: %+v %v", res, err)
	}
	b.SetParallelism(16) // 16 × GOMAXPROCS concurrent streams
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := p.Send(ctx, req)
			if err != nil || !res.Sent() {
				b.Errorf("send: %+v %v", res, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notifications/s")
}
