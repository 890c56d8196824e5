package screen_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/tui/screen"
)

var one = 1

var (
	legacyAlert = device.Presentation{Context: device.ContextAlert, Style: device.StyleAlert, App: "com.pushsim.demo",
		Body: "Lunch poll: pizza today?", Buttons: []device.Button{
			{ID: device.ButtonClose, Title: "Close", System: true},
			{ID: device.ButtonView, Title: "View", Foreground: true, System: true}}}
	uikitBanner = device.Presentation{Context: device.ContextBanner, Style: device.StyleBanner, App: "com.pushsim.demo",
		Body: "Lunch poll: pizza today?", Buttons: []device.Button{{ID: "OK", Title: "OK"}, {ID: "NOK", Title: "NOK"}}}
	uikitAlert = device.Presentation{Context: device.ContextAlert, Style: device.StyleAlert, App: "com.pushsim.demo",
		Body: "Card ending 4242 was charged $90 at ACME. Was it you?", Buttons: []device.Button{
			{ID: "IT_WAS_ME", Title: "It was me"},
			{ID: "REPORT_FRAUD", Title: "Report fraud", Destructive: true, AuthRequired: true},
			{ID: device.ButtonDismiss, Title: "Close", System: true}}}
	lockScreen = device.Presentation{Context: device.ContextLockScreen, Style: device.StyleLockScreen, App: "com.pushsim.demo",
		Badge: &one, Sound: "default", Slider: "slide to pay", Title: "Bank", Body: "Your bill of $40 is due Friday.", Buttons: []device.Button{
			{ID: "PAY_NOW", Title: "Pay now", Foreground: true, AuthRequired: true}, {ID: "REMIND_LATER", Title: "Remind me later"}}}
	expanded = device.Presentation{Context: device.ContextExpanded, Style: device.StyleExpanded, App: "com.pushsim.demo",
		Title: "Anna", Subtitle: "Chat", Body: "See you at 8?", Buttons: []device.Button{
			{ID: "REPLY", Title: "Reply", TextInput: true, TextInputButtonTitle: "Send"}, {ID: "MARK_READ", Title: "Mark as read"}}}
	nothing    = device.Presentation{Context: device.ContextBanner, Style: device.StyleNone, Notes: []string{"notifications denied: nothing shown (apns.md#V52)"}}
	foreground = device.Presentation{Context: device.ContextForeground, Style: device.StyleForegroundSilent}
)

func TestDrawGolden(t *testing.T) {
	st := screen.NewStyles(true)
	tests := []struct {
		name string
		p    device.Presentation
		o    screen.Options
	}{
		{"legacy_alert", legacyAlert, screen.Options{Width: 30, Label: "alert", Selected: -1}},
		{"uikit_banner", uikitBanner, screen.Options{Width: 30, Label: "banner", Selected: 1}},
		{"uikit_alert_stacked", uikitAlert, screen.Options{Width: 30, Selected: -1}},
		{"lock_screen", lockScreen, screen.Options{Width: 40, Label: "lock-screen", Selected: -1}},
		{"expanded", expanded, screen.Options{Width: 30, Label: "expanded", Selected: -1}},
		{"nothing_with_notes", nothing, screen.Options{Width: 30, Notes: true, Selected: -1}},
		{"foreground", foreground, screen.Options{Width: 30, Selected: -1}},
		{"too_narrow", uikitBanner, screen.Options{Width: 3, Selected: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := screen.Draw(tt.p, tt.o, &st)
			golden.RequireEqual(t, ansi.Strip(f.View))
		})
	}
}

// TestTargetsAreWhereTheLabelsAre checks every button target against the
// drawn text: the label must start at the target's cell.
func TestTargetsAreWhereTheLabelsAre(t *testing.T) {
	st := screen.NewStyles(false)
	for _, p := range []device.Presentation{legacyAlert, uikitBanner, uikitAlert, lockScreen, expanded} {
		f := screen.Draw(p, screen.Options{Width: 34, Label: "x", Selected: -1}, &st)
		lines := strings.Split(ansi.Strip(f.View), "\n")
		var got, want []string
		for i, b := range p.Buttons {
			want = append(want, screen.ButtonLabel(i, b))
		}
		for _, tg := range f.Targets {
			if tg.ID == screen.ActionDefault {
				continue
			}
			got = append(got, ansi.Cut(lines[tg.Row], tg.Col, tg.Col+tg.Width))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: labels at targets (-want +got):\n%s", p.Context, diff)
		}
	}
}

func TestHit(t *testing.T) {
	st := screen.NewStyles(true)
	f := screen.Draw(legacyAlert, screen.Options{Width: 30, Selected: -1}, &st)
	tests := []struct {
		row, col int
		want     string
	}{
		{row: 1, col: 5, want: screen.ActionDefault},
		{row: 4, col: 6, want: device.ButtonClose},
		{row: 4, col: 18, want: device.ButtonView},
		{row: 4, col: 1, want: ""},
		{row: 0, col: 0, want: ""},
	}
	for _, tt := range tests {
		tg, _ := f.Hit(tt.row, tt.col)
		if tg.ID != tt.want {
			t.Errorf("Hit(%d,%d) = %q, want %q\n%s", tt.row, tt.col, tg.ID, tt.want, ansi.Strip(f.View))
		}
	}
}

func TestButtonLabel(t *testing.T) {
	tests := []struct {
		b    device.Button
		want string
	}{
		{device.Button{Title: "OK"}, "[1 OK]"},
		{device.Button{Title: "Report fraud", Destructive: true, AuthRequired: true}, "[1 Report fraud !#]"},
		{device.Button{Title: "Pay now", Foreground: true}, "[1 Pay now >]"},
		{device.Button{Title: "View", Foreground: true, System: true}, "[1 View]"},
		{device.Button{Title: "Reply", TextInput: true}, "[1 Reply ...]"},
	}
	for _, tt := range tests {
		if got := screen.ButtonLabel(0, tt.b); got != tt.want {
			t.Errorf("ButtonLabel(%+v) = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestMatrixGolden(t *testing.T) {
	st := screen.NewStyles(true)
	cols := []screen.Column{
		{Device: "ios7", Model: "iPhone 4S", Version: device.MustVersion("7.1"), Presentations: []device.Presentation{legacyAlert}},
		{Device: "ios8", Model: "iPhone 6", Version: device.MustVersion("8.4"), Presentations: []device.Presentation{uikitBanner, uikitAlert},
			Findings: []string{"warning legacy-text-needs-buttons: text mentions buttons"}},
		{Device: "ios17", Model: "iPhone 15", Version: device.MustVersion("17.6"), Presentations: []device.Presentation{expanded}},
	}
	for _, width := range []int{100, 60} {
		t.Run(strings.Repeat("w", 1)+itoa(width), func(t *testing.T) {
			golden.RequireEqual(t, ansi.Strip(screen.Matrix(cols, screen.MatrixOptions{Width: width}, &st)))
		})
	}
}

func TestMatrixLayout(t *testing.T) {
	tests := []struct {
		width, cols, colWidth int
		perRow, w             int
	}{
		{120, 9, 0, 4, 29},
		{80, 9, 0, 2, 39},
		{100, 2, 0, 2, 40},
		{10, 3, 0, 1, screen.MinWidth},
		{120, 9, 30, 3, 30},
	}
	for _, tt := range tests {
		perRow, w := screen.MatrixLayout(tt.width, tt.cols, tt.colWidth)
		if perRow != tt.perRow || w != tt.w {
			t.Errorf("MatrixLayout(%d,%d,%d) = %d,%d want %d,%d", tt.width, tt.cols, tt.colWidth, perRow, w, tt.perRow, tt.w)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func BenchmarkDraw(b *testing.B) {
	st := screen.NewStyles(true)
	for b.Loop() {
		screen.Draw(uikitAlert, screen.Options{Width: 30, Selected: -1}, &st)
	}
}

// TestMatrixHead: a column's heading names the device, its model when the
// fleet file gives one (a fleet file may omit it), and the iOS version.
func TestMatrixHead(t *testing.T) {
	st := screen.NewStyles(true)
	tests := []struct {
		name  string
		model string
		want  string
	}{
		{"with model", "iPhone 15", "support · iPhone 15 · iOS 17.6"},
		{"without model", "", "support · iOS 17.6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols := []screen.Column{{Device: "support", Model: tt.model, Version: device.MustVersion("17.6")}}
			out := ansi.Strip(screen.Matrix(cols, screen.MatrixOptions{Width: 60}, &st))
			head, _, _ := strings.Cut(out, "\n")
			if diff := cmp.Diff(tt.want, strings.TrimRight(head, " ")); diff != "" {
				t.Errorf("heading (-want +got):\n%s", diff)
			}
		})
	}
}
