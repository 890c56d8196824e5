package screen

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/matrix"
)

// Column is one device in the matrix: a heading, its presentations (one
// per context of its version) and the lint findings that concern it.
type Column struct {
	Device  string
	Model   string
	Version device.Version
	// Presentations, in the order of device.ContextsOf.
	Presentations []device.Presentation
	// Findings are one-line lint findings for this device's version.
	Findings []string
}

// MatrixOptions size the matrix.
type MatrixOptions struct {
	// Width is the width available; columns wrap onto new rows to fit.
	Width int
	// ColumnWidth is a column's width; 0 picks one from Width (at least
	// MinWidth, at most 40).
	ColumnWidth int
	// Notes draws each presentation's notes under its box.
	Notes bool
}

// Gap is the space between matrix columns.
const Gap = 1

// MatrixLayout is how many columns fit per row and how wide each is.
func MatrixLayout(width, columns, colWidth int) (perRow, w int) {
	width = max(width, MinWidth)
	w = colWidth
	if w <= 0 {
		// As many columns as fit at 28 cells, then widen them to fill the
		// row, but never beyond 40 where the boxes stop looking like a
		// phone.
		n := max(1, min(columns, (width+Gap)/(28+Gap)))
		w = min(40, (width+Gap)/n-Gap)
	}
	w = max(w, MinWidth)
	perRow = max(1, min(columns, (width+Gap)/(w+Gap)))
	return perRow, w
}

// Matrix draws the columns side by side, wrapping to fit o.Width.
func Matrix(cols []Column, o MatrixOptions, st *Styles) string {
	if len(cols) == 0 {
		return st.Dim.Render("(no devices)")
	}
	perRow, w := MatrixLayout(o.Width, len(cols), o.ColumnWidth)
	drawn := make([]string, len(cols))
	for i, c := range cols {
		drawn[i] = column(c, w, o.Notes, st)
	}
	var rows []string
	gap := strings.Repeat(" ", Gap)
	for i := 0; i < len(drawn); i += perRow {
		end := min(len(drawn), i+perRow)
		parts := make([]string, 0, 2*(end-i))
		for j := i; j < end; j++ {
			if j > i {
				parts = append(parts, gap)
			}
			parts = append(parts, lipgloss.NewStyle().Width(w).Render(drawn[j]))
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, parts...))
	}
	return strings.Join(rows, "\n\n") + "\n" + st.Dim.Render(ansi.Truncate(device.MarksLegend, max(o.Width, MinWidth), "…"))
}

func column(c Column, w int, notes bool, st *Styles) string {
	head := fmt.Sprintf("%s · %s · iOS %s", c.Device, c.Model, c.Version)
	if c.Model == "" { // a fleet file may leave the model out
		head = fmt.Sprintf("%s · iOS %s", c.Device, c.Version)
	}
	out := []string{st.Header.Render(ansi.Truncate(head, w, "…"))}
	for _, p := range c.Presentations {
		f := Draw(p, Options{Width: w, Label: string(p.Context), Notes: notes, Selected: -1}, st)
		out = append(out, f.View)
	}
	for _, f := range c.Findings {
		out = append(out, st.Finding.Render(ansi.Wrap(f, w, "")))
	}
	return strings.Join(out, "\n")
}

// ColumnsOf turns a matrix.Matrix into drawable columns, each lint finding as
// one line under the device it concerns.
func ColumnsOf(m matrix.Matrix, bundle string) []Column {
	cols := make([]Column, 0, len(m.Devices))
	for _, col := range m.Devices {
		c := Column{Device: col.Device, Model: col.Model, Version: col.Version, Presentations: col.Presentations}
		if len(col.Presentations) == 0 {
			c.Findings = append(c.Findings, fmt.Sprintf("%s is not installed on %s", bundle, col.Device))
		}
		for _, f := range col.Findings {
			c.Findings = append(c.Findings, f.String())
		}
		cols = append(cols, c)
	}
	return cols
}
