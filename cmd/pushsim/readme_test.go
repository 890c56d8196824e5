package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeMatrixExcerpt: the README's `pushsim matrix` excerpt is what
// the command it shows prints (the columns of iOS 7 and 8, cut on the left).
func TestReadmeMatrixExcerpt(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(data), "```\n$ echo '")
	if !ok {
		t.Fatal("README has no matrix excerpt")
	}
	block, _, _ = strings.Cut(block, "```")
	cmdLine, excerpt, _ := strings.Cut(block, "\n")
	payload, rest, _ := strings.Cut(cmdLine, "' | pushsim ")
	code, out, errs := runCLI(t, payload, strings.Fields(rest)...)
	if code != 0 {
		t.Fatalf("pushsim %s: exit %d, stderr %s", rest, code, errs)
	}
	want := strings.Split(strings.TrimRight(excerpt, "\n"), "\n")
	got := strings.Split(out, "\n")
	for start := range got {
		if start+len(want) > len(got) {
			break
		}
		match := true
		for i, w := range want {
			if !strings.HasSuffix(strings.TrimRight(got[start+i], " "), strings.TrimRight(w, " ")) {
				match = false
				break
			}
		}
		if match {
			return
		}
	}
	t.Errorf("the README excerpt is not in the output of pushsim %s:\n%s", rest, out)
}

// TestReadmeExplainExcerpt: the README's `pushsim explain V20` block is
// exactly what the command prints.
func TestReadmeExplainExcerpt(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(data), "```\n$ pushsim explain ")
	if !ok {
		t.Fatal("README has no explain excerpt")
	}
	block, _, _ = strings.Cut(block, "```")
	args, want, _ := strings.Cut(block, "\n")
	code, out, errs := runCLI(t, "", append([]string{"explain"}, strings.Fields(args)...)...)
	if code != 0 {
		t.Fatalf("pushsim explain %s: exit %d, stderr %s", args, code, errs)
	}
	if out != want {
		t.Errorf("the README's explain excerpt differs from pushsim explain %s:\n--- README\n%s--- output\n%s", args, want, out)
	}
}
