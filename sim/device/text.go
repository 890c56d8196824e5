package device

import (
	"fmt"
	"strings"
)

// MarksLegend explains a button's marks (Button.Marks), so that nothing is
// said only in colour; drawings print it under the buttons.
const MarksLegend = "! destructive  > opens the app  ... text input  # needs unlock"

// Marks are the text markers of a button: "!" destructive, ">" opens the
// app, "#" needs unlock, "..." text input (MarksLegend).
func (b Button) Marks() string {
	var marks strings.Builder
	if b.Destructive {
		marks.WriteByte('!')
	}
	if b.Foreground && !b.System {
		marks.WriteByte('>')
	}
	if b.AuthRequired {
		marks.WriteByte('#')
	}
	if b.TextInput {
		marks.WriteString("...")
	}
	return marks.String()
}

// Line is p on one line of plain text, the one text form of a
// Presentation (pushsim send, the matrix text, the render goldens): its
// style, its text, its buttons with their marks, the lock screen's
// slider, the badge and the sound. Attachments are drawn "[image: x.jpg]"
// and a system label "<TIME SENSITIVE>". The notes are not on it.
func (p Presentation) Line() string {
	var b strings.Builder
	b.WriteString(string(p.Style))
	if p.Style != StyleNone && p.Style != StyleForegroundSilent {
		var text []string
		for _, s := range []string{p.Title, p.Subtitle, p.Body} {
			if s != "" {
				text = append(text, s)
			}
		}
		if len(text) > 0 {
			fmt.Fprintf(&b, " %q", strings.Join(text, " / "))
		}
		for _, a := range p.Attachments {
			b.WriteString(" " + AttachmentLabel(a)) // apns.md#V62
		}
		if p.Label != "" {
			b.WriteString(" <" + p.Label + ">") // apns.md#V67
		}
	}
	for _, btn := range p.Buttons {
		b.WriteString(" [" + btn.Title)
		if m := btn.Marks(); m != "" {
			b.WriteString(" " + m)
		}
		b.WriteByte(']')
	}
	if p.Slider != "" {
		fmt.Fprintf(&b, " ⟨%s⟩", p.Slider)
	}
	if p.Badge != nil {
		fmt.Fprintf(&b, " badge=%d", *p.Badge)
	}
	if p.Sound != "" {
		fmt.Fprintf(&b, " sound=%s", p.Sound)
	}
	return b.String()
}
