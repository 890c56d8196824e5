// Package reference is pushsim's evidence: every APNs and iOS behaviour the
// simulator reproduces, as data. Each Rule has a stable id (T01, V21, U15…)
// that code, lint findings, scenario failures and notes cite as
// "apns.md#V21"; apns.md next to this file is generated from the table
// (go generate), and `pushsim explain V21` prints the same rule.
//
// Rules are stated in pushsim's own words. Where Apple is silent the rule is
// Unconfirmed and carries the behaviour pushsim chose and why, so QA can
// tell what pushsim knows from what it picked.
//
// The package imports nothing of pushsim: it is pure data and functions, so
// any layer (fakeapns, sim, tui, the CLI) may use it.
package reference

//go:generate go run ./gen
