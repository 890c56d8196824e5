package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileShipped compiles the shipped schema, or the part of it at
// fragment (e.g. "#/$defs/FleetFile"), with a validator that implements
// draft 2020-12 in full and shares no code with the generator.
func compileShipped(t *testing.T, fragment string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ShippedSchema()))
	if err != nil {
		t.Fatalf("scenario.schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // start: is a date-time
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID + fragment)
	if err != nil {
		t.Fatalf("compiling scenario.schema.json%s: %v", fragment, err)
	}
	return s
}

// yamlAsJSON reads a YAML file as the JSON value an editor's schema
// validator sees.
func yamlAsJSON(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatalf("%s as JSON: %v", name, err)
	}
	return v
}

// TestSchemaValidatesShippedFiles: every scenario the repository ships
// (the library, the examples the tests run, the scenarios that fail on
// purpose) and every fleet file is valid against scenario.schema.json, so
// an editor using the schema flags nothing in them; and the schema does
// reject a misspelt step, so the check is not vacuous.
func TestSchemaValidatesShippedFiles(t *testing.T) {
	scenario := compileShipped(t, "")
	fleet := compileShipped(t, "#/$defs/FleetFile")
	var scenarios, fleets []string
	for _, pattern := range []string{"library/*.yaml", "testdata/files/*.yaml", "testdata/broken/*.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, ".fleet.yaml") {
				fleets = append(fleets, f)
			} else {
				scenarios = append(scenarios, f)
			}
		}
	}
	if len(scenarios) < 11 || len(fleets) == 0 {
		t.Fatalf("found %d scenario and %d fleet files; the globs have gone stale", len(scenarios), len(fleets))
	}
	for _, f := range scenarios {
		if err := scenario.Validate(yamlAsJSON(t, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range fleets {
		if err := fleet.Validate(yamlAsJSON(t, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	err := scenario.Validate(yamlAsJSON(t, "testdata/invalid/bad-step.yaml"))
	if err == nil || !strings.Contains(err.Error(), "expect_respons") {
		t.Errorf("bad-step.yaml (a misspelt step): %v; want a complaint naming expect_respons", err)
	}
}
