package tui

import (
	"fmt"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/matrix"
	"github.com/pushsim/pushsim/tui/screen"
)

// matrixPane is the composer's payload on every device side by side: the
// same drawing `pushsim matrix` prints. The drawing is cached; it scrolls
// like a pager, and the row of device names over the columns in view
// stays on top.
type matrixPane struct {
	*Common
	pager pager
	// heads are the first line of each row of columns (the device names),
	// in order.
	heads []int
	key   string
}

func newMatrixPane(c *Common) *matrixPane {
	m := &matrixPane{Common: c}
	m.pager.stickyFor = m.sticky
	return m
}

func (m *matrixPane) SetSize(w, h int) {
	if w != m.Width {
		m.key = "" // redraw at the new width
	}
	m.Width, m.Height = w, h
	m.pager.setHeight(h)
}

// sticky is the device-name line of the row of columns that line i is
// in, once that line has scrolled out of view.
func (m *matrixPane) sticky(i int) []string {
	head := -1
	for _, h := range m.heads {
		if h <= i {
			head = h
		}
	}
	if head < 0 || head == i {
		return nil
	}
	return []string{m.pager.lines[head]}
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
		m.heads = nil
		m.pager.setLines([]string{m.Styles.Error.Render("✗ " + err.Error())})
		return
	}
	// One row of columns at a time, so that each row's first line (the
	// device names) is known; the legend is kept once, at the end.
	cols := screen.ColumnsOf(mx, bundle)
	perRow, colW := screen.MatrixLayout(m.Width, len(cols), 0)
	var lines []string
	var legend string
	m.heads = m.heads[:0]
	for i := 0; i < len(cols); i += perRow {
		block := strings.Split(screen.Matrix(cols[i:min(len(cols), i+perRow)], screen.MatrixOptions{Width: m.Width, ColumnWidth: colW}, &m.Styles.Screen), "\n")
		legend = block[len(block)-1]
		if i > 0 {
			lines = append(lines, "")
		}
		m.heads = append(m.heads, len(lines))
		lines = append(lines, block[:len(block)-1]...)
	}
	m.pager.setLines(append(lines, legend))
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

func (m *matrixPane) View() string { return m.pager.view(m.Width, m.Styles) }
