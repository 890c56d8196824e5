package device

import "fmt"

// FileError is a file pushsim cannot use — a payload file, a fleet file,
// a scenario file — with the position of the problem when there is one
// and what was expected there. It is the one such type: package scenarios
// returns it too, so callers match a single type with errors.As.
type FileError struct {
	// File is the path as the user gave it ("-" for standard input).
	File string
	// Line and Column locate the problem, 1-based; 0 when it concerns the
	// whole file.
	Line, Column int
	// Msg says what is wrong and what was expected.
	Msg string
}

// Error is "file:line:col: message", the form editors and CI link to, or
// "file: message" without a position.
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}
