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
		device.ContextLockScreen, device.ContextBanner, device.ContextAlert, device.ContextAlertOptions,
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

// itoa is strconv.Itoa, kept short for report code.
func itoa(i int) string { return strconv.Itoa(i) }
