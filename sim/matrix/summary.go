package matrix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
)

// KeepContexts returns the matrix with only the presentations of the
// chosen contexts; nil keeps every context. m itself is not changed.
func (m Matrix) KeepContexts(keep map[device.Context]bool) Matrix {
	if keep == nil {
		return m
	}
	m.Devices = slices.Clone(m.Devices)
	for i := range m.Devices {
		col := &m.Devices[i]
		col.Presentations = slices.DeleteFunc(slices.Clone(col.Presentations), func(p device.Presentation) bool { return !keep[p.Context] })
	}
	return m
}

// Summary is one line per device under the drawing: where the
// notification arrives, the buttons of the context that shows the most,
// and the lint findings for that version.
func (c Column) Summary(bundle string) string {
	head := fmt.Sprintf("%s (iOS %s):", c.Device, c.Version)
	if len(c.Presentations) == 0 {
		return head + " " + bundle + " not installed (or no context chosen)"
	}
	best := c.Presentations[0]
	for _, p := range c.Presentations {
		if len(p.Buttons) > len(best.Buttons) {
			best = p
		}
	}
	parts := []string{"arrives as " + string(c.Arrival)}
	if len(best.Buttons) == 0 {
		parts = append(parts, "no buttons")
	} else {
		titles := make([]string, len(best.Buttons))
		for i, b := range best.Buttons {
			titles[i] = b.Title
		}
		parts = append(parts, fmt.Sprintf("%d buttons in %s: %s", len(best.Buttons), best.Context, strings.Join(titles, ", ")))
	}
	errs, warns := 0, 0
	for _, f := range c.Findings {
		switch f.Severity {
		case lint.SeverityError:
			errs++
		case lint.SeverityWarning:
			warns++
		}
	}
	parts = append(parts, fmt.Sprintf("%s, %s", lint.Plural(errs, "error"), lint.Plural(warns, "warning")))
	return head + " " + strings.Join(parts, "; ")
}
