package sim

import (
	"fmt"
	"strings"
)

// Render is what device d shows for notification n to app a in context
// ctx. It is pure: no clock, no I/O, no mutation, so the TUI, the matrix and
// the scenarios all show exactly the same thing.
func Render(d *Device, a *App, n Notification, ctx Context) Presentation {
	caps := CapabilitiesOf(d.Version)
	p := Presentation{Context: ctx, Style: StyleNone, App: a.BundleID, Buttons: []Button{}}
	aps := n.Payload.Aps
	if aps.Alert == nil {
		if aps.ContentAvailable == 1 {
			p.Notes = append(p.Notes, "silent push: delivered to the app, nothing shown (apns.md#P11)")
		}
		return p
	}
	if a.Permission == PermissionDenied {
		p.Notes = append(p.Notes, "notifications denied: nothing shown (apns.md#V52)")
		return p
	}
	if !hasContext(caps, ctx) {
		p.Notes = append(p.Notes, fmt.Sprintf("iOS %s has no %s context (apns.md#%s)", d.Version, ctx, caps.Row))
		return p
	}
	if ctx == ContextForeground && !caps.ForegroundUI {
		p.Style = StyleForegroundSilent
		p.Notes = append(p.Notes, "app in foreground: no system UI before iOS 10 (apns.md#V24)")
		return p
	}
	p.Style = contextStyle[ctx]
	p.Body = localize(a.Strings, aps.Alert.Body, aps.Alert.LocKey, aps.Alert.LocArgs)
	if caps.Title {
		p.Title = localize(a.Strings, aps.Alert.Title, aps.Alert.TitleLocKey, aps.Alert.TitleLocArgs)
	}
	if caps.Subtitle {
		p.Subtitle = aps.Alert.Subtitle
	}
	p.Badge, p.Sound = aps.Badge, aps.Sound
	if !caps.Actions {
		if ctx == ContextAlert {
			p.Buttons = legacyButtons(a, aps.Alert)
		}
		if aps.Category != "" {
			p.Notes = append(p.Notes, fmt.Sprintf("category %q ignored before iOS 8 (apns.md#V21)", aps.Category))
		}
		return p
	}
	cat := a.Category(aps.Category)
	if aps.Category != "" && cat == nil {
		p.Notes = append(p.Notes, fmt.Sprintf("category %q not registered by %s: no actions (apns.md#V36)", aps.Category, a.BundleID))
	}
	if cat != nil {
		actions := cat.Actions
		if !caps.UserNotifications && ctx != ContextAlert && len(cat.MinimalActions) > 0 {
			actions = cat.MinimalActions
		}
		limit := caps.MaxActions[ctx]
		if len(actions) > limit {
			p.Notes = append(p.Notes, fmt.Sprintf("%d of %d actions fit in the %s context (apns.md#V31, U15)", limit, len(actions), ctx))
			actions = actions[:limit]
		}
		for _, act := range actions {
			if act.TextInput && !caps.TextInput {
				continue
			}
			p.Buttons = append(p.Buttons, Button{
				ID: act.ID, Title: act.Title, Destructive: act.Destructive, Foreground: act.Foreground,
				AuthRequired: act.AuthenticationRequired, TextInput: act.TextInput,
				TextInputButtonTitle: act.TextInputButtonTitle, TextInputPlaceholder: act.TextInputPlaceholder,
			})
		}
	}
	return p
}

var contextStyle = map[Context]Style{
	ContextLockScreen:         StyleLockScreen,
	ContextBanner:             StyleBanner,
	ContextAlert:              StyleAlert,
	ContextNotificationCenter: StyleNotificationCenter,
	ContextExpanded:           StyleExpanded,
	ContextForeground:         StyleBanner,
}

func hasContext(caps Capabilities, ctx Context) bool {
	for _, c := range caps.Contexts {
		if c == ctx {
			return true
		}
	}
	return false
}

// legacyButtons are the pre-iOS-8 modal alert's buttons (apns.md#V20).
func legacyButtons(a *App, alert *Alert) []Button {
	if alert.ActionLocKeyNull {
		return []Button{{ID: ButtonOK, Title: "OK", System: true}}
	}
	view := "View"
	if alert.ActionLocKey != "" {
		view = localize(a.Strings, "", alert.ActionLocKey, nil)
	}
	return []Button{
		{ID: ButtonClose, Title: "Close", System: true},
		{ID: ButtonView, Title: view, Foreground: true, System: true},
	}
}

// localize returns text, or the app's string for key with args substituted
// for %@ and %n$@ (apns.md#P06). A key missing from the table is shown as
// the key itself, as iOS does.
func localize(strs map[string]string, text, key string, args []string) string {
	if key == "" {
		return text
	}
	format, ok := strs[key]
	if !ok {
		format = key
	}
	next := 0
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			b.WriteByte(format[i])
			continue
		}
		if format[i+1] == '@' {
			if next < len(args) {
				b.WriteString(args[next])
			}
			next++
			i++
			continue
		}
		j := i + 1
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			j++
		}
		if j > i+1 && j+1 < len(format) && format[j] == '$' && format[j+1] == '@' {
			var n int
			fmt.Sscanf(format[i+1:j], "%d", &n)
			if n >= 1 && n <= len(args) {
				b.WriteString(args[n-1])
			}
			i = j + 1
			continue
		}
		b.WriteByte(format[i])
	}
	return b.String()
}
