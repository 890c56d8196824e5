package scenarios

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Summary counts results.
type Summary struct {
	Passed, Failed int
}

// Summarize counts passed and failed results.
func Summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		if r.Passed {
			s.Passed++
		} else {
			s.Failed++
		}
	}
	return s
}

// WriteText writes one line per scenario (a failure is followed by its
// location, message and diff, indented), then exactly one last line
// "N passed, N failed" that CI tools read.
func WriteText(w io.Writer, results []Result, verbose bool) error {
	var b strings.Builder
	for _, r := range results {
		status := "ok  "
		if !r.Passed {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%s %s (%s) %s wall, %s virtual\n", status, r.Name, orDash(r.File), round(r.Wall), r.Virtual)
		if verbose {
			for _, l := range r.Log {
				fmt.Fprintf(&b, "     %s\n", l)
			}
		}
		if r.Failure != nil {
			for _, l := range strings.Split(r.Failure.String(), "\n") {
				fmt.Fprintf(&b, "     %s\n", l)
			}
			// What the failed scenario's commands printed (stdout and
			// stderr together): the first thing one reads to see why.
			for _, e := range r.Events {
				if e.Kind != EventExec || e.Text == "" {
					continue
				}
				fmt.Fprintf(&b, "     %s, output:\n", e.Message)
				for _, l := range strings.Split(e.Text, "\n") {
					fmt.Fprintf(&b, "       | %s\n", l)
				}
			}
		}
	}
	s := Summarize(results)
	fmt.Fprintf(&b, "%d passed, %d failed\n", s.Passed, s.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// round keeps wall times readable: microseconds below a millisecond,
// else milliseconds.
func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}

// jsonReport is the --json document.
type jsonReport struct {
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Scenarios []Result `json:"scenarios"`
}

// WriteJSON writes the results as one JSON document with the counts.
func WriteJSON(w io.Writer, results []Result) error {
	s := Summarize(results)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonReport{Passed: s.Passed, Failed: s.Failed, Scenarios: results}); err != nil {
		return fmt.Errorf("writing the JSON report: %w", err)
	}
	return nil
}

// JUnit XML, the subset CI servers read (Jenkins, GitLab, GitHub
// actions' reporters): one testsuite, one testcase per scenario.
type (
	// JUnitSuites is the <testsuites> root.
	JUnitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []JUnitSuite `xml:"testsuite"`
	}
	// JUnitSuite is one <testsuite>.
	JUnitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []JUnitCase `xml:"testcase"`
	}
	// JUnitCase is one scenario.
	JUnitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Line      int           `xml:"line,attr,omitempty"`
		Time      string        `xml:"time,attr"`
		Failure   *JUnitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	// JUnitFailure holds the failure's one-line message and, as text,
	// the location and the diff.
	JUnitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
)

// JUnit builds the JUnit document for results; suite names the testsuite.
func JUnit(suite string, results []Result) JUnitSuites {
	s := Summarize(results)
	ts := JUnitSuite{Name: suite, Tests: len(results), Failures: s.Failed}
	var total time.Duration
	for _, r := range results {
		total += r.Wall
		c := JUnitCase{Name: r.Name, Classname: suite, File: r.File, Time: seconds(r.Wall)}
		if r.Failure != nil {
			c.Line = r.Failure.Line
			c.Failure = &JUnitFailure{
				Message: r.Failure.Where() + ": " + r.Failure.Message,
				Type:    r.Failure.Kind,
				Text:    r.Failure.String(),
			}
			if c.Failure.Type == "" {
				c.Failure.Type = "error"
			}
		}
		if len(r.Log) > 0 {
			c.SystemOut = strings.Join(r.Log, "\n")
		}
		ts.Cases = append(ts.Cases, c)
	}
	ts.Time = seconds(total)
	return JUnitSuites{Tests: len(results), Failures: s.Failed, Time: seconds(total), Suites: []JUnitSuite{ts}}
}

// WriteJUnit writes results as JUnit XML.
func WriteJUnit(w io.Writer, suite string, results []Result) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing the JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(JUnit(suite, results)); err != nil {
		return fmt.Errorf("writing the JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing the JUnit report: %w", err)
	}
	return nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }
