package inspect

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/pushsim/pushsim/sim"
)

// devicesBody is the answer of GET devices.
type devicesBody struct {
	Devices []sim.DeviceView `json:"devices"`
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
	Locked     *bool           `json:"locked,omitempty"`
	BundleID   string          `json:"bundle_id,omitempty"`
	State      *sim.AppState   `json:"state,omitempty"`
	Permission *sim.Permission `json:"permission,omitempty"`
	ChatOpen   *bool           `json:"chat_open,omitempty"`
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
	appWide := p.State != nil || p.Permission != nil || p.ChatOpen != nil
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
	dev, err = a.world.Device(name)
	if err != nil {
		writeWorldError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, dev)
}

// writeWorldError maps the world's typed errors to statuses: what does
// not exist is 404, a value or action the device refuses is 422.
func writeWorldError(w http.ResponseWriter, err error) { writeWorldFieldError(w, "", err) }

func writeWorldFieldError(w http.ResponseWriter, field string, err error) {
	var (
		dev    *sim.UnknownDeviceError
		app    *sim.UnknownAppError
		note   *sim.UnknownNotificationError
		action *sim.UnknownActionError
		na     *sim.ActionNotAvailableError
		value  *sim.InvalidValueError
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
