package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// maxFile bounds what is read from one scenario file.
const maxFile = 4 << 20

// rawFile is the top level of a scenario file with the parts that need
// their positions kept as nodes.
type rawFile struct {
	Name        string               `yaml:"name"`
	Description string               `yaml:"description"`
	Environment fakeapns.Environment `yaml:"environment"`
	Start       time.Time            `yaml:"start"`
	Fleet       ast.Node             `yaml:"fleet"`
	FleetFile   string               `yaml:"fleet_file"`
	Webhook     *WebhookSpec         `yaml:"webhook"`
	Steps       []ast.Node           `yaml:"steps"`
}

// Parse reads one scenario from data; filename is used in errors and to
// resolve relative paths (payload_file, fleet_file) against its directory
// on the OS file system. Every error is a *device.FileError.
func Parse(filename string, data []byte) (*Scenario, error) {
	dir := filepath.Dir(filename)
	return parse(filename, data, dir, func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return readLimited(name)
	})
}

// parse is Parse with a chosen way to read companion files.
func parse(filename string, data []byte, dir string, readFile func(string) ([]byte, error)) (s *Scenario, err error) {
	// The YAML library is third-party code fed arbitrary input: a panic
	// in it must still become a clear error, never a crash.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, &device.FileError{File: filename, Msg: fmt.Sprintf("cannot parse: %v", r)}
		}
	}()
	fail := func(line, col int, format string, a ...any) error {
		return &device.FileError{File: filename, Line: line, Column: col, Msg: fmt.Sprintf(format, a...)}
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlErr(filename, err, 0, 0)
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return nil, fail(0, 0, "expected one YAML document with name, fleet and steps")
	}
	body := file.Docs[0].Body
	if _, ok := body.(*ast.MappingNode); !ok {
		if _, ok := body.(*ast.MappingValueNode); !ok {
			p := body.GetToken().Position
			return nil, fail(p.Line, p.Column, "expected a mapping with the keys name, fleet and steps")
		}
	}
	var raw rawFile
	if err := yaml.NodeToValue(body, &raw, yaml.Strict()); err != nil {
		return nil, yamlErr(filename, err, 1, 1)
	}
	s = &Scenario{
		Name: raw.Name, Description: raw.Description, Environment: raw.Environment,
		Start: raw.Start, FleetFile: raw.FleetFile, Webhook: raw.Webhook,
		File: filename, dir: dir, readFile: readFile,
	}
	if s.Name == "" {
		base := path.Base(filepath.ToSlash(filename))
		s.Name = strings.TrimSuffix(base, path.Ext(base))
	}
	switch s.Environment {
	case "", fakeapns.Development, fakeapns.Production:
	default:
		l, c := keyPos(body, "environment")
		return nil, fail(l, c, "unknown environment %q: expected development or production", s.Environment)
	}
	if s.Webhook != nil && s.Webhook.Status != 0 && (s.Webhook.Status < 100 || s.Webhook.Status > 599) {
		l, c := keyPos(body, "webhook")
		return nil, fail(l, c, "webhook status %d: expected an HTTP status 100–599", s.Webhook.Status)
	}
	if err := s.parseFleet(body, raw.Fleet, data); err != nil {
		return nil, err
	}
	if len(raw.Steps) == 0 {
		l, c := keyPos(body, "steps")
		return nil, fail(l, c, "expected a non-empty list of steps (send, expect_response, tap, ...)")
	}
	for i, node := range raw.Steps {
		st, err := decodeStep(filename, node)
		if err != nil {
			return nil, err
		}
		if st.ExpectRequests != nil {
			if err := requestsError(filename, node, st, i); err != nil {
				return nil, err
			}
		}
		if msg := s.checkStep(st); msg != "" {
			return nil, fail(st.Line, st.Column, "step %d (%s): %s", i+1, st.Kind(), msg)
		}
		s.Steps = append(s.Steps, *st)
	}
	return s, nil
}

// decodeStep decodes one list item of steps.
func decodeStep(filename string, node ast.Node) (*Step, error) {
	pos := startPos(node)
	st := &Step{}
	switch node.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		return nil, &device.FileError{File: filename, Line: pos.Line, Column: pos.Column,
			Msg: "expected a step such as `- send: {...}`, one of: " + strings.Join(StepKinds(), ", ")}
	}
	if err := yaml.NodeToValue(node, st, yaml.Strict()); err != nil {
		line, col := pos.Line, pos.Column
		// Errors from a value's own parser (a duration) carry no
		// position: point at the offending scalar when it can be found.
		if bad, ok := quoted(err.Error()); ok {
			if p := findScalar(node, bad); p != nil {
				line, col = p.Line, p.Column
			}
		}
		return nil, yamlErr(filename, err, line, col)
	}
	p := startPos(node)
	st.Line, st.Column = p.Line, p.Column
	switch k := st.kinds(); len(k) {
	case 1:
		return st, nil
	case 0:
		return nil, &device.FileError{File: filename, Line: st.Line, Column: st.Column,
			Msg: "empty step: expected one of " + strings.Join(StepKinds(), ", ")}
	default:
		return nil, &device.FileError{File: filename, Line: st.Line, Column: st.Column,
			Msg: fmt.Sprintf("one step holds %s: expected exactly one kind per list item", strings.Join(k, " and "))}
	}
}

// yamlErr turns a YAML library error into a *device.FileError, using line and
// col when the error has no position of its own (errors from a value's
// own parser, such as a duration).
func yamlErr(filename string, err error, line, col int) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return &device.FileError{File: filename, Line: p.Line, Column: p.Column, Msg: ye.GetMessage()}
	}
	msg := err.Error()
	// Messages from UnmarshalText come wrapped in the library's own
	// prefix; keep the part the user can act on.
	if i := strings.LastIndex(msg, "invalid duration"); i >= 0 {
		msg = msg[i:]
	}
	return &device.FileError{File: filename, Line: line, Column: col, Msg: msg}
}

// quoted returns the first double-quoted string in msg.
func quoted(msg string) (string, bool) {
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return "", false
	}
	j := strings.IndexByte(msg[i+1:], '"')
	if j < 0 {
		return "", false
	}
	return msg[i+1 : i+1+j], true
}

// findScalar finds the first scalar under node whose value is v.
func findScalar(node ast.Node, v string) *token.Position {
	var found *token.Position
	ast.Walk(visitFunc(func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if sc, ok := n.(ast.ScalarNode); ok && fmt.Sprint(sc.GetValue()) == v {
			found = n.GetToken().Position
			return false
		}
		return true
	}), node)
	return found
}

// visitFunc adapts a function to ast.Visitor.
type visitFunc func(ast.Node) bool

// Visit walks into n while f says so.
func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if f(n) {
		return f
	}
	return nil
}

// keyPos is the position of a top-level key, or 1:1.
func keyPos(body ast.Node, key string) (int, int) {
	for _, mv := range mappingValues(body) {
		if mv.Key != nil && mv.Key.String() == key {
			p := mv.Key.GetToken().Position
			return p.Line, p.Column
		}
	}
	return 1, 1
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// parseFleet reads the fleet with device.ParseFleet, so that scenario files
// and `pushsim serve --fleet` share one schema, its defaults and its
// checks. The fleet's lines are cut out of the file in place (other lines
// blanked, the block dedented) so that line numbers stay true.
func (s *Scenario) parseFleet(body, node ast.Node, data []byte) error {
	switch {
	case node != nil && s.FleetFile != "":
		l, c := keyPos(body, "fleet_file")
		return &device.FileError{File: s.File, Line: l, Column: c, Msg: "both fleet and fleet_file: expected one of them"}
	case s.FleetFile != "":
		fdata, err := s.readFile(s.FleetFile)
		if err != nil {
			l, c := keyPos(body, "fleet_file")
			return &device.FileError{File: s.File, Line: l, Column: c, Msg: fmt.Sprintf("fleet_file: %v", err)}
		}
		name := s.FleetFile
		if s.dir != "" && !filepath.IsAbs(name) {
			name = filepath.Join(s.dir, name)
		}
		fdata = bytes.ReplaceAll(fdata, []byte(WebhookVar), []byte(webhookSentinel))
		devices, warns, err := device.ParseFleetWithWarnings(fdata, name)
		if err != nil {
			return &device.FileError{File: s.File, Msg: err.Error()}
		}
		for _, w := range warns {
			s.Warnings = append(s.Warnings, w.Error())
		}
		s.devices = devices
	case node != nil:
		text, indent, ok := cutBlock(data, body, node)
		// The fleet checks that webhooks are http(s) URLs: stand in for
		// the receiver's address until the run knows it.
		text = bytes.ReplaceAll(text, []byte(WebhookVar), []byte(webhookSentinel))
		devices, warns, err := device.ParseFleetWithWarnings(text, s.File)
		for _, w := range warns {
			if w.Line != 0 && ok {
				w.Column += indent
			}
			s.Warnings = append(s.Warnings, w.Error())
		}
		if err != nil {
			var fe *device.FileError
			if errors.As(err, &fe) {
				out := &device.FileError{File: s.File, Line: fe.Line, Column: fe.Column, Msg: "fleet: " + fe.Msg}
				if !ok || out.Line == 0 {
					p := node.GetToken().Position
					out.Line, out.Column = p.Line, p.Column
				} else {
					out.Column += indent
				}
				return out
			}
			p := node.GetToken().Position
			return &device.FileError{File: s.File, Line: p.Line, Column: p.Column, Msg: "fleet: " + err.Error()}
		}
		s.devices = devices
	default:
		s.devices = device.DefaultFleet()
	}
	if len(s.devices) == 0 {
		l, c := keyPos(body, "fleet")
		return &device.FileError{File: s.File, Line: l, Column: c, Msg: "fleet: expected at least one device under devices"}
	}
	s.Fleet = &device.FleetFile{Devices: s.devices}
	return nil
}

// cutBlock returns a document holding only the block-style value node of
// a top-level key, at its original line numbers, dedented by indent
// columns. ok is false when the value is not a block (flow style on the
// key's line); then the node's own text is returned.
func cutBlock(data []byte, body, node ast.Node) (text []byte, indent int, ok bool) {
	start := startPos(node)
	end := -1 // last line of the block, 1-based; -1 = end of file
	values := mappingValues(body)
	for i, mv := range values {
		if mv.Value == node && i+1 < len(values) && values[i+1].Key != nil {
			end = values[i+1].Key.GetToken().Position.Line - 1
		}
	}
	lines := bytes.Split(data, []byte("\n"))
	indent = start.Column - 1
	prefix := bytes.Repeat([]byte(" "), indent)
	out := make([][]byte, 0, len(lines))
	for i, line := range lines {
		n := i + 1
		switch {
		case n < start.Line || (end >= 0 && n > end):
			out = append(out, nil)
		case bytes.HasPrefix(line, prefix):
			out = append(out, line[indent:])
		case len(bytes.TrimSpace(line)) == 0 || bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")):
			out = append(out, nil)
		default:
			return []byte(node.String()), 0, false
		}
	}
	return bytes.Join(out, []byte("\n")), indent, true
}

// startPos is where a node's text begins: a mapping's token is the colon
// of its first pair, so use the first key instead.
func startPos(node ast.Node) *token.Position {
	switch m := node.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 && m.Values[0].Key != nil && !m.IsFlowStyle {
			return m.Values[0].Key.GetToken().Position
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return m.Key.GetToken().Position
		}
	}
	return node.GetToken().Position
}
