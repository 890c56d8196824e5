package screen

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
)

// MinWidth is the narrowest box Draw produces, border included.
const MinWidth = 20

// Options say how to draw one Presentation.
type Options struct {
	// Width of the box, border included; below MinWidth, MinWidth is used.
	Width int
	// Label is drawn on the line above the box (e.g. the context name);
	// empty draws no line.
	Label string
	// Notes draws the Presentation's notes under the box.
	Notes bool
	// Selected highlights the button with this index; -1 for none.
	Selected int
}

// Target is a place on a drawing that can be tapped: a button or the body.
// Row and Col are cells from the drawing's top-left corner.
type Target struct {
	// ID is the button's id (device.Button.ID), or ActionDefault for the body.
	ID string
	// Key is the key that taps it ("1"–"9", "b").
	Key string
	// Row, Col: the top-left cell; Width and Height: its size (Height 0
	// counts as 1).
	Row, Col, Width, Height int
}

// ActionDefault is the Target id of the notification's body: a tap on it
// opens the app (apns.md#V25, V35, V44).
const ActionDefault = "default"

// Frame is a drawing and the targets on it.
type Frame struct {
	View    string
	Targets []Target
}

// Hit returns the target at (row, col) of the drawing, if any.
func (f Frame) Hit(row, col int) (Target, bool) {
	for _, t := range f.Targets {
		if row >= t.Row && row < t.Row+max(1, t.Height) && col >= t.Col && col < t.Col+t.Width {
			return t, true
		}
	}
	return Target{}, false
}

// ButtonLabel is a button as drawn: its key, title and marks
// (device.Button.Marks), e.g. "[2 Report fraud !#]".
func ButtonLabel(i int, b device.Button) string {
	s := "[" + keyOf(i) + " " + b.Title
	if m := b.Marks(); m != "" {
		s += " " + m
	}
	return s + "]"
}

func keyOf(i int) string {
	if i < 9 {
		return string(rune('1' + i))
	}
	return "-"
}

// builder collects the inner lines of a box with the targets on them.
type builder struct {
	st      *Styles
	inner   int
	lines   []string
	targets []Target
}

func (b *builder) add(s string) { b.lines = append(b.lines, s) }

// text wraps s to the inner width, styled.
func (b *builder) text(s string, st lipgloss.Style) {
	if s == "" {
		return
	}
	for _, l := range strings.Split(ansi.Wrap(s, b.inner, ""), "\n") {
		b.add(st.Render(l))
	}
}

// centered adds s centered on the line.
func (b *builder) centered(s string, st lipgloss.Style) {
	for _, l := range strings.Split(ansi.Wrap(s, b.inner, ""), "\n") {
		pad := max(0, (b.inner-ansi.StringWidth(l))/2)
		b.add(strings.Repeat(" ", pad) + st.Render(l))
	}
}

func (b *builder) rule() { b.add(b.st.Dim.Render(strings.Repeat("─", b.inner))) }

// heading is the app name on the left and "now" on the right.
func (b *builder) heading(app string) {
	name := strings.ToUpper(appName(app))
	w := b.inner - len("now") - 1
	name = ansi.Truncate(name, max(1, w), "…")
	gap := max(1, b.inner-ansi.StringWidth(name)-len("now"))
	b.add(b.st.AppName.Render(name) + strings.Repeat(" ", gap) + b.st.Dim.Render("now"))
}

// bodyTarget marks the lines from first to the end as the body target.
func (b *builder) bodyTarget(first int) {
	if first >= len(b.lines) {
		return
	}
	b.targets = append(b.targets, Target{ID: ActionDefault, Key: "b", Row: first, Col: 0, Width: b.inner, Height: len(b.lines) - first})
}

// buttonsRow draws buttons side by side when they fit, else stacked.
func (b *builder) buttonsRow(btns []device.Button, sel int, centered bool) {
	labels := make([]string, len(btns))
	total := 0
	for i, bt := range btns {
		labels[i] = ButtonLabel(i, bt)
		total += ansi.StringWidth(labels[i])
	}
	total += 2 * max(0, len(btns)-1)
	if total > b.inner || len(btns) > 2 && centered {
		b.buttonsStacked(btns, sel, centered)
		return
	}
	col := 0
	if centered {
		col = max(0, (b.inner-total)/2)
	}
	var line strings.Builder
	line.WriteString(strings.Repeat(" ", col))
	for i, bt := range btns {
		if i > 0 {
			line.WriteString("  ")
			col += 2
		}
		w := ansi.StringWidth(labels[i])
		b.targets = append(b.targets, Target{ID: bt.ID, Key: keyOf(i), Row: len(b.lines), Col: col, Width: w})
		line.WriteString(b.buttonStyle(bt, i == sel).Render(labels[i]))
		col += w
	}
	b.add(line.String())
}

// buttonsStacked draws one button per row, as iOS 8's alert with more than
// two actions and iOS 10's expanded view do.
func (b *builder) buttonsStacked(btns []device.Button, sel int, centered bool) {
	for i, bt := range btns {
		label := ansi.Truncate(ButtonLabel(i, bt), b.inner, "…]")
		w := ansi.StringWidth(label)
		col := 0
		if centered {
			col = max(0, (b.inner-w)/2)
		}
		b.targets = append(b.targets, Target{ID: bt.ID, Key: keyOf(i), Row: len(b.lines), Col: col, Width: w})
		b.add(strings.Repeat(" ", col) + b.buttonStyle(bt, i == sel).Render(label))
	}
}

func (b *builder) buttonStyle(bt device.Button, selected bool) lipgloss.Style {
	st := b.st.Button
	if bt.Destructive {
		st = b.st.Destructive
	}
	if selected {
		st = st.Inherit(b.st.Selected).Reverse(true)
	}
	return st
}

// appName is a bundle id's last component, capitalised: what the system
// shows in place of the app's display name, which the simulator lacks.
func appName(bundle string) string {
	if i := strings.LastIndexByte(bundle, '.'); i >= 0 {
		bundle = bundle[i+1:]
	}
	if bundle == "" {
		return "App"
	}
	return strings.ToUpper(bundle[:1]) + bundle[1:]
}
