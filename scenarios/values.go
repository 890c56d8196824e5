package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// The closed sets a scenario may name. They mirror sim's constants.
var (
	allContexts = []device.Context{
		device.ContextLockScreen, device.ContextBanner, device.ContextAlert,
		device.ContextNotificationCenter, device.ContextExpanded, device.ContextForeground,
	}
	notificationStates = []string{
		string(world.NotificationShown), string(world.NotificationSuppressed), string(world.NotificationSilent),
		string(world.NotificationDismissed), string(world.NotificationActed),
	}
	appStates   = []device.AppState{device.AppNotRunning, device.AppBackground, device.AppForeground, device.AppForceQuit}
	permissions = []device.Permission{device.PermissionNotDetermined, device.PermissionDenied, device.PermissionAuthorized, device.PermissionProvisional}
)

func joinContexts() string    { return joinAny(allContexts) }
func joinStates() string      { return joinAny(appStates) }
func joinPermissions() string { return joinAny(permissions) }

func joinAny[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// payloadBytes turns a payload written in a scenario into the bytes sent:
// a string is sent as written; a mapping is encoded as JSON.
func payloadBytes(p any) ([]byte, error) {
	switch v := p.(type) {
	case string:
		if !json.Valid([]byte(v)) {
			return nil, errors.New("payload: the string is not valid JSON; write the payload as a YAML mapping, or as a JSON string")
		}
		return []byte(v), nil
	case map[string]any:
		b, err := json.Marshal(jsonable(v))
		if err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("payload: expected a mapping such as {aps: {alert: Hello}} or a JSON string, not %T", p)
	}
}

// jsonable converts YAML-decoded values (which may hold map[any]any) into
// values encoding/json accepts.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = jsonable(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = jsonable(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = jsonable(e)
		}
		return out
	}
	return v
}

// commandArgs reads an exec command: a list of strings is run as is, a
// single string through "sh -c".
func commandArgs(c any) ([]string, error) {
	switch v := c.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, errors.New("exec: empty command")
		}
		return []string{"sh", "-c", v}, nil
	case []any:
		if len(v) == 0 {
			return nil, errors.New("exec: empty command")
		}
		out := make([]string, len(v))
		for i, a := range v {
			switch s := a.(type) {
			case string:
				out[i] = s
			case nil:
				return nil, fmt.Errorf("exec: command argument %d is empty", i+1)
			default:
				out[i] = fmt.Sprint(s)
			}
		}
		return out, nil
	case nil:
		return nil, errors.New("exec: expected command: a string for sh -c, or a list [program, args...]")
	}
	return nil, fmt.Errorf("exec: command must be a string or a list, not %T", c)
}

// ParseVersionRange reads an iOS version range and returns one version per
// major release in it (the lower bound as written): "7-18" (also "7..18"
// or "7–18"), "10+", "<8", "<=9", "8.2" (a single version) or "all".
func ParseVersionRange(s string) ([]device.Version, error) {
	const lowest, highest = 3, 18 // the capability table's rows, apns.md#V03–V18
	bad := func() error {
		return fmt.Errorf("invalid iOS range %q: expected e.g. 7-18, 10+, <8, 9 or all", s)
	}
	s = strings.TrimSpace(s)
	lo, hi := device.Version{Major: lowest}, device.Version{Major: highest}
	switch {
	case s == "" || s == "all":
	case strings.HasSuffix(s, "+"):
		v, err := device.ParseVersion(strings.TrimSuffix(s, "+"))
		if err != nil {
			return nil, bad()
		}
		lo = v
	case strings.HasPrefix(s, "<="):
		v, err := device.ParseVersion(s[2:])
		if err != nil {
			return nil, bad()
		}
		hi = v
	case strings.HasPrefix(s, "<"):
		v, err := device.ParseVersion(s[1:])
		if err != nil || v.Major <= lowest {
			return nil, bad()
		}
		hi = device.Version{Major: v.Major - 1, Minor: 99}
		if v.Minor > 0 {
			hi = device.Version{Major: v.Major, Minor: v.Minor - 1}
		}
	default:
		parts := splitRange(s)
		switch len(parts) {
		case 1:
			v, err := device.ParseVersion(parts[0])
			if err != nil {
				return nil, bad()
			}
			return []device.Version{v}, nil
		case 2:
			a, err1 := device.ParseVersion(parts[0])
			b, err2 := device.ParseVersion(parts[1])
			if err1 != nil || err2 != nil || b.Less(a) {
				return nil, bad()
			}
			lo, hi = a, b
			if !strings.Contains(parts[1], ".") {
				hi.Minor = 99 // "7-18" includes 18.x
			}
		default:
			return nil, bad()
		}
	}
	if hi.Major > 99 || lo.Major < 1 {
		return nil, bad()
	}
	var out []device.Version
	for m := max(lo.Major, 1); m <= hi.Major; m++ {
		v := device.Version{Major: m}
		if m == lo.Major {
			v = lo
		}
		if !v.Less(lo) && !hi.Less(v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, bad()
	}
	return out, nil
}

func splitRange(s string) []string {
	for _, sep := range []string{"..", "–", "-"} {
		if strings.Contains(s, sep) {
			return strings.SplitN(s, sep, 2)
		}
	}
	return []string{s}
}

// itoa is strconv.Itoa, kept short for report code.
func itoa(i int) string { return strconv.Itoa(i) }
