package reference

import (
	"fmt"
	"strings"
)

// Text is the rule as plain text for a terminal, the TUI or a report: the
// id and statement, where it applies, its status (with pushsim's choice and
// reasoning when set) and its sources. Lines are not wrapped, so callers
// can wrap them to their own width.
func (r Rule) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", r.ID, r.Statement)
	fmt.Fprintf(&b, "  kind:     %s\n", r.Kind)
	fmt.Fprintf(&b, "  applies:  iOS %s · APNs: %s\n", r.IOS, r.Env)
	fmt.Fprintf(&b, "  status:   %s%s\n", r.Status, statusNote(r.Status))
	if r.Choice != "" {
		fmt.Fprintf(&b, "  pushsim:  %s\n", r.Choice)
		fmt.Fprintf(&b, "  why:      %s\n", r.Why)
	}
	if len(r.See) > 0 {
		fmt.Fprintf(&b, "  see also: %s\n", strings.Join(r.See, ", "))
	}
	if len(r.Sources) == 0 {
		b.WriteString("  sources:  none; pushsim's own choice\n")
	} else {
		b.WriteString("  sources:\n")
		for _, s := range r.Sources {
			fmt.Fprintf(&b, "    - %s\n", s.Title)
			if s.URL != "" {
				fmt.Fprintf(&b, "      %s\n", s.URL)
			}
			if s.Archived != "" {
				fmt.Fprintf(&b, "      archived: %s\n", s.Archived)
			}
		}
	}
	return b.String()
}

// Line is the rule on one line: id, status and statement.
func (r Rule) Line() string {
	return fmt.Sprintf("%s  [%s] %s", r.ID, r.Status, r.Statement)
}

func statusNote(s Status) string {
	switch s {
	case Documented:
		return " (Apple states it)"
	case Observed:
		return " (seen in clients, mocks, Apple engineers' answers or on devices; not in Apple's documentation)"
	case Unconfirmed:
		return " (Apple is silent: pushsim chose)"
	}
	return ""
}

// Text formats the rule with the given id, or reports that there is none.
// It is what `pushsim explain ID` prints and what the TUI shows for a note.
func Text(id string) (string, bool) {
	r, ok := Lookup(id)
	if !ok {
		return "", false
	}
	return r.Text(), true
}
