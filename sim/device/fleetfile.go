package device

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/pushsim/pushsim/fakeapns"
)

// FleetFile is the YAML shape shared by `pushsim serve --fleet` and
// scenario files:
//
//	devices:
//	  - name: ios9
//	    model: iPhone 6s
//	    ios: "9.3"
//	    locked: false
//	    apps:            # omitted: the default app
//	      - bundle_id: com.example.app
//	        environment: development   # or production
//	        token: ...                 # omitted: DeviceToken(name, bundle_id)
//	        state: background          # not-running, background, foreground, force-quit
//	        permission: authorized     # not-determined, denied, authorized, provisional
//	        categories: [...]
//	        strings: {KEY: "format %@"}
//	        handler: {actions: {REPLY: {complete: after, delay: 2s, webhook: http://...}}}
type FleetFile struct {
	// Devices are the simulated devices, each with its iOS version and
	// apps.
	Devices []*Device `yaml:"devices" json:"devices"`
}

// LoadFleet reads a fleet file.
// An unreadable file's error names it and what was expected, and still
// matches os.ErrNotExist and the like with errors.Is.
func LoadFleet(path string) ([]*Device, error) {
	data, err := readFleet(path)
	if err != nil {
		return nil, err
	}
	return ParseFleet(data, path)
}

// LoadFleetWithWarnings is LoadFleet that also returns the fleet's
// warnings (see ParseFleetWithWarnings).
func LoadFleetWithWarnings(path string) ([]*Device, []*FileError, error) {
	data, err := readFleet(path)
	if err != nil {
		return nil, nil, err
	}
	return ParseFleetWithWarnings(data, path)
}

// readFleet reads a fleet file; its errors name the file and what was
// expected.
func readFleet(path string) ([]byte, error) {
	const expected = "expected a YAML fleet file (devices: [...])"
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, &FileError{File: path, Msg: "is a directory; " + expected}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		what := "cannot read"
		switch {
		case errors.Is(err, os.ErrNotExist):
			what = "no such file"
		case errors.Is(err, os.ErrPermission):
			what = "permission denied"
		}
		return nil, &fleetReadError{msg: fmt.Sprintf("%s: %s; %s", path, what, expected), err: err}
	}
	return data, nil
}

// fleetReadError is a fleet file that cannot be read: a one-line message
// that wraps the os error.
type fleetReadError struct {
	msg string
	err error
}

func (e *fleetReadError) Error() string { return e.msg }
func (e *fleetReadError) Unwrap() error { return e.err }

// ParseFleet parses a fleet file's content; filename is used in errors,
// which carry file:line:col. Unknown keys are errors. Omitted fields get
// defaults: the default app when a device lists no apps, development
// environment, a token derived with DeviceToken, state background,
// permission authorized, and for the default bundle id its categories,
// strings and handler.
func ParseFleet(data []byte, filename string) ([]*Device, error) {
	var ff FleetFile
	if err := yaml.UnmarshalWithOptions(data, &ff, yaml.Strict()); err != nil {
		return nil, yamlError(data, filename, err)
	}
	for _, d := range ff.Devices {
		if d != nil {
			applyDefaults(d)
		}
	}
	if path, msg := validateFleet(ff.Devices); msg != "" {
		return nil, positioned(data, filename, path, msg)
	}
	return ff.Devices, nil
}

// ValidateFleet checks a fleet built in code with the same rules as
// ParseFleet.
func ValidateFleet(devices []*Device) error {
	if path, msg := validateFleet(devices); msg != "" {
		return fmt.Errorf("fleet %s: %s", path, msg)
	}
	return nil
}

func applyDefaults(d *Device) {
	if d.Apps == nil {
		d.Apps = []*App{DefaultApp(fakeapns.Development, DeviceToken(d.Name, DefaultBundleID))}
		return
	}
	// YAML anchors and aliases let several devices share one apps list;
	// each device gets its own copies so that tokens are derived per device.
	apps := make([]*App, len(d.Apps))
	for i, a := range d.Apps {
		if a != nil {
			cp := *a
			apps[i] = &cp
		}
	}
	d.Apps = apps
	for _, a := range d.Apps {
		if a == nil {
			continue
		}
		if a.Environment == "" {
			a.Environment = fakeapns.Development
		}
		if a.Token == "" && a.BundleID != "" {
			a.Token = DeviceToken(d.Name, a.BundleID)
		}
		a.Token = strings.ToLower(a.Token)
		if a.State == "" {
			a.State = AppBackground
			if a.ChatOpen {
				// A chat screen is only visible in a running, foreground
				// app (apns.md#U44).
				a.State = AppForeground
			}
		}
		if a.Permission == "" {
			a.Permission = PermissionAuthorized
		}
		if a.BundleID == DefaultBundleID {
			def := DefaultApp(a.Environment, a.Token)
			if a.Categories == nil {
				a.Categories = def.Categories
			}
			if a.Strings == nil {
				a.Strings = def.Strings
			}
			if a.Handler.Actions == nil && a.Handler.Routes == nil {
				a.Handler.Actions = def.Handler.Actions
			}
			if a.Entitlements == nil {
				a.Entitlements = def.Entitlements
			}
		}
	}
}

var (
	environments = []string{string(fakeapns.Development), string(fakeapns.Production)}
	completions  = []string{"", string(CompleteAfter), string(CompleteNever), string(CompleteTwice)}
	willPresents = []string{"", "banner", WillPresentNone}
)

// validateFleet returns the YAML path of the first problem and what it is.
func validateFleet(devices []*Device) (path, msg string) {
	names := map[string]bool{}
	tokens := map[string]string{}
	for i, d := range devices {
		p := fmt.Sprintf("$.devices[%d]", i)
		switch {
		case d == nil:
			return p, "empty device"
		case d.Name == "":
			return p, "device needs a name"
		case names[d.Name]:
			return p + ".name", fmt.Sprintf("device name %q used twice", d.Name)
		case d.Version.IsZero():
			return p, fmt.Sprintf("device %q needs ios (e.g. \"9.3\")", d.Name)
		}
		if path, msg := validateDeviceFidelity(p, d); msg != "" {
			return path, msg
		}
		names[d.Name] = true
		bundles := map[string]bool{}
		for j, a := range d.Apps {
			ap := fmt.Sprintf("%s.apps[%d]", p, j)
			if a == nil {
				return ap, "empty app"
			}
			if a.BundleID == "" {
				return ap, "app needs a bundle_id"
			}
			if bundles[a.BundleID] {
				return ap + ".bundle_id", fmt.Sprintf("app %q installed twice on %q", a.BundleID, d.Name)
			}
			bundles[a.BundleID] = true
			if path, msg := validateApp(ap, a); msg != "" {
				return path, msg
			}
			where := d.Name + "/" + a.BundleID
			if prev, dup := tokens[a.Token]; dup {
				return ap + ".token", fmt.Sprintf("token already used by %s", prev)
			}
			tokens[a.Token] = where
		}
	}
	return "", ""
}

func validateApp(p string, a *App) (path, msg string) {
	if path, msg := validateAppFidelity(p, a); msg != "" {
		return path, msg
	}
	if !slices.Contains(environments, string(a.Environment)) {
		return p + ".environment", badValue("environment", string(a.Environment), environments)
	}
	if !slices.Contains(AppStates(), string(a.State)) {
		return p + ".state", badValue("state", string(a.State), AppStates())
	}
	if !slices.Contains(Permissions(), string(a.Permission)) {
		return p + ".permission", badValue("permission", string(a.Permission), Permissions())
	}
	// apns.md#U17: any even length of 32–200 hex characters.
	if _, err := hex.DecodeString(a.Token); err != nil || len(a.Token) < 32 || len(a.Token) > 200 {
		return p + ".token", fmt.Sprintf("token %q is not 32–200 hex characters of even length (apns.md#U17)", a.Token)
	}
	if a.ChatOpen && a.State != AppForeground {
		return p + ".chat_open", fmt.Sprintf("chat_open needs the app in the foreground, its state is %s (apns.md#U44)", a.State)
	}
	for k, m := range a.Implements {
		if !slices.Contains(DelegateMethods(), m) {
			return fmt.Sprintf("%s.implements[%d]", p, k), badValue("delegate method", m, DelegateMethods())
		}
	}
	cats := map[string]bool{}
	for k, c := range a.Categories {
		cp := fmt.Sprintf("%s.categories[%d]", p, k)
		if c.ID == "" {
			return cp, "category needs an id"
		}
		if cats[c.ID] {
			return cp + ".id", fmt.Sprintf("category %q registered twice", c.ID)
		}
		cats[c.ID] = true
		ids := map[string]bool{}
		for m, act := range c.Actions {
			acp := fmt.Sprintf("%s.actions[%d]", cp, m)
			if act.ID == "" {
				return acp, "action needs an id"
			}
			if strings.HasPrefix(act.ID, SystemIDPrefix) {
				return acp + ".id", fmt.Sprintf("action id %q: ids starting with %q are the system's own buttons (apns.md#U48)", act.ID, SystemIDPrefix)
			}
			if ids[act.ID] {
				return acp + ".id", fmt.Sprintf("action %q listed twice in category %q", act.ID, c.ID)
			}
			ids[act.ID] = true
		}
	}
	if !slices.Contains(willPresents, a.Handler.WillPresent) {
		return p + ".handler.will_present", badValue("will_present", a.Handler.WillPresent, willPresents[1:])
	}
	if path, msg := validateScripts(p+".handler.actions", a.Handler.Actions); msg != "" {
		return path, msg
	}
	for k, r := range a.Handler.Routes {
		rp := fmt.Sprintf("%s.handler.routes[%d]", p, k)
		if r.When.Key == "" {
			return rp + ".when", "route needs when.key"
		}
		if path, msg := validateScripts(rp+".actions", r.Actions); msg != "" {
			return path, msg
		}
	}
	return "", ""
}

func validateScripts(p string, m map[string]Script) (path, msg string) {
	for key, s := range m {
		sp := p + "." + quoteKey(key)
		if !slices.Contains(completions, string(s.Complete)) {
			return sp + ".complete", badValue("complete", string(s.Complete), completions[1:])
		}
		if s.Delay < 0 {
			return sp + ".delay", "delay must not be negative"
		}
		if s.Webhook != "" {
			u, err := url.Parse(s.Webhook)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return sp + ".webhook", fmt.Sprintf("webhook %q is not an http(s) URL", s.Webhook)
			}
		}
	}
	return "", ""
}

// quoteKey writes a map key for a YAML path; keys like "*" need quotes.
func quoteKey(k string) string {
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "'" + k + "'"
		}
	}
	return k
}

func badValue(field, value string, allowed []string) string {
	return fmt.Sprintf("invalid %s %q (want one of: %s)", field, value, strings.Join(allowed, ", "))
}

// positioned turns a YAML path into file:line:col, falling back to the
// nearest parent that exists in the file (a defaulted field has none).
func positioned(data []byte, filename, path, msg string) error {
	f, err := parser.ParseBytes(data, 0)
	for err == nil && path != "" {
		var p *yaml.Path
		if p, err = yaml.PathString(path); err != nil {
			break
		}
		if node, ferr := p.FilterFile(f); ferr == nil && node != nil {
			// A mapping's own token is its first colon; point at its
			// first key instead, where the reader looks.
			if m, ok := node.(*ast.MappingNode); ok && len(m.Values) > 0 {
				node = m.Values[0].Key
			} else if mv, ok := node.(*ast.MappingValueNode); ok {
				node = mv.Key
			}
			pos := node.GetToken().Position
			return &FileError{File: filename, Line: pos.Line, Column: pos.Column, Msg: msg}
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			break
		}
		path = path[:i]
	}
	return &FileError{File: filename, Msg: msg}
}

// yamlError gives a decoding error its file:line:col.
func yamlError(data []byte, filename string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		pos := ye.GetToken().Position
		return &FileError{File: filename, Line: pos.Line, Column: pos.Column, Msg: ye.GetMessage()}
	}
	// Errors from UnmarshalText (ios) and durations (delay) carry no
	// position: find the offending scalar ourselves.
	if f, perr := parser.ParseBytes(data, 0); perr == nil {
		v := &scalarCheck{}
		for _, doc := range f.Docs {
			ast.Walk(v, doc)
		}
		if v.err != nil {
			return v.err.withFile(filename)
		}
	}
	return &FileError{File: filename, Msg: err.Error()}
}

// scalarCheck finds the first "ios" or "delay" value that does not parse.
type scalarCheck struct{ err *FileError }

func (v *scalarCheck) Visit(n ast.Node) ast.Visitor {
	if v.err != nil {
		return nil
	}
	mv, ok := n.(*ast.MappingValueNode)
	if !ok {
		return v
	}
	val, _ := mv.Value.(ast.ScalarNode)
	if val == nil {
		return v
	}
	text := fmt.Sprint(val.GetValue())
	var err error
	switch mv.Key.String() {
	case "ios":
		_, err = ParseVersion(text)
	case "delay":
		_, err = time.ParseDuration(text)
	}
	if err != nil {
		pos := mv.Value.GetToken().Position
		v.err = &FileError{Line: pos.Line, Column: pos.Column, Msg: err.Error()}
		return nil
	}
	return v
}

func (e *FileError) withFile(name string) *FileError { e.File = name; return e }

// AppStates are the values an app's state may take.
func AppStates() []string {
	return []string{string(AppNotRunning), string(AppBackground), string(AppForeground), string(AppForceQuit)}
}

// Permissions are the values an app's notification authorization may take.
func Permissions() []string {
	return []string{string(PermissionNotDetermined), string(PermissionDenied), string(PermissionAuthorized), string(PermissionProvisional)}
}

// PrepareApp gives an app being installed on d the fleet file's defaults
// and checks it as the fleet file would. It works on a copy of a.
func PrepareApp(d *Device, a *App) (*App, error) {
	tmp := &Device{Name: d.Name, Version: d.Version, Apps: []*App{a}}
	applyDefaults(tmp)
	a = tmp.Apps[0] // applyDefaults works on a copy
	if path, msg := validateApp("app", a); msg != "" {
		return a, fmt.Errorf("%s: %s", path, msg)
	}
	return a, nil
}

// PickBundle is the bundle id to render or send for: the explicit one
// (a flag), the payload file's Simulator Target Bundle, the only app of a
// fleet read from a file (fromFile), or DefaultBundleID.
func PickBundle(explicit, target string, fromFile bool, fleet []*Device) string {
	switch {
	case explicit != "":
		return explicit
	case target != "":
		return target
	}
	if fromFile {
		var only string
		for _, d := range fleet {
			for _, a := range d.Apps {
				if only != "" && a.BundleID != only {
					return DefaultBundleID
				}
				only = a.BundleID
			}
		}
		if only != "" {
			return only
		}
	}
	return DefaultBundleID
}
