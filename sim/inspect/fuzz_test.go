package inspect_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
		req, err := http.NewRequest(method, "http://api"+inspect.Prefix+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
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
