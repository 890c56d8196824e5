package device

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pushsim/pushsim/fakeapns"
)

func TestCapabilitiesOf(t *testing.T) {
	tests := []struct {
		v        string
		row      string
		contexts []Context
	}{
		{"2.0", "V03", []Context{ContextLockScreen, ContextAlert, ContextForeground}},
		{"4.3", "V04", []Context{ContextLockScreen, ContextAlert, ContextForeground}},
		{"7.1", "V07", []Context{ContextLockScreen, ContextBanner, ContextAlert, ContextNotificationCenter, ContextForeground}},
		// apns.md#U42: the alert's second step, after Options.
		{"8.4", "V08", []Context{ContextLockScreen, ContextBanner, ContextAlert, ContextAlertOptions, ContextNotificationCenter, ContextForeground}},
		{"17.6", "V17", []Context{ContextLockScreen, ContextBanner, ContextNotificationCenter, ContextExpanded, ContextForeground}},
		{"26.1", "V18", []Context{ContextLockScreen, ContextBanner, ContextNotificationCenter, ContextExpanded, ContextForeground}},
	}
	for _, tt := range tests {
		v := MustVersion(tt.v)
		if diff := cmp.Diff(tt.row, CapabilitiesOf(v).Row); diff != "" {
			t.Errorf("%s row: %s", tt.v, diff)
		}
		if diff := cmp.Diff(tt.contexts, ContextsOf(v)); diff != "" {
			t.Errorf("%s contexts: %s", tt.v, diff)
		}
	}
}

// TestCapabilitiesOfIsACopy: a caller changing its row changes nothing
// for the next caller.
func TestCapabilitiesOfIsACopy(t *testing.T) {
	v := MustVersion("8.0")
	c := CapabilitiesOf(v)
	c.MaxActions[ContextAlertOptions] = 99
	c.Contexts[0] = "x"
	c.Rules[0].MaxActions = 99
	ContextsOf(v)[0] = "y"
	fresh := CapabilitiesOf(v)
	if diff := cmp.Diff(4, fresh.MaxActions[ContextAlertOptions]); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(ContextLockScreen, fresh.Contexts[0]); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(2, fresh.Rules[0].MaxActions); diff != "" {
		t.Error(diff)
	}
}

func TestArrivalContext(t *testing.T) {
	tests := []struct {
		ios    string
		locked bool
		state  AppState
		style  Style
		want   Context
		perm   Permission
	}{
		{"12.0", false, AppBackground, "", ContextNotificationCenter, PermissionProvisional},
		{"12.0", true, AppBackground, "", ContextNotificationCenter, PermissionProvisional}, // quiet: not on the lock screen (V48)
		{"17.0", false, AppBackground, "", ContextBanner, ""},
		{"17.0", true, AppBackground, "", ContextLockScreen, ""},
		{"17.0", true, AppForeground, "", ContextForeground, ""},
		{"17.0", false, AppNotRunning, StyleAlert, ContextBanner, ""}, // no modal alert from 10
		{"17.0", false, AppNotRunning, StyleNone, ContextNotificationCenter, ""},
		{"9.0", false, AppBackground, StyleAlert, ContextAlert, ""},
		{"4.0", false, AppBackground, "", ContextAlert, ""}, // no banners before 5
	}
	for _, tt := range tests {
		a := DefaultApp(fakeapns.Development, "00")
		a.State, a.AlertStyle = tt.state, tt.style
		if tt.perm != "" {
			a.Permission = tt.perm
		}
		d := &Device{Version: MustVersion(tt.ios), Locked: tt.locked, Apps: []*App{a}}
		if diff := cmp.Diff(tt.want, ArrivalContext(d, a)); diff != "" {
			t.Errorf("%+v: %s", tt, diff)
		}
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in    string
		want  Version
		isErr bool
	}{
		{"8", Version{8, 0}, false},
		{"8.4.1", Version{8, 4}, false},
		{" 17.2 ", Version{17, 2}, false},
		{"", Version{}, true},
		{"x.1", Version{}, true},
		{"8.-1", Version{}, true},
		{"1.2.3.4", Version{}, true},
	}
	for _, tt := range tests {
		got, err := ParseVersion(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q: %s", tt.in, diff)
		}
		if diff := cmp.Diff(tt.isErr, err != nil); diff != "" {
			t.Errorf("%q error %v", tt.in, err)
		}
	}
}

// TestNoVersionBranches keeps version rules in the capability table
// (DESIGN.md "Versions are data"): outside capabilities.go (the table) and
// version.go (the type's own comparisons), no non-test file of the module
// reads a version's numbers, writes a version constant or compares
// versions. A rule that depends on the version is a column of the table.
func TestNoVersionBranches(t *testing.T) {
	allowed := map[string]bool{"sim/device/capabilities.go": true, "sim/device/version.go": true}
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || allowed[rel] {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		report := func(n ast.Node, what string) {
			found = append(found, fmt.Sprintf("%s:%d: %s", rel, fset.Position(n.Pos()).Line, what))
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				switch n.Sel.Name {
				case "Major", "Minor":
					report(n, "reads ."+n.Sel.Name)
				case "Less", "AtLeast":
					report(n, "compares versions with ."+n.Sel.Name)
				}
			case *ast.CompositeLit:
				if isVersionType(n.Type) && len(n.Elts) > 0 {
					report(n, "writes a version constant")
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string(nil), found); diff != "" {
		t.Errorf("version rules outside the capability table (-want +got):\n%s", diff)
	}
}

// isVersionType reports whether a composite literal's type is Version or
// pkg.Version.
func isVersionType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "Version"
	case *ast.SelectorExpr:
		return e.Sel.Name == "Version"
	}
	return false
}
