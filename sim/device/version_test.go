package device

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseRange: one parser for every range people write (scenario
// files, --ios, lint findings), and Versions lists one version per major.
func TestParseRange(t *testing.T) {
	majors := func(vs []Version) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.String())
		}
		return out
	}
	tests := []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: "7-9", want: []string{"7.0", "8.0", "9.0"}},
		{in: "7..9", want: []string{"7.0", "8.0", "9.0"}},
		{in: "8.2–10", want: []string{"8.2", "9.0", "10.0"}},
		{in: "16+", want: []string{"16.0", "17.0", "18.0"}},
		{in: "<5", want: []string{"3.0", "4.0"}},
		{in: "<=4", want: []string{"3.0", "4.0"}},
		{in: "9.3", want: []string{"9.3"}},
		{in: "all", want: []string{"3.0", "4.0", "5.0", "6.0", "7.0", "8.0", "9.0", "10.0", "11.0", "12.0", "13.0", "14.0", "15.0", "16.0", "17.0", "18.0"}},
		{in: "9-7", bad: true},
		{in: "<3", bad: true},
		{in: "x", bad: true},
		{in: "1-2-3", bad: true},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("ParseRange(%q) error = %v, want error %v", tt.in, err, tt.bad)
		}
		if err != nil {
			continue
		}
		if diff := cmp.Diff(tt.want, majors(r.Versions())); diff != "" {
			t.Errorf("ParseRange(%q).Versions() (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestRangeString: ranges print the way lint findings have always
// written them, and read back as the same range.
func TestRangeString(t *testing.T) {
	v := MustVersion
	tests := []struct {
		r    Range
		want string
	}{
		{Range{}, "all"},
		{Range{To: v("8")}, "<8"},
		{Range{From: v("10")}, "10+"},
		{Range{From: v("9"), To: v("10")}, "9"},
		{Range{From: v("8"), To: v("10")}, "8–9"},
		{Range{From: v("8.2"), To: v("8.3")}, "8.2"},
		{Range{From: v("8.2"), To: v("9.2")}, "8.2–9.1"},
		{Range{To: v("8.2")}, "<8.2"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.r, got, tt.want)
		}
		back, err := ParseRange(tt.want)
		if err != nil || back != tt.r {
			t.Errorf("ParseRange(%q) = %+v, %v; want %+v", tt.want, back, err, tt.r)
		}
	}
	rs := Ranges{{To: v("8")}, {From: v("10"), To: v("12")}, {From: v("15")}}
	if got, want := rs.String(), "<8, 10–11, 15+"; got != want {
		t.Errorf("Ranges.String() = %q, want %q", got, want)
	}
	back, err := ParseRanges(rs.String())
	if err != nil || !cmp.Equal(back, rs) {
		t.Errorf("ParseRanges(%q) = %v, %v", rs.String(), back, err)
	}
	for _, in := range []Version{v("7.1"), v("10.3"), v("16")} {
		if !rs.Contains(in) {
			t.Errorf("%s should contain %s", rs, in)
		}
	}
	for _, out := range []Version{v("8"), v("12.0"), v("14.9")} {
		if rs.Contains(out) {
			t.Errorf("%s should not contain %s", rs, out)
		}
	}
}
