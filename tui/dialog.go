package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// dialogKind says what a dialog's answer does.
type dialogKind int

const (
	dialogProduction dialogKind = iota // send to production: y / n
	dialogQuit                         // unsaved recording: save, discard, cancel
)

// dialog is a modal question drawn over the panes.
type dialog struct {
	kind    dialogKind
	all     bool
	title   string
	message string
	choices string
}

func confirmProduction(all bool) *dialog {
	return &dialog{kind: dialogProduction, all: all, title: "Send to PRODUCTION?",
		message: "This goes to Apple's production APNs and to real users' phones.",
		choices: "y/enter send · n/esc cancel"}
}

func confirmQuit() *dialog {
	return &dialog{kind: dialogQuit, title: "The recording is not saved",
		message: "Quit anyway?", choices: "s save and quit · d discard and quit · esc cancel"}
}

// View draws the dialog box.
func (d *dialog) View(st *Styles, width int) string {
	w := min(60, max(20, width-4))
	inner := w - st.Dialog.GetHorizontalFrameSize()
	text := strings.Join([]string{
		st.Header.Render(d.title), "",
		ansi.Wrap(d.message, inner, ""), "",
		st.Dim.Render(ansi.Wrap(d.choices, inner, "")),
	}, "\n")
	return st.Dialog.Width(w).Render(text)
}
