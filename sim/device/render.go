package device

import (
	"fmt"
	"slices"
	"strings"
)

// Render is what device d shows for notification n to app a in context
// ctx. It is pure: no clock, no I/O, no mutation, so the TUI, the matrix and
// the scenarios all show exactly the same thing. Every version rule comes
// from the capability table (CapabilitiesOf); Notes explain the outcome.
func Render(d *Device, a *App, n Notification, ctx Context) Presentation {
	p := Presentation{Context: ctx, Style: StyleNone, Buttons: []Button{}}
	if d == nil || a == nil {
		p.Notes = append(p.Notes, "no device or no app: nothing to render")
		return p
	}
	p.App = a.BundleID
	caps := defaultTable.row(d.Version)
	rule, ok := caps.Rule(ctx)
	if !ok {
		p.Notes = append(p.Notes, fmt.Sprintf("iOS %s has no %s context (apns.md#%s)", d.Version, ctx, caps.Row))
		return p
	}
	if row, ok := hiddenPushType(n.PushType); ok {
		p.Notes = append(p.Notes, fmt.Sprintf("push type %s is not a user notification: nothing shown (apns.md#%s)", n.PushType, row))
		return p
	}
	aps := &n.Payload.Aps
	p.Callback = arrivalCallback(caps, a, aps, ctx)
	if !HasText(caps, aps.Alert) && aps.Badge == nil && aps.Sound == "" {
		renderSilent(&p, caps, a, aps)
		return p
	}
	if !allowed(&p, caps, d, a) {
		return p
	}
	p.Badge, p.Sound = aps.Badge, aps.Sound
	if ctx == ContextForeground && !foregroundShows(&p, caps, a, &rule) {
		return p
	}
	if !HasText(caps, aps.Alert) {
		// apns.md#U23 (pre-8) and P07/P08 (all): badge and sound, no UI.
		p.Notes = append(p.Notes, "no alert text: badge and sound only, nothing drawn (apns.md#U23, P07, P08)")
		return p
	}
	if !quietRules(&p, caps, d, a, aps, ctx) {
		return p
	}
	if rule.AfterOptions && !hasActions(caps, a, aps) {
		// No actions, so the first alert has no Options button and there
		// is no second step (apns.md#U42).
		p.Notes = append(p.Notes, "no Options step: this alert has no actions (apns.md#V32, U42)")
		p.Badge, p.Sound = nil, ""
		return p
	}
	p.Style = rule.Style
	renderText(&p, caps, a, aps)
	if caps.ThreadGrouping && aps.ThreadID != "" && (ctx == ContextNotificationCenter || ctx == ContextLockScreen) {
		p.Thread = aps.ThreadID // apns.md#V48, P09
	}
	extensionNotes(&p, caps, a, &n)
	p.Attachments = slices.Clone(n.Attachments) // apns.md#V62
	hidePreview(&p, caps, d, a, aps)
	if rule.Slider {
		p.Slider = slider(a, aps.Alert)
	}
	renderButtons(&p, d, caps, a, aps, rule)
	return p
}

// RenderAll renders n in every context of d's version, in the table's
// stable order (ContextsOf).
func RenderAll(d *Device, a *App, n Notification) []Presentation {
	if d == nil {
		return nil
	}
	caps := defaultTable.row(d.Version)
	out := make([]Presentation, 0, len(caps.Rules))
	for _, r := range caps.Rules {
		out = append(out, Render(d, a, n, r.Context))
	}
	return out
}

// ArrivalContext is the context a notification first appears in on d for
// a: the foreground delivery when the app is active, the lock screen when
// the device is locked, Notification Center for provisional delivery,
// else the user's alert style for the app (apns.md#V05, V22, V24, V45,
// V48).
func ArrivalContext(d *Device, a *App) Context {
	if d == nil || a == nil {
		return ContextBanner
	}
	caps := defaultTable.row(d.Version)
	has := func(c Context) bool { return hasContext(caps, c) }
	switch {
	case a.State == AppForeground:
		return ContextForeground
	case a.Permission == PermissionProvisional && caps.Provisional:
		// Quiet delivery goes to Notification Center only, locked or not
		// (apns.md#V48).
		return ContextNotificationCenter
	case d.Locked:
		return ContextLockScreen
	case a.AlertStyle == StyleNone && has(ContextNotificationCenter):
		return ContextNotificationCenter
	case a.AlertStyle == StyleAlert && has(ContextAlert):
		return ContextAlert
	case has(ContextBanner):
		return ContextBanner
	}
	return ContextAlert // iOS 3–4 have only the modal alert (apns.md#V03)
}

// BadgeBlocked says why aps.badge would not change the icon of app a on
// device d in its current state, or "" when it would (apns.md#P07, U43):
// the app must be allowed to badge, provisional delivery is quiet, and a
// foreground app badges only through willPresent's .badge (iOS 10+) or
// its own code (before 10).
func BadgeBlocked(d *Device, a *App) string {
	if d == nil || a == nil {
		return "no device or no app"
	}
	caps := defaultTable.row(d.Version)
	switch {
	case a.Permission == PermissionDenied:
		return "notifications are denied (apns.md#U43, V52)"
	case a.Permission == PermissionNotDetermined && caps.AskPermission:
		return "the app never obtained permission to badge (apns.md#U43, V40)"
	case a.Permission == PermissionProvisional:
		return "provisional delivery is quiet: no badge (apns.md#U43, V48)"
	case a.State == AppForeground && !caps.ForegroundUI:
		return "app in the foreground before iOS 10: the system leaves the badge to the app's own code (apns.md#U43, V24)"
	case a.State == AppForeground && a.ChatOpen:
		return "chat open: the app's willPresent returns no options (apns.md#U43, U44)"
	case a.State == AppForeground && !slices.Contains(foregroundOptions(a), PresentBadge):
		return "app in the foreground and its willPresent does not return .badge (apns.md#U43, V45)"
	}
	return ""
}

// hasActions reports whether the version draws custom actions for the
// notification: its category is registered and has some.
func hasActions(caps *Capabilities, a *App, aps *Aps) bool {
	cat := a.Category(aps.Category)
	return caps.Actions && cat != nil && len(cat.Actions) > 0
}

// hiddenPushType reports the push types whose payload never becomes a
// notification on screen, with the row that defines each: they go to
// PushKit, Core Location, ActivityKit, WidgetKit and the like.
func hiddenPushType(pushType string) (row string, hidden bool) {
	switch pushType {
	case "location":
		return "H05", true
	case "voip":
		return "H06", true
	case "complication":
		return "H07", true
	case "fileprovider":
		return "H08", true
	case "mdm":
		return "H09", true
	case "liveactivity":
		return "H10", true
	case "pushtotalk":
		return "H11", true
	case "widgets":
		return "H12", true
	case "controls":
		return "H13", true
	}
	return "", false
}

// hasContext reports whether the version has context ctx.
func hasContext(caps *Capabilities, ctx Context) bool {
	_, ok := caps.Rule(ctx)
	return ok
}

// HasText reports whether the alert has anything the version can draw.
func HasText(caps *Capabilities, al *Alert) bool {
	if al == nil {
		return false
	}
	if al.Body != "" || al.LocKey != "" {
		return true
	}
	if caps.Title && (al.Title != "" || al.TitleLocKey != "") {
		return true
	}
	return caps.Subtitle && (al.Subtitle != "" || al.SubtitleLocKey != "")
}

// arrivalCallback is the delegate method run when n arrives in ctx.
func arrivalCallback(caps *Capabilities, a *App, aps *Aps, ctx Context) Callback {
	switch {
	case ctx == ContextForeground && caps.UserNotifications && (HasText(caps, aps.Alert) || aps.Badge != nil || aps.Sound != ""):
		// Any notification with something to present goes through
		// willPresent, whose options include .sound and .badge
		// (apns.md#V45); only content-available alone does not.
		return CallbackWillPresent
	case ctx == ContextForeground && caps.BackgroundPush:
		return CallbackFetch // apns.md#V24, C05
	case ctx == ContextForeground:
		return CallbackDidReceiveRemote // apns.md#V24
	case aps.ContentAvailable == 1 && caps.BackgroundPush && a.State != AppForeground:
		return CallbackFetch // apns.md#P11, C05
	}
	return ""
}

// renderSilent handles a push with nothing to draw or play.
func renderSilent(p *Presentation, caps *Capabilities, a *App, aps *Aps) {
	running := a.State == AppForeground || p.Context == ContextForeground
	switch {
	case aps.ContentAvailable == 1 && !caps.BackgroundPush:
		p.Callback = ""
		p.Notes = append(p.Notes, fmt.Sprintf("content-available is ignored before iOS 7: the app is not woken (apns.md#P11, %s)", caps.Row))
	case aps.ContentAvailable == 1 && running:
		p.Notes = append(p.Notes, "silent push: nothing shown; the running app gets it at once (apns.md#P11, C05)")
	case aps.ContentAvailable == 1 && a.State == AppNotRunning:
		p.Notes = append(p.Notes, "silent push: nothing shown; the app is launched in the background for up to 30 s, unless the user force-quit it (apns.md#P11, C05)")
	case aps.ContentAvailable == 1:
		p.Notes = append(p.Notes, "silent push: nothing shown; the suspended app is woken in the background for up to 30 s (apns.md#P11, C05)")
	case aps.Alert != nil:
		p.Notes = append(p.Notes, "alert has no text this version can draw: nothing shown (apns.md#P06)")
	default:
		p.Notes = append(p.Notes, "no alert, badge, sound or content-available: nothing shown (apns.md#P05)")
	}
}

// allowed applies the app's authorization (apns.md#V40, V48, V52).
// Before iOS 8 the token registration itself was the prompt, so an app
// that never asked separately still shows its alerts (apns.md#V08), as
// the delivery path says.
func allowed(p *Presentation, caps *Capabilities, d *Device, a *App) bool {
	switch {
	case a.Permission == PermissionDenied:
		p.Notes = append(p.Notes, "notifications denied by the user: nothing shown (apns.md#V52)")
		return false
	case a.Permission == PermissionNotDetermined && defaultTable.row(d.Version).AskPermission:
		p.Notes = append(p.Notes, "the app never obtained permission: nothing shown (apns.md#V40, V52)")
		return false
	case a.Permission == PermissionProvisional && !caps.Provisional:
		p.Notes = append(p.Notes, "provisional authorization arrives with iOS 12: nothing shown (apns.md#V48)")
		return false
	}
	return true
}

// foregroundShows applies the foreground rules: no UI, sound or badge
// before iOS 10 (apns.md#V24); from 10 what willPresent returns
// (apns.md#V45). It may change the style of rule. It reports whether
// anything is drawn.
func foregroundShows(p *Presentation, caps *Capabilities, a *App, rule *ContextRule) bool {
	silent := func(note string) bool {
		p.Style = StyleForegroundSilent
		p.Notes = append(p.Notes, note)
		return false
	}
	if !caps.ForegroundUI {
		p.Badge, p.Sound = nil, ""
		return silent("app in foreground: no alert, banner or sound before iOS 10; the app gets the payload (apns.md#V24)")
	}
	if a.ChatOpen {
		// Seed 002 (ASAPP): the app's own willPresent returns no options
		// while its chat is on screen, so the message is not shown twice.
		// The app decides; the system still calls it (apns.md#U44).
		p.Badge, p.Sound = nil, ""
		return silent("chat open: the app's willPresent returns no options, nothing shown (the app's decision, apns.md#U44, V45)")
	}
	opts := foregroundOptions(a)
	if !slices.Contains(opts, PresentSound) {
		p.Sound = ""
	}
	if !slices.Contains(opts, PresentBadge) {
		p.Badge = nil
	}
	banner := slices.Contains(opts, PresentAlert) || (caps.ForegroundBannerList && slices.Contains(opts, PresentBanner))
	list := caps.ForegroundBannerList && slices.Contains(opts, PresentList)
	switch {
	case banner:
		rule.Style = StyleBanner
		return true
	case list:
		rule.Style = StyleNotificationCenter
		p.Notes = append(p.Notes, "willPresent returned .list: added to Notification Center without a banner (apns.md#V45)")
		return true
	}
	outcome := "nothing shown"
	if p.Sound != "" || p.Badge != nil {
		outcome = "only sound / badge"
	}
	if slices.Contains(opts, PresentBanner) || slices.Contains(opts, PresentList) {
		return silent("willPresent options .banner/.list arrive with iOS 14: " + outcome + " (apns.md#V45, V14)")
	}
	return silent("app in foreground and willPresent returns no banner: " + outcome + " (apns.md#V45)")
}

// quietRules applies provisional delivery, interruption levels and the
// Focus, which keep a notification out of some contexts. It reports
// whether ctx still shows it.
func quietRules(p *Presentation, caps *Capabilities, d *Device, a *App, aps *Aps, ctx Context) bool {
	if a.Permission == PermissionProvisional {
		// Quiet delivery: no sound and no badge anywhere (apns.md#V48, U43).
		p.Sound, p.Badge = "", nil
		if ctx != ContextNotificationCenter && ctx != ContextExpanded {
			p.Notes = append(p.Notes, "provisional: delivered quietly to Notification Center only (apns.md#V48)")
			return false
		}
		p.Notes = append(p.Notes, "provisional: quiet delivery, no sound, with Keep / Turn Off (apns.md#V48)")
	}
	level, downgrade := EffectiveLevel(caps, a, aps)
	if level == "" {
		return true
	}
	if downgrade != "" {
		p.Notes = append(p.Notes, downgrade)
	}
	intrusive := ctx == ContextBanner || ctx == ContextForeground || ctx == ContextAlert
	switch level {
	case LevelPassive:
		p.Sound = ""
		if intrusive {
			p.Notes = append(p.Notes, "interruption-level passive: no banner, no sound, no wake (apns.md#V49)")
			return false
		}
		p.Notes = append(p.Notes, "interruption-level passive: listed silently (apns.md#V49)")
	case LevelTimeSensitive:
		p.Label = "TIME SENSITIVE"
		p.Notes = append(p.Notes, "interruption-level time-sensitive: drawn with the TIME SENSITIVE label; breaks through Focus and the summary (apns.md#V67)")
	case LevelCritical:
		p.Notes = append(p.Notes, "interruption-level critical: breaks through Focus and the mute switch (apns.md#V67, V68)")
	}
	if focus := FocusSilences(caps, d, a, level); focus != "" {
		p.Sound = ""
		if intrusive {
			p.Notes = append(p.Notes, fmt.Sprintf("silenced by %s: no banner, no sound; listed in Notification Center (apns.md#V68)", focus))
			return false
		}
		p.Notes = append(p.Notes, fmt.Sprintf("silenced by %s: listed quietly (apns.md#V68)", focus))
	} else if d.Focus != nil && caps.Focus && (level == LevelTimeSensitive || level == LevelCritical) {
		p.Notes = append(p.Notes, fmt.Sprintf("%s: breaks through %s (apns.md#V68)", level, FocusName(d.Focus)))
	}
	return true
}

// renderText fills title, subtitle and body after localisation.
func renderText(p *Presentation, caps *Capabilities, a *App, aps *Aps) {
	al := aps.Alert
	p.Body = localizeField(a, al.Body, al.LocKey, al.LocArgs, &p.Notes)
	hasTitle := al.Title != "" || al.TitleLocKey != ""
	hasSub := al.Subtitle != "" || al.SubtitleLocKey != ""
	if caps.Title {
		p.Title = localizeField(a, al.Title, al.TitleLocKey, al.TitleLocArgs, &p.Notes)
	} else if hasTitle {
		p.Notes = append(p.Notes, "title not drawn on the phone before iOS 10 (a paired Apple Watch shows it from iOS 8.2) (apns.md#P06)")
	}
	if caps.Subtitle {
		p.Subtitle = localizeField(a, al.Subtitle, al.SubtitleLocKey, al.SubtitleLocArgs, &p.Notes)
	} else if hasSub {
		p.Notes = append(p.Notes, "subtitle not drawn before iOS 10 (apns.md#P06)")
	}
	if aps.CriticalSound && caps.CriticalAlerts {
		p.Notes = append(p.Notes, "critical sound: plays through mute with Apple's entitlement (apns.md#P08)")
	}
}

// slider is the pre-iOS-10 lock-screen slider text (apns.md#V23; before
// iOS 5 and for a null action-loc-key, U81).
func slider(a *App, al *Alert) string {
	switch {
	case al.ActionLocKeyNull:
		// No View action exists; the slider only unlocks (apns.md#U81).
		return "slide to unlock"
	case al.ActionLocKey != "":
		return "slide to " + strings.ToLower(localize(a.Strings, "", al.ActionLocKey, nil))
	}
	return "slide to view"
}

// legacyButtons are the modal alert's system buttons (apns.md#V20).
func legacyButtons(a *App, al *Alert) []Button {
	if al.ActionLocKeyNull {
		return []Button{{ID: ButtonOK, Title: "OK", System: true}}
	}
	view := "View"
	if al.ActionLocKey != "" {
		view = localize(a.Strings, "", al.ActionLocKey, nil)
	}
	return []Button{
		{ID: ButtonClose, Title: "Close", System: true},
		{ID: ButtonView, Title: view, Foreground: true, System: true},
	}
}

// foregroundOptions is what the app's willPresent returns while it is in
// the foreground (apns.md#V45): App.ForegroundPresentation, or for an app
// that only set handler.will_present, "banner" → banner, sound and badge.
// Nothing set means none, as for an app with no delegate.
func foregroundOptions(a *App) []string {
	if len(a.ForegroundPresentation) > 0 {
		return a.ForegroundPresentation
	}
	if a.Handler.WillPresent == WillPresentBanner {
		return []string{PresentAlert, PresentBanner, PresentSound, PresentBadge}
	}
	return nil
}

// ShownActions is the app's action ids that any of the devices shows for
// the payload under topic, in the order first shown (the system's own
// buttons left out); none when the payload does not parse, since no
// device would show it.
func ShownActions(devices []*Device, topic string, body []byte) []string {
	payload, err := ParsePayload(body)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var order []string
	for _, d := range devices {
		app := d.App(topic)
		if app == nil {
			continue
		}
		n := Notification{Topic: topic, Payload: payload}
		for _, p := range RenderAll(d, app, n) {
			for _, b := range p.Buttons {
				if b.System || seen[b.ID] {
					continue
				}
				seen[b.ID] = true
				order = append(order, b.ID)
			}
		}
	}
	return order
}
