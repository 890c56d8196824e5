package inspect_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sideshow/apns2"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/verify"
	"github.com/pushsim/pushsim/sim/world"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden")

// sendTo pushes payload to a device's default app through apns2 with the
// topic given.
func (f *fixture) sendTo(t *testing.T, ts *fakeapns.TestServer, name, topic, payload string) *apns2.Response {
	t.Helper()
	res, err := ts.Client().PushWithContext(context.Background(), &apns2.Notification{
		DeviceToken: f.tokenOf[name], Topic: topic, Payload: []byte(payload),
	})
	if err != nil {
		t.Fatalf("push to %s: %v", name, err)
	}
	return res
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestVerifyOverTheWire sends through apns2 to the fake APNs, then asks
// POST verify: counts that hold (200 with the matches) and counts that do
// not (409 with near misses in plain words, golden).
func TestVerifyOverTheWire(t *testing.T) {
	f := newFixture(t)
	tok17, tok15 := f.tokenOf["ios17"], f.tokenOf["ios15"]
	if r := f.sendTo(t, f.dev, "ios17", device.DefaultBundleID, `{"aps":{"alert":"Pizza tonight?","category":"poll"}}`); r.StatusCode != 200 {
		t.Fatalf("first push: %d %s", r.StatusCode, r.Reason)
	}
	if r := f.sendTo(t, f.dev, "ios17", "com.example.other", `{"aps":{"alert":"Card used abroad","category":"fraud_alert"}}`); r.StatusCode != 400 {
		t.Fatalf("wrong-topic push: %d %s, want 400", r.StatusCode, r.Reason)
	}
	f.sendTo(t, f.dev, "ios15", device.DefaultBundleID, `{"aps":{"alert":{"title":"Card used abroad","body":"Was it you?"},"category":"fraud_alert"},"amount":120}`)
	if _, err := f.dev.Client().PushWithContext(context.Background(), &apns2.Notification{
		DeviceToken: tok15, Topic: device.DefaultBundleID, PushType: apns2.PushTypeBackground, Priority: 5,
		Payload: []byte(`{"aps":{"content-available":1}}`),
	}); err != nil {
		t.Fatal(err)
	}
	f.sendTo(t, f.prod, "ios15", device.DefaultBundleID, `{"aps":{"alert":"Wrong host"}}`)

	tests := []struct {
		name    string
		body    string
		status  int
		matches []uint64
	}{
		{"fraud alert to ios17, accepted", fmt.Sprintf(`{"match":{"token":%q,"status":200,"payload":{"/aps/category":"fraud_alert"}},"exactly":1}`, tok17), 409, nil},
		{"poll to ios17", fmt.Sprintf(`{"match":{"token":%q,"status":200,"payload":{"/aps/category":"poll"}},"exactly":1}`, tok17), 200, []uint64{1}},
		{"token upper case", fmt.Sprintf(`{"match":{"token":%q},"exactly":2}`, strings.ToUpper(tok17)), 200, []uint64{1, 2}},
		{"fraud alerts sent, rejected or not", `{"match":{"payload":{"/aps/category":"fraud_alert"}},"at_least":2}`, 200, []uint64{2, 3}},
		{"since", fmt.Sprintf(`{"match":{"token":%q},"exactly":1,"since":1}`, tok17), 200, []uint64{2}},
		{"contains and exists", `{"match":{"payload":{"/aps/alert/title":{"contains":"abroad"},"/amount":120,"/aps/sound":{"exists":false}}},"exactly":1}`, 200, []uint64{3}},
		{"contains miss", `{"match":{"environment":"development","payload":{"/aps/alert/body":{"contains":"you sure"}}},"at_least":1}`, 409, nil},
		{"too many", fmt.Sprintf(`{"match":{"token":%q},"at_most":1}`, tok17), 409, []uint64{1, 2}},
		{"collapse id", fmt.Sprintf(`{"match":{"token":%q,"collapse_id":"fraud-1"},"exactly":1}`, tok15), 409, nil},
		{"nothing to this device", fmt.Sprintf(`{"match":{"token":%q,"push_type":"alert"},"at_least":1}`, f.tokenOf["ios12"]), 409, nil},
		{"background push in production", fmt.Sprintf(`{"match":{"token":%q,"environment":"development","priority":10,"push_type":"background"},"exactly":1}`, tok15), 409, nil},
		{"accepted in production", `{"match":{"environment":"production","reason":""},"at_least":1}`, 409, nil},
		{"none sent", `{"match":{"topic":"com.example.other","status":200},"exactly":0}`, 200, nil},
	}
	var text strings.Builder
	for _, tc := range tests {
		var res verify.Result
		status := f.call(t, "POST", "verify", tc.body, &res)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, status, tc.status, res.Summary)
		}
		if res.Holds != (status == 200) {
			t.Errorf("%s: holds %v with status %d", tc.name, res.Holds, status)
		}
		var seqs []uint64
		for _, q := range res.Matches {
			seqs = append(seqs, q.Seq)
		}
		if diff := cmp.Diff(tc.matches, seqs); diff != "" {
			t.Errorf("%s: matches (-want +got):\n%s", tc.name, diff)
		}
		fmt.Fprintf(&text, "# %s (%d)\n%s", tc.name, status, resultText(res))
	}
	golden(t, "verify_near_misses.golden", text.String())
}

// resultText rebuilds the text from the JSON answer, as a client would.
func resultText(r verify.Result) string { return r.Text() }

// TestVerifyBadMatchers: a matcher that cannot be used is 400 naming the
// field.
func TestVerifyBadMatchers(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ name, body, field, contains string }{
		{"unknown top-level field", `{"match":{},"exactly":1,"times":2}`, "times", "unknown field"},
		{"unknown match field", `{"match":{"tokn":"ab"},"exactly":1}`, "match.tokn", "one of token, topic"},
		{"bad pointer", `{"match":{"payload":{"aps/category":"x"}},"exactly":1}`, "match.payload.aps/category", "start with /"},
		{"bad escape", `{"match":{"payload":{"/a~2b":"x"}},"exactly":1}`, "match.payload./a~2b", "~ must be followed by 0 or 1"},
		{"exists not bool", `{"match":{"payload":{"/aps":{"exists":"yes"}}},"exactly":1}`, "match.payload./aps", "true or false"},
		{"negative", `{"match":{},"at_least":-1}`, "at_least", "negative"},
		{"missing count", `{"match":{}}`, "exactly", "missing count"},
		{"two counts", `{"match":{},"exactly":1,"at_most":2}`, "exactly", "more than one count"},
		{"count not a number", `{"match":{},"exactly":"1"}`, "exactly", "whole number"},
		{"fractional count", `{"match":{},"exactly":1.5}`, "exactly", "whole number"},
		{"negative since", `{"match":{},"exactly":1,"since":-1}`, "since", "whole number"},
		{"bad priority", `{"match":{"priority":7},"exactly":1}`, "match.priority", "1, 5 or 10"},
		{"bad environment", `{"match":{"environment":"sandbox"},"exactly":1}`, "match.environment", "development or production"},
		{"bad status", `{"match":{"status":9},"exactly":1}`, "match.status", "HTTP status"},
		{"token not a string", `{"match":{"token":12},"exactly":1}`, "match.token", "a string"},
		{"payload not an object", `{"match":{"payload":[1]},"exactly":1}`, "match.payload", "JSON pointers"},
		{"empty body", ``, "", "empty matcher"},
		{"syntax", `{"match":`, "", "invalid JSON"},
		{"trailing", `{"match":{},"exactly":1} {}`, "", "trailing"},
		{"array", `[]`, "", "expected a JSON object"},
	}
	for _, tc := range tests {
		var e apiError
		if status := f.call(t, "POST", "verify", tc.body, &e); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%s)", tc.name, status, e.Error)
		}
		if e.Field != tc.field || !strings.Contains(e.Error, tc.contains) {
			t.Errorf("%s: field %q error %q, want field %q and %q", tc.name, e.Field, e.Error, tc.field, tc.contains)
		}
	}
}

// TestDeliveryByUniqueID looks pushes up by the apns-unique-id the
// development server answered, like the Console's delivery log.
func TestDeliveryByUniqueID(t *testing.T) {
	f := newFixture(t)
	ok := f.sendTo(t, f.dev, "ios17", device.DefaultBundleID, `{"aps":{"alert":"Hi"}}`)
	bad := f.sendTo(t, f.dev, "ios17", "com.example.other", `{"aps":{"alert":"Hi"}}`)
	if ok.ApnsUniqueID == "" || bad.ApnsUniqueID == "" {
		t.Fatalf("no apns-unique-id from the development server: %q %q", ok.ApnsUniqueID, bad.ApnsUniqueID)
	}
	if err := f.world.Uninstall("ios15", device.DefaultBundleID); err != nil {
		t.Fatal(err)
	}
	gone := f.sendTo(t, f.dev, "ios15", device.DefaultBundleID, `{"aps":{"alert":"Hi"}}`)
	var got []string
	for _, id := range []string{ok.ApnsUniqueID, strings.ToUpper(bad.ApnsUniqueID), gone.ApnsUniqueID} {
		if id == "" {
			got = append(got, fmt.Sprintf("%d %s: no apns-unique-id", gone.StatusCode, gone.Reason))
			continue
		}
		var v inspect.DeliveryView
		if status := f.call(t, "GET", "notifications/unique/"+id, "", &v); status != 200 {
			t.Fatalf("GET %s: %d", id, status)
		}
		if len(v.Events) == 0 || !strings.EqualFold(v.UniqueID, id) {
			t.Errorf("%s: %+v", id, v)
		}
		got = append(got, fmt.Sprintf("%s | %s | %s", v.State, v.Console, v.Reason))
	}
	want := []string{
		"delivered | Delivered to Device | ",
		"rejected | Rejected - 400 DeviceTokenNotForTopic | DeviceTokenNotForTopic",
	}
	if gone.StatusCode == 200 {
		want = append(want, "discarded | Discarded - Token Unregistered | "+device.DefaultBundleID+" is uninstalled: dropped, and the token is now invalid (apns.md#D06)")
	} else {
		want = append(want, fmt.Sprintf("%d %s: no apns-unique-id", gone.StatusCode, gone.Reason))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delivery states (-want +got):\n%s", diff)
	}
	var e apiError
	if status := f.call(t, "GET", "notifications/unique/00000000-0000-0000-0000-000000000000", "", &e); status != 404 || e.Field != "id" {
		t.Errorf("unknown id: %d %+v", status, e)
	}
	// A production answer carries no apns-unique-id (apns.md#E05).
	if r := f.sendTo(t, f.prod, "ios17", device.DefaultBundleID, `{"aps":{"alert":"Hi"}}`); r.ApnsUniqueID != "" {
		t.Errorf("production answered apns-unique-id %q", r.ApnsUniqueID)
	}
}

// TestVerifyAnswerIsJSON: the 409 body carries the near misses with
// their differences as data, not only as text.
func TestVerifyAnswerIsJSON(t *testing.T) {
	f := newFixture(t)
	f.sendTo(t, f.dev, "ios17", device.DefaultBundleID, `{"aps":{"alert":"x","category":"poll"}}`)
	var raw map[string]json.RawMessage
	if status := f.call(t, "POST", "verify", `{"match":{"payload":{"/aps/category":"fraud_alert"}},"exactly":1}`, &raw); status != 409 {
		t.Fatalf("status %d", status)
	}
	var nm []verify.NearMiss
	if err := json.Unmarshal(raw["near_misses"], &nm); err != nil || len(nm) != 1 {
		t.Fatalf("near_misses %s: %v", raw["near_misses"], err)
	}
	if got, want := nm[0].Differences, []string{"with category poll, not fraud_alert"}; !cmp.Equal(got, want) {
		t.Errorf("differences %q, want %q", got, want)
	}
	if nm[0].Device != "ios17" || nm[0].Seq != 1 {
		t.Errorf("near miss %+v", nm[0])
	}
}

// TestVerifyDocumented: every key of the answers of POST verify and GET
// notifications/unique/{id} is in their OpenAPI schema.
func TestVerifyDocumented(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(inspect.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	check := func(schema string, v any) {
		data, _ := json.Marshal(v)
		var keys map[string]any
		_ = json.Unmarshal(data, &keys)
		for k := range keys {
			if _, ok := doc.Components.Schemas[schema].Properties[k]; !ok {
				t.Errorf("%s: key %q not documented in openapi.json", schema, k)
			}
		}
	}
	q := verify.Request{Seq: 1, ApnsID: "a", UniqueID: "u", Token: "t", Device: "d", App: "a", Topic: "t", PushType: "p", Priority: 10,
		CollapseID: "c", Status: 400, Reason: "r", Payload: json.RawMessage(`{}`), PayloadText: "x"}
	q.ReceivedAt = q.ReceivedAt.AddDate(2026, 0, 0)
	check("VerifyResult", verify.Result{Since: 1, Closest: "x", MoreMatches: 1, NearMisses: []verify.NearMiss{{}}})
	check("VerifiedRequest", q)
	check("NearMiss", verify.NearMiss{Request: q, Differences: []string{"x"}, Description: "x"})
	check("Delivery", inspect.DeliveryView{Reason: "x"})
}

// TestDeliveryOfflineStates: the delivery lookup reads the offline
// storage's event kinds (stored, replaced, expired, delivered_late,
// deferred; logged by the World's offline work) in the Console's words.
// The events are appended by hand, as that work logs them.
func TestDeliveryOfflineStates(t *testing.T) {
	log := world.NewEventLog(0)
	w := world.New(world.Config{Fleet: device.DefaultFleet(), Log: log})
	t.Cleanup(func() { _ = w.Close() })
	records := inspect.NewRecords(0, w)
	api, err := inspect.New(inspect.Config{World: w, Log: log, Records: records})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(func() { api.Close(); srv.Close() })
	f := &fixture{url: srv.URL + inspect.Prefix}
	push := func(n int) (apnsID, unique string) {
		apnsID, unique = fmt.Sprintf("00000000-0000-0000-0000-00000000000%d", n), fmt.Sprintf("u%d", n)
		records.Observe(fakeapns.Record{Environment: fakeapns.Development, Status: 200, ApnsID: apnsID, UniqueID: unique,
			Path: "/3/device/abcd", Payload: []byte(`{"aps":{"alert":"x"}}`)})
		return apnsID, unique
	}
	type step struct {
		kind string
		id   int
		msg  string
	}
	tests := []struct {
		name   string
		events []step
		want   string
	}{
		{"stored", []step{{"stored", 1, "the device is offline: APNs stores it"}}, "stored | Stored - Device Offline"},
		{"replaced by a newer one", []step{{"stored", 1, "stored"}, {"replaced", 2, "the device is offline: stored …, replacing 00000000-0000-0000-0000-000000000001: APNs keeps one"}}, "discarded | Discarded - Replaced by a newer notification"},
		{"expired", []step{{"stored", 1, "stored"}, {"expired", 1, "expired while the device was offline"}}, "discarded | Discarded - Expired"},
		{"from storage", []step{{"stored", 1, "stored"}, {"delivered_late", 1, "delivered late"}, {"delivered", 1, "delivered"}}, "delivered | Delivered to Device (From Storage)"},
		{"power", []step{{"deferred", 1, "priority 1: held"}}, "stored | Stored - Power Considerations"},
		{"nothing yet", nil, "received | Received by APNs"},
	}
	for _, tc := range tests {
		if f.call(t, "POST", "reset", "", nil) != 200 {
			t.Fatal("reset")
		}
		id1, unique := push(1)
		id2, _ := push(2)
		for _, s := range tc.events {
			id := id1
			if s.id == 2 {
				id = id2
			}
			log.Append(world.Event{Kind: world.EventKind(s.kind), ApnsID: id, Message: s.msg})
		}
		var v inspect.DeliveryView
		if status := f.call(t, "GET", "notifications/unique/"+unique, "", &v); status != 200 {
			t.Fatalf("%s: status %d", tc.name, status)
		}
		if got := v.State + " | " + v.Console; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
