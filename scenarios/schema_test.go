package scenarios

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite scenario.schema.json from the Go types")

// TestSchemaShipped: the shipped JSON Schema is the one the Go types and
// their doc comments generate (run with -update after changing the format
// or a field's comment), and every property has a prose description.
func TestSchemaShipped(t *testing.T) {
	docs, err := fieldDocs(schemaTypes()...)
	if err != nil {
		t.Fatal(err)
	}
	got, undocumented, err := generateSchema(docs)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(undocumented)
	if diff := cmp.Diff([]string(nil), undocumented); diff != "" {
		t.Errorf("properties without a description: give their Go fields a doc comment (-want +got):\n%s", diff)
	}
	if *update {
		if err := os.WriteFile("scenario.schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(ShippedSchema()), string(got)); diff != "" {
		t.Errorf("scenario.schema.json is stale; run go test ./scenarios -run TestSchemaShipped -update (-shipped +generated):\n%s", diff)
	}
}

// TestSchemaKnowsLibraryKeys: every key the library's files use is a
// property the schema allows where it is used, so editors complete them
// and flag nothing.
func TestSchemaKnowsLibraryKeys(t *testing.T) {
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(ShippedSchema(), &schema); err != nil {
		t.Fatal(err)
	}
	stepKeys := keys(schema.Defs["Step"].Properties)
	if diff := cmp.Diff(sorted(StepKinds()), stepKeys); diff != "" {
		t.Errorf("Step properties (-step kinds +schema):\n%s", diff)
	}
	files, _ := filepath.Glob("library/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Top   map[string]any   `yaml:",inline"`
			Steps []map[string]any `yaml:"steps"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k := range doc.Top {
			if _, ok := schema.Properties[k]; !ok && k != "steps" {
				t.Errorf("%s: top-level key %q is not in the schema", f, k)
			}
		}
		for _, st := range doc.Steps {
			for k := range st {
				if !slices.Contains(stepKeys, k) {
					t.Errorf("%s: step %q is not in the schema", f, k)
				}
			}
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
