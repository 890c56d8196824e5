package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/device"
)

// rules summarises findings as "rule/severity/versions" for compact
// tables; messages are checked in TestLintMessages.
func rules(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Rule+"/"+string(f.Severity)+"/"+f.Versions.String())
	}
	return out
}

// ranges reads a finding's versions as the findings print them.
func ranges(t *testing.T, s string) device.Ranges {
	t.Helper()
	rs, err := device.ParseRanges(s)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestLint(t *testing.T) {
	app := device.DefaultApp(fakeapns.Development, "00")
	tests := []struct {
		name    string
		payload string
		target  Target
		want    []string
	}{
		{"clean modern payload on modern devices",
			`{"aps":{"alert":{"title":"Bill","body":"Due Friday"},"category":"payment_reminder"}}`,
			Target{App: app, Versions: []device.Version{device.MustVersion("17.0")}, PushType: "alert", Priority: 10, Topic: device.DefaultBundleID},
			[]string{}},
		{"empty body", ``, Target{}, []string{"payload-empty/error/all"}},
		{"invalid JSON", "{\"aps\":\n{\"alert\":}}", Target{}, []string{"invalid-json/error/all"}},
		{"top level array", `[1]`, Target{}, []string{"invalid-json/error/all"}},
		{"no aps", `{"x":1}`, Target{}, []string{"aps-missing/warning/all"}},
		{"category unregistered, with a suggestion",
			`{"aps":{"alert":"Ride over","category":"fraud"}}`, Target{App: app},
			[]string{"category-unregistered/warning/8+", "category-ignored/info/<8"}},
		{"eleven actions cut on 10+",
			`{"aps":{"alert":"Pick","category":"many"}}`, Target{App: manyActions(), Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"actions-cut/warning/10+"}},
		{"three actions cut on 8–9",
			`{"aps":{"alert":"Parcel today","category":"delivery_reschedule"}}`, Target{App: app},
			[]string{"actions-cut/warning/8–9", "category-ignored/info/<8"}},
		{"only modern targets: nothing about old versions",
			`{"aps":{"alert":"Parcel today","category":"delivery_reschedule"}}`,
			Target{App: app, Versions: []device.Version{device.MustVersion("12.1"), device.MustVersion("18.0")}},
			[]string{}},
		{"text input before 9",
			`{"aps":{"alert":"Maya: hi","category":"chat_message"}}`,
			Target{App: app, Versions: []device.Version{device.MustVersion("8.4")}},
			[]string{"text-input-unsupported/warning/8"}},
		{"title and subtitle before 10",
			`{"aps":{"alert":{"title":"T","subtitle":"S","body":"B"}}}`, Target{},
			[]string{"title-unsupported/warning/<10", "subtitle-unsupported/warning/<10"}},
		{"title only: nothing to draw before 10",
			`{"aps":{"alert":{"title":"T"}}}`, Target{},
			[]string{"alert-empty/warning/<10", "title-unsupported/warning/<10"}},
		{"legacy text that needs buttons",
			`{"aps":{"alert":"Lunch Friday? Tap Yes or No","category":"poll"}}`, Target{App: app},
			[]string{"legacy-text-needs-buttons/warning/<8", "category-ignored/info/<8"}},
		{"legacy text naming an action title",
			`{"aps":{"alert":"Press Report fraud if this was not you","category":"fraud_alert"}}`,
			Target{App: app, Versions: []device.Version{device.MustVersion("6.1")}},
			[]string{"legacy-text-needs-buttons/warning/<8", "category-ignored/info/<8"}},
		{"background push type with priority 10 (absent)",
			`{"aps":{"content-available":1}}`, Target{PushType: "background"},
			[]string{"background-priority/error/all", "key-unsupported/info/<7"}},
		{"silent push, no headers given, priority 10",
			`{"aps":{"content-available":1}}`, Target{Priority: 10, Versions: []device.Version{device.MustVersion("15.0")}},
			[]string{"background-priority/warning/7+"}},
		{"background push type with alert",
			`{"aps":{"alert":"hi","content-available":1}}`, Target{PushType: "background", Priority: 5, Versions: []device.Version{device.MustVersion("15.0")}},
			[]string{"background-with-alert/warning/all"}},
		{"silent push sent as alert",
			`{"aps":{"content-available":1}}`, Target{PushType: "alert", Priority: 5, Versions: []device.Version{device.MustVersion("15.0")}},
			[]string{"background-with-alert/warning/13+"}},
		{"mutable-content without alert",
			`{"aps":{"mutable-content":1,"badge":1}}`, Target{Versions: []device.Version{device.MustVersion("15.0")}},
			[]string{"mutable-without-alert/warning/10+"}},
		{"summary-arg on iOS 15 (apns.md#V66)",
			`{"aps":{"alert":{"body":"x","summary-arg":"Al"},"thread-id":"t"}}`, Target{Versions: []device.Version{device.MustVersion("15.0")}},
			[]string{"summary-arg-ignored/info/15+"}},
		{"unknown aps keys",
			`{"aps":{"alert":{"bdy":"x","body":"y"},"content_available":1}}`, Target{Versions: []device.Version{device.MustVersion("15.0")}},
			[]string{"unknown-aps-key/warning/all", "unknown-aps-key/warning/all"}},
		{"newer keys on older devices",
			`{"aps":{"alert":"x","interruption-level":"passive","thread-id":"t"}}`, Target{Versions: []device.Version{device.MustVersion("9.0")}},
			[]string{"key-unsupported/info/<15", "key-unsupported/info/<10"}},
		{"critical level",
			`{"aps":{"alert":"x","interruption-level":"critical"}}`, Target{Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"critical-entitlement/info/15+"}},
		{"action-loc-key on modern devices",
			`{"aps":{"alert":{"body":"x","action-loc-key":null}}}`, Target{Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"key-unsupported/info/10+"}},
		{"bad interruption level",
			`{"aps":{"alert":"x","interruption-level":"loud"}}`, Target{Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"invalid-value/error/15+"}},
		{"loc-args not strings",
			`{"aps":{"alert":{"loc-key":"PAY_REMINDER","loc-args":"12 USD"}}}`, Target{App: app, Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"loc-args-malformed/error/all", "loc-args-malformed/warning/all"}},
		{"loc-args too short, loc-key unknown",
			`{"aps":{"alert":{"loc-key":"FRAUD_ALERT","loc-args":["1"],"title-loc-key":"NOPE"}}}`, Target{App: app, Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"loc-key-missing/warning/all", "loc-args-malformed/warning/all"}},
		{"badge of the wrong type",
			`{"aps":{"alert":"x","badge":"3"}}`, Target{Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"invalid-value/error/all"}},
		{"over the HTTP/2 limit",
			`{"aps":{"alert":"` + strings.Repeat("a", 4100) + `"}}`, Target{},
			[]string{"payload-too-large/error/all"}},
		{"VoIP takes 5 KB",
			`{"aps":{},"x":"` + strings.Repeat("a", 4100) + `"}`, Target{PushType: "voip", Priority: 10, Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{}},
		{"over the binary-API era limits",
			`{"aps":{"alert":"` + strings.Repeat("a", 300) + `"}}`, Target{},
			[]string{"payload-too-large/warning/<8"}},
		{"priority APNs does not know (apns.md#H17)",
			`{"aps":{"alert":"x"}}`, Target{PushType: "alert", Priority: 3, Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"invalid-header/error/all"}},
		{"push type APNs does not know (apns.md#H02)",
			`{"aps":{"alert":"x"}}`, Target{PushType: "alrt", Priority: 10, Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"invalid-header/error/all"}},
		{"topic for another push type",
			`{"aps":{}}`, Target{App: app, PushType: "voip", Topic: device.DefaultBundleID, Priority: 10, Versions: []device.Version{device.MustVersion("16.0")}},
			[]string{"topic-mismatch/warning/all"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rules(Lint([]byte(tt.payload), tt.target))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lint (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLintMessages(t *testing.T) {
	app := device.DefaultApp(fakeapns.Development, "00")
	got := Lint([]byte("{\n  \"aps\": {\"alert\": \"x\",\n    \"sond\": \"default\", \"category\": \"fraud\"}}"),
		Target{App: app, Versions: []device.Version{device.MustVersion("9.3")}})
	want := []Finding{
		{Rule: "unknown-aps-key", Severity: SeverityWarning, Versions: device.Ranges{{}}, Row: "P04",
			Message: `aps.sond is not an Apple key: iOS ignores it (did you mean "sound"?)`,
			Fix:     "fix the spelling, or move custom data outside aps"},
		{Rule: "category-unregistered", Severity: SeverityWarning, Versions: device.Ranges{{From: device.MustVersion("8")}}, Row: "V36",
			Message: `category "fraud" is not registered by com.pushsim.demo: no actions are shown (did you mean "fraud_alert"?)`,
			Fix:     "register the category at launch, or fix the id"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	syn := Lint([]byte("{\n  \"aps\": {\"alert\": }\n}"), Target{})
	var msgs []string
	for _, f := range syn {
		msgs = append(msgs, f.Message)
	}
	if diff := cmp.Diff([]string{"invalid JSON at line 2, column 20: invalid character '}' looking for beginning of value"}, msgs); diff != "" {
		t.Error(diff)
	}
}

func TestFindingConcerns(t *testing.T) {
	tests := []struct {
		versions string
		want     []bool // for iOS 3, 7, 8, 9, 10, 18, 26
	}{
		{"all", []bool{true, true, true, true, true, true, true}},
		{"<8", []bool{true, true, false, false, false, false, false}},
		{"8–9", []bool{false, false, true, true, false, false, false}},
		{"10+", []bool{false, false, false, false, true, true, true}},
		{"8", []bool{false, false, true, false, false, false, false}},
		{"<8, 10+", []bool{true, true, false, false, true, true, true}},
	}
	vs := []string{"3.0", "7.1", "8.4", "9.3", "10.0", "18.2", "26.0"}
	for _, tt := range tests {
		var got []bool
		for _, v := range vs {
			got = append(got, Finding{Versions: ranges(t, tt.versions)}.Concerns(device.MustVersion(v)))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.versions, diff)
		}
	}
}

// FuzzLint: no input makes Lint panic, and every finding names a rule,
// a severity and versions.
func FuzzLint(f *testing.F) {
	for _, s := range []string{``, `{`, `{"aps":{"alert":{"loc-args":[1]}}}`, `{"aps":{"ale":1,"category":"poll"}}`} {
		f.Add([]byte(s))
	}
	app := device.DefaultApp(fakeapns.Development, "00")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fd := range Lint(b, Target{App: app, PushType: "background"}) {
			if fd.Rule == "" || fd.Severity == "" || len(fd.Versions) == 0 {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
	})
}

// BenchmarkLint lints the fraud alert for every version of the table.
func BenchmarkLint(b *testing.B) {
	payload := []byte(`{"aps":{"alert":{"title":"Suspicious payment","loc-key":"FRAUD_ALERT","loc-args":["1234","€9","ACME"]},"category":"fraud_alert","sond":"x"}}`)
	target := Target{App: device.DefaultApp(fakeapns.Development, "00"), PushType: "alert", Priority: 10}
	b.ReportAllocs()
	for b.Loop() {
		_ = Lint(payload, target)
	}
}

// manyActions is an app with a category of eleven actions.
func manyActions() *device.App {
	cat := device.Category{ID: "many"}
	for i := range 11 {
		cat.Actions = append(cat.Actions, device.Action{ID: fmt.Sprintf("A%d", i), Title: fmt.Sprintf("Option %d", i)})
	}
	return &device.App{BundleID: "com.example.many", Categories: []device.Category{cat}}
}

func TestLintActionsCutRows(t *testing.T) {
	got := Lint([]byte(`{"aps":{"alert":"Pick","category":"many"}}`), Target{App: manyActions()})
	var cut []Finding
	for _, f := range got {
		if f.Rule == "actions-cut" {
			cut = append(cut, f)
		}
	}
	want := []Finding{
		{Rule: "actions-cut", Severity: SeverityWarning, Versions: ranges(t, "8–9"), Row: "V31", Fix: "put the most important actions first, or set minimal actions",
			Message: `category "many" has 11 actions; lock-screen, banner, notification-center show 2 (cut: A2, A3, A4, A5, A6, A7, A8, A9, A10); alert-options shows 4 (cut: A4, A5, A6, A7, A8, A9, A10)`},
		{Rule: "actions-cut", Severity: SeverityWarning, Versions: ranges(t, "10+"), Row: "U15", Fix: "put the most important actions first, or set minimal actions",
			Message: `category "many" has 11 actions; expanded shows 10 (cut: A10)`},
	}
	if diff := cmp.Diff(want, cut); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLintPayloadTooLargeStatus: the finding quotes Apple's status for an
// oversized body, 413 (apns.md#E52, P03), not a 400.
func TestLintPayloadTooLargeStatus(t *testing.T) {
	body := `{"aps":{"alert":"` + strings.Repeat("a", 4100) + `"}}`
	got := Lint([]byte(body), Target{})
	want := []Finding{{Rule: "payload-too-large", Severity: SeverityError, Versions: ranges(t, "all"), Row: "P03",
		Message: fmt.Sprintf("payload is %d bytes, over APNs' 4096-byte limit: 413 PayloadTooLarge (apns.md#E52)", len(body)),
		Fix:     "shorten the text or move data behind an id the app fetches"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// deliveryByFullTable is what Delivery must return: the whole table's
// findings for the one version, warnings and errors, as messages.
func deliveryByFullTable(d *device.Device, a *device.App, n device.Notification) []string {
	var out []string
	for _, f := range Payload(n.Payload, Target{App: a, Versions: []device.Version{d.Version}, PushType: n.PushType, Priority: n.Priority, Topic: n.Topic}) {
		if f.Severity != SeverityInfo {
			out = append(out, f.String())
		}
	}
	return out
}

// deliveryPayloads are payloads that make every kind of finding.
var deliveryPayloads = []string{
	`{"aps":{"alert":{"title":"Bill","body":"Due Friday"},"category":"payment_reminder"}}`,
	`{"aps":{"alert":"Ride over","category":"fraud"}}`,
	`{"aps":{"alert":"Parcel today","category":"delivery_reschedule","thread-id":"t","interruption-level":"time-sensitive"}}`,
	`{"aps":{"alert":{"title":"Suspicious payment","loc-key":"FRAUD_ALERT","loc-args":["1234","€9","ACME"]},"category":"fraud_alert","sond":"x"}}`,
	`{"aps":{"alert":{"title":"only a title"},"badge":"3","mutable-content":1,"relevance-score":2}}`,
	`{"aps":{"content-available":1},"x":1}`,
	`{"aps":{"alert":{"body":"` + strings.Repeat("long text ", 60) + `","subtitle":"s","summary-arg":"a"},"category":"chat_message","target-content-id":"x"}}`,
	`{"aps":{"alert":"x","sound":{"critical":1,"name":"a.caf","volume":2},"filter-criteria":"work"}}`,
	`{"x":1}`,
}

// TestDeliveryIsLintOfOneVersion: Delivery, which checks one row of the
// table, says what Lint says of that version, on every row.
func TestDeliveryIsLintOfOneVersion(t *testing.T) {
	apps := []*device.App{device.DefaultApp(fakeapns.Development, "00"), manyActions()}
	messages := map[string]bool{}
	for _, body := range deliveryPayloads {
		p, _ := device.ParsePayloadAll([]byte(body))
		for _, row := range device.TableRows() {
			for _, a := range apps {
				for _, pt := range []string{"alert", "background", ""} {
					d := &device.Device{Name: "d", Version: row.From}
					n := device.Notification{Payload: p, PushType: pt, Priority: 10, Topic: device.DefaultBundleID}
					got := Delivery(d, a, n)
					if diff := cmp.Diff(deliveryByFullTable(d, a, n), got); diff != "" {
						t.Errorf("iOS %s, %s, push type %q, %s (-full table +Delivery):\n%s", row.From, a.BundleID, pt, body, diff)
					}
					for _, m := range got {
						messages[m] = true
					}
				}
			}
		}
	}
	// The comparison means something only if the payloads make findings.
	if len(messages) < 15 {
		t.Errorf("the payloads made only %d distinct messages: %v", len(messages), messages)
	}
	t.Logf("%d distinct messages compared", len(messages))
}

// FuzzDeliveryIsLintOfOneVersion is the same on any payload that parses.
func FuzzDeliveryIsLintOfOneVersion(f *testing.F) {
	for _, s := range deliveryPayloads {
		f.Add([]byte(s), uint8(0))
	}
	app := device.DefaultApp(fakeapns.Development, "00")
	rows := device.TableRows()
	f.Fuzz(func(t *testing.T, b []byte, r uint8) {
		p, errs := device.ParsePayloadAll(b)
		if len(errs) > 0 {
			return
		}
		d := &device.Device{Name: "d", Version: rows[int(r)%len(rows)].From}
		n := device.Notification{Payload: p, PushType: "alert", Priority: 10, Topic: device.DefaultBundleID}
		if diff := cmp.Diff(deliveryByFullTable(d, app, n), Delivery(d, app, n)); diff != "" {
			t.Errorf("iOS %s (-full table +Delivery):\n%s", d.Version, diff)
		}
	})
}
