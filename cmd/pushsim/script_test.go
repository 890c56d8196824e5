package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary be the pushsim command: testscript puts
// it on the scripts' PATH under that name, and then the real main runs,
// with its own flag parsing, exit statuses and signal handling.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){programName: main})
}

// pushsimCommand returns the path of a "pushsim" that is this test binary
// under that name, so TestMain runs the real main: a process with its own
// signal handling and exit status, without building the command again.
func pushsimCommand(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), programName)
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// TestScript runs the command-line sessions in testdata/script/*.txtar
// against the real main: every README command, exit statuses, what goes
// to stdout and to stderr, and the PUSHSIM_* environment twins. Each
// script starts with an empty environment and its own HOME, so neither
// the user's config dir nor their PUSHSIM_* variables leak in.
func TestScript(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("LIBRARY", filepath.Join(root, "scenarios", "library"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitfile":  cmdWaitFile,
			"servedenv": cmdServedEnv,
		},
	})
}

// cmdWaitFile waits up to 30 s for a file to exist: "waitfile FILE".
// pushsim serve writes pushsim.json once every listener is bound, so its
// appearance means clients can connect.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	name := ts.MkAbs(args[0])
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(name); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not appear within 30 s", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cmdServedEnv reads the pushsim.json that pushsim serve wrote and sets
// what a backend would configure from it, as the PUSHSIM_* twins of
// send --real's flags (PUSHSIM_ENDPOINT, PUSHSIM_CA_FILE, PUSHSIM_KEY_FILE,
// PUSHSIM_KEY_ID, PUSHSIM_TEAM_ID), plus API_URL, APNS_PRODUCTION_URL and
// TOKEN_<device> (dashes as underscores) for
// the first app of each device: "servedenv FILE".
func cmdServedEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: servedenv FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	var info struct {
		APNsURL string `json:"apns_url"`
		ProdURL string `json:"apns_production_url"`
		APIURL  string `json:"api_url"`
		TeamID  string `json:"team_id"`
		KeyID   string `json:"key_id"`
		KeyFile string `json:"key_file"`
		CAFile  string `json:"ca_file"`
		Devices []struct {
			Name string
			Apps []struct{ Token string }
		}
	}
	if err := json.Unmarshal(data, &info); err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	for k, v := range map[string]string{
		"PUSHSIM_ENDPOINT": info.APNsURL, "PUSHSIM_CA_FILE": info.CAFile, "PUSHSIM_KEY_FILE": info.KeyFile,
		"PUSHSIM_KEY_ID": info.KeyID, "PUSHSIM_TEAM_ID": info.TeamID, "API_URL": info.APIURL, "APNS_PRODUCTION_URL": info.ProdURL,
	} {
		if v == "" {
			ts.Fatalf("%s has no value for %s", args[0], k)
		}
		ts.Setenv(k, v)
	}
	for _, d := range info.Devices {
		if len(d.Apps) > 0 {
			ts.Setenv("TOKEN_"+strings.ReplaceAll(d.Name, "-", "_"), d.Apps[0].Token)
		}
	}
}
