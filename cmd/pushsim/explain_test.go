package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/sim/reference"
)

// TestExplain: the rule with where it applies, status and sources; every
// form of id a citation uses; an unknown id is one line, exit 2, with close
// ids; the search and the unconfirmed list.
func TestExplain(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		out    []string // substrings of stdout
		stderr string   // substring of stderr
	}{
		{"legacy alert", []string{"explain", "V20"}, 0, []string{"V20  Legacy alert buttons", "Close", "View", "applies:  iOS 3–7", "status:   documented", "PayloadKeyReference.html"}, ""},
		{"lower case and citation form", []string{"explain", "v21", "apns.md#E11"}, 0, []string{"V21  Before iOS 8", "E11  400 BadDeviceToken"}, ""},
		{"unconfirmed shows the choice", []string{"explain", "U15"}, 0, []string{"status:   unconfirmed", "pushsim:  Expanded view", "why:"}, ""},
		{"unknown id", []string{"explain", "V19"}, 2, nil, `no rule "V19"; did you mean V18, V20`}, // not a citation: an unknown id on purpose
		{"unknown among known", []string{"explain", "V20", "Z1"}, 2, nil, `no rule "Z1"`},
		{"nothing asked", []string{"explain"}, 2, nil, "give a rule id"},
		{"ids and a search", []string{"explain", "V20", "--grep", "x"}, 2, nil, "not both"},
		{"grep", []string{"explain", "--grep", "collapse"}, 0, []string{"H19  [documented]", "E10  [documented]", "rules; pushsim explain ROW"}, ""},
		{"grep finds nothing", []string{"explain", "--grep", "no-such-words"}, 1, nil, `no rule mentions "no-such-words"`},
		{"unconfirmed list", []string{"explain", "--unconfirmed"}, 0, []string{"U01  [unconfirmed]", "pushsim: Check by layer", "U28  [unconfirmed]"}, ""},
		{"unconfirmed and grep", []string{"explain", "--unconfirmed", "--grep", "TopicDisallowed"}, 0, []string{"U04", "U25"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, want := range tt.out {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if tt.stderr != "" && !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errOut)
			}
			if tt.code == 2 && strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 {
				t.Errorf("a usage error is one line:\n%s", errOut)
			}
			if tt.code == 2 && out != "" {
				t.Errorf("nothing on stdout after a bad id:\n%s", out)
			}
		})
	}
	_, out, _ := runCLI(t, "", "explain", "--unconfirmed")
	for _, r := range reference.UnconfirmedRules() {
		if !strings.Contains(out, r.ID+"  [unconfirmed]") {
			t.Errorf("--unconfirmed does not list %s", r.ID)
		}
	}
}

var citedRow = regexp.MustCompile(`apns\.md#([A-Za-z][0-9]{2})`)

// TestOutputCitesResolve runs lint, send and matrix on the shipped payloads
// and checks that every row their output cites is one explain resolves:
// the rows lint findings, notes and APNs explanations give users.
func TestOutputCitesResolve(t *testing.T) {
	// The payloads the rendering goldens use, wherever sim keeps them.
	payloads, err := filepath.Glob(filepath.Join("..", "..", "sim", "*", "testdata", "payloads", "*.json"))
	if err != nil || len(payloads) == 0 {
		t.Fatalf("no payloads under sim/*/testdata/payloads: %v", err)
	}
	seen := 0
	check := func(what, text string) {
		for _, m := range citedRow.FindAllStringSubmatch(text, -1) {
			seen++
			if _, ok := reference.Lookup(m[1]); !ok {
				t.Errorf("%s cites apns.md#%s, which explain does not know", what, m[1])
			}
		}
	}
	for _, p := range payloads {
		_, out, _ := runCLI(t, "", "lint", p, "--json")
		var res struct {
			Findings []struct {
				Row string `json:"row"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("lint %s --json: %v\n%s", p, err, out)
		}
		for _, f := range res.Findings {
			if f.Row == "" {
				continue
			}
			seen++
			if _, ok := reference.Lookup(f.Row); !ok {
				t.Errorf("lint %s: finding row %q is not a rule", p, f.Row)
			}
		}
		check("lint "+p, out)
		_, out, errOut := runCLI(t, "", "matrix", p)
		check("matrix "+p, out+errOut)
		_, out, errOut = runCLI(t, "", "send", p)
		check("send "+p, out+errOut)
	}
	// A failing scenario's report: the broken copies of library scenarios.
	_, out, errOut := runCLI(t, "", "run", filepath.Join("..", "..", "scenarios", "testdata", "broken"))
	check("run broken scenarios", out+errOut)
	if seen == 0 {
		t.Fatal("no output cited a row: the check checked nothing")
	}
	if _, err := os.Stat(filepath.Join("..", "..", "sim", "reference", "apns.md")); err != nil {
		t.Errorf("the cited file is not shipped: %v", err)
	}
}
