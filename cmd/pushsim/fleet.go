package main

import (
	"fmt"

	"github.com/pushsim/pushsim/sim/device"
)

// loadFleet reads a fleet file and prints its warnings (settings a device
// of that version would ignore, each with file:line:col) on stderr.
func (e *env) loadFleet(path string) ([]*device.Device, error) {
	fleet, warns, err := device.LoadFleetWithWarnings(path)
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "%s: %v\n", programName, w)
	}
	return fleet, nil
}
