package world

import (
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
)

// UnknownDeviceError: no device of the fleet has that name.
type UnknownDeviceError struct {
	Name  string
	Known []string
}

// Error implements error.
func (e *UnknownDeviceError) Error() string {
	return fmt.Sprintf("unknown device %q (devices: %s)", e.Name, strings.Join(e.Known, ", "))
}

// UnknownAppError: the device has no app with that bundle id.
type UnknownAppError struct {
	Device, BundleID string
	Known            []string
}

// Error implements error.
func (e *UnknownAppError) Error() string {
	if e.BundleID == "" {
		return fmt.Sprintf("device %q: no bundle id given and none in the payload (apps: %s)", e.Device, strings.Join(e.Known, ", "))
	}
	return fmt.Sprintf("device %q has no app %q (apps: %s)", e.Device, e.BundleID, strings.Join(e.Known, ", "))
}

// UnknownNotificationError: the notification is not on the device, or is
// gone (dismissed, acted on, replaced, never shown).
type UnknownNotificationError struct {
	Device, ApnsID string
	// State is the notification's state when it exists but cannot be
	// touched any more; empty when it was never there.
	State NotificationState
}

// Error implements error.
func (e *UnknownNotificationError) Error() string {
	switch {
	case e.ApnsID == "":
		return fmt.Sprintf("device %q shows no notification", e.Device)
	case e.State != "":
		return fmt.Sprintf("notification %s on device %q is gone (%s)", e.ApnsID, e.Device, e.State)
	default:
		return fmt.Sprintf("device %q has no notification %s", e.Device, e.ApnsID)
	}
}

// UnknownActionError: the notification shows no button with that id.
type UnknownActionError struct {
	Device, ApnsID, Action string
	// Shown are the action ids the device shows for that notification,
	// plus "default" and "dismiss".
	Shown []string
}

// Error implements error.
func (e *UnknownActionError) Error() string {
	return fmt.Sprintf("device %q: notification %s has no action %q (it shows: %s)", e.Device, e.ApnsID, e.Action, strings.Join(e.Shown, ", "))
}

// ActionNotAvailableError: the action exists but cannot be used here, such
// as text input before iOS 9 or custom actions before iOS 8.
type ActionNotAvailableError struct {
	Device, Action, Why string
}

// Error implements error.
func (e *ActionNotAvailableError) Error() string {
	return fmt.Sprintf("device %q: action %q is not available: %s", e.Device, e.Action, e.Why)
}

// ActionNotReachableError: the action is on screen in some context, but
// not in the one the notification is in (or the caller chose), nor in one
// a gesture opens from there: on iOS 8–9 the third action on a banner, or
// any action on the alert before Options (apns.md#U41, U42).
type ActionNotReachableError struct {
	Device  string
	Version device.Version
	Action  string
	// Context is where the tap was tried; Here are the button ids it
	// shows.
	Context device.Context
	Here    []string
	// ShownIn are the contexts that show the action.
	ShownIn []device.Context
	// Hint is a step that reaches it from Context, when there is one.
	Hint string
}

// Error implements error.
func (e *ActionNotReachableError) Error() string {
	shown := make([]string, len(e.ShownIn))
	for i, c := range e.ShownIn {
		shown[i] = string(c)
	}
	here := "no buttons"
	if len(e.Here) > 0 {
		here = strings.Join(e.Here, ", ")
	}
	msg := fmt.Sprintf("device %q: action %q is not reachable in the %s (it shows %s on iOS %s, apns.md#U41, V31); shown in: %s",
		e.Device, e.Action, e.Context, here, e.Version, strings.Join(shown, ", "))
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg + "; choose a context that shows it (CLI --context, API \"context\", scenario context:)"
}

// ContextError: the context a tap names does not exist on the device's
// version or does not show the notification.
type ContextError struct {
	Device  string
	Context device.Context
	Why     string
	// Shows are the contexts that show the notification.
	Shows []device.Context
}

// Error implements error.
func (e *ContextError) Error() string {
	shows := make([]string, len(e.Shows))
	for i, c := range e.Shows {
		shows[i] = string(c)
	}
	return fmt.Sprintf("device %q: context %q: %s (it is shown in: %s)", e.Device, e.Context, e.Why, strings.Join(shows, ", "))
}

// AmbiguousTapError: a short word such as "ok" that is both a system
// control and, up to case, one of the app's action ids (apns.md#U48).
type AmbiguousTapError struct {
	Device, Word, AppAction, System string
}

// Error implements error.
func (e *AmbiguousTapError) Error() string {
	return fmt.Sprintf("device %q: tap %q is ambiguous: the app's action is %q, the system's button is %q; use one of those ids (apns.md#U48)",
		e.Device, e.Word, e.AppAction, e.System)
}

// InvalidValueError: a value outside its closed set (an app state, a
// permission, ...).
type InvalidValueError struct {
	Field, Value string
	Allowed      []string
}

// Error implements error.
func (e *InvalidValueError) Error() string {
	return fmt.Sprintf("invalid %s %q (want one of: %s)", e.Field, e.Value, strings.Join(e.Allowed, ", "))
}

// InjectError: a direct injection (apns.md#S06) was refused.
type InjectError struct {
	Device, Why string
}

// Error implements error.
func (e *InjectError) Error() string {
	return fmt.Sprintf("cannot push to device %q: %s", e.Device, e.Why)
}

// PayloadError: a payload that cannot be parsed (invalid JSON, a
// malformed loc-args list, a badge that is not a number...). Err is
// ParsePayload's error, a *SyntaxError for invalid JSON.
type PayloadError struct {
	Device string
	Err    error
}

// Error implements error.
func (e *PayloadError) Error() string {
	return fmt.Sprintf("push to %s: invalid payload: %v", e.Device, e.Err)
}

// Unwrap returns the parser's error.
func (e *PayloadError) Unwrap() error { return e.Err }
