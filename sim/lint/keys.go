package lint

import (
	"fmt"
	"strings"

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
	for _, n := range names {
		d := editDistance(norm(k), norm(n))
		if nk, nn := norm(k), norm(n); len(nk) >= 4 && (strings.HasPrefix(nn, nk) || strings.HasPrefix(nk, nn)) {
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

// editDistance is the Levenshtein distance, capped for long inputs so a
// hostile key cannot make lint slow.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
