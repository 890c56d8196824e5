package reference

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Citations look like "apns.md#V21", "(apns.md#E11, D03)", a row id in a
// string ("P03") or a range ("H05–H13"). Any token shaped like an id counts:
// in this repository such a token is always a citation, and a stray one is
// better flagged than missed.
var (
	citeID      = regexp.MustCompile(`\b[TPHEADVCUS][0-9]{2}\b`)
	citeRange   = regexp.MustCompile(`\b([TPHEADVCUS])([0-9]{2})\s*[–-]\s*([TPHEADVCUS]?)([0-9]{2})\b`)
	citeSection = regexp.MustCompile(`apns\.md,? sections? ([0-9]+(?:\.[0-9]+)?)`)
)

// notCitation on a line exempts it: tests of unknown ids write them on
// purpose.
const notCitation = "not a citation"

// citedFile reports the files whose text can cite a rule: code (with its
// output strings), docs, scenarios, fleets, goldens and other test data.
func citedFile(path string) bool {
	switch filepath.Ext(path) {
	case ".go", ".md", ".yaml", ".yml", ".json", ".jsonl", ".golden", ".txt", ".txtar", ".apns":
		return true
	}
	return strings.Contains(filepath.ToSlash(path), "/testdata/")
}

// TestEveryCitationResolves walks the repository and fails on a cited id
// that is not in the table (or a section number that does not exist); rows
// nothing cites are logged as a warning list.
func TestEveryCitationResolves(t *testing.T) {
	root := moduleRoot(t)
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.ID] = true
	}
	sections := map[string]bool{}
	for _, s := range Sections() {
		sections[s.Number] = true
		sections[strings.SplitN(s.Number, ".", 2)[0]] = true
	}
	cited := map[string]int{}
	files := 0
	self := filepath.Join(root, "sim", "reference")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// The table checks its own ids (TestTable); .git and hidden
			// folders hold no citations of ours, nor do installed npm
			// packages (the interop tests' node_modules).
			if path == self || (path != root && strings.HasPrefix(d.Name(), ".")) || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !citedFile(path) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.IndexByte(data, 0) >= 0 {
			return nil // binary
		}
		files++
		rel, _ := filepath.Rel(root, path)
		text := string(data)
		// lineOf is the line holding byte i, and its number.
		lineOf := func(i int) (string, int) {
			from := strings.LastIndexByte(text[:i], '\n') + 1
			to := strings.IndexByte(text[i:], '\n')
			if to < 0 {
				to = len(text) - i
			}
			return text[from : i+to], strings.Count(text[:i], "\n") + 1
		}
		// One pass over the whole file per pattern: line numbers are
		// computed only for the rare hit that needs them.
		for _, at := range citeID.FindAllStringIndex(text, -1) {
			id := text[at[0]:at[1]]
			if known[id] {
				cited[id]++
				continue
			}
			if line, n := lineOf(at[0]); !strings.Contains(line, notCitation) {
				t.Errorf("%s:%d: cites %s, which is not a rule of sim/reference (pushsim explain %s)", rel, n, id, id)
			}
		}
		for _, m := range citeRange.FindAllStringSubmatch(text, -1) {
			if m[3] != "" && m[3] != m[1] {
				continue
			}
			var from, to int
			fmt.Sscan(m[2], &from)
			fmt.Sscan(m[4], &to)
			for n := from + 1; n < to; n++ {
				cited[fmt.Sprintf("%s%02d", m[1], n)]++
			}
		}
		for _, at := range citeSection.FindAllStringSubmatchIndex(text, -1) {
			if num := text[at[2]:at[3]]; !sections[num] {
				if line, n := lineOf(at[0]); !strings.Contains(line, notCitation) {
					t.Errorf("%s:%d: cites apns.md section %s, which does not exist", rel, n, num)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", root, err)
	}
	if files < 50 || len(cited) < 100 {
		t.Fatalf("walked %d files and found %d cited ids: not the repository?", files, len(cited))
	}
	var uncited []string
	for _, r := range Rules() {
		if cited[r.ID] == 0 {
			uncited = append(uncited, r.ID)
		}
	}
	slices.Sort(uncited)
	t.Logf("%d files, %d distinct ids cited; rules nothing cites (warning, not a failure): %s",
		files, len(cited), strings.Join(uncited, " "))
}

// moduleRoot is the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
