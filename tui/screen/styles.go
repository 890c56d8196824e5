// Package screen draws one device.Presentation the way an iOS era draws it: the
// legacy modal alert with Close / View, the iOS 8–9 banner and alert with
// their action rows, the lock-screen item with its slider, the iOS 10+
// expanded view. It is pure lipgloss: no I/O, no terminal queries, so the
// TUI's phone pane and `pushsim matrix` draw exactly the same boxes.
package screen

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles are the styles the screen drawings use. Build them with NewStyles;
// nothing here reads the terminal.
type Styles struct {
	Frame       lipgloss.Style
	Label       lipgloss.Style
	AppName     lipgloss.Style
	Title       lipgloss.Style
	Body        lipgloss.Style
	Dim         lipgloss.Style
	Button      lipgloss.Style
	Destructive lipgloss.Style
	Selected    lipgloss.Style
	Note        lipgloss.Style
	Finding     lipgloss.Style
	Header      lipgloss.Style
}

// NewStyles returns the styles for a dark or light terminal background.
// Lip Gloss v2 has no adaptive colours, so the caller says which.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		border color.Color = ld(lipgloss.Color("#8a8a8a"), lipgloss.Color("#6c6c6c"))
		accent             = ld(lipgloss.Color("#005fd7"), lipgloss.Color("#5fafff"))
		danger             = ld(lipgloss.Color("#d70000"), lipgloss.Color("#ff5f5f"))
		dim                = ld(lipgloss.Color("#6c6c6c"), lipgloss.Color("#8a8a8a"))
		warn               = ld(lipgloss.Color("#af5f00"), lipgloss.Color("#ffaf5f"))
	)
	return Styles{
		Frame:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1),
		Label:       lipgloss.NewStyle().Foreground(dim),
		AppName:     lipgloss.NewStyle().Bold(true),
		Title:       lipgloss.NewStyle().Bold(true),
		Body:        lipgloss.NewStyle(),
		Dim:         lipgloss.NewStyle().Foreground(dim),
		Button:      lipgloss.NewStyle().Foreground(accent),
		Destructive: lipgloss.NewStyle().Foreground(danger),
		Selected:    lipgloss.NewStyle().Reverse(true),
		Note:        lipgloss.NewStyle().Foreground(dim).Italic(true),
		Finding:     lipgloss.NewStyle().Foreground(warn),
		Header:      lipgloss.NewStyle().Bold(true),
	}
}
