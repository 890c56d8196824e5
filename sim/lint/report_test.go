package lint

import (
	"strings"
	"testing"
)

// TestWriteTextCounts: one line per finding with its fix under it, and the
// count line at the end; no findings is still a count line.
func TestWriteTextCounts(t *testing.T) {
	var b strings.Builder
	WriteText(&b, "p.json", []Finding{{Severity: SeverityError, Rule: "r", Message: "m", Fix: "f", Row: "V21"}})
	want := "p.json: error   r [iOS ]: m (apns.md#V21)\n    fix: f\n1 error, 0 warnings, 0 infos\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	WriteText(&b, "p.json", nil)
	if b.String() != "0 errors, 0 warnings, 0 infos\n" {
		t.Errorf("empty: %q", b.String())
	}
}
