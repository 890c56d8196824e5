package tui

import (
	"strings"

	"github.com/pushsim/pushsim/sim"
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
func (m *matrixPane) Update(devices []Device, bundle string, body []byte, lint func(sim.Version) []string) {
	var k strings.Builder
	k.Write(body)
	k.WriteString(bundle)
	for _, d := range devices {
		k.WriteString(d.Name + d.Version.String())
		for _, a := range d.Apps {
			k.WriteString(string(a.State) + string(a.Permission))
		}
	}
	if k.String() == m.key {
		return
	}
	m.key = k.String()
	payload, err := sim.ParsePayload(body)
	if err != nil {
		m.lines = []string{m.Styles.Error.Render("✗ " + err.Error())}
		return
	}
	n := sim.Notification{Topic: bundle, Payload: payload}
	cols := make([]screen.Column, 0, len(devices))
	for _, d := range devices {
		c := screen.Column{Device: d.Name, Model: d.Model, Version: d.Version}
		if a := d.App(bundle); a != nil {
			app := *a
			dev := &sim.Device{Name: d.Name, Model: d.Model, Version: d.Version, Locked: d.Locked, Apps: []*sim.App{&app}}
			c.Presentations = renderAll(dev, &app, n)
			if lint != nil {
				c.Findings = lint(d.Version)
			}
		} else {
			c.Findings = []string{bundle + " is not installed"}
		}
		cols = append(cols, c)
	}
	m.lines = strings.Split(screen.Matrix(cols, screen.MatrixOptions{Width: m.Width}, &m.Styles.Screen), "\n")
	m.offset = min(m.offset, max(0, len(m.lines)-1))
}

// Scroll moves the view by n lines.
func (m *matrixPane) Scroll(n int) {
	m.offset = max(0, min(len(m.lines)-m.Height, m.offset+n))
}

func (m *matrixPane) View() string {
	end := min(len(m.lines), m.offset+max(1, m.Height))
	return strings.Join(m.lines[min(m.offset, end):end], "\n")
}

// renderAll renders n in every context of d's version.
func renderAll(d *sim.Device, a *sim.App, n sim.Notification) []sim.Presentation {
	ctxs := sim.CapabilitiesOf(d.Version).Contexts
	out := make([]sim.Presentation, 0, len(ctxs))
	for _, c := range ctxs {
		out = append(out, sim.Render(d, a, n, c))
	}
	return out
}
