package fakeapns

import (
	"context"
	"crypto/tls"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sideshow/apns2"
)

func alert(token string) *apns2.Notification {
	return &apns2.Notification{DeviceToken: token, Topic: topic, Payload: []byte(payload)}
}

// TestFaultReasons triggers, through apns2, the reasons no request can
// provoke on its own (apns.md#E18, E33, E54–E57) and a faulted 410.
func TestFaultReasons(t *testing.T) {
	at := time.UnixMilli(1458114061260) // apns2's own test value (apns.md#E63)
	tests := []struct {
		id   string
		rule FaultRule
		want result
	}{
		{"E18/U04", FaultRule{Reason: ReasonIdleTimeout}, result{Status: 400, Reason: ReasonIdleTimeout}},
		{"E33", FaultRule{Reason: ReasonForbidden}, result{Status: 403, Reason: ReasonForbidden}},
		{"E54/U22", FaultRule{Reason: ReasonTooManyRequests}, result{Status: 429, Reason: ReasonTooManyRequests}},
		{"E55", FaultRule{Reason: ReasonInternalServerError}, result{Status: 500, Reason: ReasonInternalServerError}},
		{"E56", FaultRule{Reason: ReasonServiceUnavailable}, result{Status: 503, Reason: ReasonServiceUnavailable}},
		{"E57/T11", FaultRule{Reason: ReasonShutdown}, result{Status: 503, Reason: ReasonShutdown}},
		{"E51/E03", FaultRule{Reason: ReasonUnregistered, Timestamp: at}, result{Status: 410, Reason: ReasonUnregistered, Timestamp: at.Unix()}},
		{"status override", FaultRule{Reason: ReasonInternalServerError, Status: 502}, result{Status: 502, Reason: ReasonInternalServerError}},
	}
	// apns2 signs with the wall clock, so the server uses it too.
	f := newFixture(t, wallClock)
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			tc.rule.Count = 1
			if _, err := f.ts.Faults().Add(tc.rule); err != nil {
				t.Fatal(err)
			}
			resp, err := f.ts.Client().PushWithContext(t.Context(), alert(tokOK))
			if err != nil {
				t.Fatalf("push: %v", err)
			}
			got := result{Status: resp.StatusCode, Reason: Reason(resp.Reason)}
			if !resp.Timestamp.IsZero() {
				got.Timestamp = resp.Timestamp.Unix() // apns2 keeps seconds (apns.md#E63)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if len(f.ts.Faults().List()) != 0 {
				t.Errorf("a Count 1 rule is still installed: %+v", f.ts.Faults().List())
			}
		})
	}
}

// TestFaultMatching checks match fields and Count.
func TestFaultMatching(t *testing.T) {
	f := newFixture(t, wallClock)
	for _, r := range []FaultRule{
		{Token: tokVoIP, Reason: ReasonTooManyRequests},
		{Topic: "com.example.other", Reason: ReasonServiceUnavailable},
		{PushType: "background", Reason: ReasonInternalServerError},
		{Reason: ReasonShutdown, Count: 2, Token: tokGone},
	} {
		if _, err := f.ts.Faults().Add(r); err != nil {
			t.Fatal(err)
		}
	}
	c := f.ts.Client()
	pushes := []*apns2.Notification{
		{DeviceToken: tokVoIP, Topic: topic + ".voip", PushType: apns2.PushTypeVOIP, Payload: []byte(payload)},
		{DeviceToken: tokOther, Topic: "com.example.other", Payload: []byte(payload)},
		{DeviceToken: tokOK, Topic: topic, PushType: apns2.PushTypeBackground, Priority: 5, Payload: []byte(payload)},
		alert(tokOK),
		alert(tokGone), alert(tokGone), alert(tokGone),
	}
	var got []result
	for _, n := range pushes {
		resp, err := c.PushWithContext(t.Context(), n)
		if err != nil {
			t.Fatalf("push: %v", err)
		}
		got = append(got, result{Status: resp.StatusCode, Reason: Reason(resp.Reason)})
	}
	want := []result{
		{429, ReasonTooManyRequests, 0},
		{503, ReasonServiceUnavailable, 0},
		{500, ReasonInternalServerError, 0},
		{200, "", 0},
		{503, ReasonShutdown, 0},
		{503, ReasonShutdown, 0},
		{410, ReasonUnregistered, 0}, // the router's answer once the rule is used up
	}
	// The 410 timestamp is checked elsewhere; drop it here.
	for i := range got {
		got[i].Timestamp = 0
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestFaultSeed checks that probabilities and random latencies are
// reproducible from the seed.
func TestFaultSeed(t *testing.T) {
	draw := func(seed uint64) []time.Duration {
		fs := newFaults(seed)
		if _, err := fs.Add(FaultRule{Reason: ReasonServiceUnavailable, Probability: 0.5, Latency: time.Millisecond, LatencyMax: 9 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		var out []time.Duration
		for range 64 {
			f, d := fs.fire(atRequest, tokOK, topic, "alert", 1)
			if f == nil {
				d = -1
			}
			out = append(out, d)
		}
		return out
	}
	a, b := draw(7), draw(7)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different draws (-first +second)\n%s", diff)
	}
	var fired, missed int
	for _, d := range a {
		switch {
		case d < 0:
			missed++
		case d < time.Millisecond || d > 9*time.Millisecond:
			t.Errorf("latency %v outside [1ms, 9ms]", d)
		default:
			fired++
		}
	}
	if fired == 0 || missed == 0 {
		t.Errorf("probability 0.5 fired %d and missed %d times of 64", fired, missed)
	}
}

// TestFaultValidation checks that impossible rules are refused.
func TestFaultValidation(t *testing.T) {
	tests := []struct {
		name string
		rule FaultRule
	}{
		{"unknown reason", FaultRule{Reason: "Nope"}},
		{"status without reason", FaultRule{Status: 500}},
		{"success with a reason (apns.md#E01)", FaultRule{Status: 200, Reason: ReasonShutdown}},
		{"nothing to do", FaultRule{Token: tokOK}},
		{"probability", FaultRule{Reason: ReasonShutdown, Probability: 2}},
		{"negative count", FaultRule{Reason: ReasonShutdown, Count: -1}},
		{"negative latency", FaultRule{Latency: -time.Second}},
	}
	fs := newFaults(1)
	for _, tc := range tests {
		if _, err := fs.Add(tc.rule); err == nil {
			t.Errorf("%s: Add(%+v) accepted", tc.name, tc.rule)
		}
	}
	r, err := fs.Add(FaultRule{ID: "x", Reason: ReasonShutdown})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Add(r); err == nil {
		t.Error("duplicate id accepted")
	}
	if !fs.Remove("x") || fs.Remove("x") {
		t.Error("Remove does not report existence")
	}
}

// TestShutdownFaultGoAway checks that Shutdown and IdleTimeout end the
// connection (apns.md#T11, U04): the next push needs a new one.
func TestShutdownFaultGoAway(t *testing.T) {
	for _, reason := range []Reason{ReasonShutdown, ReasonIdleTimeout} {
		t.Run(string(reason), func(t *testing.T) {
			f := newFixture(t)
			var dials atomic.Int32
			tlsCfg := f.ts.ClientTLSConfig()
			c, tr := h2Client(tlsCfg)
			tr.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				d := tls.Dialer{Config: tlsCfg}
				return d.DialContext(ctx, network, addr)
			}
			defer tr.CloseIdleConnections()
			if _, err := f.ts.Faults().Add(FaultRule{Reason: reason, Count: 1}); err != nil {
				t.Fatal(err)
			}
			var got []result
			for range 2 {
				got = append(got, send(t, c, f.ts.URL(), "POST", "/3/device/"+tokOK, f.header(t, nil), payload).result)
			}
			want := []result{{Status: reason.Status(), Reason: reason}, {Status: 200}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			// At least two: the fault must close the first. A client that
			// reads the GOAWAY while it is already dialling may open a third
			// (seen under load); that is the client's choice, not ours.
			if n := dials.Load(); n < 2 {
				t.Errorf("%d connections, want at least 2: the fault must close the first", n)
			}
		})
	}
}
