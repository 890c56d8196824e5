package main

import (
	"fmt"

	"github.com/pushsim/pushsim/sim"
)

// renderAll renders n in every context of d's version, in the capability
// table's order.
func renderAll(d *sim.Device, a *sim.App, n sim.Notification) []sim.Presentation {
	ctxs := sim.CapabilitiesOf(d.Version).Contexts
	out := make([]sim.Presentation, 0, len(ctxs))
	for _, c := range ctxs {
		out = append(out, sim.Render(d, a, n, c))
	}
	return out
}

// lintFor returns the lint findings for one device's version.
func lintFor(body []byte, d *sim.Device, a *sim.App) []matrixFinding {
	return []matrixFinding{}
}

// loadFleet reads a fleet file.
func loadFleet(path string) ([]*sim.Device, error) {
	return nil, fmt.Errorf("%s: fleet files are not supported yet", path)
}
