package harness

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

var benchPoll = []byte(`{"aps":{"alert":"Lunch at noon?","category":"poll"}}`)

// BenchmarkEndToEnd measures notifications per second from apns2 through
// the fake APNs (TLS, HTTP/2, JWT, validation, routing) to a rendered
// device, with concurrent streams on one connection as a provider would.
// Compare with BenchmarkBareHTTP2 from the same run: the same client path
// against a handler that only answers 200.
func BenchmarkEndToEnd(b *testing.B) {
	h, err := Start(context.Background(), Config{Clock: clock.NewVirtual(time.Now()), LogSize: 4096})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := h.Close(); err != nil {
			b.Error(err)
		}
	}()
	d, err := h.World.Device("ios8")
	if err != nil {
		b.Fatal(err)
	}
	req := provider.Request{Token: d.Apps[0].Token, Topic: device.DefaultBundleID, Payload: benchPoll}
	benchSend(b, h.Provider, req)
}

// BenchmarkBareHTTP2 is the baseline: apns2 over TLS and HTTP/2 to a bare
// handler that answers 200 with an apns-id.
func BenchmarkBareHTTP2(b *testing.B) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("apns-id", "00000000-0000-0000-0000-000000000000")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	key, err := generateBenchKey()
	if err != nil {
		b.Fatal(err)
	}
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	p, err := provider.New(provider.Config{Endpoint: srv.URL, RootCAs: pool, Key: key, KeyID: "KEY1234567", TeamID: "TEAM123456"})
	if err != nil {
		b.Fatal(err)
	}
	benchSend(b, p, provider.Request{Token: device.DeviceToken("ios8", device.DefaultBundleID), Topic: device.DefaultBundleID, Payload: benchPoll})
}

func benchSend(b *testing.B, p *provider.Provider, req provider.Request) {
	defer func() {
		if err := p.Close(); err != nil {
			b.Error(err)
		}
	}()
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

func generateBenchKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}
