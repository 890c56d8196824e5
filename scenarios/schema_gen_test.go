package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/verify"
)

// generateSchema generates the JSON Schema (draft 2020-12) of scenario
// files from the Go types, so the file format and the schema cannot drift
// apart, with each property's description taken from its field's doc
// comment (docs, by "pkgpath.Type.Field") unless stepDescriptions has one
// written for the schema. It lives in a test file because only the
// -update run writes the shipped file, and the doc comments are read from
// the source tree.
// It also returns the properties that have no description ("Type.key").
func generateSchema(docs map[string]string) (schema []byte, undocumented []string, err error) {
	g := &schemaGen{defs: map[string]any{}, docs: docs}
	root := g.object(reflect.TypeFor[Scenario]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "pushsim scenario"
	root["description"] = "A pushsim scenario: a fleet of simulated iOS devices and the steps played against it (pushsim run)."
	root["required"] = []string{"steps"}
	root["$defs"] = g.defs
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, nil, fmt.Errorf("encoding the schema: %w", err)
	}
	return buf.Bytes(), g.undocumented, nil
}

type schemaGen struct {
	defs map[string]any
	docs map[string]string
	// undocumented lists "Type.key" of properties with no description.
	undocumented []string
}

// enums are the closed sets a field's type stands for.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[fakeapns.Environment]():    {string(fakeapns.Development), string(fakeapns.Production)},
	reflect.TypeFor[device.AppState]():         stringsOf(appStates),
	reflect.TypeFor[device.Permission]():       stringsOf(permissions),
	reflect.TypeFor[device.Context]():          stringsOf(allContexts),
	reflect.TypeFor[fakeapns.FrameFaultKind](): {string(fakeapns.FrameGoAway), string(fakeapns.FrameRSTStream), string(fakeapns.FrameNoPingAck), string(fakeapns.FrameClose), string(fakeapns.FrameCloseIdle), string(fakeapns.FrameTLSHandshake)},
	reflect.TypeFor[fakeapns.LastStream]():     {string(fakeapns.LastStreamBelow), string(fakeapns.LastStreamThis)},
	reflect.TypeFor[device.Completion]():       {"", string(device.CompleteAfter), string(device.CompleteNever), string(device.CompleteTwice)},
}

// fieldEnums are closed sets of plain string fields, by YAML key.
var fieldEnums = map[string][]string{
	"auth":        AuthModes(),
	"environment": {string(fakeapns.Development), string(fakeapns.Production)},
}

// counts are the keys that take a count: never negative.
var counts = map[string]bool{"exactly": true, "at_least": true, "at_most": true, "since": true}

// stepDescriptions are written for the schema: the step kinds (the fields
// of Step, whose meaning is documented on their types).
var stepDescriptions = map[string]string{
	"send":            "Send one notification per device through apns2 over HTTP/2 to the in-process fake APNs.",
	"expect_response": "Check APNs' answers to the previous send (only the fields given).",
	"expect_screen":   "Check what a device shows for its newest notification in one context (only the fields given).",
	"tap":             "Tap an action button (its identifier) or the body (default).",
	"dismiss":         "Dismiss the newest notification.",
	"reply":           "Answer a text-input action with text (iOS 9+).",
	"set":             "Change a device's lock, network (offline), Focus or Show Previews, an app's state, permission or chat screen, or uninstall it.",
	"advance":         "Move the virtual clock (e.g. 31s): due completions and watchdogs run.",
	"expect_events":   "Check the event log since the previous expect_events, after advancing the clock by within.",
	"fault":           "Install a fault rule on the fake APNs (status and reason, count, probability, latency).",
	"exec":            "Run an external command with PUSHSIM_APNS_URL, PUSHSIM_CA_FILE, PUSHSIM_KEY_FILE, PUSHSIM_KEY_ID, PUSHSIM_TEAM_ID and PUSHSIM_TOKEN_<DEVICE> set; its exit status and output become an exec event.",
	"expect_lint":     "Lint a payload for a range of iOS versions and check the findings.",
	"expect_stacks":   "Check the stacks Notification Center draws on a device, newest first: thread, count, top body, summary line (apns.md#V64, V65).",
	"expect_requests": "Verify what the backend sent (an exec step's sender, or send steps), accepted and rejected requests alike: a match and exactly, at_least or at_most; on failure the near misses say how the closest requests differ.",
}

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var (
	durationType = reflect.TypeFor[Duration]()
	stdDuration  = reflect.TypeFor[time.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
	versionType  = reflect.TypeFor[device.Version]()
	devicesType  = reflect.TypeFor[Devices]()
	anyType      = reflect.TypeFor[any]()
)

// of returns the schema of a Go type as YAML decodes it.
func (g *schemaGen) of(t reflect.Type, key string) map[string]any {
	switch t {
	case durationType, stdDuration:
		return map[string]any{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`, "examples": []string{"500ms", "31s", "2m"}}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case versionType:
		return map[string]any{"type": []string{"string", "number"}, "examples": []string{"7.1", "18.2"}}
	case devicesType:
		return map[string]any{"oneOf": []any{
			map[string]any{"type": "string", "examples": []string{AllDevices}},
			map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		}}
	case anyType:
		if key == "command" {
			return map[string]any{"oneOf": []any{
				map[string]any{"type": "string"},
				map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "minItems": 1},
			}}
		}
		if key == "payload" {
			return map[string]any{"type": []string{"object", "string"}}
		}
		return map[string]any{}
	}
	if vals, ok := enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem(), key)
	case reflect.String:
		s := map[string]any{"type": "string"}
		if vals := fieldEnums[key]; vals != nil {
			s["enum"] = vals
		}
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem(), "")}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem(), "")}
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = true // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	return map[string]any{}
}

// object is the schema of a struct: its YAML keys (inline structs
// flattened), no others.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	g.fields(t, props)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if t == reflect.TypeFor[Step]() {
		s["minProperties"], s["maxProperties"] = 1, 1
	}
	return s
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			g.fields(f.Type, props)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		s := g.of(f.Type, name)
		if counts[name] && s["type"] == "integer" {
			s["minimum"] = 0
		}
		d, ok := g.docs[t.PkgPath()+"."+t.Name()+"."+f.Name]
		d = describeField(d, f.Name, name)
		if t == reflect.TypeFor[Step]() {
			d, ok = stepDescriptions[name]
		}
		if !ok || d == "" {
			g.undocumented = append(g.undocumented, t.Name()+"."+name)
		}
		if d != "" {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "description": d}
			} else {
				s["description"] = d
			}
		}
		props[name] = s
	}
}

// describeField turns a field's doc comment into a property description:
// whitespace collapsed, and the Go field name that opens it replaced by
// the YAML key the file uses.
func describeField(doc, goName, key string) string {
	d := strings.Join(strings.Fields(doc), " ")
	if rest, ok := strings.CutPrefix(d, goName+" "); ok {
		d = "`" + key + "` " + rest
	} else if rest, ok := strings.CutPrefix(d, goName+": "); ok {
		d = "`" + key + "`: " + rest
	}
	return d
}

// fieldDocs reads the doc (or trailing line) comments of the struct fields
// declared in the packages of types, from their source in this module:
// "pkgpath.Type.Field" → comment.
func fieldDocs(types ...reflect.Type) (map[string]string, error) {
	const module = "github.com/pushsim/pushsim"
	root, err := filepath.Abs("..") // the tests run in scenarios/
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	seen := map[string]bool{}
	for _, t := range types {
		pkg := t.PkgPath()
		if seen[pkg] {
			continue
		}
		seen[pkg] = true
		rel, ok := strings.CutPrefix(pkg, module)
		if !ok {
			return nil, fmt.Errorf("%s is not in %s", pkg, module)
		}
		files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(rel), "*.go"))
		if err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
			if err != nil {
				return nil, fmt.Errorf("reading doc comments: %w", err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					return false
				}
				for _, fld := range st.Fields.List {
					text := fld.Doc.Text()
					if text == "" {
						text = fld.Comment.Text()
					}
					for _, id := range fld.Names {
						docs[pkg+"."+ts.Name.Name+"."+id.Name] = text
					}
				}
				return false
			})
		}
	}
	return docs, nil
}

// schemaTypes are the types whose packages hold the scenario format's
// structs: scenarios, and sim/device for the fleet.
func schemaTypes() []reflect.Type {
	return []reflect.Type{reflect.TypeFor[Scenario](), reflect.TypeFor[device.FleetFile](), reflect.TypeFor[verify.Verification]()}
}
