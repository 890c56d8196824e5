package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/verify"
)

// journal is a small fixed journal: two accepted pushes and a rejection.
var journal = []verify.Request{
	{Seq: 1, Environment: "development", Token: "aaaa", Device: "ios17", Topic: "com.x", PushType: "alert", Priority: 10, Status: 200,
		Payload: json.RawMessage(`{"aps":{"alert":{"title":"Card used","body":"Was it you?"},"category":"poll"},"tags":["a","b"],"a/b":{"m~n":1}}`)},
	{Seq: 2, Environment: "development", Token: "aaaa", Device: "ios17", Topic: "com.y", PushType: "alert", Priority: 10, Status: 400, Reason: "DeviceTokenNotForTopic",
		Payload: json.RawMessage(`{"aps":{"alert":"x","category":"fraud_alert"}}`)},
	{Seq: 3, Environment: "production", Token: "bbbb", Topic: "com.x", PushType: "background", Priority: 5, Status: 200, CollapseID: "c1",
		PayloadText: "not json"},
}

func eval(t *testing.T, spec string) verify.Result {
	t.Helper()
	m, err := verify.Parse(strings.NewReader(spec))
	if err != nil {
		t.Fatalf("Parse(%s): %v", spec, err)
	}
	return m.Evaluate(journal)
}

func TestPayloadConditions(t *testing.T) {
	tests := []struct {
		spec string
		want []uint64
	}{
		{`{"match":{"payload":{"/aps/category":"poll"}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/aps/alert/title":{"contains":"used"}}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/tags":{"contains":"b"}}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/tags":{"contains":["b","a"]}}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/tags/1":"b"}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/tags/01":"b"}},"at_least":0}`, nil}, // RFC 6901: no leading zeros
		{`{"match":{"payload":{"/aps/alert":{"contains":{"body":"Was it you?"}}}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/a~1b/m~0n":1}},"at_least":0}`, []uint64{1}},
		{`{"match":{"payload":{"/aps/sound":{"exists":false}}},"at_least":0}`, []uint64{1, 2}},
		{`{"match":{"payload":{"/aps":{"exists":true}}},"at_least":0}`, []uint64{1, 2}},
		{`{"match":{"payload":{"/aps/alert":{"equals":{"contains":"x"}}}},"at_least":0}`, nil},
		{`{"match":{"payload":{"":{"exists":true}}},"at_least":0}`, []uint64{1, 2}},
		{`{"match":{"collapse_id":""},"at_least":0}`, []uint64{1, 2}},
		{`{"match":{"collapse_id":"c1","priority":5,"push_type":"background","environment":"production"},"at_least":0}`, []uint64{3}},
		{`{"match":{"reason":""},"at_least":0}`, []uint64{1, 3}},
		{`{"match":{"status":400,"reason":"DeviceTokenNotForTopic","token":"AAAA"},"at_least":0}`, []uint64{2}},
		{`{"match":{},"at_least":0,"since":2}`, []uint64{3}},
	}
	for _, tc := range tests {
		var got []uint64
		for _, q := range eval(t, tc.spec).Matches {
			got = append(got, q.Seq)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.spec, diff)
		}
	}
}

func TestCounts(t *testing.T) {
	for spec, holds := range map[string]bool{
		`{"match":{"token":"aaaa"},"exactly":2}`:  true,
		`{"match":{"token":"aaaa"},"exactly":1}`:  false,
		`{"match":{"token":"aaaa"},"at_least":3}`: false,
		`{"match":{"token":"aaaa"},"at_most":2}`:  true,
		`{"match":{"token":"aaaa"},"at_most":1}`:  false,
		`{"match":{"token":"cccc"},"exactly":0}`:  true,
	} {
		if got := eval(t, spec).Holds; got != holds {
			t.Errorf("%s: holds %v, want %v", spec, got, holds)
		}
	}
}

// TestNearMissPhrases: one phrase per failed criterion, in plain words.
func TestNearMissPhrases(t *testing.T) {
	res := eval(t, `{"match":{"token":"aaaa","status":200,"payload":{"/aps/category":"fraud_alert","/aps/badge":{"exists":true}}},"exactly":1}`)
	var got []string
	for _, nm := range res.NearMisses {
		got = append(got, nm.Description)
	}
	want := []string{
		"rejected DeviceTokenNotForTopic; without badge",
		"without badge; with category poll, not fraud_alert", // pointers in sorted order
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if want := "2 requests to this token: 1 rejected DeviceTokenNotForTopic; without badge, 1 without badge; with category poll, not fraud_alert (1 more request further off)"; res.Closest != want {
		t.Errorf("closest:\n got %s\nwant %s", res.Closest, want)
	}
	res = eval(t, `{"match":{"payload":{"/aps/category":"x"}},"exactly":1,"since":2}`)
	if want := []string{"payload is not JSON"}; len(res.NearMisses) != 1 || !cmp.Equal(res.NearMisses[0].Differences, want) {
		t.Errorf("non-JSON payload: %+v", res.NearMisses)
	}
}

func TestParsePointer(t *testing.T) {
	// RFC 6901 section 5's examples, and its escapes.
	for p, want := range map[string][]string{
		"":       nil,
		"/foo":   {"foo"},
		"/foo/0": {"foo", "0"},
		"/":      {""},
		"/a~1b":  {"a/b"},
		"/m~0n":  {"m~n"},
		"/~01":   {"~1"},
		"/ ":     {" "},
	} {
		got, err := verify.ParsePointer(p)
		if err != nil || !cmp.Equal(got, want) {
			t.Errorf("ParsePointer(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
	for _, p := range []string{"foo", "/a~", "/a~2", "#/a"} {
		if _, err := verify.ParsePointer(p); err == nil {
			t.Errorf("ParsePointer(%q): no error", p)
		}
	}
}

// FuzzParse: any input is a matcher or a *FieldError, never a panic; a
// matcher evaluates over a journal and survives a JSON round trip.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"match":{"token":"aaaa","payload":{"/aps/category":"poll"}},"exactly":1}`,
		`{"match":{"payload":{"/tags":{"contains":["b"]},"/x":{"exists":false},"/y":{"equals":{"exists":1}}}},"at_least":0,"since":1}`,
		`{"match":{"reason":"","collapse_id":"","priority":5,"environment":"production","status":410},"at_most":3}`,
		`{"match":{"payload":{"a":1}},"exactly":1}`,
		`{"match":{},"exactly":-1}`,
		`{"match":{},"exactly":1,"at_most":1}`,
		`{"match":{"payload":{"/~":1}},"exactly":1}`,
		`{"match":{"payload":{"/0":{"contains":null}}},"exactly":1}`,
		`[]`, `null`, ``, `{"match":`, `{"match":{}} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := verify.Parse(bytes.NewReader(data))
		if err != nil {
			var fe *verify.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a *FieldError", err, err)
			}
			return
		}
		res := m.Evaluate(journal)
		_ = res.Text()
		again, err := json.Marshal(m.Spec())
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		m2, err := verify.Parse(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("round trip of %s: %v", again, err)
		}
		if res2 := m2.Evaluate(journal); res2.Count != res.Count || res2.Holds != res.Holds {
			t.Fatalf("round trip changed the result: %+v vs %+v", res, res2)
		}
	})
}

// TestBoundedAnswer: a journal with many matches lists the newest
// MaxMatches and says how many more there were; the text lists ten.
func TestBoundedAnswer(t *testing.T) {
	var many []verify.Request
	for i := range 150 {
		many = append(many, verify.Request{Seq: uint64(i + 1), Token: "aaaa", Device: "ios17", Status: 200})
	}
	m, err := verify.Parse(strings.NewReader(`{"match":{"token":"aaaa"},"at_most":1}`))
	if err != nil {
		t.Fatal(err)
	}
	res := m.Evaluate(many)
	if res.Count != 150 || len(res.Matches) != verify.MaxMatches || res.MoreMatches != 50 || res.Matches[0].Seq != 51 {
		t.Errorf("count %d, %d listed from seq %d, %d more", res.Count, len(res.Matches), res.Matches[0].Seq, res.MoreMatches)
	}
	lines := strings.Split(strings.TrimRight(res.Text(), "\n"), "\n")
	want := []string{"matches:", "  (140 older matches not listed)", "  seq 141 to ios17: accepted"}
	if len(lines) != 13 || !cmp.Equal(lines[1:4], want) {
		t.Errorf("text:\n%s", res.Text())
	}
}
