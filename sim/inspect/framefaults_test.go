package inspect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/inspect"
)

// TestFrameFaultRefused: a frame fault the server cannot apply is a 400
// naming the field, in one line.
func TestFrameFaultRefused(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ body, field string }{
		{`{"frame":{"kind":"teleport"}}`, "frame.kind"},
		{`{"frame":{}}`, "frame.kind"},
		{`{"frame":{"kind":"goaway","error_code":"NOPE"}}`, "frame.error_code"},
		{`{"frame":{"kind":"close","error_code":"INTERNAL_ERROR"}}`, "frame.error_code"},
		{`{"frame":{"kind":"goaway","last_stream":"above"}}`, "frame.last_stream"},
		{`{"frame":{"kind":"rst_stream","last_stream":"this"}}`, "frame.last_stream"},
		{`{"frame":{"kind":"rst_stream","debug":"x"}}`, "frame.debug"},
		{`{"frame":{"kind":"goaway","debug":"` + strings.Repeat("x", 1025) + `"}}`, "frame.debug"},
		{`{"frame":{"kind":"goaway","speed":1}}`, "speed"}, // the JSON decoder names the key, not its path
		{`{"frame":{"kind":"rst_stream"},"reason":"BadDeviceToken"}`, "reason"},
		{`{"frame":{"kind":"tls_handshake"},"token":"ab"}`, "token"},
		{`{"frame":{"kind":"tls_handshake"},"latency":"1s"}`, "latency"},
		{`{"frame":{"kind":"close"},"connection":-1}`, "connection"},
		{`{"frame":{"kind":"close"},"note":"x"}`, "note"},
	}
	for _, tc := range tests {
		var e apiError
		status := f.call(t, "POST", "faults", tc.body, &e)
		if status != 400 || e.Field != tc.field || strings.Contains(e.Error, "\n") {
			t.Errorf("POST %s = %d field %q %q, want 400 naming %s", tc.body, status, e.Field, e.Error, tc.field)
		}
	}
	var listed struct{ Faults []inspect.Fault }
	if f.call(t, "GET", "faults", "", &listed); len(listed.Faults) != 0 {
		t.Errorf("refused rules were installed: %+v", listed.Faults)
	}
}

// TestFrameFaultOverTheWire: a GOAWAY injected through the API reaches
// sideshow/apns2, which retries the push on a new connection; the
// notifications view shows both attempts with their connections.
func TestFrameFaultOverTheWire(t *testing.T) {
	f := newFixture(t)
	var added struct{ Faults []inspect.Fault }
	body := `{"id":"bye","environment":"development","token":"` + f.tokenOf["ios10"] + `","count":1,` +
		`"frame":{"kind":"goaway","error_code":"NO_ERROR","last_stream":"below","debug":"{\"reason\":\"Shutdown\"}"}}`
	if status := f.call(t, "POST", "faults", body, &added); status != 201 {
		t.Fatalf("POST faults = %d", status)
	}
	want := []inspect.Fault{{ID: "bye", Environment: fakeapns.Development, Token: f.tokenOf["ios10"], Count: 1,
		Frame: &fakeapns.FrameFault{Kind: fakeapns.FrameGoAway, ErrorCode: "NO_ERROR", LastStream: fakeapns.LastStreamBelow, Debug: `{"reason":"Shutdown"}`}}}
	if diff := cmp.Diff(want, added.Faults); diff != "" {
		t.Errorf("POST answer (-want +got):\n%s", diff)
	}
	if res := f.push(t, f.dev, "ios10", `{"aps":{"alert":"x"}}`); res.StatusCode != 200 {
		t.Errorf("push under GOAWAY = %d %s, want 200 after apns2's retry", res.StatusCode, res.Reason)
	}
	var ns struct{ Notifications []inspect.NotificationView }
	f.call(t, "GET", "notifications", "", &ns)
	var got []string
	for _, n := range ns.Notifications {
		got = append(got, fmt.Sprintf("%d conn %d %s", n.Status, n.Connection, n.Frame))
	}
	if len(ns.Notifications) != 2 || ns.Notifications[0].Connection == ns.Notifications[1].Connection ||
		!strings.HasPrefix(ns.Notifications[0].Frame+ns.Notifications[1].Frame, "GOAWAY") {
		t.Errorf("notifications = %q, want the GOAWAY on one connection and the 200 on another", got)
	}

	var tls struct{ Faults []inspect.Fault }
	if status := f.call(t, "POST", "faults", `{"frame":{"kind":"tls_handshake"},"count":1}`, &tls); status != 201 || len(tls.Faults) != 2 || tls.Faults[0].Note != "" {
		t.Errorf("tls_handshake fault without h2c = %d %+v, want 201 without a note", status, tls.Faults)
	}
}

// TestTLSHandshakeFaultOnH2C: where an environment also listens for h2c,
// a tls_handshake rule says that clients there never see it.
func TestTLSHandshakeFaultOnH2C(t *testing.T) {
	f := newFixtureWith(t, func(c *inspect.Config) { c.H2C = []fakeapns.Environment{fakeapns.Development} })
	var tls struct{ Faults []inspect.Fault }
	if status := f.call(t, "POST", "faults", `{"frame":{"kind":"tls_handshake"},"count":1}`, &tls); status != 201 || len(tls.Faults) != 2 {
		t.Fatalf("tls_handshake fault = %d %+v", status, tls.Faults)
	}
	for _, v := range tls.Faults {
		if hasNote := v.Note != ""; hasNote != (v.Environment == fakeapns.Development) {
			t.Errorf("%s: note %q, want one only where h2c listens", v.Environment, v.Note)
		}
	}
}
