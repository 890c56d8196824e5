package inspect_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sideshow/apns2"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/world"
)

// raw does one API request over the wire with the given headers (Host
// among them) and returns the status, the answer and its headers.
func (f *fixture) raw(t *testing.T, method, path, body string, headers map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusNoContent && !json.Valid(data) {
		t.Errorf("%s %s: %d with a body that is not JSON: %q", method, path, res.StatusCode, data)
	}
	return res.StatusCode, string(data), res.Header
}

// TestHostCheck: a page that rebinds its own name to 127.0.0.1 reaches
// the API with its name in Host, and is refused; the API's address,
// loopback, localhost and configured names are served.
func TestHostCheck(t *testing.T) {
	f := newFixtureWith(t, func(c *inspect.Config) { c.Names = []string{"pushsim.test"} })
	port := strings.TrimPrefix(f.url[strings.LastIndex(f.url[:len(f.url)-len(inspect.Prefix)], ":"):len(f.url)-len(inspect.Prefix)], ":")
	for _, tc := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LOCALHOST", 200},
		{"[::1]:" + port, 200},
		{"pushsim.test:" + port, 200},
		{"attacker.example:" + port, 403},
		{"127.0.0.1.attacker.example", 403},
		{"10.9.8.7:" + port, 403}, // an IP this API does not listen on
	} {
		status, body, _ := f.raw(t, "GET", "devices", "", map[string]string{"Host": tc.host})
		if status != tc.want {
			t.Errorf("Host %s: %d %s, want %d", tc.host, status, body, tc.want)
		}
		if tc.want == 403 && !strings.Contains(body, "DNS rebinding") {
			t.Errorf("Host %s: the refusal does not say why: %s", tc.host, body)
		}
	}
}

// TestStateChangeNeedsJSONAndOrigin: what an HTML form or a no-cors fetch
// can send (a form content type, another page's Origin) changes nothing.
func TestStateChangeNeedsJSONAndOrigin(t *testing.T) {
	f := newFixture(t)
	u, _ := url.Parse(f.url)
	self := "http://" + u.Host
	for _, tc := range []struct {
		name, method, path, body string
		headers                  map[string]string
		want                     int
	}{
		{"form post", "POST", "reset", "a=b", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415},
		{"text/plain post", "POST", "faults", `{"reason":"Shutdown"}`, map[string]string{"Content-Type": "text/plain"}, 415},
		{"no content type", "PATCH", "devices/ios10", `{"locked":true}`, nil, 415},
		{"other origin", "POST", "reset", "", map[string]string{"Content-Type": "application/json", "Origin": "https://attacker.example"}, 403},
		{"null origin", "POST", "reset", "", map[string]string{"Content-Type": "application/json", "Origin": "null"}, 403},
		{"other origin delete", "DELETE", "faults/f1", "", map[string]string{"Origin": "http://attacker.example"}, 403},
		{"same origin", "POST", "reset", "", map[string]string{"Content-Type": "application/json", "Origin": self}, 200},
		{"json with charset", "POST", "reset", "", map[string]string{"Content-Type": "application/json; charset=utf-8"}, 200},
		{"no origin (curl)", "POST", "faults", `{"reason":"Shutdown","count":1}`, map[string]string{"Content-Type": "application/json"}, 201},
		{"delete without body", "DELETE", "faults/f1", "", nil, 204},
		{"get from another page", "GET", "devices", "", map[string]string{"Origin": "https://attacker.example"}, 200},
	} {
		status, body, _ := f.raw(t, tc.method, tc.path, tc.body, tc.headers)
		if status != tc.want {
			t.Errorf("%s: %s %s = %d %s, want %d", tc.name, tc.method, tc.path, status, body, tc.want)
		}
	}
	// The refused requests changed nothing: ios10 is not locked.
	var dev world.DeviceView
	f.call(t, "GET", "devices/ios10", "", &dev)
	if dev.Locked {
		t.Error("a refused PATCH locked the device")
	}
}

// TestAPIToken: with a token every route needs it, compared in constant
// time, and the refusal says how to authenticate.
func TestAPIToken(t *testing.T) {
	f := newFixtureWith(t, func(c *inspect.Config) { c.Token = "s3cret" })
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Basic czNjcmV0", 401},
		{"Bearer s3cret", 200},
	} {
		h := map[string]string{}
		if tc.auth != "" {
			h["Authorization"] = tc.auth
		}
		status, body, hdr := f.raw(t, "GET", "info", "", h)
		if status != tc.want {
			t.Errorf("Authorization %q: %d %s, want %d", tc.auth, status, body, tc.want)
		}
		if status == 401 && hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: 401 without WWW-Authenticate", tc.auth)
		}
		if strings.Contains(body, "s3cret") {
			t.Errorf("the answer shows the token: %s", body)
		}
	}
}

// TestLimits: each bound answers a clear error naming its limit, and the
// slot is free again once the holder leaves.
func TestLimits(t *testing.T) {
	f := newFixtureWith(t, func(c *inspect.Config) {
		c.Limits = inspect.Limits{Subscribers: 1, Waiters: 1, Faults: 2, AppsPerDevice: 1}
	})
	t.Run("event streams", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		res := openStream(t, ctx, f.url+"events/stream", "")
		status, body, hdr := f.raw(t, "GET", "events/stream", "", nil)
		if status != 429 || !strings.Contains(body, "limit is 1") || hdr.Get("Retry-After") == "" {
			t.Errorf("second stream: %d %s", status, body)
		}
		cancel()
		res.Body.Close()
		waitFor(t, func() bool {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res := openStreamStatus(t, ctx, f.url+"events/stream")
			res.Body.Close()
			return res.StatusCode == 200
		})
	})
	t.Run("long polls", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			// Until it holds the slot: a probe below may hold it a moment.
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", f.url+"events?since=999999&wait=60s", nil)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				res.Body.Close()
			}
		}()
		waitFor(t, func() bool {
			status, _, _ := f.raw(t, "GET", "events?since=999999&wait=10ms", "", nil)
			return status == 429
		})
		cancel()
		<-done
		waitFor(t, func() bool {
			status, _, _ := f.raw(t, "GET", "events?since=999999&wait=1ms", "", nil)
			return status == 200
		})
	})
	t.Run("fault rules", func(t *testing.T) {
		for i, want := range []int{201, 201, 409} {
			status, body, _ := f.raw(t, "POST", "faults", `{"reason":"Shutdown","environment":"development"}`, map[string]string{"Content-Type": "application/json"})
			if status != want {
				t.Errorf("fault %d: %d %s, want %d", i+1, status, body, want)
			}
			if want == 409 && !strings.Contains(body, "limit is 2") {
				t.Errorf("fault %d: %s", i+1, body)
			}
		}
	})
	t.Run("apps per device", func(t *testing.T) {
		status, body, _ := f.raw(t, "PATCH", "devices/ios10", `{"bundle_id":"com.example.new","installed":true}`, map[string]string{"Content-Type": "application/json"})
		if status != 409 || !strings.Contains(body, "limit is 1") {
			t.Errorf("install beyond the limit: %d %s", status, body)
		}
	})
}

func openStreamStatus(t *testing.T, ctx context.Context, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// waitFor polls cond for up to 10 s: for a state another goroutine of
// the test brings about.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 10 s")
}

// TestInvalidUTF8Payload: APNs accepts a JSON body with a byte that is
// not UTF-8; the API still answers valid JSON, with the exact bytes in
// base64, a lossy text view and a note.
func TestInvalidUTF8Payload(t *testing.T) {
	f := newFixture(t)
	payload := []byte("{\"aps\":{\"alert\":\"caf\xe9 \xff\"}}")
	res, err := f.dev.Client().PushWithContext(context.Background(), &apns2.Notification{
		DeviceToken: f.tokenOf["ios17"], Topic: device.DefaultBundleID, Payload: payload,
	})
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := f.raw(t, "GET", "notifications?apns_id="+res.ApnsID, "", nil)
	if status != 200 {
		t.Fatalf("GET notifications: %d %s", status, body)
	}
	var got struct {
		Notifications []inspect.NotificationView `json:"notifications"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Notifications) != 1 {
		t.Fatalf("%v: %s", err, body)
	}
	n := got.Notifications[0]
	raw, err := base64.StdEncoding.DecodeString(n.PayloadBase64)
	if err != nil || string(raw) != string(payload) {
		t.Errorf("payload_base64 = %q (%v), want the bytes sent", n.PayloadBase64, err)
	}
	if n.PayloadText != "{\"aps\":{\"alert\":\"caf\uFFFD \uFFFD\"}}" || n.PayloadNote == "" || n.Payload != nil {
		t.Errorf("payload views: text %q, note %q, payload %s", n.PayloadText, n.PayloadNote, n.Payload)
	}
	t.Logf("APNs answered %d to a body with invalid UTF-8", res.StatusCode)
}

// TestDeepPayloadBounded: a 4 KB payload nested 2,000 deep used to make
// GET notifications return megabytes (indenting grows with depth
// squared); the answer now stays linear in what was received.
func TestDeepPayloadBounded(t *testing.T) {
	f := newFixture(t)
	const depth = 2000
	payload := `{"aps":{"alert":"deep"},"x":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
	const pushes = 20
	for range pushes {
		res, err := f.dev.Client().PushWithContext(context.Background(), &apns2.Notification{
			DeviceToken: f.tokenOf["ios17"], Topic: device.DefaultBundleID, Payload: []byte(payload),
		})
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("push: %v %+v", err, res)
		}
	}
	status, body, _ := f.raw(t, "GET", "notifications", "", nil)
	if status != 200 {
		t.Fatalf("%d", status)
	}
	// Per notification: the payload once, plus headers and the
	// presentations of each context (a few KB).
	if limit := pushes * (len(payload) + 8<<10); len(body) > limit {
		t.Errorf("GET notifications is %d bytes for %d payloads of %d bytes; want at most %d", len(body), pushes, len(payload), limit)
	}
	t.Logf("%d payloads of %d bytes → %d bytes of answer", pushes, len(payload), len(body))
}
