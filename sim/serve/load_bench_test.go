package serve_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/synthetic"
)

// BenchmarkRequestPath is one request through the development server's
// handler in process (no TLS, no HTTP/2 framing): JWT cache, validation,
// routing, the observers (metrics, synthetic counters or the World's
// delivery, rendering and lint, the request ring). Its sub-benchmarks
// split the cost by kind of token; "synthetic" is the load-test path.
func BenchmarkRequestPath(b *testing.B) {
	dir := b.TempDir()
	seed, err := synthetic.LoadSeed(dir)
	if err != nil {
		b.Fatal(err)
	}
	f, err := synthetic.New(synthetic.Config{Seed: seed, Devices: synthetic.MaxDevices, Sample: synthetic.DefaultSample})
	if err != nil {
		b.Fatal(err)
	}
	s := start(b, dir, func(c *serve.Config) { c.Synthetic = f; c.LogSize = 4096 })
	tok := s.State.Key.Token()
	if _, err := tok.Generate(); err != nil {
		b.Fatal(err)
	}
	h := s.Development.Handler()
	payload := []byte(`{"aps":{"alert":{"title":"Lunch","body":"At noon?"},"category":"poll"}}`)
	for _, c := range []struct{ name, token string }{
		{"synthetic", seed.Token(fakeapns.Development, 123456)},
		{"fleet", tokenOf(b, s.Info, "ios17")},
		{"unknown", "0000000000000000000000000000000000000000000000000000000000000000"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest(http.MethodPost, "/3/device/"+c.token, bytes.NewReader(payload))
					r.ProtoMajor = 2
					r.Header["Authorization"] = []string{"bearer " + tok.Bearer}
					r.Header["Apns-Topic"] = []string{device.DefaultBundleID}
					r.Header["Apns-Push-Type"] = []string{"alert"}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code >= 500 {
						b.Errorf("status %d", w.Code)
						return
					}
				}
			})
		})
	}
}
