// Package matrix renders one payload on every device of a fleet, in every
// context, next to its lint findings: "pushsim matrix", the TUI's matrix
// pane and review goldens all use Build.
package matrix
