// Package scenarios reads scenario files, runs them against the simulated
// flow on a virtual clock, checks their expectations with go-cmp diffs,
// reports the results (text, JSON, JUnit XML) and records new scenarios
// from a live session's event log.
package scenarios
