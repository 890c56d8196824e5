package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/pushsim/pushsim/tui/screen"
)

// Common is what every pane shares: its size, the styles and the key map.
// The root sets the sizes; no pane reads the terminal.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
}

// Styles are all the TUI's styles, built by NewStyles.
type Styles struct {
	IsDark      bool
	Screen      screen.Styles
	Pane        lipgloss.Style
	PaneFocused lipgloss.Style
	PaneTitle   lipgloss.Style
	Header      lipgloss.Style
	Tab         lipgloss.Style
	TabActive   lipgloss.Style
	Selected    lipgloss.Style
	Dim         lipgloss.Style
	OK          lipgloss.Style
	Error       lipgloss.Style
	Warn        lipgloss.Style
	Recording   lipgloss.Style
	Dialog      lipgloss.Style
	Help        help.Styles
}

// NewStyles builds the styles for a dark or light background. The root
// calls it again when tea.BackgroundColorMsg says which (Lip Gloss v2 has
// no adaptive colours).
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	border := ld(lipgloss.Color("#a8a8a8"), lipgloss.Color("#585858"))
	focus := ld(lipgloss.Color("#005fd7"), lipgloss.Color("#5fafff"))
	green := ld(lipgloss.Color("#008700"), lipgloss.Color("#5fd75f"))
	red := ld(lipgloss.Color("#d70000"), lipgloss.Color("#ff5f5f"))
	amber := ld(lipgloss.Color("#af5f00"), lipgloss.Color("#ffaf5f"))
	dim := ld(lipgloss.Color("#6c6c6c"), lipgloss.Color("#8a8a8a"))
	pane := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border)
	return &Styles{
		IsDark:      isDark,
		Screen:      screen.NewStyles(isDark),
		Pane:        pane,
		PaneFocused: pane.BorderForeground(focus).BorderStyle(lipgloss.ThickBorder()),
		PaneTitle:   lipgloss.NewStyle().Bold(true),
		Header:      lipgloss.NewStyle().Bold(true),
		Tab:         lipgloss.NewStyle().Foreground(dim),
		TabActive:   lipgloss.NewStyle().Bold(true).Underline(true),
		Selected:    lipgloss.NewStyle().Reverse(true),
		Dim:         lipgloss.NewStyle().Foreground(dim),
		OK:          lipgloss.NewStyle().Foreground(green),
		Error:       lipgloss.NewStyle().Foreground(red),
		Warn:        lipgloss.NewStyle().Foreground(amber),
		Recording:   lipgloss.NewStyle().Foreground(red).Bold(true),
		Dialog:      lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(amber).Padding(1, 2),
		Help:        help.DefaultStyles(isDark),
	}
}

// KeyMap is every key binding; the help and the footer are generated
// from it, so they cannot drift from what the keys do.
type KeyMap struct {
	NextPane, PrevPane key.Binding
	Quit, ForceQuit    key.Binding
	Help, Messages     key.Binding
	// Faults opens the Faults overlay; the Fault* keys work inside it.
	Faults                key.Binding
	FaultAdd, FaultRemove key.Binding
	FaultMore, FaultLess  key.Binding
	FaultToken            key.Binding
	Send, Target          key.Binding
	Template              key.Binding
	Matrix                key.Binding
	Mode                  key.Binding
	Record                key.Binding
	Up, Down              key.Binding
	PageUp, PageDown      key.Binding
	Home, End             key.Binding
	Lock, AppState        key.Binding
	Permission            key.Binding
	Offline, Focus        key.Binding
	Previews              key.Binding
	Buttons               key.Binding
	Body, Dismiss         key.Binding
	Reply                 key.Binding
	Explain               key.Binding
	PrevCtx, NextCtx      key.Binding
	Older, Newer          key.Binding
	Filter, OnlyDevice    key.Binding
	Follow                key.Binding
	Detail                key.Binding
	ClearFilter           key.Binding
	LeaveEditor           key.Binding
	Close                 key.Binding
	Cancel, Confirm       key.Binding
	SaveQuit              key.Binding
	SendReply             key.Binding
	// Mouse bindings have no keys: they only document the mouse in the
	// help.
	Click, Wheel key.Binding
}

// NewKeyMap returns the default bindings.
func NewKeyMap() *KeyMap {
	b := func(keys []string, k, h string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, h))
	}
	return &KeyMap{
		NextPane:    b([]string{"tab"}, "tab", "next pane"),
		PrevPane:    b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Quit:        b([]string{"q"}, "q", "quit"),
		ForceQuit:   b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Help:        b([]string{"?"}, "?", "help"),
		Messages:    b([]string{"H"}, "H", "message history"),
		Faults:      b([]string{"F"}, "F", "fault rules (429, GOAWAY…)"),
		FaultAdd:    b([]string{"enter"}, "enter", "add the preset"),
		FaultRemove: b([]string{"d", "x"}, "d/x", "remove the rule"),
		FaultMore:   b([]string{"+", "="}, "+", "count +1"),
		FaultLess:   b([]string{"-"}, "-", "count -1"),
		FaultToken:  b([]string{"t"}, "t", "any/selected device"),
		Send:        b([]string{"ctrl+s"}, "ctrl+s", "send"),
		Target:      b([]string{"alt+s"}, "alt+s", "target: all/device"),
		Template:    b([]string{"alt+t"}, "alt+t", "next template"),
		Matrix:      b([]string{"m"}, "m", "matrix view"),
		Mode:        b([]string{"ctrl+o"}, "ctrl+o", "sim/real mode"),
		Record:      b([]string{"ctrl+r"}, "ctrl+r", "record start/stop"),
		Up:          b([]string{"up", "k"}, "↑/k", "up"),
		Down:        b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:      b([]string{"pgup"}, "pgup", "page up"),
		PageDown:    b([]string{"pgdown"}, "pgdn", "page down"),
		Home:        b([]string{"home", "g"}, "home/g", "top"),
		End:         b([]string{"end", "G"}, "end/G", "bottom"),
		Lock:        b([]string{"l"}, "l", "lock/unlock"),
		AppState:    b([]string{"s"}, "s", "app state"),
		Permission:  b([]string{"p"}, "p", "permission"),
		Offline:     b([]string{"w"}, "w", "offline/online"),
		Focus:       b([]string{"f"}, "f", "Focus on/off"),
		Previews:    b([]string{"v"}, "v", "show previews"),
		Buttons:     b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1-9", "tap button"),
		Body:        b([]string{"b"}, "b", "tap body"),
		Dismiss:     b([]string{"d"}, "d", "dismiss"),
		Reply:       b([]string{"r"}, "r", "reply (text)"),
		Explain:     b([]string{"e"}, "e", "rules behind the notes"),
		PrevCtx:     b([]string{"left", "h"}, "←/h", "previous context"),
		NextCtx:     b([]string{"right", "x"}, "→/x", "next context"),
		Older:       b([]string{"["}, "[", "older notification"),
		Newer:       b([]string{"]"}, "]", "newer notification"),
		Filter:      b([]string{"/"}, "/", "filter"),
		OnlyDevice:  b([]string{"o"}, "o", "only this device"),
		Follow:      b([]string{"end", "G"}, "end/G", "follow newest"),
		Detail:      b([]string{"enter"}, "enter", "details"),
		ClearFilter: b([]string{"esc"}, "esc", "clear filter"),
		LeaveEditor: b([]string{"esc"}, "esc", "leave editor"),
		Close:       b([]string{"esc", "q"}, "esc/q", "close"),
		Cancel:      b([]string{"esc", "n"}, "n/esc", "cancel"),
		Confirm:     b([]string{"enter", "y"}, "y/enter", "confirm"),
		SaveQuit:    b([]string{"s"}, "s", "save and quit"),
		SendReply:   b([]string{"enter"}, "enter", "send reply"),
		Click:       key.NewBinding(key.WithHelp("click", "focus, tap, select")),
		Wheel:       key.NewBinding(key.WithHelp("wheel", "scroll the pane under it")),
	}
}

// helpSection is one group of the help: a pane, the overlays, the mouse.
type helpSection struct {
	title    string
	bindings []key.Binding
}

// sections is the help, grouped by where the keys work.
func (k *KeyMap) sections() []helpSection {
	h := withHelp
	return []helpSection{
		{"Everywhere", []key.Binding{k.Send, k.Target, k.Template, k.NextPane, k.PrevPane, k.Mode, k.Record, k.ForceQuit}},
		{"Outside the editor", []key.Binding{k.Help, k.Matrix, k.Messages, k.Faults, k.Quit}},
		{"Fleet", []key.Binding{h(k.Up, "↑↓ j k", "select device"), h(k.PageDown, "pgup pgdn", "scroll the phone"), k.Lock, k.AppState, k.Permission, k.Offline, k.Focus, k.Previews, h(k.Buttons, "1-9 b d r", "as in Phone")}},
		{"Phone", []key.Binding{k.Buttons, k.Body, k.Dismiss, k.Reply, k.PrevCtx, k.NextCtx, k.Older, k.Newer, k.Explain, h(k.Up, "↑↓ j k", "select device"), h(k.PageDown, "pgup pgdn", "scroll drawing")}},
		{"Reply field", []key.Binding{k.SendReply, h(k.Cancel, "esc", "cancel")}},
		{"Composer (editor)", []key.Binding{k.LeaveEditor, h(k.Quit, "q ? m", "are text here")}},
		{"Responses", []key.Binding{h(k.Up, "↑↓ j k", "select send"), h(k.PageDown, "pgup pgdn", "page"), h(k.Home, "home end", "oldest, newest"), h(k.Detail, "enter", "the whole send")}},
		{"Event log", []key.Binding{h(k.Up, "↑↓ j k", "select event"), h(k.PageDown, "pgup pgdn", "page"), h(k.Home, "home g", "oldest"), k.Follow, h(k.Detail, "enter", "the whole event"), k.Filter, k.OnlyDevice, k.ClearFilter}},
		{"Help, matrix, rules, details", []key.Binding{h(k.Up, "↑↓ j k", "scroll"), h(k.PageDown, "pgup pgdn", "page"), h(k.Home, "home end", "top, bottom"), k.Close}},
		{"Faults", []key.Binding{h(k.Up, "↑↓ j k", "select"), k.FaultAdd, k.FaultRemove, k.FaultMore, k.FaultLess, k.FaultToken, withHelp(k.Close, "esc/q/F", "close")}},
		{"Dialogs", []key.Binding{k.Confirm, k.Cancel, h(k.ForceQuit, "ctrl+c", "quit")}},
		{"Mouse", []key.Binding{h(k.Click, "click", "focus a pane"), h(k.Click, "click", "tap a button or body"), h(k.Click, "click", "select a row"), k.Wheel}},
	}
}

// withHelp is b with other help text.
func withHelp(b key.Binding, k, h string) key.Binding {
	b.SetHelp(k, h)
	return b
}
