// Package testtool is what pushsim's tests use to reach the programs they
// run as a user would (tmux, curl, node, npm, h2load) and the Node clients
// the interop tests send with. It imports only the standard library and is
// imported only by tests, so it adds no arrow between pushsim's packages;
// it lives under sim/ because fakeapns, sim and cmd tests all need it and
// the module keeps its top level to the folders of the design.
//
// A missing tool must not let a test pass without testing (issue 17): in
// CI (the environment variable CI is set, as .ci/run and every CI service
// set it, to anything but "", "0" or "false") the test fails; elsewhere it is skipped with the exact command
// that installs what is missing.
package testtool

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// debianPackage is the Debian package that provides a tool the tests run,
// the same packages .ci/run installs.
func debianPackage(tool string) string {
	switch tool {
	case "node":
		return "nodejs"
	case "h2load":
		return "nghttp2-client"
	case "sh":
		return "dash"
	}
	return tool // tmux, curl, npm
}

// InCI reports whether the tests run in CI, where a missing tool fails the
// test instead of skipping it: the environment variable CI is set to
// anything but "", "0" or "false".
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "0" && v != "false"
}

// Missing stops the test because something it needs is absent: a failure
// in CI, a skip elsewhere. fix is the exact command that provides it.
func Missing(t testing.TB, what, fix string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s; CI must provide it (.ci/run): %s", what, fix)
	}
	t.Skipf("%s; to run this test: %s", what, fix)
}

// Need returns the path of the executable name, or stops the test through
// Missing with the apt-get command that installs it.
func Need(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	Missing(t, fmt.Sprintf("%s is not installed", name), "sudo apt-get install "+debianPackage(name))
	return ""
}

// nodeDir is where the Node clients' package.json and package-lock.json
// live, relative to the module root; .ci/run installs them there.
const nodeDir = "sim/testtool/testdata/node"

// NodeInstallCommand is the command, run at the module root, that installs
// the Node clients from the committed lock file (the only step of the
// tests that uses the network, and only when someone runs it).
const NodeInstallCommand = "npm ci --prefix " + nodeDir

// NodeModules returns the node_modules directory holding the Node clients
// the interop tests use (one package.json and lock for all of them): run
// node with NODE_PATH set to it so that a script anywhere can require
// them. It checks that node is installed and the named packages were
// installed from the lock, or stops the test through Missing. The tests
// never download anything themselves.
func NodeModules(t testing.TB, packages ...string) string {
	t.Helper()
	Need(t, "node")
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("testtool: %v", err)
	}
	dir := filepath.Join(root, filepath.FromSlash(nodeDir), "node_modules")
	for _, p := range packages {
		manifest := filepath.Join(dir, filepath.FromSlash(p), "package.json")
		if _, err := os.Stat(manifest); err != nil {
			Missing(t, fmt.Sprintf("the Node package %s is not installed in %s", p, nodeDir),
				"(cd "+root+" && "+NodeInstallCommand+")")
			return ""
		}
	}
	return dir
}

// moduleRoot is the nearest directory above the working directory (a
// test's package folder) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("finding the module root: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the module root: no go.mod above the working directory")
		}
		dir = parent
	}
}
