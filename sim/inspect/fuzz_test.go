package inspect_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/world"
)

// FuzzAPI sends arbitrary methods, paths and bodies to the API: whatever
// comes in, the answer is a status with a JSON body, never a panic.
func FuzzAPI(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"GET", "devices", ""},
		{"PATCH", "devices/ios10", `{"locked":true,"state":"foreground"}`},
		{"PATCH", "devices/ios10", `{"state":null,"permission":7}`},
		{"PATCH", "devices/ios10", `{"locked":true}{"locked":false}`},
		{"POST", "devices/ios10/notifications/latest/actions", `{"action":"OK","text":"\u0000"}`},
		{"POST", "devices/ios10/notifications/%zz/actions", `{"action":"dismiss"}`},
		{"GET", "notifications?device=ios10&token=ABC&apns_id=x", ""},
		{"GET", "events?since=18446744073709551615&limit=1", ""},
		{"GET", "events?wait=-1s", ""},
		{"POST", "faults", `{"reason":"Unregistered","timestamp":"2020-01-01T00:00:00Z","probability":0.5}`},
		{"POST", "faults", `{"latency":"1h","latency_max":"1ns","count":-1}`},
		{"DELETE", "faults/f1", ""},
		{"PUT", "reset", "[]"},
		{"GET", "../../../etc/passwd", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	log := world.NewEventLog(100)
	world := world.New(world.Config{Fleet: device.DefaultFleet(), Clock: clock.NewVirtual(time.Now()), Log: log})
	f.Cleanup(func() {
		if err := world.Close(); err != nil {
			f.Error(err)
		}
	})
	// Long polls end at once, so that a fuzzed wait= cannot stall the run.
	api, err := inspect.New(inspect.Config{World: world, MaxWait: time.Nanosecond})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		req, err := http.NewRequest(method, "http://127.0.0.1"+inspect.Prefix+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Content-Type", "application/json")
		if strings.HasSuffix(req.URL.Path, "/stream") {
			return // an event stream lasts until the client leaves, by design
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code == http.StatusNoContent {
			return
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s %s: %d with Content-Type %q", method, path, rec.Code, ct)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: %d with a body that is not JSON: %q", method, path, rec.Code, rec.Body.String())
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body.String())
		}
	})
}

// FuzzNotificationsJSON feeds arbitrary request bodies (accepted and
// rejected) to GET notifications: the answer is always valid JSON, and
// its size is linear in the body (at most 8 bytes out per byte in, plus a
// constant for the entry's other fields), whatever the nesting or the
// encoding.
func FuzzNotificationsJSON(f *testing.F) {
	for _, s := range []string{
		`{"aps":{"alert":"hi"}}`,
		`{"aps":{},"x":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}`,
		"{\"aps\":{\"alert\":\"\xff\xfe\"}}",
		"not json \x00\x01\x1f",
		`"\ud800"`,
		"",
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	w := world.New(world.Config{Fleet: device.DefaultFleet(), Clock: clock.NewVirtual(time.Now()), Log: world.NewEventLog(100)})
	f.Cleanup(func() { _ = w.Close() })
	f.Fuzz(func(t *testing.T, payload []byte, accepted bool) {
		records := inspect.NewRecords(1, w)
		api, err := inspect.New(inspect.Config{World: w, Records: records})
		if err != nil {
			t.Fatal(err)
		}
		rec := fakeapns.Record{Environment: fakeapns.Development, Method: "POST", Path: "/3/device/00", Status: http.StatusBadRequest,
			Reason: fakeapns.ReasonPayloadEmpty, Payload: payload, Header: http.Header{}}
		if accepted {
			rec.Status, rec.Reason = http.StatusOK, ""
		}
		records.Observe(rec)
		req := httptest.NewRequest("GET", "http://127.0.0.1"+inspect.Prefix+"notifications", nil)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("payload %q: %d %q", payload, w.Code, w.Body.String())
		}
		if limit := 8*len(payload) + 2048; w.Body.Len() > limit {
			t.Fatalf("payload of %d bytes: answer of %d bytes (more than %d)", len(payload), w.Body.Len(), limit)
		}
	})
}
