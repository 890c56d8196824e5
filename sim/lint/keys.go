package lint

import (
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
)

// keyInfo is when an Apple payload key appeared and its apns.md row.
type keyInfo struct {
	major int
	row   string
}

// since adds key-unsupported for the versions before a key appeared.
func (l *linter) since(key string, info keyInfo) {
	if info.major <= 3 {
		return
	}
	l.add("key-unsupported", SeverityInfo, info.row, fmt.Sprintf("%s is ignored before iOS %d", key, info.major), "",
		func(c *device.Capabilities) bool { return c.From.Major < info.major })
}

// apsKey describes a key of the aps dictionary (apns.md#P05–P18).
func apsKey(k string) (keyInfo, bool) {
	switch k {
	case "alert":
		return keyInfo{3, "P05"}, true
	case "badge":
		return keyInfo{3, "P07"}, true
	case "sound":
		return keyInfo{3, "P08"}, true
	case "category":
		// Its absence before 8 is reported by category-ignored.
		return keyInfo{3, "P10"}, true
	case "content-available":
		return keyInfo{7, "P11"}, true
	case "mutable-content":
		return keyInfo{10, "P12"}, true
	case "thread-id":
		return keyInfo{10, "P09"}, true
	case "target-content-id":
		return keyInfo{13, "P13"}, true
	case "interruption-level":
		return keyInfo{15, "P14"}, true
	case "relevance-score":
		return keyInfo{15, "P15"}, true
	case "filter-criteria":
		return keyInfo{16, "P16"}, true
	case "timestamp", "event", "content-state", "stale-date", "dismissal-date", "attributes-type", "attributes":
		return keyInfo{16, "P17"}, true
	case "content-changed":
		return keyInfo{18, "P18"}, true
	case "url-args":
		return keyInfo{3, "P19"}, true
	}
	return keyInfo{}, false
}

func apsKeyNames() []string {
	return []string{"alert", "badge", "sound", "category", "content-available", "mutable-content", "thread-id",
		"target-content-id", "interruption-level", "relevance-score", "filter-criteria", "timestamp", "event",
		"content-state", "stale-date", "dismissal-date", "attributes-type", "attributes", "content-changed", "url-args"}
}

// alertKey describes a key of the alert dictionary (apns.md#P06).
func alertKey(k string) (keyInfo, bool) {
	switch k {
	case "body", "loc-key", "loc-args", "action-loc-key":
		return keyInfo{3, "P06"}, true
	case "launch-image":
		return keyInfo{4, "P06"}, true
	case "title", "title-loc-key", "title-loc-args", "subtitle", "subtitle-loc-key", "subtitle-loc-args":
		// Reported by title-unsupported / subtitle-unsupported instead.
		return keyInfo{10, "P06"}, true
	case "summary-arg", "summary-arg-count":
		return keyInfo{12, "P06"}, true
	}
	return keyInfo{}, false
}

func alertKeyNames() []string {
	return []string{"body", "loc-key", "loc-args", "action-loc-key", "launch-image", "title", "title-loc-key",
		"title-loc-args", "subtitle", "subtitle-loc-key", "subtitle-loc-args", "summary-arg", "summary-arg-count"}
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
