package reference

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text is the rule as plain text for a terminal, the TUI or a report: the
// id and statement, where it applies, its status (with pushsim's choice and
// reasoning when set) and its sources. Lines are not wrapped; see Wrapped.
func (r Rule) Text() string { return r.Wrapped(0) }

// Wrapped is Text with every field wrapped to width columns (0: no
// wrapping), continuation lines indented under the field's text. Words
// longer than a line (URLs) are kept whole.
func (r Rule) Wrapped(width int) string {
	var b strings.Builder
	field := func(label, text string) {
		writeWrapped(&b, label, text, width)
	}
	field(r.ID+"  ", r.Statement)
	field("  kind:     ", string(r.Kind))
	field("  applies:  ", fmt.Sprintf("iOS %s · APNs: %s", r.IOS, r.Env))
	field("  status:   ", string(r.Status)+statusNote(r.Status))
	if r.Choice != "" {
		field("  pushsim:  ", r.Choice)
		field("  why:      ", r.Why)
	}
	if len(r.See) > 0 {
		field("  see also: ", strings.Join(r.See, ", "))
	}
	if len(r.Sources) == 0 {
		field("  sources:  ", "none; pushsim's own choice")
		return b.String()
	}
	b.WriteString("  sources:\n")
	for _, s := range r.Sources {
		field("    - ", s.Title)
		if s.URL != "" {
			field("      ", s.URL)
		}
		if s.Archived != "" {
			field("      archived: ", s.Archived)
		}
	}
	return b.String()
}

// WrapField returns label then text, wrapped at width (0: not wrapped)
// with a hanging indent as wide as the label, ending in a newline: the
// layout of Wrapped, for lists of rules.
func WrapField(label, text string, width int) string {
	var b strings.Builder
	writeWrapped(&b, label, text, width)
	return b.String()
}

func writeWrapped(b *strings.Builder, label, text string, width int) {
	indent := strings.Repeat(" ", utf8.RuneCountInString(label))
	b.WriteString(label)
	col := utf8.RuneCountInString(label)
	start := col
	for i, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		if i > 0 {
			if width > 0 && col+1+n > width && col > start {
				b.WriteString("\n" + indent)
				col = start
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += n
	}
	b.WriteByte('\n')
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
