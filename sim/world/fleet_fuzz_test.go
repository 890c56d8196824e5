package world

import (
	"testing"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
)

// FuzzParseFleet: a fleet ParseFleet accepts passes ValidateFleet and
// builds a World without panicking.
func FuzzParseFleet(f *testing.F) {
	f.Add([]byte("devices:\n  - name: old\n    ios: \"7.1\"\n  - name: bank\n    ios: \"17.4\"\n    locked: true\n"))
	f.Add([]byte("devices:\n  - name: a\n    ios: 9\n"))
	f.Add([]byte("devices: [{name: a, ios: \"x\"}]"))
	f.Add([]byte("devices:\n  - name: a\n    ios: \"9\"\n    apps: [{bundle_id: x, handler: {actions: {A: {delay: 1x}}}}]\n"))
	f.Add([]byte("- 1\n- 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fleet, err := device.ParseFleet(data, "fuzz.yaml")
		if err != nil {
			return
		}
		if err := device.ValidateFleet(fleet); err != nil {
			t.Fatalf("ParseFleet accepted a fleet ValidateFleet refuses: %v", err)
		}
		w := New(Config{Fleet: fleet, Clock: clock.NewVirtual(t0)})
		defer func() {
			if err := w.Close(); err != nil {
				t.Error(err)
			}
		}()
		_ = w.Devices()
	})
}
