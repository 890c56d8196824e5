// Command gen writes apns.md, the Markdown reference, from the rule table.
// It runs through "go generate ./sim/reference", in that directory.
package main

import (
	"fmt"
	"os"

	"github.com/pushsim/pushsim/sim/reference"
)

func main() {
	if err := os.WriteFile("apns.md", reference.Markdown(), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}
