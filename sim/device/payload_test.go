package device

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParsePayload(t *testing.T) {
	three := 3
	tests := []struct {
		name string
		in   string
		want Aps
	}{
		{"string alert", `{"aps":{"alert":"hi","badge":3,"sound":"default"}}`,
			Aps{Alert: &Alert{Body: "hi"}, Badge: &three, Sound: "default", Keys: []string{"alert", "badge", "sound"}}},
		{"dictionary alert with null action-loc-key", `{"aps":{"alert":{"body":"b","action-loc-key":null,"loc-args":["x"]}}}`,
			Aps{Alert: &Alert{Body: "b", ActionLocKeyNull: true, LocArgs: []string{"x"}, Keys: []string{"action-loc-key", "body", "loc-args"}},
				Keys: []string{"alert"}}},
		{"critical sound", `{"aps":{"sound":{"critical":1,"name":"siren.caf","volume":0.8}}}`,
			Aps{Sound: "siren.caf", CriticalSound: true, Keys: []string{"sound"}}},
		{"flags", `{"aps":{"content-available":1,"mutable-content":0,"thread-id":"t","interruption-level":"passive"}}`,
			Aps{ContentAvailable: 1, ThreadID: "t", InterruptionLevel: "passive",
				Keys: []string{"content-available", "interruption-level", "mutable-content", "thread-id"}}},
		{"null alert", `{"aps":{"alert":null}}`, Aps{Keys: []string{"alert"}}},
	}
	ignore := cmpopts.IgnoreFields(Aps{}, "RawAlert", "RawSound")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePayload([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Aps, ignore); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePayloadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"syntax", "{\n\"aps\": x}", &SyntaxError{Line: 2, Column: 8, Msg: "invalid character 'x' looking for beginning of value"}},
		{"not an object", `[1,2]`, &SyntaxError{Line: 1, Column: 2, Msg: "payload is not a JSON object (apns.md#P01)"}},
		{"null", `null`, &FieldError{Field: "payload", Row: "P01", Msg: "is not a JSON object"}},
		{"aps not an object", `{"aps":"x"}`, &FieldError{Field: "aps", Row: "P01", Msg: "is not a JSON object"}},
		{"alert a number", `{"aps":{"alert":3}}`, &FieldError{Field: "aps.alert", Row: "P05", Msg: "must be a string or a dictionary"}},
		{"badge a string", `{"aps":{"badge":"3"}}`, &FieldError{Field: "aps.badge", Row: "P07", Msg: "must be an integer"}},
		{"loc-args a string", `{"aps":{"alert":{"loc-args":"x"}}}`, &LocArgsError{Field: "aps.alert.loc-args", Index: -1, Msg: "must be an array of strings"}},
		{"loc-args with a number", `{"aps":{"alert":{"title-loc-args":["a",7]}}}`, &LocArgsError{Field: "aps.alert.title-loc-args", Index: 1, Msg: "must be a string, got 7"}},
		{"content-available true", `{"aps":{"content-available":true}}`, &FieldError{Field: "aps.content-available", Row: "P11", Msg: "must be the number 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePayload([]byte(tt.in))
			if diff := cmp.Diff(tt.want, err); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			var syn *SyntaxError
			var fe *FieldError
			var le *LocArgsError
			if !errors.As(err, &syn) && !errors.As(err, &fe) && !errors.As(err, &le) {
				t.Errorf("error %T is not typed", err)
			}
		})
	}
}

func TestParsePayloadKeepsCustomKeys(t *testing.T) {
	p, err := ParsePayload([]byte(`{"aps":{},"poll_id":42,"meta":{"a":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]json.RawMessage{"poll_id": json.RawMessage(`42`), "meta": json.RawMessage(`{"a":1}`)}
	if diff := cmp.Diff(want, p.Custom); diff != "" {
		t.Error(diff)
	}
}

func TestLocalize(t *testing.T) {
	strs := map[string]string{
		"SEQ":  "%@ asks: %@",
		"POS":  "%2$@ before %1$@",
		"PCT":  "100%% sure, %@",
		"MISS": "%1$@ and %3$@",
		"ODD":  "%d %$@ %0$@ %",
	}
	tests := []struct {
		key     string
		args    []string
		want    string
		wantErr error
	}{
		{"SEQ", []string{"Ann", "lunch?"}, "Ann asks: lunch?", nil},
		{"POS", []string{"a", "b"}, "b before a", nil},
		{"PCT", []string{"yes"}, "100% sure, yes", nil},
		{"MISS", []string{"a"}, "a and ", &LocArgsError{Field: "MISS", Index: 3, Msg: "the format needs this argument but loc-args is shorter"}},
		{"SEQ", nil, " asks: ", &LocArgsError{Field: "SEQ", Index: 1, Msg: "the format needs this argument but loc-args is shorter"}},
		{"ODD", []string{"x"}, "%d %$@ %0$@ %", nil},
		{"NOT_IN_TABLE", nil, "NOT_IN_TABLE", nil},
	}
	for _, tt := range tests {
		got, err := Localize(strs, tt.key, tt.args)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s text (-want +got):\n%s", tt.key, diff)
		}
		if diff := cmp.Diff(tt.wantErr, err); diff != "" {
			t.Errorf("%s error (-want +got):\n%s", tt.key, diff)
		}
	}
}

// BenchmarkParseDeliverable parses what the delivery path parses for
// every push a simulated device receives.
func BenchmarkParseDeliverable(b *testing.B) {
	body := []byte(`{"aps":{"alert":{"title":"Suspicious payment","body":"€9 at ACME","loc-args":["1234"]},"category":"fraud_alert","sound":"default","thread-id":"card-1234"},"txn":{"id":42}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseDeliverable(body); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzUnmarshalString holds unmarshalString's shortcut to encoding/json:
// the same value, and an error exactly when encoding/json has one.
func FuzzUnmarshalString(f *testing.F) {
	for _, s := range []string{`"plain"`, `"€9 at ACME"`, `"a\"b"`, `"\u00e9"`, "\"tab\there\"", "\"\xff\"", `""`, `"`, `1`, `null`, ` "x" `, `"x"y"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return // the parser only hands it values of a valid document
		}
		var want, got string
		werr := json.Unmarshal(b, &want)
		gerr := unmarshalString(b, &got)
		if (werr == nil) != (gerr == nil) || want != got {
			t.Errorf("%q: encoding/json %q, %v; unmarshalString %q, %v", b, want, werr, got, gerr)
		}
	})
}

// FuzzParsePayloadPaths: on any input, the parse that splits objects
// without decoding them (valid JSON) gives what encoding/json's decoder
// gives: the same payload, the same problems.
func FuzzParsePayloadPaths(f *testing.F) {
	for _, s := range []string{
		`{"aps":{"alert":{"title":"Bill","body":"Due \"Friday\"","loc-args":["a",1]},"badge":"3","category":"poll"},"x":{"y":[1,2]}}`,
		`{"aps":{"alert":"plain","sound":{"critical":1,"name":"a","volume":0.5},"content-available":1},"aps":{"badge":2}}`,
		`{"aps":{"alert":{"title":"t","title":"u","action-loc-key":null}}, "\u0061ps2": 1, "k\"ey": "v"}`,
		`{"aps":[],"x":null}`, `{"aps":{"alert":5}}`, `{"aps":{"alert":{"body":"\ud800"}}}`, "{\"aps\":{\"alert\":\"\xff\"}}",
		`[1]`, `null`, `{"aps":`, ` { "aps" : { "alert" : { "body" : "x" } } } `, `{"aps":{"mutable-content":1,"relevance-score":"x"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, werrs := parsePayload(b, false)
		got, gerrs := parsePayload(b, json.Valid(b))
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q: payload (-decoder +split):\n%s", b, diff)
		}
		if diff := cmp.Diff(errorStrings(werrs), errorStrings(gerrs)); diff != "" {
			t.Errorf("%q: problems (-decoder +split):\n%s", b, diff)
		}
	})
}

func errorStrings(errs []error) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
