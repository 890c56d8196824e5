package reference

import (
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite apns.md from the table")

// TestMarkdownShipped fails when apns.md is not what the table generates:
// someone edited the table without running go generate, or edited the
// generated file by hand.
func TestMarkdownShipped(t *testing.T) {
	want := Markdown()
	if *update {
		if err := os.WriteFile("apns.md", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("apns.md")
	if err != nil {
		t.Fatalf("reading the shipped reference: %v", err)
	}
	if diff := cmp.Diff(strings.Split(string(got), "\n"), strings.Split(string(want), "\n")); diff != "" {
		t.Errorf("sim/reference/apns.md is stale; run go generate ./sim/reference (-shipped +generated):\n%s", diff)
	}
}

var idPattern = regexp.MustCompile(`^[TPHEADVCUS][0-9]{2}$`)

// TestTable checks each rule is complete: a well-formed unique id in its
// section, a one-line statement, where it applies, a known kind and status,
// sources for what is claimed as known, a choice and reason for what is not.
func TestTable(t *testing.T) {
	kinds := []Kind{KindTransport, KindHeader, KindPayload, KindResponse, KindAuth, KindToken, KindPresentation, KindCompletion, KindSimctl}
	seen := map[string]bool{}
	rules := Rules()
	for _, r := range rules {
		if !idPattern.MatchString(r.ID) {
			t.Errorf("%q: an id is a section letter and two digits", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("%s: duplicate id", r.ID)
		}
		seen[r.ID] = true
		inSection := 0
		for _, s := range Sections() {
			if s.Contains(r.ID) {
				inSection++
			}
		}
		if inSection != 1 {
			t.Errorf("%s: in %d sections, want 1", r.ID, inSection)
		}
		if r.Statement == "" || strings.Contains(r.Statement, "\n") {
			t.Errorf("%s: the statement must be one non-empty line", r.ID)
		}
		if r.IOS == "" || r.Env == "" {
			t.Errorf("%s: where it applies (iOS %q, environments %q) must be set", r.ID, r.IOS, r.Env)
		}
		if !slices.Contains(kinds, r.Kind) {
			t.Errorf("%s: unknown kind %q", r.ID, r.Kind)
		}
		switch r.Status {
		case Documented, Observed:
			if len(r.Sources) == 0 {
				t.Errorf("%s: a %s rule needs a source", r.ID, r.Status)
			}
		case Unconfirmed:
			if r.Choice == "" || r.Why == "" {
				t.Errorf("%s: an unconfirmed rule needs the behaviour chosen and why", r.ID)
			}
		default:
			t.Errorf("%s: unknown status %q", r.ID, r.Status)
		}
		if (r.Choice == "") != (r.Why == "") {
			t.Errorf("%s: a choice goes with its reason", r.ID)
		}
		for _, s := range r.Sources {
			if s.Title == "" || (s.URL != "" && !strings.HasPrefix(s.URL, "https://")) {
				t.Errorf("%s: source %+v needs a title and an https URL", r.ID, s)
			}
		}
		for _, id := range r.See {
			if _, ok := Lookup(id); !ok {
				t.Errorf("%s: see-also %s is not a rule", r.ID, id)
			}
		}
	}
	// Every id of the reference the project started from is kept, so that
	// citations written against it stay valid.
	for _, id := range originalIDs() {
		if !seen[id] {
			t.Errorf("%s: an id of the original reference is missing", id)
		}
	}
}

// originalIDs are the ids of shared/reference/apns.md, the reference the
// table was built from: T01–T17, H01–H22, P01–P20, E01–E07, E10–E23,
// E30–E38, E40–E41, E50–E57, E60–E65, A01–A15, D01–D08, V03–V18,
// V20–V27, V30–V36, V40–V52, C01–C08, S01–S06, U01–U23.
func originalIDs() []string {
	spans := []struct {
		p        string
		from, to int
	}{
		{"T", 1, 17}, {"H", 1, 22}, {"P", 1, 20}, {"E", 1, 7}, {"E", 10, 23}, {"E", 30, 38}, {"E", 40, 41},
		{"E", 50, 57}, {"E", 60, 65}, {"A", 1, 15}, {"D", 1, 8}, {"V", 3, 18}, {"V", 20, 27}, {"V", 30, 36},
		{"V", 40, 52}, {"C", 1, 8}, {"S", 1, 6}, {"U", 1, 23},
	}
	var ids []string
	for _, s := range spans {
		for n := s.from; n <= s.to; n++ {
			ids = append(ids, s.p+string(rune('0'+n/10))+string(rune('0'+n%10)))
		}
	}
	return ids
}

func TestLookup(t *testing.T) {
	for _, in := range []string{"V21", "v21", "apns.md#V21", "#V21", " V21 ", "sim/reference/apns.md#v21"} {
		r, ok := Lookup(in)
		if !ok || r.ID != "V21" {
			t.Errorf("Lookup(%q) = %q, %v; want V21", in, r.ID, ok)
		}
	}
	if _, ok := Lookup("V99"); ok {
		t.Error("Lookup(V99) found a rule")
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{"V19": "V18", "V2l": "V21", "E1": "E01", "U37": "U34", "X21": "T21"} {
		got := Suggest(in)
		if !slices.Contains(got, want) {
			t.Errorf("Suggest(%q) = %v, want it to include %s", in, got, want)
		}
		if len(got) > 3 {
			t.Errorf("Suggest(%q) = %v: at most 3", in, got)
		}
	}
}

func TestSearchAndUnconfirmed(t *testing.T) {
	var ids []string
	for _, r := range Search("action-loc-key") {
		ids = append(ids, r.ID)
	}
	for _, want := range []string{"V20", "P06", "V23"} {
		if !slices.Contains(ids, want) {
			t.Errorf("Search(action-loc-key) = %v, want %s among them", ids, want)
		}
	}
	for _, r := range UnconfirmedRules() {
		if r.Status != Unconfirmed {
			t.Errorf("%s listed as unconfirmed with status %s", r.ID, r.Status)
		}
	}
	if n := len(UnconfirmedRules()); n < 28 {
		t.Errorf("%d unconfirmed rules, want every U row and more", n)
	}
}

func TestText(t *testing.T) {
	text, ok := Text("apns.md#V20")
	if !ok {
		t.Fatal("no V20")
	}
	for _, want := range []string{"V20  Legacy alert buttons", "applies:  iOS 3–7", "status:   documented", "PayloadKeyReference.html"} {
		if !strings.Contains(text, want) {
			t.Errorf("V20's text lacks %q:\n%s", want, text)
		}
	}
	text, _ = Text("U15")
	for _, want := range []string{"status:   unconfirmed", "pushsim:  Expanded view", "why:"} {
		if !strings.Contains(text, want) {
			t.Errorf("U15's text lacks %q:\n%s", want, text)
		}
	}
}

func TestCited(t *testing.T) {
	got := Cited("no alert text: badge and sound only (apns.md#U23, P07, P08); see apns.md#V21 and P07 again, not P256 or V99")
	if want := []string{"U23", "P07", "P08", "V21"}; !slices.Equal(got, want) {
		t.Errorf("Cited = %v, want %v", got, want)
	}
}
