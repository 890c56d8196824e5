package lint

import (
	"fmt"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/pushsim/pushsim/sim/device"
)

// since adds key-unsupported for the versions that ignore key k.
func (l *linter) since(name string, k device.PayloadKey) {
	if device.TableRows()[0].Reads(k) {
		return // every version reads it: no finding, and no message to format
	}
	l.add("key-unsupported", SeverityInfo, k.Row, fmt.Sprintf("%s is ignored before iOS %s", name, k.Since.Short()), "",
		func(c *device.Capabilities) bool { return !c.Reads(k) })
}

// suggest returns ` (did you mean "x"?)` for the closest name within two
// edits, ignoring case, underscores and dashes; else "".
func suggest(k string, names []string) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '_' || r == '-' || r == ' ' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	best, bestD := "", 3
	nk := norm(k)
	for _, n := range names {
		nn := norm(n)
		d := distance(nk, nn)
		if len(nk) >= 4 && (strings.HasPrefix(nn, nk) || strings.HasPrefix(nk, nn)) {
			d = min(d, 2)
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" || best == k {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the edit distance between two key names; very long names
// (a hostile payload's keys) are never near anything, so they cost nothing.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	return levenshtein.ComputeDistance(a, b)
}
