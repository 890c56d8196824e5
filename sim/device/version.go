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
