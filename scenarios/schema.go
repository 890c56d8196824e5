package scenarios

import (
	"bytes"
	_ "embed" // the shipped schema
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/verify"
)

// ShippedSchema is scenario.schema.json as shipped next to the package,
// for editors (yaml-language-server) to complete scenario files. A test
// checks that it equals Schema().
//
//go:embed scenario.schema.json
var ShippedSchema []byte

// SchemaID is the schema's $id.
const SchemaID = "https://raw.githubusercontent.com/pushsim/pushsim/main/scenarios/scenario.schema.json"

// Schema generates the JSON Schema (draft 2020-12) of scenario files from
// the Go types, so the file format and the schema cannot drift apart.
func Schema() ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}}
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
		return nil, fmt.Errorf("encoding the schema: %w", err)
	}
	return buf.Bytes(), nil
}

type schemaGen struct {
	defs map[string]any
}

// enums are the closed sets a field's type stands for.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[fakeapns.Environment](): {string(fakeapns.Development), string(fakeapns.Production)},
	reflect.TypeFor[device.AppState]():      stringsOf(appStates),
	reflect.TypeFor[device.Permission]():    stringsOf(permissions),
	reflect.TypeFor[device.Context]():       stringsOf(allContexts),
	reflect.TypeFor[device.Completion]():    {"", string(device.CompleteAfter), string(device.CompleteNever), string(device.CompleteTwice)},
}

// fieldEnums are closed sets of plain string fields, by YAML key.
var fieldEnums = map[string][]string{
	"auth":        AuthModes,
	"environment": {string(fakeapns.Development), string(fakeapns.Production)},
}

// typeDescriptions override descriptions for the fields of one type,
// where a key means something else than elsewhere.
var typeDescriptions = map[reflect.Type]map[string]string{
	reflect.TypeFor[verify.RequestMatch](): {
		"payload":     `RFC 6901 JSON pointers into the body (e.g. /aps/category), each to a value (equal), {contains: v} (substring, array element, sub-object), {exists: true|false}, or {equals: v}.`,
		"reason":      `Apple's reason string; "" means accepted.`,
		"collapse_id": `apns-collapse-id; "" means none was sent.`,
		"token":       "The device token (case-insensitive).",
		"priority":    "apns-priority: 1, 5 or 10 (10 when absent).",
	},
}

// counts are the keys that take a count: never negative.
var counts = map[string]bool{"exactly": true, "at_least": true, "at_most": true, "since": true}

// descriptions of the step kinds and of fields whose meaning is not
// obvious from their names.
var descriptions = map[string]string{
	"send":            "Send one notification per device through apns2 over HTTP/2 to the in-process fake APNs.",
	"expect_response": "Check APNs' answers to the previous send (only the fields given).",
	"expect_screen":   "Check what a device shows for its newest notification in one context (only the fields given).",
	"tap":             "Tap an action button (its identifier) or the body (default).",
	"dismiss":         "Dismiss the newest notification.",
	"reply":           "Answer a text-input action with text (iOS 9+).",
	"set":             "Change a device's lock, an app's state, permission or chat screen, or uninstall it.",
	"advance":         "Move the virtual clock (e.g. 31s): due completions and watchdogs run.",
	"expect_events":   "Check the event log since the previous expect_events, after advancing the clock by within.",
	"fault":           "Install a fault rule on the fake APNs (status and reason, count, probability, latency).",
	"exec":            "Run an external command with PUSHSIM_APNS_URL, PUSHSIM_CA_FILE, PUSHSIM_KEY_FILE, PUSHSIM_KEY_ID, PUSHSIM_TEAM_ID and PUSHSIM_TOKEN_<DEVICE> set; its exit status and output become an exec event.",
	"expect_lint":     "Lint a payload for a range of iOS versions and check the findings.",
	"expect_requests": "Verify what the backend sent (an exec step's sender, or send steps), accepted and rejected requests alike: a match and exactly, at_least or at_most; on failure the near misses say how the closest requests differ.",
	"exactly":         "The number of matching requests (give one of exactly, at_least, at_most).",
	"at_least":        "The least number of matching requests.",
	"at_most":         "The most matching requests.",
	"since":           "Count only requests with a sequence number above this (requests are numbered 1, 2, … in a run).",
	"payload":         "The notification body: a mapping (sent as JSON) or a string of JSON sent as written.",
	"devices":         "Device names, or all.",
	"within":          "Advance the virtual clock by this much before checking.",
	"ios":             "An iOS version (fleet) or a range such as 7-18, 10+, <8 (expect_lint).",
	"webhook":         "A URL the app POSTs to; ${WEBHOOK_URL} is the scenario's loopback receiver.",
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
		d, ok := typeDescriptions[t][name]
		if !ok {
			d, ok = descriptions[name]
		}
		if ok {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "description": d}
			} else {
				s["description"] = d
			}
		}
		props[name] = s
	}
}
