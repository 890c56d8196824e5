package device

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is an iOS version such as 8.4 or 17.2.
type Version struct {
	Major, Minor int
}

// ParseVersion reads "8", "8.4" or "8.4.1" (the patch is ignored).
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) == 0 || len(parts) > 3 || parts[0] == "" {
		return Version{}, fmt.Errorf("invalid iOS version %q: want MAJOR[.MINOR]", s)
	}
	var v Version
	var err error
	if v.Major, err = strconv.Atoi(parts[0]); err != nil || v.Major < 1 {
		return Version{}, fmt.Errorf("invalid iOS version %q: want MAJOR[.MINOR]", s)
	}
	if len(parts) > 1 {
		if v.Minor, err = strconv.Atoi(parts[1]); err != nil || v.Minor < 0 {
			return Version{}, fmt.Errorf("invalid iOS version %q: want MAJOR[.MINOR]", s)
		}
	}
	return v, nil
}

// MustVersion is ParseVersion for constants in code; it panics on a typo,
// which only a programmer can make.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String formats v as "8.4".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	return v.Minor < w.Minor
}

// Compare orders versions for display, such as newest first: -1 when v
// is older than w, 0 when equal, +1 when newer. A rule that depends on the
// version is a column of the capability table, not a comparison.
func (v Version) Compare(w Version) int {
	switch {
	case v.Less(w):
		return -1
	case w.Less(v):
		return 1
	}
	return 0
}

// AtLeast reports whether v is w or newer.
func (v Version) AtLeast(w Version) bool { return !v.Less(w) }

// MarshalText implements encoding.TextMarshaler ("8.4").
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (v *Version) UnmarshalText(b []byte) error {
	p, err := ParseVersion(string(b))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// IsZero reports whether v is the zero Version, which a Range reads as
// "no bound".
func (v Version) IsZero() bool { return v == Version{} }

// Short formats v as people name a release: "10" for 10.0, "8.2".
func (v Version) Short() string {
	if v.Minor == 0 {
		return strconv.Itoa(v.Major)
	}
	return v.String()
}

// Range is the iOS versions from From up to, not including, To. A zero
// From has no lower bound and a zero To no upper bound, so the zero Range
// is every version. Lint findings and scenario files both use it; it is
// parsed by ParseRange and formatted by String, for display only.
type Range struct {
	From, To Version
}

// Contains reports whether v is in r.
func (r Range) Contains(v Version) bool {
	return (r.From.IsZero() || !v.Less(r.From)) && (r.To.IsZero() || v.Less(r.To))
}

// String formats r as ParseRange reads it: "all", "<8", "10+", "9" (every
// 9.x), "8–9", "8.2" (that version alone), "8.2–9.1".
func (r Range) String() string {
	switch {
	case r.From.IsZero() && r.To.IsZero():
		return "all"
	case r.From.IsZero():
		return "<" + r.To.Short()
	case r.To.IsZero():
		return r.From.Short() + "+"
	case r.From.Minor == 0 && r.To.Minor == 0 && r.To.Major == r.From.Major+1:
		return strconv.Itoa(r.From.Major)
	case r.To == Version{r.From.Major, r.From.Minor + 1}:
		return r.From.String()
	}
	hi := strconv.Itoa(r.To.Major - 1) // To 10.0: the last is every 9.x
	if r.To.Minor > 0 {
		hi = Version{r.To.Major, r.To.Minor - 1}.String()
	}
	return r.From.Short() + "–" + hi
}

// ParseRange reads an iOS version range as people write it: "7-18" (also
// "7..18" or "7–18"; every 7.x to every 18.x), "10+", "<8", "<=9", "9"
// (every 9.x), "8.2" (that version alone) or "all" (also ""). A range
// holding no version of the capability table's span is an error.
func ParseRange(s string) (Range, error) {
	bad := fmt.Errorf("invalid iOS range %q: expected e.g. 7-18, 10+, <8, 9 or all", s)
	// through is the exclusive upper bound of a version written as the
	// last one included: "9" means every 9.x, "9.2" only 9.2.
	through := func(v Version, written string) Version {
		if strings.Contains(written, ".") {
			return Version{v.Major, v.Minor + 1}
		}
		return Version{Major: v.Major + 1}
	}
	t := strings.TrimSpace(s)
	var r Range
	var err error
	switch {
	case t == "" || t == "all":
		return r, nil
	case strings.HasSuffix(t, "+"):
		r.From, err = ParseVersion(strings.TrimSuffix(t, "+"))
	case strings.HasPrefix(t, "<="):
		r.To, err = ParseVersion(t[2:])
		r.To = through(r.To, t[2:])
	case strings.HasPrefix(t, "<"):
		r.To, err = ParseVersion(t[1:])
	default:
		parts := []string{t}
		for _, sep := range []string{"..", "–", "-"} {
			if strings.Contains(t, sep) {
				parts = strings.SplitN(t, sep, 2)
				break
			}
		}
		var hi Version
		if r.From, err = ParseVersion(parts[0]); err != nil {
			return Range{}, bad
		}
		last := parts[len(parts)-1]
		if hi, err = ParseVersion(last); err != nil || hi.Less(r.From) {
			return Range{}, bad
		}
		r.To = through(hi, last)
	}
	if err != nil || r.To.Major > 100 || (r.To.Major == 100 && r.To.Minor > 0) || len(r.Versions()) == 0 {
		return Range{}, bad
	}
	return r, nil
}

// Ranges is a union of ranges, such as the versions a lint finding
// concerns. It is written as its ranges joined by ", ".
type Ranges []Range

// Contains reports whether v is in any of rs.
func (rs Ranges) Contains(v Version) bool {
	for _, r := range rs {
		if r.Contains(v) {
			return true
		}
	}
	return false
}

// String formats rs as "<8, 10+".
func (rs Ranges) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// ParseRanges reads ranges joined by commas, such as Ranges.String
// writes.
func ParseRanges(s string) (Ranges, error) {
	var rs Ranges
	for _, part := range strings.Split(s, ",") {
		r, err := ParseRange(part)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// MarshalText implements encoding.TextMarshaler ("<8, 10+").
func (rs Ranges) MarshalText() ([]byte, error) { return []byte(rs.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (rs *Ranges) UnmarshalText(b []byte) error {
	p, err := ParseRanges(string(b))
	if err != nil {
		return err
	}
	*rs = p
	return nil
}
