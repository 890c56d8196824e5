package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
)

// fleetPane lists the devices: name, iOS version, lock, unread count, and
// under the list the selected device's model, app state and permission.
// Only the visible rows are drawn, so a fleet of thousands costs nothing.
type fleetPane struct {
	*Common
	devices []Device
	cursor  int
	offset  int
	bundle  string
	// nameW is the longest name's width, bounded by maxNameWidth.
	nameW int
}

// detailLines is how many lines the selected device's details take.
const detailLines = 4

// fleetColumns is the width of a row besides the name: the cursor mark,
// the version, the lock and the unread count.
const fleetColumns = 13

// maxNameWidth bounds the name column; a longer name is cut in the list
// and written in full in the details under it.
const maxNameWidth = 20

// nameWidth is the longest device name, bounded; SetDevices measures it.
func (f *fleetPane) nameWidth() int { return f.nameW }

func (f *fleetPane) SetSize(w, h int) { f.Width, f.Height = w, h; f.scroll() }

// SetDevices replaces the snapshot, keeping the selection by name.
func (f *fleetPane) SetDevices(ds []Device) {
	name := ""
	if d, ok := f.Selected(); ok {
		name = d.Name
	}
	f.devices = ds
	f.nameW = 4
	for i, d := range ds {
		if d.Name == name {
			f.cursor = i
		}
		f.nameW = max(f.nameW, min(maxNameWidth, ansi.StringWidth(d.Name)))
	}
	f.cursor = min(f.cursor, max(0, len(ds)-1))
	f.scroll()
}

// Selected is the device under the cursor.
func (f *fleetPane) Selected() (Device, bool) {
	if f.cursor < 0 || f.cursor >= len(f.devices) {
		return Device{}, false
	}
	return f.devices[f.cursor], true
}

// Move moves the cursor by delta rows.
func (f *fleetPane) Move(delta int) {
	f.cursor = max(0, min(len(f.devices)-1, f.cursor+delta))
	f.scroll()
}

// Select puts the cursor on the visible row y (0 = the header line); it
// reports whether y was a device row.
func (f *fleetPane) Select(y int) bool {
	i := f.offset + y - 1
	if y < 1 || y > f.listHeight() || i >= len(f.devices) {
		return false
	}
	f.cursor = i
	return true
}

func (f *fleetPane) listHeight() int { return max(1, f.Height-1-detailLines) }

func (f *fleetPane) scroll() {
	h := f.listHeight()
	if f.cursor < f.offset {
		f.offset = f.cursor
	}
	if f.cursor >= f.offset+h {
		f.offset = f.cursor - h + 1
	}
	f.offset = max(0, min(f.offset, len(f.devices)-h))
}

// View draws the list and the details.
func (f *fleetPane) View() string {
	w := max(1, f.Width)
	nameW := max(4, min(f.nameWidth(), w-fleetColumns))
	end := min(len(f.devices), f.offset+f.listHeight())
	// The heading says how many devices are out of view, and where.
	label := "name"
	if f.offset > 0 {
		label += fmt.Sprintf(" ↑%d", f.offset)
	}
	if below := len(f.devices) - end; below > 0 {
		label += fmt.Sprintf(" ↓%d", below)
	}
	lines := []string{f.Styles.Dim.Render(ansi.Truncate(fmt.Sprintf("  %-*s %4s %s %3s", nameW, label, "iOS", "L", "new"), w, ""))}
	for i := f.offset; i < end; i++ {
		d := f.devices[i]
		lock := " "
		if d.Locked {
			lock = "L"
		}
		unread := "   "
		if d.Unread > 0 {
			unread = fmt.Sprintf("%3d", min(d.Unread, 999))
		}
		mark := "  "
		if i == f.cursor {
			mark = "> "
		}
		row := fmt.Sprintf("%s%-*s %4s %s %s", mark, nameW, ansi.Truncate(d.Name, nameW, "…"), d.Version, lock, unread)
		row = ansi.Truncate(row, w, "")
		if i == f.cursor {
			row = f.Styles.Selected.Render(row + strings.Repeat(" ", max(0, w-ansi.StringWidth(row))))
		}
		lines = append(lines, row)
	}
	for len(lines) < 1+f.listHeight() {
		lines = append(lines, "")
	}
	lines = append(lines, f.details(w)...)
	return strings.Join(lines, "\n")
}

func (f *fleetPane) details(w int) []string {
	d, ok := f.Selected()
	if !ok {
		return []string{f.Styles.Dim.Render("no devices")}
	}
	lock := "unlocked"
	if d.Locked {
		lock = "locked"
	}
	if d.Model != "" { // a fleet file may leave the model out
		lock = d.Model + " · " + lock
	}
	out := []string{f.Styles.Dim.Render(strings.Repeat("─", w))}
	if ansi.StringWidth(d.Name) > maxNameWidth {
		// The list cut the name: the details carry it whole.
		out[0] = f.Styles.Dim.Render(ansi.Truncate(d.Name, w, "…"))
	}
	a := d.App(f.bundle)
	if a == nil && len(d.Apps) > 0 {
		a = &d.Apps[0]
	}
	if a != nil && a.IconBadge > 0 {
		// The number on the app's icon goes first, where a narrow pane
		// cannot cut it (apns.md#P07, U43).
		lock = fmt.Sprintf("badge %d · %s", a.IconBadge, lock)
	}
	out = append(out, ansi.Truncate(lock, w, "…"))
	if a == nil {
		out = append(out, f.Styles.Dim.Render("no app installed"))
	} else {
		out = append(out, ansi.Truncate(fmt.Sprintf("%s · %s", appState(a.State), permission(a.Permission)), w, "…"))
	}
	return append(out, f.settings(d, w))
}

// settings is the details' last line: offline (and what APNs stores
// meanwhile), the Focus, Show Previews. Offline and Focus go first and
// in the warning style, where a narrow pane cannot cut them.
func (f *fleetPane) settings(d Device, w int) string {
	var odd []string
	if d.Offline {
		off := "offline"
		if d.Stored > 0 {
			off += fmt.Sprintf(" (%d stored)", d.Stored)
		}
		odd = append(odd, off)
	}
	if d.Focus != "" {
		odd = append(odd, "Focus "+d.Focus)
	}
	line := strings.Join(append(odd, "previews "+string(previews(d))), " · ")
	if len(odd) > 0 {
		return f.Styles.Warn.Render(ansi.Truncate(line, w, "…"))
	}
	return ansi.Truncate(line, w, "…")
}

// focusName is the Focus the f key turns on: one that allows no app, as
// the API's PATCH devices/{name} sets it (apns.md#V68).
const focusName = "Do Not Disturb"

// previews is the device's Show Previews in effect: as set, else its
// model's default (apns.md#V71).
func previews(d Device) device.Previews {
	if d.ShowPreviews != "" {
		return d.ShowPreviews
	}
	return device.DefaultPreviews(d.Model)
}

// nextPreviews cycles always → when unlocked → never (apns.md#V71).
func nextPreviews(p device.Previews) device.Previews {
	switch p {
	case device.PreviewsAlways:
		return device.PreviewsWhenUnlocked
	case device.PreviewsWhenUnlocked:
		return device.PreviewsNever
	}
	return device.PreviewsAlways
}

func appState(s device.AppState) string {
	if s == "" {
		return string(device.AppNotRunning)
	}
	return string(s)
}

func permission(p device.Permission) string {
	if p == "" {
		return string(device.PermissionNotDetermined)
	}
	return string(p)
}

// nextAppState cycles not running → background → foreground.
func nextAppState(s device.AppState) device.AppState {
	switch s {
	case device.AppNotRunning:
		return device.AppBackground
	case device.AppBackground:
		return device.AppForeground
	}
	return device.AppNotRunning
}

// nextPermission cycles through the four authorizations (apns.md#V40, V48).
func nextPermission(p device.Permission) device.Permission {
	switch p {
	case device.PermissionAuthorized:
		return device.PermissionDenied
	case device.PermissionDenied:
		return device.PermissionProvisional
	case device.PermissionProvisional:
		return device.PermissionNotDetermined
	}
	return device.PermissionAuthorized
}
