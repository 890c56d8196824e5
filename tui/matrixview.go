package tui

import (
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/matrix"
	"github.com/pushsim/pushsim/tui/screen"
)

// matrixPane is the composer's payload on every device side by side: the
// same drawing `pushsim matrix` prints. The drawing is cached and only the
// visible lines are returned.
type matrixPane struct {
	*Common
	lines  []string
	offset int
	key    string
}

func (m *matrixPane) SetSize(w, h int) {
	if w != m.Width {
		m.key = "" // redraw at the new width
	}
	m.Width, m.Height = w, h
}

// Update redraws when the payload, the fleet or the width changed.
func (m *matrixPane) Update(devices []Device, bundle string, d Draft) {
	var k strings.Builder
	k.Write(d.Body)
	fmt.Fprint(&k, bundle, d.PushType, d.Priority, d.Topic)
	for _, dev := range devices {
		fmt.Fprint(&k, dev.Name, dev.Version, dev.Locked)
		for _, a := range dev.Apps {
			fmt.Fprint(&k, a.State, a.Permission)
		}
	}
	if k.String() == m.key {
		return
	}
	m.key = k.String()
	fleet := make([]*device.Device, len(devices))
	for i, dev := range devices {
		fleet[i] = simDevice(dev)
	}
	mx, err := matrix.Build(matrix.Request{Fleet: fleet, BundleID: bundle, Payload: d.Body, PushType: d.PushType, Priority: d.Priority, Topic: d.Topic})
	if err != nil {
		m.lines = []string{m.Styles.Error.Render("✗ " + err.Error())}
		return
	}
	m.lines = strings.Split(screen.Matrix(screen.ColumnsOf(mx, bundle), screen.MatrixOptions{Width: m.Width}, &m.Styles.Screen), "\n")
	m.offset = min(m.offset, max(0, len(m.lines)-1))
}

// simDevice rebuilds a device.Device from a snapshot, for sim's pure
// functions.
func simDevice(d Device) *device.Device {
	sd := &device.Device{Name: d.Name, Model: d.Model, Version: d.Version, Locked: d.Locked, Apps: make([]*device.App, len(d.Apps))}
	for i := range d.Apps {
		a := d.Apps[i]
		sd.Apps[i] = &a
	}
	return sd
}

// Scroll moves the view by n lines.
func (m *matrixPane) Scroll(n int) {
	m.offset = max(0, min(len(m.lines)-m.Height, m.offset+n))
}

func (m *matrixPane) View() string {
	end := min(len(m.lines), m.offset+max(1, m.Height))
	return strings.Join(m.lines[min(m.offset, end):end], "\n")
}
