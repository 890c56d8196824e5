package device

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPresentationLine(t *testing.T) {
	badge := 3
	tests := []struct {
		p    Presentation
		want string
	}{
		{Presentation{Style: StyleBanner, Title: "Only a title"}, `banner "Only a title"`},
		{Presentation{Style: StyleBanner, Title: "Bill", Body: "Due"}, `banner "Bill / Due"`},
		{Presentation{Style: StyleBanner}, `banner`},
		{Presentation{Style: StyleNone, Body: "not drawn"}, `none`},
		{Presentation{Style: StyleForegroundSilent, Body: "not drawn"}, `foreground-silent`},
		{Presentation{Style: StyleLockScreen, Body: "Hi", Slider: "slide to view", Badge: &badge, Sound: "default"},
			`lock-screen "Hi" ⟨slide to view⟩ badge=3 sound=default`},
		{Presentation{Style: StyleExpanded, Body: "Pay?", Buttons: []Button{
			{Title: "Pay", Foreground: true, AuthRequired: true},
			{Title: "Reply", TextInput: true},
			{Title: "Delete", Destructive: true},
			{Title: "Dismiss", System: true, Foreground: true},
		}}, `expanded "Pay?" [Pay >#] [Reply ...] [Delete !] [Dismiss]`},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.p.Line()); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.p, diff)
		}
	}
}
