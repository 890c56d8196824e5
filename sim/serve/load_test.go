package serve_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/metrics"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/synthetic"
	"github.com/pushsim/pushsim/sim/world"
)

func syntheticFleet(t *testing.T, dir string, cfg synthetic.Config) *synthetic.Fleet {
	t.Helper()
	seed, err := synthetic.LoadSeed(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed = seed
	f, err := synthetic.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSyntheticEndToEnd: apns2 → fake APNs → synthetic devices, two
// replicas from one state dir, Apple's answers, and metrics that count
// every request.
func TestSyntheticEndToEnd(t *testing.T) {
	dir := t.TempDir()
	// Replica a samples every device, replica b none; b has every app
	// uninstalled. Both accept the same tokens.
	fa := syntheticFleet(t, dir, synthetic.Config{Devices: 1000, Sample: 1})
	a := start(t, dir, func(c *serve.Config) { c.Synthetic = fa })
	fb := syntheticFleet(t, dir, synthetic.Config{Devices: 1000, Unregistered: 1})
	b := start(t, dir, func(c *serve.Config) { c.Synthetic = fb })
	info := readInfo(t, dir)
	ctx := context.Background()

	seed := fa.Seed()
	tok := seed.Token(fakeapns.Development, 999)
	send := func(p *provider.Provider, token, pushType string) provider.Response {
		t.Helper()
		topic := "com.example.loadtest"
		if pushType == "voip" {
			topic += ".voip" // apns.md#H06
		}
		res, err := p.Send(ctx, provider.Request{Token: token, Topic: topic, PushType: pushType,
			Payload: []byte(`{"aps":{"alert":{"title":"Sale","body":"50% off"}}}`)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	pa := providerFromFiles(t, info, a.Development.URL())
	pb := providerFromFiles(t, info, b.Development.URL())
	paProd := providerFromFiles(t, info, a.Production.URL())

	if res := send(pa, tok, "alert"); res.Status != http.StatusOK {
		t.Errorf("replica a, synthetic token: %+v, want 200", res)
	}
	if res := send(pb, tok, "alert"); res.Status != http.StatusGone || res.Reason != "Unregistered" || res.Timestamp.IsZero() {
		t.Errorf("replica b, uninstalled synthetic device: %+v, want 410 Unregistered with a timestamp (apns.md#E51)", res)
	}
	wrongMAC := tok[:60] + strings.Map(func(r rune) rune {
		if r == 'f' {
			return '0'
		}
		return 'f'
	}, tok[60:])
	for name, c := range map[string]struct {
		p        *provider.Provider
		token    string
		pushType string
		reason   string
	}{
		"wrong MAC":                       {pa, wrongMAC, "alert", "BadDeviceToken"},
		"index beyond --synthetic":        {pa, seed.Token(fakeapns.Development, 1000), "alert", "BadDeviceToken"},
		"development token in production": {paProd, tok, "alert", "BadDeviceToken"}, // apns.md#D03
		"voip to an alert token":          {pa, tok, "voip", "DeviceTokenNotForTopic"},
	} {
		if res := send(c.p, c.token, c.pushType); res.Reason != c.reason {
			t.Errorf("%s: %+v, want %s", name, res, c.reason)
		}
	}

	// The sampled notification was rendered on the sample device.
	notes, err := a.World.Notifications(synthetic.SampleDeviceName)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].App != "com.example.loadtest" || len(notes[0].Presentations) == 0 {
		t.Errorf("sample device holds %+v, want the one sampled notification, rendered", notes)
	}
	if evs, _ := a.Log.Since(0, 1000); !hasEvent(evs, world.EventNote, "synthetic device #999 (sampled)") {
		t.Errorf("no event names the sampled synthetic device: %v", evs)
	}

	// Metrics: 5 requests on a (1 accepted, 4 refused, one of them in
	// production), 1 on b.
	var st metrics.Stats
	if code := apiCall(t, http.MethodGet, info.APIURL+"/api/v1/stats", "", &st); code != http.StatusOK {
		t.Fatalf("GET /api/v1/stats: %d", code)
	}
	// pushsim.json names the last replica started: b.
	if st.Requests != 1 || st.Synthetic == nil || st.Synthetic.Unregistered != 1 {
		t.Errorf("replica b stats: %+v, want 1 request, 1 unregistered", st)
	}
	sa := a.Metrics.Snapshot()
	if sa.Requests != 5 || sa.Accepted != 1 || sa.Deliveries.Synthetic != 1 || sa.JWTVerified == 0 {
		t.Errorf("replica a stats: %+v, want 5 requests, 1 accepted and delivered, JWTs verified", sa)
	}
	res, err := http.Get(b.Info.APIURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`pushsim_requests_total{environment="development",reason="Unregistered",status="410"} 1`,
		`pushsim_synthetic_devices 1000`,
		`pushsim_jwt_verifications_total 1`,
		`pushsim_request_duration_seconds_count{environment="development"} 1`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("GET /metrics lacks %q", want)
		}
	}
}

func hasEvent(evs []world.Event, kind world.EventKind, msg string) bool {
	for _, e := range evs {
		if e.Kind == kind && strings.Contains(e.Message, msg) {
			return true
		}
	}
	return false
}
