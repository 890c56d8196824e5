package inspect

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// devicesBody is the answer of GET devices.
type devicesBody struct {
	Devices []world.DeviceView `json:"devices"`
}

func (a *API) getDevices(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, devicesBody{Devices: a.world.Devices()})
}

func (a *API) getDevice(w http.ResponseWriter, r *http.Request) {
	d, err := a.world.Device(r.PathValue("name"))
	if err != nil {
		writeWorldError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// DevicePatch is the body of PATCH devices/{name}. Absent fields are left
// as they are. State, Permission and ChatOpen apply to the app BundleID,
// which may be omitted when the device has exactly one app.
type DevicePatch struct {
	Locked     *bool              `json:"locked,omitempty"`
	BundleID   string             `json:"bundle_id,omitempty"`
	State      *device.AppState   `json:"state,omitempty"`
	Permission *device.Permission `json:"permission,omitempty"`
	ChatOpen   *bool              `json:"chat_open,omitempty"`
	// Installed false uninstalls the app: its token then gets 410
	// Unregistered (apns.md#D06); true reinstalls it with a new token
	// (apns.md#D05).
	Installed *bool `json:"installed,omitempty"`
	// Offline takes the device off the network (APNs stores one
	// notification per app) or brings it back (apns.md#T20–T22).
	Offline *bool `json:"offline,omitempty"`
	// Focus turns a Focus on by name, or off with "" (apns.md#V68).
	Focus *string `json:"focus,omitempty"`
	// ShowPreviews is always, when-unlocked or never (apns.md#V71).
	ShowPreviews *device.Previews `json:"show_previews,omitempty"`
}

func (a *API) patchDevice(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var p DevicePatch
	if err := decodeBody(w, r, &p); err != nil {
		writeBodyError(w, err)
		return
	}
	dev, err := a.world.Device(name)
	if err != nil {
		writeWorldError(w, err)
		return
	}
	appWide := p.State != nil || p.Permission != nil || p.ChatOpen != nil || p.Installed != nil
	bundle := p.BundleID
	if appWide && bundle == "" {
		if len(dev.Apps) != 1 {
			writeFieldError(w, http.StatusBadRequest, "bundle_id",
				fmt.Sprintf("device %q has %d apps: say which one with bundle_id", name, len(dev.Apps)))
			return
		}
		bundle = dev.Apps[0].BundleID
	}
	// Each step is applied in a fixed order; the first refusal stops the
	// patch and says which field it came from.
	steps := []struct {
		field string
		set   bool
		apply func() error
	}{
		{"locked", p.Locked != nil, func() error { return a.world.SetLocked(name, *p.Locked) }},
		{"offline", p.Offline != nil, func() error { return a.world.SetOffline(name, *p.Offline) }},
		{"focus", p.Focus != nil, func() error { return a.world.SetFocus(name, *p.Focus, nil) }},
		{"show_previews", p.ShowPreviews != nil, func() error { return a.world.SetShowPreviews(name, *p.ShowPreviews) }},
		{"installed", p.Installed != nil, func() error { return a.setInstalled(dev, bundle, *p.Installed) }},
		{"state", p.State != nil, func() error { return a.world.SetAppState(name, bundle, *p.State) }},
		{"permission", p.Permission != nil, func() error { return a.world.SetPermission(name, bundle, *p.Permission) }},
		{"chat_open", p.ChatOpen != nil, func() error { return a.world.SetChatOpen(name, bundle, *p.ChatOpen) }},
	}
	for _, s := range steps {
		if !s.set {
			continue
		}
		if err := s.apply(); err != nil {
			writeWorldFieldError(w, s.field, err)
			return
		}
	}
	if p.Installed != nil && *p.Installed && a.onTokens != nil {
		a.onTokens()
	}
	dev, err = a.world.Device(name)
	if err != nil {
		writeWorldError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, dev)
}

// setInstalled uninstalls the app, or reinstalls an uninstalled one with
// what it had registered and a new token; either is a no-op when the app
// already is in that state.
func (a *API) setInstalled(dev world.DeviceView, bundle string, installed bool) error {
	app := dev.App(bundle)
	switch {
	case !installed:
		return a.world.Uninstall(dev.Name, bundle)
	case app == nil || !app.Uninstalled:
		if app == nil {
			if len(dev.Apps) >= a.limits.AppsPerDevice {
				return &limitError{fmt.Sprintf("device %q has %d apps: the limit is %d", dev.Name, len(dev.Apps), a.limits.AppsPerDevice)}
			}
			return a.world.Install(dev.Name, device.App{BundleID: bundle})
		}
		return nil
	}
	again := *app
	again.Token, again.Uninstalled, again.UninstalledAt = "", false, time.Time{}
	again.State, again.ChatOpen = device.AppNotRunning, false
	return a.world.Install(dev.Name, again)
}

// writeWorldError maps the world's typed errors to statuses: what does
// not exist is 404, a value or action the device refuses is 422.
func writeWorldError(w http.ResponseWriter, err error) { writeWorldFieldError(w, "", err) }

func writeWorldFieldError(w http.ResponseWriter, field string, err error) {
	var limit *limitError
	if errors.As(err, &limit) {
		writeFieldError(w, http.StatusConflict, field, err.Error())
		return
	}
	var (
		dev    *world.UnknownDeviceError
		app    *world.UnknownAppError
		note   *world.UnknownNotificationError
		action *world.UnknownActionError
		na     *world.ActionNotAvailableError
		value  *world.InvalidValueError
	)
	switch {
	case errors.As(err, &dev):
		writeFieldError(w, http.StatusNotFound, "", err.Error())
	case errors.As(err, &app):
		if field != "" {
			field = "bundle_id" // a PATCH named the app, whichever step failed on it
		}
		writeFieldError(w, http.StatusNotFound, field, err.Error())
	case errors.As(err, &note):
		writeFieldError(w, http.StatusNotFound, "", err.Error())
	case errors.As(err, &action), errors.As(err, &na):
		writeFieldError(w, http.StatusUnprocessableEntity, "action", err.Error())
	case errors.As(err, &value):
		writeFieldError(w, http.StatusBadRequest, field, err.Error())
	default:
		writeFieldError(w, http.StatusInternalServerError, field, err.Error())
	}
}

// limitError is a change refused because it would pass one of Limits: 409.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }
