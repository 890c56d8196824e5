package inspect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sideshow/apns2"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/lint"
	"github.com/pushsim/pushsim/sim/world"
)

// fixture is an API over a World fed by two real fake APNs servers.
type fixture struct {
	api      *inspect.API
	url      string // the API's base URL, ending in /api/v1/
	world    *world.World
	log      *world.EventLog
	dev      *fakeapns.TestServer
	prod     *fakeapns.TestServer
	clock    *clock.Virtual
	tokenOf  map[string]string // device name → token of the default app
	lastSent string
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, nil) }

// newFixtureWith is newFixture with the API's Config changed by edit.
func newFixtureWith(t *testing.T, edit func(*inspect.Config)) *fixture {
	t.Helper()
	f := &fixture{clock: clock.NewVirtual(time.Now()), tokenOf: map[string]string{}}
	f.log = world.NewEventLog(0)
	f.world = world.New(world.Config{Fleet: device.DefaultFleet(), Clock: f.clock, Log: f.log, Lint: lint.Delivery})
	t.Cleanup(func() {
		if err := f.world.Close(); err != nil {
			t.Error(err)
		}
	})
	records := inspect.NewRecords(0, f.world)
	obs := fakeapns.ObserverFunc(func(r fakeapns.Record) { f.world.Observe(r); records.Observe(r) })
	f.dev = fakeapns.NewServer(t, fakeapns.Config{Router: f.world, Observer: obs})
	f.prod = fakeapns.NewServer(t, fakeapns.Config{Router: f.world, Observer: obs, Environment: fakeapns.Production})
	cfg := inspect.Config{
		World: f.world, Log: f.log, Records: records, Info: map[string]string{"hello": "world"},
		Faults: map[fakeapns.Environment]*fakeapns.Faults{
			fakeapns.Development: f.dev.Faults(), fakeapns.Production: f.prod.Faults(),
		},
		Heartbeat: time.Hour,
	}
	if edit != nil {
		edit(&cfg)
	}
	api, err := inspect.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.api = api
	srv := httptest.NewServer(api)
	t.Cleanup(func() { api.Close(); srv.Close() })
	f.url = srv.URL + inspect.Prefix
	for _, d := range f.world.Devices() {
		f.tokenOf[d.Name] = d.Apps[0].Token
	}
	return f
}

// push sends payload to the device through the development server.
func (f *fixture) push(t *testing.T, ts *fakeapns.TestServer, name, payload string) *apns2.Response {
	t.Helper()
	res, err := ts.Client().PushWithContext(context.Background(), &apns2.Notification{
		DeviceToken: f.tokenOf[name], Topic: device.DefaultBundleID, Payload: []byte(payload),
	})
	if err != nil {
		t.Fatalf("push to %s: %v", name, err)
	}
	f.lastSent = res.ApnsID
	return res
}

// call does one API request and decodes the JSON answer into out (when
// not nil); it returns the status.
func (f *fixture) call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	status, err := f.do(method, path, body, out)
	if err != nil {
		t.Fatal(err)
	}
	return status
}

// do is call for goroutines a test spawns, which must not call t.Fatal:
// it returns the status, or an error for a failed request, an answer that
// is not JSON or a Content-Type that does not say JSON.
func (f *fixture) do(method, path, body string, out any) (int, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	data, err := io.ReadAll(res.Body)
	if cerr := res.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if res.StatusCode != http.StatusNoContent && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		return res.StatusCode, fmt.Errorf("%s %s: Content-Type %q, want JSON", method, path, res.Header.Get("Content-Type"))
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: answer is not JSON: %w\n%s", method, path, err, data)
		}
	}
	return res.StatusCode, nil
}

type apiError struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

func TestErrors(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"Pizza?","category":"poll"}}`)
	tests := []struct {
		name, method, path, body string
		status                   int
		field                    string
		contains                 string
	}{
		{"unknown route", "GET", "nope", "", 404, "", "no route GET /api/v1/nope"},
		{"outside the prefix", "GET", "../../x", "", 404, "", "no route"},
		{"wrong method", "DELETE", "devices", "", 405, "", "not allowed"},
		{"unknown device", "GET", "devices/ios99", "", 404, "", `unknown device "ios99"`},
		{"patch unknown device", "PATCH", "devices/ios99", `{"locked":true}`, 404, "", "ios99"},
		{"patch unknown field", "PATCH", "devices/ios10", `{"lockd":true}`, 400, "lockd", "unknown field"},
		{"patch wrong type", "PATCH", "devices/ios10", `{"locked":"yes"}`, 400, "locked", "expected true or false"},
		{"patch bad state", "PATCH", "devices/ios10", `{"state":"sleeping"}`, 400, "state", "sleeping"},
		{"patch bad permission", "PATCH", "devices/ios10", `{"permission":"maybe"}`, 400, "permission", "maybe"},
		{"patch unknown app", "PATCH", "devices/ios10", `{"bundle_id":"com.x","state":"foreground"}`, 404, "bundle_id", "com.x"},
		{"syntax error", "PATCH", "devices/ios10", `{"locked":`, 400, "", "invalid JSON"},
		{"empty body", "POST", "devices/ios17/notifications/latest/actions", "", 400, "", "empty body"},
		{"array body", "POST", "devices/ios17/notifications/latest/actions", `["OK"]`, 400, "", "expected a JSON object"},
		{"trailing data", "POST", "devices/ios17/notifications/latest/actions", `{"action":"OK"} {}`, 400, "", "more than one value"},
		{"missing action", "POST", "devices/ios17/notifications/latest/actions", `{}`, 400, "action", "missing"},
		{"unknown action", "POST", "devices/ios17/notifications/latest/actions", `{"action":"MAYBE"}`, 422, "action", "MAYBE"},
		{"unknown notification", "POST", "devices/ios17/notifications/00000000-0000-0000-0000-000000000000/actions", `{"action":"OK"}`, 404, "", "no notification"},
		{"notifications of unknown device", "GET", "notifications?device=ios99", "", 404, "", "ios99"},
		{"events bad since", "GET", "events?since=-1", "", 400, "since", "not an event sequence number"},
		{"events bad wait", "GET", "events?wait=soon", "", 400, "wait", "not a duration"},
		{"events bad limit", "GET", "events?limit=0", "", 400, "limit", "positive"},
		{"fault unknown reason", "POST", "faults", `{"reason":"Nope"}`, 400, "reason", "not an APNs reason"},
		{"fault bad latency", "POST", "faults", `{"latency":"soon"}`, 400, "latency", "not a duration"},
		{"fault bad environment", "POST", "faults", `{"environment":"staging","reason":"Shutdown"}`, 400, "environment", "staging"},
		{"fault nothing to do", "POST", "faults", `{"token":"ab"}`, 400, "", "neither a reason nor a latency"},
		{"fault count wrong type", "POST", "faults", `{"reason":"Shutdown","count":"3"}`, 400, "count", "expected a number"},
		{"delete unknown fault", "DELETE", "faults/zz", "", 404, "", `no fault "zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			status := f.call(t, tt.method, tt.path, tt.body, &e)
			if status != tt.status || e.Field != tt.field || !strings.Contains(e.Error, tt.contains) {
				t.Errorf("%s %s = %d %+v; want %d, field %q, error containing %q", tt.method, tt.path, status, e, tt.status, tt.field, tt.contains)
			}
		})
	}
}

func TestDevicesPatch(t *testing.T) {
	f := newFixture(t)
	var all struct{ Devices []world.DeviceView }
	if status := f.call(t, "GET", "devices", "", &all); status != 200 || len(all.Devices) != len(device.DefaultFleet()) {
		t.Fatalf("GET devices = %d with %d devices", status, len(all.Devices))
	}
	var got world.DeviceView
	status := f.call(t, "PATCH", "devices/ios10", `{"locked":true,"state":"foreground","permission":"denied","chat_open":true}`, &got)
	if status != 200 {
		t.Fatalf("PATCH = %d", status)
	}
	type summary struct {
		Locked     bool
		State      device.AppState
		Permission device.Permission
		ChatOpen   bool
	}
	want := summary{Locked: true, State: device.AppForeground, Permission: device.PermissionDenied, ChatOpen: true}
	if len(got.Apps) != 1 {
		t.Fatalf("PATCH answer has %d apps, want 1: %+v", len(got.Apps), got)
	}
	app := got.Apps[0]
	if diff := cmp.Diff(want, summary{got.Locked, app.State, app.Permission, app.ChatOpen}); diff != "" {
		t.Errorf("PATCH answer (-want +got):\n%s", diff)
	}
	var again world.DeviceView
	f.call(t, "GET", "devices/ios10", "", &again)
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("GET after PATCH differs from the PATCH answer (-patch +get):\n%s", diff)
	}
}

// notificationSummary is the part of a NotificationView the tests compare.
type notificationSummary struct {
	Device   string
	Env      fakeapns.Environment
	Status   int
	Reason   fakeapns.Reason
	State    world.NotificationState
	Contexts []device.Context
}

func summarize(ns []inspect.NotificationView) []notificationSummary {
	out := []notificationSummary{}
	for _, n := range ns {
		s := notificationSummary{Device: n.Device, Env: n.Environment, Status: n.Status, Reason: n.Reason, State: n.State}
		for _, p := range n.Presentations {
			s.Contexts = append(s.Contexts, p.Context)
		}
		out = append(out, s)
	}
	return out
}

func TestNotificationsAndTap(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios6", `{"aps":{"alert":"Pizza?","category":"poll"}}`)
	f.push(t, f.prod, "ios8", `{"aps":{"alert":"wrong environment"}}`) // apns.md#D03
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"Pizza?","category":"poll"}}`)
	okID := f.lastSent

	var got struct{ Notifications []inspect.NotificationView }
	if status := f.call(t, "GET", "notifications", "", &got); status != 200 {
		t.Fatalf("GET notifications = %d", status)
	}
	// The API shows what the World rendered on the device, every context.
	contexts := func(name string) []device.Context {
		ds, err := f.world.Notifications(name)
		if err != nil || len(ds) != 1 {
			t.Fatalf("notifications of %s: %v, %d", name, err, len(ds))
		}
		var cs []device.Context
		for _, p := range ds[0].Presentations {
			cs = append(cs, p.Context)
		}
		if len(cs) < 2 {
			t.Errorf("%s renders in %d contexts; want several", name, len(cs))
		}
		return cs
	}
	want := []notificationSummary{
		{Device: "ios6", Env: fakeapns.Development, Status: 200, State: world.NotificationShown, Contexts: contexts("ios6")},
		{Device: "ios8", Env: fakeapns.Production, Status: 400, Reason: fakeapns.ReasonBadDeviceToken},
		{Device: "ios17", Env: fakeapns.Development, Status: 200, State: world.NotificationShown, Contexts: contexts("ios17")},
	}
	if diff := cmp.Diff(want, summarize(got.Notifications)); diff != "" {
		t.Errorf("GET notifications (-want +got):\n%s", diff)
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, got.Notifications[2].Payload)
	if n := got.Notifications[2]; !bytes.Contains(compact.Bytes(), []byte(`"category":"poll"`)) || n.Headers.Get("Authorization") == "" ||
		!strings.HasSuffix(n.Headers.Get("Authorization"), "(signature redacted)") {
		t.Errorf("notification keeps payload and redacted bearer: payload %s, authorization %q", n.Payload, n.Headers.Get("Authorization"))
	}

	filters := []struct {
		query string
		want  []string // devices
	}{
		{"?device=ios17", []string{"ios17"}},
		{"?token=" + strings.ToUpper(f.tokenOf["ios8"]), []string{"ios8"}},
		{"?apns_id=" + okID, []string{"ios17"}},
		{"?device=ios10", []string{}},
	}
	for _, tt := range filters {
		var got struct{ Notifications []inspect.NotificationView }
		f.call(t, "GET", "notifications"+tt.query, "", &got)
		devices := []string{}
		for _, n := range got.Notifications {
			devices = append(devices, n.Device)
		}
		if diff := cmp.Diff(tt.want, devices); diff != "" {
			t.Errorf("GET notifications%s (-want +got):\n%s", tt.query, diff)
		}
	}

	var tap struct{ Events []world.Event }
	if status := f.call(t, "POST", "devices/ios17/notifications/"+okID+"/actions", `{"action":"OK"}`, &tap); status != 200 {
		t.Fatalf("tap = %d", status)
	}
	var kinds []world.EventKind
	for _, e := range tap.Events {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]world.EventKind{world.EventAction, world.EventCompletion}, kinds); diff != "" {
		t.Errorf("events of the tap (-want +got):\n%s", diff)
	}
	f.call(t, "GET", "notifications?apns_id="+okID, "", &got)
	if len(got.Notifications) != 1 || got.Notifications[0].State != world.NotificationActed || got.Notifications[0].Action != "OK" {
		t.Errorf("after the tap: %+v", summarize(got.Notifications))
	}
	var e apiError
	if status := f.call(t, "POST", "devices/ios17/notifications/"+okID+"/actions", `{"action":"OK"}`, &e); status != 404 {
		t.Errorf("second tap on the same notification = %d %v, want 404", status, e)
	}
}

func TestEventsPollAndReset(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios10", `{"aps":{"alert":"one"}}`)
	var page struct {
		Events []world.Event
		Next   uint64
	}
	f.call(t, "GET", "events?limit=1", "", &page)
	if len(page.Events) != 1 || page.Next != page.Events[0].Seq {
		t.Fatalf("first page: %+v", page)
	}
	last := f.log.Last()
	f.call(t, "GET", "events?since="+itoa(last)+"&wait=0", "", &page)
	if len(page.Events) != 0 || page.Next != last {
		t.Errorf("nothing new without wait: %+v", page)
	}

	// A long poll returns with the event appended while (or before) it
	// waits; whichever comes first, the answer is the same.
	done := make(chan error, 1)
	var polled struct {
		Events []world.Event
		Next   uint64
	}
	go func() {
		_, err := f.do("GET", "events?since="+itoa(last)+"&wait=1m", "", &polled)
		done <- err
	}()
	f.log.Append(world.Event{Kind: world.EventNote, Message: "poke"})
	if err := <-done; err != nil {
		t.Fatalf("long poll: %v", err)
	}
	if len(polled.Events) != 1 || polled.Events[0].Message != "poke" || polled.Next != last+1 {
		t.Errorf("long poll: %+v", polled)
	}

	if status := f.call(t, "POST", "faults", `{"reason":"ServiceUnavailable","count":1}`, nil); status != 201 {
		t.Fatalf("POST faults = %d", status)
	}
	if status := f.call(t, "POST", "reset", "", nil); status != 200 {
		t.Fatalf("POST reset = %d", status)
	}
	var after struct {
		Events []world.Event
		Next   uint64
	}
	f.call(t, "GET", "events?since=0", "", &after)
	var ns struct{ Notifications []inspect.NotificationView }
	f.call(t, "GET", "notifications", "", &ns)
	var fs struct{ Faults []inspect.Fault }
	f.call(t, "GET", "faults", "", &fs)
	if len(after.Events) != 0 || after.Next < last+1 || len(ns.Notifications) != 0 || len(fs.Faults) != 0 {
		t.Errorf("after reset: %d events (next %d), %d notifications, %d faults", len(after.Events), after.Next, len(ns.Notifications), len(fs.Faults))
	}
	var devs struct{ Devices []world.DeviceView }
	if f.call(t, "GET", "devices", "", &devs); len(devs.Devices) != len(device.DefaultFleet()) {
		t.Errorf("reset lost the fleet: %d devices", len(devs.Devices))
	}
}

func TestFaults(t *testing.T) {
	f := newFixture(t)
	var added struct{ Faults []inspect.Fault }
	if status := f.call(t, "POST", "faults", `{"reason":"TooManyRequests","token":"`+f.tokenOf["ios10"]+`","count":1}`, &added); status != 201 {
		t.Fatalf("POST faults = %d", status)
	}
	if len(added.Faults) != 2 || added.Faults[0].ID != added.Faults[1].ID {
		t.Fatalf("a rule without environment goes to both, under one id: %+v", added.Faults)
	}
	if res := f.push(t, f.dev, "ios10", `{"aps":{"alert":"x"}}`); res.StatusCode != 429 || res.Reason != apns2.ReasonTooManyRequests {
		t.Errorf("push under the fault = %d %s, want 429 TooManyRequests", res.StatusCode, res.Reason)
	}
	var listed struct{ Faults []inspect.Fault }
	f.call(t, "GET", "faults", "", &listed)
	want := []inspect.Fault{{ID: added.Faults[0].ID, Environment: fakeapns.Production, Token: f.tokenOf["ios10"], Reason: fakeapns.ReasonTooManyRequests, Count: 1}}
	if diff := cmp.Diff(want, listed.Faults); diff != "" {
		t.Errorf("faults after the development rule was used up (-want +got):\n%s", diff)
	}

	var one struct{ Faults []inspect.Fault }
	f.call(t, "POST", "faults", `{"id":"slow","environment":"development","latency":"1ms","latency_max":"2ms"}`, &one)
	if diff := cmp.Diff([]inspect.Fault{{ID: "slow", Environment: fakeapns.Development, Latency: "1ms", LatencyMax: "2ms"}}, one.Faults); diff != "" {
		t.Errorf("POST with an environment (-want +got):\n%s", diff)
	}
	var e apiError
	if status := f.call(t, "POST", "faults", `{"id":"slow","latency":"1ms"}`, &e); status != 400 || e.Field != "id" {
		t.Errorf("duplicate id = %d %+v", status, e)
	}
	for _, id := range []string{"slow", added.Faults[0].ID} {
		if status := f.call(t, "DELETE", "faults/"+id, "", nil); status != 204 {
			t.Errorf("DELETE faults/%s = %d", id, status)
		}
	}
	f.call(t, "GET", "faults", "", &listed)
	if len(listed.Faults) != 0 {
		t.Errorf("faults left: %+v", listed.Faults)
	}
}

func TestInfoAndOpenAPI(t *testing.T) {
	f := newFixture(t)
	var info map[string]string
	if f.call(t, "GET", "info", "", &info); info["hello"] != "world" {
		t.Errorf("info = %v", info)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if status := f.call(t, "GET", "openapi.json", "", &doc); status != 200 {
		t.Fatalf("openapi.json = %d", status)
	}
	// Every route of the API is documented, with its methods.
	want := map[string][]string{
		"/api/v1/devices":        {"get"},
		"/api/v1/devices/{name}": {"get", "patch"},
		"/api/v1/notifications":  {"get"},
		"/api/v1/devices/{name}/notifications/{apns_id}/actions": {"post"},
		"/api/v1/events":                    {"get"},
		"/api/v1/events/stream":             {"get"},
		"/api/v1/faults":                    {"get", "post"},
		"/api/v1/faults/{id}":               {"delete"},
		"/api/v1/reset":                     {"post"},
		"/api/v1/verify":                    {"post"},
		"/api/v1/notifications/unique/{id}": {"get"},
		"/api/v1/info":                      {"get"},
		"/api/v1/openapi.json":              {"get"},
	}
	got := map[string][]string{}
	for p, ops := range doc.Paths {
		for _, m := range []string{"get", "post", "patch", "delete"} {
			if _, ok := ops[m]; ok {
				got[p] = append(got[p], m)
			}
		}
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documented routes (-want +got):\n%s", diff)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// TestTapConflict: a tap the notification's context cannot reach answers
// 409 with the contexts that show it; the request's "context" chooses one
// (apns.md#U41, U48). Sent through apns2 → fakeapns → the device.
func TestTapConflict(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios8", `{"aps":{"alert":"Parcel","category":"delivery_reschedule"}}`)
	var c struct {
		Error   string   `json:"error"`
		Reason  string   `json:"reason"`
		Context string   `json:"context"`
		ShownIn []string `json:"shown_in"`
	}
	status := f.call(t, "POST", "devices/ios8/notifications/latest/actions", `{"action":"PICK_DAY"}`, &c)
	if diff := cmp.Diff([]any{409, "action-not-reachable", "banner", []string{"alert-options"}}, []any{status, c.Reason, c.Context, c.ShownIn}); diff != "" {
		t.Errorf("unreachable tap (-want +got):\n%s\n%s", diff, c.Error)
	}
	var tap struct{ Events []world.Event }
	if status := f.call(t, "POST", "devices/ios8/notifications/latest/actions", `{"action":"PICK_DAY","context":"alert-options"}`, &tap); status != 200 {
		t.Fatalf("tap in alert-options = %d", status)
	}
	var got []string
	for _, e := range tap.Events {
		got = append(got, string(e.Kind)+" "+string(e.Context))
	}
	if diff := cmp.Diff([]string{"app_state ", "action alert-options", "completion "}, got); diff != "" {
		t.Errorf("events of the tap (-want +got):\n%s", diff)
	}
	if err := f.world.SetAppState("ios8", device.DefaultBundleID, device.AppBackground); err != nil { // PICK_DAY opened it
		t.Fatal(err)
	}
	f.push(t, f.dev, "ios8", `{"aps":{"alert":"Pizza?","category":"poll"}}`)
	status = f.call(t, "POST", "devices/ios8/notifications/latest/actions", `{"action":"ok"}`, &c)
	if status != 409 || c.Reason != "ambiguous-tap" {
		t.Errorf("ambiguous tap = %d %q, want 409 ambiguous-tap (%s)", status, c.Reason, c.Error)
	}
}

// TestDeviceBadge: GET devices shows the icon's badge, which a push sets
// only while the app may badge (apns.md#U43).
func TestDeviceBadge(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"3 new","badge":3}}`)
	if status := f.call(t, "PATCH", "devices/ios17", `{"permission":"denied"}`, nil); status != 200 {
		t.Fatalf("PATCH = %d", status)
	}
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"5 new","badge":5}}`)
	var got struct {
		Badges map[string]int `json:"badges"`
		Apps   []struct {
			IconBadge int `json:"icon_badge"`
		} `json:"apps"`
	}
	f.call(t, "GET", "devices/ios17", "", &got)
	if diff := cmp.Diff(map[string]int{device.DefaultBundleID: 3}, got.Badges); diff != "" {
		t.Errorf("badges (-want +got):\n%s", diff)
	}
	if len(got.Apps) != 1 || got.Apps[0].IconBadge != 3 {
		t.Errorf("apps[0].icon_badge = %+v, want 3", got.Apps)
	}
}
