package tui

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/pushsim/pushsim/scenarios"
)

// LibraryTemplates are the first payload of each scenario of the shipped
// library (scenarios.Library), as composer templates. A scenario whose
// payload is in a file, or that does not load, is left out: the seed
// templates are always there.
func LibraryTemplates() []Template {
	list, _ := scenarios.LoadFS(scenarios.Library(), "library")
	var out []Template
	for _, s := range list {
		for _, st := range s.Steps {
			if st.Send == nil || st.Send.Payload == nil {
				continue
			}
			body, err := payloadJSON(st.Send.Payload)
			if err != nil {
				break
			}
			t := Template{Name: "library: " + s.Name, PushType: st.Send.PushType, Priority: st.Send.Priority, Body: body}
			if t.PushType == "" {
				t.PushType = "alert"
			}
			if t.Priority == 0 {
				t.Priority = 10
			}
			out = append(out, t)
			break
		}
	}
	return out
}

// payloadJSON is a scenario payload (a JSON string or a YAML mapping) as
// indented JSON for the editor.
func payloadJSON(p any) (string, error) {
	var raw []byte
	if s, ok := p.(string); ok {
		raw = []byte(s)
	} else {
		b, err := json.Marshal(stringKeys(p))
		if err != nil {
			return "", fmt.Errorf("library payload: %w", err)
		}
		raw = b
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return "", fmt.Errorf("library payload: %w", err)
	}
	return out.String(), nil
}

// stringKeys turns YAML-decoded maps with non-string keys into ones
// encoding/json accepts.
func stringKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = stringKeys(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = stringKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = stringKeys(e)
		}
		return out
	}
	return v
}
