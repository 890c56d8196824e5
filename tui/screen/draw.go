package screen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
)

// Draw draws p as its era shows it, in a box o.Width cells wide. It is pure:
// the same Presentation and Options always give the same Frame.
func Draw(p device.Presentation, o Options, st *Styles) Frame {
	width := max(o.Width, MinWidth)
	b := &builder{st: st, inner: width - st.Frame.GetHorizontalFrameSize()}
	switch p.Style {
	case device.StyleAlert:
		drawAlert(b, p, o)
	case device.StyleLockScreen:
		drawLockScreen(b, p, o)
	case device.StyleExpanded:
		drawExpanded(b, p, o)
	case device.StyleBanner, device.StyleNotificationCenter:
		drawBanner(b, p, o)
	case device.StyleForegroundSilent:
		b.text("(no system UI: delivered to the running app)", st.Dim)
	default:
		b.text("(nothing shown)", st.Dim)
	}
	box := st.Frame.Width(width).Render(strings.Join(b.lines, "\n"))
	// The border and padding move every target one row down and
	// GetBorderLeftSize+PaddingLeft columns right.
	dRow := st.Frame.GetBorderTopSize() + st.Frame.GetPaddingTop()
	dCol := st.Frame.GetBorderLeftSize() + st.Frame.GetPaddingLeft()
	var out []string
	if o.Label != "" {
		out = append(out, st.Label.Render(ansi.Truncate(o.Label, width, "…")))
		dRow++
	}
	out = append(out, box)
	if o.Notes {
		for _, n := range p.Notes {
			out = append(out, st.Note.Render(ansi.Wrap("· "+n, width, "")))
		}
	}
	f := Frame{View: strings.Join(out, "\n"), Targets: b.targets}
	for i := range f.Targets {
		f.Targets[i].Row += dRow
		f.Targets[i].Col += dCol
	}
	return f
}

// drawAlert is the modal alert: centred text, a rule, then buttons; Close
// and View side by side before iOS 8 (apns.md#V20), iOS 8–9 actions with
// the system's dismiss (apns.md#V32).
func drawAlert(b *builder, p device.Presentation, o Options) {
	first := len(b.lines)
	title := p.Title
	if title == "" {
		title = appName(p.App)
	}
	b.centered(title, b.st.Title)
	if p.Subtitle != "" {
		b.centered(p.Subtitle, b.st.Title)
	}
	b.centered(p.Body, b.st.Body)
	meta(b, p)
	b.bodyTarget(first)
	if len(p.Buttons) > 0 {
		b.rule()
		b.buttonsRow(p.Buttons, o.Selected, true)
	}
}

// drawBanner is the banner and the Notification Center item: heading,
// title, body, and on iOS 8–9 the minimal actions a pull-down shows
// (apns.md#V22, V32).
func drawBanner(b *builder, p device.Presentation, o Options) {
	first := len(b.lines)
	b.heading(p.App)
	b.text(p.Title, b.st.Title)
	b.text(p.Subtitle, b.st.Title)
	b.text(p.Body, b.st.Body)
	meta(b, p)
	if p.Thread != "" {
		b.text("thread: "+p.Thread, b.st.Dim)
	}
	b.bodyTarget(first)
	if len(p.Buttons) > 0 {
		b.buttonsRow(p.Buttons, o.Selected, false)
	}
}

// drawLockScreen is the lock-screen item: the clock, the item, the slider
// before iOS 10 (apns.md#V23) and the swipe actions of iOS 8–9 (V32).
func drawLockScreen(b *builder, p device.Presentation, o Options) {
	b.centered("9:41", b.st.Title)
	first := len(b.lines)
	b.heading(p.App)
	b.text(p.Title, b.st.Title)
	b.text(p.Subtitle, b.st.Title)
	b.text(p.Body, b.st.Body)
	meta(b, p)
	b.bodyTarget(first)
	if p.Slider != "" {
		b.text("> "+p.Slider, b.st.Dim)
	}
	if len(p.Buttons) > 0 {
		b.buttonsRow(p.Buttons, o.Selected, false)
	}
}

// drawExpanded is iOS 10+'s long-press view: the content, then each action
// on its own row (apns.md#V47, U15).
func drawExpanded(b *builder, p device.Presentation, o Options) {
	first := len(b.lines)
	b.heading(p.App)
	b.text(p.Title, b.st.Title)
	b.text(p.Subtitle, b.st.Title)
	b.text(p.Body, b.st.Body)
	meta(b, p)
	b.bodyTarget(first)
	if len(p.Buttons) > 0 {
		b.rule()
		b.buttonsStacked(p.Buttons, o.Selected, false)
	}
}

// meta draws the badge and the sound, which have no picture here.
func meta(b *builder, p device.Presentation) {
	var parts []string
	for _, a := range p.Attachments {
		parts = append(parts, device.AttachmentLabel(a)) // apns.md#V62
	}
	if p.Label != "" {
		parts = append(parts, p.Label) // apns.md#V67
	}
	if p.Badge != nil {
		parts = append(parts, fmt.Sprintf("badge %d", *p.Badge))
	}
	if p.Sound != "" {
		parts = append(parts, "sound "+p.Sound)
	}
	if len(parts) > 0 {
		b.text(strings.Join(parts, " · "), b.st.Dim)
	}
}
