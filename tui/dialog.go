package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// dialogKind says what a dialog's answer does.
type dialogKind int

const (
	dialogProduction dialogKind = iota // send to production: y / n
	dialogQuit                         // unsaved recording: quit, save and quit, cancel
)

// dialog is a modal question drawn over the panes: it takes every key
// (Model.dialogKey) and the footer shows its keys.
type dialog struct {
	kind    dialogKind
	all     bool
	title   string
	message string
}

func confirmProduction(all bool) *dialog {
	return &dialog{kind: dialogProduction, all: all, title: "Send to PRODUCTION?",
		message: "This goes to Apple's production APNs and to real users' phones."}
}

func confirmQuit() *dialog {
	return &dialog{kind: dialogQuit, title: "Quit? The recording is not saved",
		message: "y quits and drops the recording; s saves it first."}
}

// keys are the dialog's answers, for its box and the footer.
func (d *dialog) keys(k *KeyMap) []key.Binding {
	if d.kind == dialogQuit {
		return []key.Binding{withHelp(k.Confirm, "y/enter", "quit"), k.SaveQuit, k.Cancel, withHelp(k.ForceQuit, "ctrl+c", "quit")}
	}
	return []key.Binding{withHelp(k.Confirm, "y/enter", "send"), k.Cancel, withHelp(k.ForceQuit, "ctrl+c", "quit pushsim")}
}

// View draws the dialog box.
func (d *dialog) View(st *Styles, keys *KeyMap, width int) string {
	w := min(60, max(20, width-4))
	inner := w - st.Dialog.GetHorizontalFrameSize()
	var choices []string
	for _, b := range d.keys(keys) {
		choices = append(choices, b.Help().Key+" "+b.Help().Desc)
	}
	text := strings.Join([]string{
		st.Header.Render(d.title), "",
		ansi.Wrap(d.message, inner, ""), "",
		st.Dim.Render(ansi.Wrap(strings.Join(choices, " · "), inner, "")),
	}, "\n")
	return st.Dialog.Width(w).Render(text)
}
