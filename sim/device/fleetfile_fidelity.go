package device

import (
	"fmt"
	"slices"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

var (
	previewValues     = []string{string(PreviewsAlways), string(PreviewsWhenUnlocked), string(PreviewsNever)}
	entitlementValues = []string{EntitlementTimeSensitive, EntitlementCriticalAlerts}
	extensionComplete = []string{"", string(CompleteAfter), string(CompleteNever)}
)

// validateDeviceFidelity checks a device's Show Previews and Focus keys
// (apns.md#V68, V71).
func validateDeviceFidelity(p string, d *Device) (path, msg string) {
	if d.ShowPreviews != "" && !slices.Contains(previewValues, string(d.ShowPreviews)) {
		return p + ".show_previews", badValue("show_previews", string(d.ShowPreviews), previewValues)
	}
	if d.Focus != nil && d.Focus.Name == "" {
		return p + ".focus", "focus needs a name (e.g. Work, Sleep)"
	}
	return "", ""
}

// validateAppFidelity checks an app's service extension, entitlements and
// Show Previews keys (apns.md#V60, V68, V71).
func validateAppFidelity(p string, a *App) (path, msg string) {
	if a.ShowPreviews != "" && !slices.Contains(previewValues, string(a.ShowPreviews)) {
		return p + ".show_previews", badValue("show_previews", string(a.ShowPreviews), previewValues)
	}
	for i, e := range a.Entitlements {
		if !slices.Contains(entitlementValues, e) {
			return fmt.Sprintf("%s.entitlements[%d]", p, i), badValue("entitlement", e, entitlementValues)
		}
	}
	if ext := a.ServiceExtension; ext != nil {
		if !slices.Contains(extensionComplete, string(ext.Complete)) {
			return p + ".service_extension.complete", badValue("complete", string(ext.Complete), extensionComplete[1:])
		}
		if ext.Delay < 0 {
			return p + ".service_extension.delay", "delay must not be negative"
		}
	}
	return "", ""
}

// fleetWarnings are combinations a real device would accept but never act
// on, each with its YAML path: a service extension before iOS 10, a Focus
// before 15, Show Previews before 11, entitlements before their feature
// (apns.md#V60, V67, V68, V71; V12 for critical alerts).
func fleetWarnings(devices []*Device) (paths, msgs []string) {
	add := func(path, msg string) { paths, msgs = append(paths, path), append(msgs, msg) }
	for i, d := range devices {
		if d == nil {
			continue
		}
		p := fmt.Sprintf("$.devices[%d]", i)
		caps := TableRow(d.Version)
		if d.Focus != nil && !caps.Focus {
			add(p+".focus", fmt.Sprintf("Focus arrives with iOS 15 (earlier versions have Do Not Disturb only); on iOS %s this Focus has no effect (apns.md#V68)", d.Version))
		}
		if d.Focus != nil {
			for k, b := range d.Focus.AllowedApps {
				if d.App(b) == nil {
					add(fmt.Sprintf("%s.focus.allowed_apps[%d]", p, k), fmt.Sprintf("%s is not installed on %s", b, d.Name))
				}
			}
		}
		if d.ShowPreviews != "" && !caps.HiddenPreviews {
			add(p+".show_previews", fmt.Sprintf("Show Previews arrives with iOS 11; on iOS %s every notification shows its text (apns.md#V71)", d.Version))
		}
		for j, a := range d.Apps {
			if a == nil {
				continue
			}
			ap := fmt.Sprintf("%s.apps[%d]", p, j)
			if a.ServiceExtension != nil && !caps.ServiceExtension {
				add(ap+".service_extension", fmt.Sprintf("Notification Service Extensions arrive with iOS 10; on iOS %s this one never runs and mutable-content is ignored (apns.md#V60)", d.Version))
			}
			if a.ShowPreviews != "" && !caps.HiddenPreviews {
				add(ap+".show_previews", fmt.Sprintf("Show Previews arrives with iOS 11; on iOS %s it has no effect (apns.md#V71)", d.Version))
			}
			for k, e := range a.Entitlements {
				switch {
				case e == EntitlementTimeSensitive && !caps.InterruptionLevels:
					add(fmt.Sprintf("%s.entitlements[%d]", ap, k), fmt.Sprintf("interruption levels arrive with iOS 15; on iOS %s the time-sensitive entitlement has no effect (apns.md#V67)", d.Version))
				case e == EntitlementCriticalAlerts && !caps.CriticalAlerts:
					add(fmt.Sprintf("%s.entitlements[%d]", ap, k), fmt.Sprintf("critical alerts arrive with iOS 12; on iOS %s the critical-alerts entitlement has no effect (apns.md#V12)", d.Version))
				}
			}
		}
	}
	return paths, msgs
}

// ParseFleetWithWarnings is ParseFleet that also returns the fleet's
// warnings, each with file:line:col: settings a device of that version
// would ignore (a service extension on iOS 9, a Focus on iOS 12, ...).
// They do not stop the fleet from loading.
func ParseFleetWithWarnings(data []byte, filename string) ([]*Device, []*FileError, error) {
	devices, err := ParseFleet(data, filename)
	if err != nil {
		return nil, nil, err
	}
	paths, msgs := fleetWarnings(devices)
	var warns []*FileError
	for i := range paths {
		if !inFile(data, paths[i]) {
			continue // a default, not something the file says
		}
		var fe *FileError
		if e, ok := positioned(data, filename, paths[i], "warning: "+msgs[i]).(*FileError); ok {
			fe = e
		} else {
			fe = &FileError{File: filename, Msg: "warning: " + msgs[i]}
		}
		warns = append(warns, fe)
	}
	return devices, warns, nil
}

// FleetWarnings returns the warnings of a fleet built in code, without
// positions (see ParseFleetWithWarnings).
func FleetWarnings(devices []*Device) []string {
	paths, msgs := fleetWarnings(devices)
	out := make([]string, len(msgs))
	for i := range msgs {
		out[i] = fmt.Sprintf("fleet %s: warning: %s", paths[i], msgs[i])
	}
	return out
}

// inFile reports whether the YAML path names a node the file wrote, as
// opposed to a value filled in by applyDefaults.
func inFile(data []byte, path string) bool {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return false
	}
	p, err := yaml.PathString(path)
	if err != nil {
		return false
	}
	node, err := p.FilterFile(f)
	return err == nil && node != nil
}
