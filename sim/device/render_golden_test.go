package device

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pushsim/pushsim/fakeapns"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// loadNotification reads a payload from testdata/payloads.
func loadNotification(t testing.TB, name string) Notification {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "payloads", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePayload(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return Notification{ApnsID: "00000000-0000-0000-0000-000000000001", Topic: DefaultBundleID, Priority: 10, Payload: p}
}

// TestRenderGolden renders every payload of testdata/payloads on every
// device of the default fleet in every context, and compares with
// testdata/golden/<payload>.txt: one line per device and context
// (goldenLine), each followed by its notes, so that a reviewer can read
// every line against apns.md (go test -run Golden -update rewrites).
func TestRenderGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "payloads", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no payloads: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			n := loadNotification(t, name+".json")
			var b strings.Builder
			for _, d := range DefaultFleet() {
				lock := ""
				if d.Locked {
					lock = ", locked"
				}
				fmt.Fprintf(&b, "%s (iOS %s%s)\n", d.Name, d.Version, lock)
				for _, p := range RenderAll(d, d.App(DefaultBundleID), n) {
					fmt.Fprintf(&b, "  %-20s %s\n", string(p.Context)+":", goldenLine(p))
					for _, note := range p.Notes {
						b.WriteString("      · " + note + "\n")
					}
				}
			}
			compareGolden(t, filepath.Join("testdata", "golden", name+".txt"), b.String())
		})
	}
}

// goldenLine is p.Line plus what Line leaves out and a review needs: the
// gesture that reveals hidden actions, the thread, the callback the app
// gets, and per button its id when it differs from the title, its icon
// and its text-input button title and placeholder.
func goldenLine(p Presentation) string {
	s := p.Line()
	var extra []string
	if p.Gesture != "" {
		extra = append(extra, "gesture="+strconv.Quote(p.Gesture))
	}
	if p.Thread != "" {
		extra = append(extra, "thread="+p.Thread)
	}
	if p.Callback != "" {
		extra = append(extra, "callback="+string(p.Callback))
	}
	for _, b := range p.Buttons {
		var bx []string
		if b.ID != strings.ToLower(b.Title) {
			bx = append(bx, "id="+b.ID)
		}
		if b.Icon != "" {
			bx = append(bx, "icon="+b.Icon)
		}
		if b.TextInputButtonTitle != "" {
			bx = append(bx, "send="+strconv.Quote(b.TextInputButtonTitle))
		}
		if b.TextInputPlaceholder != "" {
			bx = append(bx, "placeholder="+strconv.Quote(b.TextInputPlaceholder))
		}
		if len(bx) > 0 {
			extra = append(extra, b.Title+"{"+strings.Join(bx, " ")+"}")
		}
	}
	if len(extra) > 0 {
		s += "  | " + strings.Join(extra, " ")
	}
	return s
}

// compareGolden diffs got with the golden file.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim/device -run Golden -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestRenderVariants covers app states and settings that the golden
// fleet (one background, authorized app per device) does not.
func TestRenderVariants(t *testing.T) {
	fraud := loadNotification(t, "fraud_alert.json")
	chat := loadNotification(t, "chat_reply.json")
	pay := loadNotification(t, "pay_now.json")
	type tc struct {
		name string
		ios  string
		app  func(a *App)
		n    Notification
		ctx  Context
		want Presentation
	}
	body := "Card ending 1234 was charged €912.00 at ACME Store. Was it you?"
	one := 1
	tests := []tc{
		{
			name: "10+ foreground, willPresent none", ios: "17.0", n: fraud, ctx: ContextForeground,
			app: func(a *App) { a.State = AppForeground },
			want: Presentation{Context: ContextForeground, Style: StyleForegroundSilent, App: DefaultBundleID, Buttons: []Button{},
				Callback: CallbackWillPresent,
				Notes:    []string{"app in foreground and willPresent returns no banner: nothing shown (apns.md#V45)"}},
		},
		{
			name: "14+ foreground banner and sound", ios: "15.0", n: fraud, ctx: ContextForeground,
			app: func(a *App) {
				a.State = AppForeground
				a.ForegroundPresentation = []string{PresentBanner, PresentSound}
			},
			want: Presentation{Context: ContextForeground, Style: StyleBanner, App: DefaultBundleID, Buttons: []Button{},
				Title: "Suspicious payment", Body: body, Sound: "default", Callback: CallbackWillPresent, Label: "TIME SENSITIVE",
				Notes: []string{
					"interruption-level time-sensitive: drawn with the TIME SENSITIVE label; breaks through Focus and the summary (apns.md#V67)",
					"2 actions hidden until the notification is expanded (long-press) (apns.md#U15, V47)",
				}},
		},
		{
			// apns.md#V32, U42: the alert's first step is Close, Options.
			name: "8 alert style: Close and Options first", ios: "8.4", n: fraud, ctx: ContextAlert,
			want: Presentation{Context: ContextAlert, Style: StyleAlert, App: DefaultBundleID, Body: body, Badge: &one, Sound: "default",
				Buttons: []Button{{ID: ButtonClose, Title: "Close", System: true}, {ID: ButtonOptions, Title: "Options", System: true}},
				Notes: []string{
					"title not drawn on the phone before iOS 10 (a paired Apple Watch shows it from iOS 8.2) (apns.md#P06)",
					"2 actions behind Options: a second alert shows them (context alert-options) (apns.md#V32, U42)",
				}},
		},
		{
			name: "8 alert style: the second step has the actions", ios: "8.4", n: fraud, ctx: ContextAlertOptions,
			want: Presentation{Context: ContextAlertOptions, Style: StyleAlert, App: DefaultBundleID, Body: body, Badge: &one, Sound: "default",
				Buttons: []Button{{ID: "IT_WAS_ME", Title: "It was me"},
					{ID: "REPORT_FRAUD", Title: "Report fraud", Destructive: true, AuthRequired: true},
					{ID: ButtonClose, Title: "Close", System: true}},
				Notes: []string{"title not drawn on the phone before iOS 10 (a paired Apple Watch shows it from iOS 8.2) (apns.md#P06)"}},
		},
		{
			name: "9 alert without a category has no second step", ios: "9.3", n: func() Notification {
				p, _ := ParsePayload([]byte(`{"aps":{"alert":"hi"}}`))
				return Notification{Payload: p}
			}(), ctx: ContextAlertOptions,
			want: Presentation{Context: ContextAlertOptions, Style: StyleNone, App: DefaultBundleID, Buttons: []Button{},
				Notes: []string{"no Options step: this alert has no actions (apns.md#V32, U42)"}},
		},
		{
			name: "13 foreground .banner is unknown", ios: "13.0", n: fraud, ctx: ContextForeground,
			app: func(a *App) {
				a.State = AppForeground
				a.ForegroundPresentation = []string{PresentBanner}
			},
			want: Presentation{Context: ContextForeground, Style: StyleForegroundSilent, App: DefaultBundleID, Buttons: []Button{},
				Callback: CallbackWillPresent,
				Notes:    []string{"willPresent options .banner/.list arrive with iOS 14: nothing shown (apns.md#V45, V14)"}},
		},
		{
			name: "10+ foreground, willPresent badge only", ios: "16.0", n: fraud, ctx: ContextForeground,
			app: func(a *App) {
				a.State = AppForeground
				a.ForegroundPresentation = []string{PresentBadge}
			},
			want: Presentation{Context: ContextForeground, Style: StyleForegroundSilent, App: DefaultBundleID, Buttons: []Button{},
				Badge: &one, Callback: CallbackWillPresent,
				Notes: []string{"app in foreground and willPresent returns no banner: only sound / badge (apns.md#V45)"}},
		},
		{
			name: "14+ foreground list", ios: "14.0", n: fraud, ctx: ContextForeground,
			app: func(a *App) {
				a.State = AppForeground
				a.ForegroundPresentation = []string{PresentList}
			},
			want: Presentation{Context: ContextForeground, Style: StyleNotificationCenter, App: DefaultBundleID, Buttons: []Button{},
				Title: "Suspicious payment", Body: body, Callback: CallbackWillPresent,
				Notes: []string{
					"willPresent returned .list: added to Notification Center without a banner (apns.md#V45)",
					"2 actions hidden until the notification is expanded (long-press) (apns.md#U15, V47)",
				}},
		},
		{
			name: "10 foreground .alert shows a banner", ios: "10.3", n: fraud, ctx: ContextForeground,
			app: func(a *App) {
				a.State = AppForeground
				a.ForegroundPresentation = []string{PresentAlert, PresentSound, PresentBadge}
			},
			want: Presentation{Context: ContextForeground, Style: StyleBanner, App: DefaultBundleID, Buttons: []Button{},
				Title: "Suspicious payment", Body: body, Badge: &one, Sound: "default", Callback: CallbackWillPresent,
				Notes: []string{"2 actions hidden until the notification is expanded (3D Touch or pull down) (apns.md#U15, V47)"}},
		},
		{
			name: "chat open suppresses the banner", ios: "17.0", n: chat, ctx: ContextForeground,
			app: func(a *App) {
				a.State = AppForeground
				a.ChatOpen = true
				a.ForegroundPresentation = []string{PresentBanner}
			},
			want: Presentation{Context: ContextForeground, Style: StyleForegroundSilent, App: DefaultBundleID, Buttons: []Button{},
				Callback: CallbackWillPresent,
				Notes:    []string{"chat open: the app's willPresent returns no options, nothing shown (the app's decision, apns.md#U44, V45)"}},
		},
		{
			name: "denied shows nothing", ios: "12.0", n: fraud, ctx: ContextBanner,
			app: func(a *App) { a.Permission = PermissionDenied },
			want: Presentation{Context: ContextBanner, Style: StyleNone, App: DefaultBundleID, Buttons: []Button{},
				Notes: []string{"notifications denied by the user: nothing shown (apns.md#V52)"}},
		},
		{
			name: "provisional: no banner", ios: "12.0", n: fraud, ctx: ContextBanner,
			app: func(a *App) { a.Permission = PermissionProvisional },
			want: Presentation{Context: ContextBanner, Style: StyleNone, App: DefaultBundleID, Buttons: []Button{},
				Notes: []string{"provisional: delivered quietly to Notification Center only (apns.md#V48)"}},
		},
		{
			name: "provisional: Notification Center with Keep / Turn Off", ios: "12.0", n: fraud, ctx: ContextNotificationCenter,
			app: func(a *App) { a.Permission = PermissionProvisional },
			want: Presentation{Context: ContextNotificationCenter, Style: StyleNotificationCenter, App: DefaultBundleID,
				Title: "Suspicious payment", Body: body, // quiet: no badge (apns.md#U43)
				Buttons: []Button{{ID: ButtonKeep, Title: "Keep…", System: true}, {ID: ButtonTurnOff, Title: "Turn Off…", System: true}},
				Notes: []string{"provisional: quiet delivery, no sound, with Keep / Turn Off (apns.md#V48)",
					"Keep… makes delivery prominent (authorized), Turn Off… denies notifications (apns.md#U50)"}},
		},
		{
			name: "provisional before 12 is nothing", ios: "11.0", n: fraud, ctx: ContextNotificationCenter,
			app: func(a *App) { a.Permission = PermissionProvisional },
			want: Presentation{Context: ContextNotificationCenter, Style: StyleNone, App: DefaultBundleID, Buttons: []Button{},
				Notes: []string{"provisional authorization arrives with iOS 12: nothing shown (apns.md#V48)"}},
		},
		{
			name: "9 locked lock screen: auth-required action asks passcode", ios: "9.3", n: pay, ctx: ContextLockScreen,
			app: func(a *App) {},
			want: Presentation{Context: ContextLockScreen, Style: StyleLockScreen, App: DefaultBundleID,
				Body: "Your bill of $120.50 is due on Friday.", Badge: intp(3), Slider: "slide to pay", Gesture: "swipe left",
				Buttons: []Button{
					{ID: "PAY_NOW", Title: "Pay now", Foreground: true, AuthRequired: true},
					{ID: "REMIND_LATER", Title: "Remind me later"},
				},
				Notes: []string{
					"title not drawn on the phone before iOS 10 (a paired Apple Watch shows it from iOS 8.2) (apns.md#P06)",
					"subtitle not drawn before iOS 10 (apns.md#P06)",
					"PAY_NOW: foreground action, authentication forced on (apns.md#V33)",
					"PAY_NOW: device locked, the passcode is asked first (apns.md#V33)",
				}},
		},
		{
			name: "voip push type is not drawn", ios: "17.0", n: withPushType(fraud, "voip"), ctx: ContextBanner,
			app: func(a *App) {},
			want: Presentation{Context: ContextBanner, Style: StyleNone, App: DefaultBundleID, Buttons: []Button{},
				Notes: []string{"push type voip is not a user notification: nothing shown (apns.md#H06)"}},
		},
		{
			name: "no such context", ios: "7.1", n: fraud, ctx: ContextExpanded,
			app: func(a *App) {},
			want: Presentation{Context: ContextExpanded, Style: StyleNone, App: DefaultBundleID, Buttons: []Button{},
				Notes: []string{"iOS 7.1 has no expanded context (apns.md#V07)"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := DefaultApp(fakeapns.Development, "00")
			if tt.app != nil {
				tt.app(a)
			}
			d := &Device{Name: "d", Version: MustVersion(tt.ios), Locked: strings.Contains(tt.name, "locked"), Apps: []*App{a}}
			got := Render(d, a, tt.n, tt.ctx)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
		})
	}
}

func intp(n int) *int { return &n }

func withPushType(n Notification, pushType string) Notification {
	n.PushType = pushType
	return n
}

// TestRenderIsPure renders twice and checks nothing it was given changed.
func TestRenderIsPure(t *testing.T) {
	n := loadNotification(t, "delivery_reschedule.json")
	for _, d := range DefaultFleet() {
		a := d.App(DefaultBundleID)
		before := *a
		first := RenderAll(d, a, n)
		second := RenderAll(d, a, n)
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("%s: second render differs:\n%s", d.Name, diff)
		}
		if diff := cmp.Diff(before, *a); diff != "" {
			t.Errorf("%s: app changed:\n%s", d.Name, diff)
		}
	}
}

// TestRenderNil: nil device or app is a note, not a panic.
func TestRenderNil(t *testing.T) {
	got := Render(nil, nil, Notification{}, ContextBanner)
	want := Presentation{Context: ContextBanner, Style: StyleNone, Buttons: []Button{}, Notes: []string{"no device or no app: nothing to render"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if RenderAll(nil, nil, Notification{}) != nil {
		t.Error("RenderAll(nil) should be nil")
	}
}
