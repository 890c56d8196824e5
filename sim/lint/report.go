package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints one block per finding of the payload called name:
// severity, rule, versions, message (with its row when the message does
// not cite it), then the fix; and a count line.
func WriteText(w io.Writer, name string, findings []Finding) {
	counts := map[Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
		row := ""
		if f.Row != "" && !strings.Contains(f.Message, "apns.md#"+f.Row) {
			row = " (apns.md#" + f.Row + ")"
		}
		fmt.Fprintf(w, "%s: %-7s %s [iOS %s]: %s%s\n", name, f.Severity, f.Rule, f.Versions, f.Message, row)
		if f.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", f.Fix)
		}
	}
	fmt.Fprintf(w, "%s, %s, %s\n", Plural(counts[SeverityError], "error"), Plural(counts[SeverityWarning], "warning"), Plural(counts[SeverityInfo], "info"))
}

// WriteJSON prints the findings of the payload called name, linted for
// app on the iOS range ios, as one indented JSON object.
func WriteJSON(w io.Writer, name, app, ios string, findings []Finding) error {
	out := struct {
		Payload  string    `json:"payload"`
		App      string    `json:"app"`
		IOS      string    `json:"ios"`
		Findings []Finding `json:"findings"`
	}{name, app, ios, findings}
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "<8" stays readable
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing findings: %w", err)
	}
	return nil
}

// HasError says whether any finding is an error (pushsim lint exits 1).
func HasError(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Plural is "1 error" or "2 errors".
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
