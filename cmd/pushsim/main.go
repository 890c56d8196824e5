// Command pushsim simulates interactive iOS push notifications: a fake APNs,
// simulated devices of many iOS versions, scenario replay and a real-send
// mode. Run "pushsim --help" for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/agnivade/levenshtein"
	"github.com/alecthomas/kong"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

// Exit statuses, decided only in main (STYLE.md section 3).
const (
	exitOK      = 0
	exitFailed  = 1 // APNs answered with an error, a scenario failed, lint found an error
	exitUsage   = 2 // bad flags, unreadable or invalid input
	exitSignal  = 130
	programName = "pushsim"
)

// version is set by the linker for releases.
var version = "dev"

// cli is the command tree. Each subcommand is a struct with a Run method.
type cli struct {
	// Subcommands: one field each (send, serve, run, matrix, lint, tui, explain, verify, tokens, version).
	TUI        tuiCmd           `cmd:"" name:"tui" default:"withargs" help:"The terminal UI (the default): fleet, phone screens, composer, responses, event log."`
	Matrix     matrixCmd        `cmd:"" help:"Render one payload on every device of the fleet, in every context, side by side."`
	Send       sendCmd          `cmd:"" help:"Send one notification to the simulated devices (or, with --real, to Apple)."`
	Run        runCmd           `cmd:"" help:"Replay scenario files (YAML) against the simulated flow; exit 1 when one fails."`
	Lint       lintCmd          `cmd:"" help:"Check a payload against every iOS version: findings with rule, severity, versions and a fix."`
	Serve      serveCmd         `cmd:"" help:"Run a fake APNs (development and production) with device tokens, credentials and an inspection API, for any backend."`
	Explain    explainCmd       `cmd:"" help:"Print the rule behind a citation such as apns.md#V21: what Apple does, where, how sure pushsim is, and the sources."`
	Verify     verifyCmd        `cmd:"" help:"Check what a backend sent to a running pushsim serve: exit 0 when the count holds, 1 with the near misses, 2 on bad usage."`
	Tokens     tokensCmd        `cmd:"" help:"Print synthetic device tokens (for serve --synthetic), one per line."`
	Version    kong.VersionFlag `help:"Print the version and commit and exit."`
	VersionCmd versionCmd       `cmd:"" name:"version" help:"Print the version and commit."`
}

// versionCmd is "pushsim version", the same line as --version.
type versionCmd struct{}

// Run prints the version line.
func (versionCmd) Run(e *env) error {
	_, err := fmt.Fprintln(e.stdout, versionLine())
	return err
}

// versionLine is the module version and the commit it was built from,
// from the build info the go command records: "v1.2.0" for go install
// pkg@v1.2.0, "(devel)" for a checkout, with the VCS revision when known.
func versionLine() string {
	v, commit, modified := version, "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	line := programName + " " + v
	if commit == "" {
		line += " (commit unknown: built without VCS information)"
	}
	if commit != "" {
		line += " (commit " + commit[:min(12, len(commit))]
		if modified {
			line += ", modified"
		}
		line += ")"
	}
	return line
}

// env is what every Run method gets: the streams, so tests can run the
// command in-process.
type env struct {
	ctx    context.Context
	args   []string // the command line, for checks kong cannot make
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func main() {
	unsetEmptyTwins()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// unsetEmptyTwins removes PUSHSIM_* variables set to the empty string
// from the process's environment before the flags are parsed: kong reads
// a set variable as the flag's value even when empty, so that
// "PUSHSIM_WIDTH= pushsim matrix" was an invalid width rather than the
// default. Empty means unset, as a user clearing a variable expects.
func unsetEmptyTwins() {
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PUSHSIM_") && v == "" {
			_ = os.Unsetenv(k) // cannot fail for a name os.Environ returned
		}
	}
}

// run parses args, runs the command and returns the exit status. It never
// panics on bad input and never prints a stack trace.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cli
	// kong calls Exit after printing --help or --version and then goes on
	// parsing (with a default command it would then complain); remember
	// the first exit and honour it.
	exited := -1
	parser, err := kong.New(&c,
		kong.Name(programName),
		kong.Description("Simulate interactive iOS push notifications: a fake APNs, devices of every iOS version, scenarios, real sends."),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Vars{"version": versionLine(), "default_bundle": device.DefaultBundleID, "profile_dir": provider.ProfileDir()},
		kong.Exit(func(code int) {
			if exited < 0 {
				exited = code
			}
		}),
	)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", programName, err)
		return exitUsage
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 {
		return exited // --help or --version already printed
	}
	if err != nil { // a *kong.ParseError or a flag's own check: bad usage either way
		fmt.Fprintf(stderr, "%s: %v%s\n", programName, err, suggestCommand(parser, err))
		return exitUsage
	}
	if kctx == nil || kctx.Command() == "" {
		return exitOK // --help or --version already printed
	}
	err = kctx.Run(&env{ctx: ctx, args: args, stdin: stdin, stdout: stdout, stderr: stderr})
	return exitCode(err, stderr)
}

// suggestCommand names the subcommand a mistyped first argument was
// probably meant to be ("pushsim sned" → send).
func suggestCommand(parser *kong.Kong, err error) string {
	word, ok := strings.CutPrefix(err.Error(), "unexpected argument ")
	if !ok {
		return ""
	}
	best, bestDist := "", 3 // at most two edits away
	for _, n := range parser.Model.Children {
		if n.Type != kong.CommandNode || n.Hidden {
			continue
		}
		if d := levenshtein.ComputeDistance(word, n.Name); d < bestDist {
			best, bestDist = n.Name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// exitError carries an exit status and the one line to print for it.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as bad input: exit status 2.
func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// errFailed is an outcome that is not a usage problem but must fail the
// command (an APNs error): exit status 1. The details were already printed.
func errFailed() error { return &exitError{code: exitFailed} }

// closing is for defer: it runs close and adds its error to *err, so a
// failed Close is reported, not dropped, and an earlier error (with its
// exit status) still decides the outcome.
func closing(err *error, close func() error) {
	if cerr := close(); cerr != nil {
		*err = errors.Join(*err, cerr)
	}
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		return exitSignal
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", programName, ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "%s: %v\n", programName, err)
	return exitFailed
}
