package main

import (
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/sim/reference"
)

// explainWidth is where explain wraps its text: readable in any terminal
// and in the README.
const explainWidth = 80

// explainCmd is `pushsim explain`: the rule behind a citation, a lint
// finding, a scenario failure or a note.
type explainCmd struct {
	Rows        []string `arg:"" optional:"" name:"ROW" help:"Rule ids as cited: V21, v21 or apns.md#V21."`
	Grep        string   `name:"grep" placeholder:"TEXT" env:"PUSHSIM_EXPLAIN_GREP" help:"List the rules whose id, statement, choice or sources mention TEXT."`
	Unconfirmed bool     `name:"unconfirmed" env:"PUSHSIM_EXPLAIN_UNCONFIRMED" help:"List the rules where Apple is silent and pushsim chose, with the choice."`
}

// Run prints the rules asked for. An unknown id exits 2 naming close ids;
// a search that finds nothing exits 1.
func (c *explainCmd) Run(e *env) error {
	if len(c.Rows) > 0 {
		if c.Grep != "" || c.Unconfirmed {
			return usageErr("explain: give rule ids, or --grep / --unconfirmed, not both")
		}
		return c.explain(e)
	}
	if c.Grep == "" && !c.Unconfirmed {
		return usageErr("explain: give a rule id (e.g. pushsim explain V20), --grep TEXT or --unconfirmed")
	}
	rules := reference.Rules()
	if c.Unconfirmed {
		rules = reference.UnconfirmedRules()
	}
	if c.Grep != "" {
		rules = filter(rules, reference.Search(c.Grep))
	}
	if len(rules) == 0 {
		fmt.Fprintf(e.stderr, "%s: no rule mentions %q\n", programName, c.Grep)
		return errFailed()
	}
	var b strings.Builder
	for _, r := range rules {
		line := strings.TrimRight(wrapField(r.ID+"  ", "["+string(r.Status)+"] "+r.Statement), "\n")
		b.WriteString(line + "\n")
		if c.Unconfirmed {
			b.WriteString(wrapField("     pushsim: ", r.Choice))
		}
	}
	fmt.Fprintf(&b, "%d rules; pushsim explain ROW prints one with its sources.\n", len(rules))
	_, err := fmt.Fprint(e.stdout, b.String())
	return err
}

// explain prints each id's rule; all ids are checked first so a typo
// prints one line and nothing else.
func (c *explainCmd) explain(e *env) error {
	rules := make([]reference.Rule, 0, len(c.Rows))
	for _, id := range c.Rows {
		r, ok := reference.Lookup(id)
		if !ok {
			msg := fmt.Sprintf("explain: no rule %q", id)
			if near := reference.Suggest(id); len(near) > 0 {
				msg += "; did you mean " + strings.Join(near, ", ") + "?"
			} else {
				msg += "; pushsim explain --grep TEXT searches the rules"
			}
			return usageErr("%s", msg)
		}
		rules = append(rules, r)
	}
	for i, r := range rules {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if _, err := fmt.Fprint(e.stdout, r.Wrapped(explainWidth)); err != nil {
			return err
		}
	}
	return nil
}

// filter keeps the rules of a that are also in b, in a's order.
func filter(a, b []reference.Rule) []reference.Rule {
	in := make(map[string]bool, len(b))
	for _, r := range b {
		in[r.ID] = true
	}
	var out []reference.Rule
	for _, r := range a {
		if in[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// wrapField wraps text at explainWidth under label, as the rules' own text
// does.
func wrapField(label, text string) string {
	return reference.WrapField(label, text, explainWidth)
}
