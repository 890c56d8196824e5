package tui

import (
	"fmt"
	"os"
)

// WriteScenario writes a recording as a scenario file for `pushsim run`.
func WriteScenario(path string, r *recorder) error {
	data, err := scenarioYAML(r)
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write recording: %w", err)
	}
	return nil
}

func scenarioYAML(r *recorder) ([]byte, error) {
	return nil, fmt.Errorf("not yet")
}
