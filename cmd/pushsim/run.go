package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/pushsim/pushsim/scenarios"
)

// runCmd is `pushsim run`: replay scenario files for CI.
type runCmd struct {
	Paths    []string `arg:"" name:"FILE|DIR" help:"Scenario files (.yaml) or directories of them."`
	JUnit    string   `name:"junit" placeholder:"FILE" env:"PUSHSIM_JUNIT" help:"Also write a JUnit XML report to FILE."`
	JSON     string   `name:"json" placeholder:"FILE" env:"PUSHSIM_JSON" help:"Also write a JSON report to FILE."`
	Filter   string   `name:"run" placeholder:"REGEX" env:"PUSHSIM_RUN" help:"Run only the scenarios whose name or file matches REGEX."`
	Verbose  bool     `short:"v" env:"PUSHSIM_VERBOSE" help:"Print every step of every scenario."`
	Parallel int      `name:"parallel" default:"0" env:"PUSHSIM_PARALLEL" help:"Scenarios run at once (0: one per CPU)."`
}

// Run loads, filters and runs the scenarios, prints one line per scenario
// and "N passed, N failed", and writes the reports asked for. Invalid
// files are a usage error (exit 2); a failed scenario exits 1.
func (c *runCmd) Run(e *env) error {
	var filter *regexp.Regexp
	if c.Filter != "" {
		re, err := regexp.Compile(c.Filter)
		if err != nil {
			return usageErr("--run: invalid regular expression: %v", err)
		}
		filter = re
	}
	if c.Parallel < 0 {
		return usageErr("--parallel: must be 0 or more, not %d", c.Parallel)
	}
	// Report paths are checked before anything runs: a typo must not cost
	// the whole run.
	for _, r := range []struct{ flag, path string }{{"--junit", c.JUnit}, {"--json", c.JSON}} {
		if err := checkOutputPath(r.path); err != nil {
			return usageErr("%s %s: %v", r.flag, r.path, err)
		}
	}
	list, err := scenarios.Load(c.Paths...)
	if err != nil {
		for _, line := range splitJoined(err) {
			fmt.Fprintln(e.stderr, line)
		}
		return usageErr("invalid scenario files: nothing was run")
	}
	for _, s := range list {
		for _, w := range s.Warnings {
			fmt.Fprintln(e.stderr, w)
		}
	}
	if filter != nil {
		kept := list[:0]
		for _, s := range list {
			if filter.MatchString(s.Name) || filter.MatchString(s.File) {
				kept = append(kept, s)
			}
		}
		list = kept
	}
	if len(list) == 0 {
		return usageErr("no scenario matches --run %q", c.Filter)
	}
	results := scenarios.Run(e.ctx, list, scenarios.Options{Verbose: c.Verbose, Parallel: c.Parallel})
	if err := e.ctx.Err(); err != nil {
		return fmt.Errorf("run interrupted: %w", err)
	}
	if err := scenarios.WriteText(e.stdout, results, c.Verbose); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if c.JUnit != "" {
		if err := writeFile(c.JUnit, func(f *os.File) error { return scenarios.WriteJUnit(f, "pushsim", results) }); err != nil {
			return usageErr("--junit: %v", err)
		}
	}
	if c.JSON != "" {
		if err := writeFile(c.JSON, func(f *os.File) error { return scenarios.WriteJSON(f, results) }); err != nil {
			return usageErr("--json: %v", err)
		}
	}
	if scenarios.Summarize(results).Failed > 0 {
		return errFailed()
	}
	return nil
}

// writeFile creates name and fills it with write.
func writeFile(name string, write func(*os.File) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

// splitJoined lists the errors of an errors.Join, one per line.
func splitJoined(err error) []string {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// checkOutputPath reports why a report could not be written to path: its
// directory is missing or not writable, or path is a directory. "" is
// fine (no report).
func checkOutputPath(path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a directory; expected a file name")
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s does not exist", dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".pushsim-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}
