package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/device"
)

// size checks the payload against APNs' limit and the era limits
// (apns.md#P03, E52).
func (l *linter) size(n int) {
	limit := device.HTTP2MaxPayload
	if l.t.PushType == "voip" {
		limit = device.VoIPMaxPayload // apns.md#H06
	}
	if n > limit {
		l.add("payload-too-large", SeverityError, "P03",
			fmt.Sprintf("payload is %d bytes, over APNs' %d-byte limit: 413 PayloadTooLarge (apns.md#E52)", n, limit),
			"shorten the text or move data behind an id the app fetches", nil)
		return
	}
	// The era limits bind only senders still on the binary API, gone
	// since 2021 (apns.md#T17); over HTTP/2 every version takes 4096.
	l.perRow("payload-too-large", SeverityWarning, "only matters for legacy binary-API senders; HTTP/2 takes 4096 bytes for every version",
		func(c *device.Capabilities) (string, string) {
			if n <= c.MaxPayload || c.MaxPayload >= device.HTTP2MaxPayload {
				return "", ""
			}
			return fmt.Sprintf("payload is %d bytes, over the %d-byte limit of the binary API in this era", n, c.MaxPayload), "P03"
		})
}

// keys checks the aps and alert keys: unknown (probably misspelt) ones and
// ones the version ignores (apns.md#P04, P06–P16).
func (l *linter) keys(p *device.Payload) {
	if !p.HasAps {
		l.add("aps-missing", SeverityWarning, "P01", `no "aps" dictionary: the device shows nothing and the app is not woken`,
			`put Apple's keys in "aps"`, nil)
		return
	}
	for _, k := range p.Aps.Keys {
		info, ok := device.LookupApsKey(k)
		if !ok {
			l.add("unknown-aps-key", SeverityWarning, "P04", fmt.Sprintf("aps.%s is not an Apple key: iOS ignores it%s", k, suggest(k, device.ApsKeyNames())),
				"fix the spelling, or move custom data outside aps", nil)
			continue
		}
		l.since("aps."+k, info)
	}
	if a := p.Aps.Alert; a != nil {
		for _, k := range a.Keys {
			info, ok := device.LookupAlertKey(k)
			if !ok {
				l.add("unknown-aps-key", SeverityWarning, "P06", fmt.Sprintf("aps.alert.%s is not an Apple key: iOS ignores it%s", k, suggest(k, device.AlertKeyNames())),
					"fix the spelling", nil)
				continue
			}
			if k != "title" && k != "subtitle" && !strings.HasPrefix(k, "title-") && !strings.HasPrefix(k, "subtitle-") {
				l.since("aps.alert."+k, info)
			}
		}
	}
	if p.Aps.CriticalSound {
		l.add("key-unsupported", SeverityInfo, "P08", "a critical sound needs iOS 12 and Apple's entitlement; older versions play no sound",
			"", func(c *device.Capabilities) bool { return !c.CriticalAlerts })
	}
	switch p.Aps.InterruptionLevel {
	case "", "passive", "active", "time-sensitive":
	case "critical":
		l.add("critical-entitlement", SeverityInfo, "V49", "interruption-level critical bypasses mute only for apps with Apple's critical-alert entitlement",
			"request the entitlement, or use time-sensitive", func(c *device.Capabilities) bool { return c.InterruptionLevels })
	default:
		l.add("invalid-value", SeverityError, "P14", fmt.Sprintf("aps.interruption-level %q is not passive, active, time-sensitive or critical", p.Aps.InterruptionLevel),
			"use one of the four levels", func(c *device.Capabilities) bool { return c.InterruptionLevels })
	}
}

// pushType checks headers against the payload (apns.md#H02, H04, H17,
// H18, P11, P12).
func (l *linter) pushType(p *device.Payload) {
	aps := &p.Aps
	visible := aps.Alert != nil || aps.Badge != nil || aps.Sound != ""
	silent := aps.ContentAvailable == 1 && !visible
	prio := l.t.Priority
	if prio == 0 {
		prio = 10 // apns.md#H17
	}
	if prio != 10 && prio != 5 && prio != 1 {
		l.add("invalid-header", SeverityError, "H17", fmt.Sprintf("apns-priority %d: APNs answers 400 BadPriority (apns.md#E14)", prio),
			"send apns-priority 10, 5 or 1", nil)
	}
	if t := l.t.PushType; t != "" && !slices.Contains(fakeapns.PushTypes(), t) {
		l.add("invalid-header", SeverityError, "H02", fmt.Sprintf("apns-push-type %q: APNs answers 400 InvalidPushType (apns.md#E19)", t),
			"send alert, background or another of Apple's push types", nil)
	}
	switch {
	case l.t.PushType == "background" && prio == 10:
		l.add("background-priority", SeverityError, "H04", "push type background with priority 10: APNs answers 400 BadPriority (apns.md#U05)",
			"send apns-priority: 5", nil)
	case l.t.PushType == "" && silent && prio == 10:
		l.add("background-priority", SeverityWarning, "H04", "a silent push with priority 10 (the default when the header is absent): APNs may reject or throttle it",
			"send apns-push-type: background and apns-priority: 5", func(c *device.Capabilities) bool { return c.BackgroundPush })
	}
	if l.t.PushType == "background" && visible {
		l.add("background-with-alert", SeverityWarning, "H04", "push type background carries alert, badge or sound, which a background push must not",
			"send it as push type alert (with content-available if the app must also wake)", nil)
	}
	if l.t.PushType == "alert" && silent {
		l.add("background-with-alert", SeverityWarning, "H02", "a silent content-available push sent with push type alert",
			"send apns-push-type: background and apns-priority: 5", func(c *device.Capabilities) bool { return c.PushTypeHeader })
	}
	if aps.MutableContent == 1 && aps.Alert == nil {
		l.add("mutable-without-alert", SeverityWarning, "P12", "mutable-content without an alert: the service extension does not run (apns.md#V50)",
			"add an alert, or drop mutable-content", func(c *device.Capabilities) bool { return c.ServiceExtension })
	}
	if al := aps.Alert; al != nil && (al.SummaryArg != "" || al.SummaryArgCount > 0) {
		l.add("summary-arg-ignored", SeverityInfo, "V66", "iOS 15 ignores summary-arg and summary-arg-count: the stack reads \"N more notifications\" (apns.md#V66)",
			"keep them for iOS 12–14, or set the category's summary format", func(c *device.Capabilities) bool { return c.ThreadGrouping && !c.SummaryArg })
	}
	if l.t.Topic != "" && l.t.App != nil {
		if want := l.t.App.BundleID + topicSuffix(l.t.PushType); l.t.Topic != want {
			l.add("topic-mismatch", SeverityWarning, "H18", fmt.Sprintf("apns-topic %q: this app's tokens expect %q (else 400 DeviceTokenNotForTopic, apns.md#D04)", l.t.Topic, want),
				"use the bundle id plus the push type's suffix", nil)
		}
	}
}

// topicSuffix is the apns-topic suffix of a push type (apns.md#H03–H13).
func topicSuffix(pushType string) string {
	switch pushType {
	case "voip":
		return ".voip"
	case "complication":
		return ".complication"
	case "fileprovider":
		return ".pushkit.fileprovider"
	case "location":
		return ".location-query"
	case "liveactivity":
		return ".push-type.liveactivity"
	case "pushtotalk":
		return ".voip-ptt"
	case "widgets":
		return ".push-type.widgets"
	case "controls":
		return ".push-type.controls"
	}
	return ""
}

// text checks what the alert can show on each version (apns.md#P06, V20).
func (l *linter) text(p *device.Payload) {
	al := p.Aps.Alert
	if al == nil {
		return
	}
	l.perRow("alert-empty", SeverityWarning, "give the alert a body", func(c *device.Capabilities) (string, string) {
		if device.HasText(c, al) {
			return "", ""
		}
		return "the alert has no text this version draws: nothing is shown", "P06"
	})
	if al.Title != "" || al.TitleLocKey != "" {
		l.add("title-unsupported", SeverityWarning, "P06", "the alert title is not drawn on the phone before iOS 10 (a paired Apple Watch shows it from iOS 8.2)",
			"make the body readable without the title", func(c *device.Capabilities) bool { return !c.Title })
	}
	if al.Subtitle != "" || al.SubtitleLocKey != "" {
		l.add("subtitle-unsupported", SeverityWarning, "P06", "the alert subtitle is not drawn before iOS 10",
			"make the body readable without the subtitle", func(c *device.Capabilities) bool { return !c.Subtitle })
	}
	if al.ActionLocKey != "" || al.ActionLocKeyNull {
		l.add("key-unsupported", SeverityInfo, "V20", "aps.alert.action-loc-key renames View and the lock-screen slider only before iOS 10; later versions ignore it", "",
			func(c *device.Capabilities) bool { return c.UserNotifications })
	}
	if a := l.t.App; a != nil {
		for _, key := range []string{al.LocKey, al.TitleLocKey, al.SubtitleLocKey, al.ActionLocKey} {
			if _, ok := a.Strings[key]; key != "" && !ok {
				l.add("loc-key-missing", SeverityWarning, "P06", fmt.Sprintf("%q is not in %s's strings: iOS shows the key itself", key, a.BundleID),
					"add the key to Localizable.strings, or fix its spelling", nil)
			}
		}
		for _, f := range []struct {
			key  string
			args []string
		}{{al.LocKey, al.LocArgs}, {al.TitleLocKey, al.TitleLocArgs}, {al.SubtitleLocKey, al.SubtitleLocArgs}} {
			if f.key == "" {
				continue
			}
			if _, err := device.Localize(a.Strings, f.key, f.args); err != nil {
				l.add("loc-args-malformed", SeverityWarning, "P06", err.Error()+": that place is left empty",
					"send as many loc-args as the format uses", nil)
			}
		}
	}
	body := al.Body
	if al.LocKey != "" && l.t.App != nil {
		body, _ = device.Localize(l.t.App.Strings, al.LocKey, al.LocArgs)
	}
	if needsButtons(body, l.actionTitles(p.Aps.Category)) {
		l.add("legacy-text-needs-buttons", SeverityWarning, "V20", fmt.Sprintf("%q asks the user to press a button, but before iOS 8 there are only Close / View (apns.md#V21)", body),
			"word the text so it makes sense without buttons, or send older devices a different payload", func(c *device.Capabilities) bool { return !c.Actions })
	}
}

func (l *linter) actionTitles(category string) []string {
	if l.t.App == nil {
		return nil
	}
	cat := l.t.App.Category(category)
	if cat == nil {
		return nil
	}
	titles := make([]string, 0, len(cat.Actions)+len(cat.MinimalActions))
	for _, acts := range [][]device.Action{cat.Actions, cat.MinimalActions} {
		for _, a := range acts {
			titles = append(titles, a.Title)
		}
	}
	return titles
}

// needsButtons is a heuristic for alert text that refers to buttons: an
// instruction verb together with an action's title or a yes/no choice.
func needsButtons(text string, titles []string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	has := func(w ...string) bool {
		for _, x := range w {
			if slices.Contains(words, x) {
				return true
			}
		}
		return false
	}
	if !has("tap", "press", "choose", "select", "click", "swipe", "reply", "answer", "hit") {
		return false
	}
	if has("yes", "no", "button", "buttons", "below", "options", "ok") {
		return true
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, t := range titles {
		tw := strings.Join(strings.Fields(strings.ToLower(t)), " ")
		if tw != "" && strings.Contains(joined, " "+tw+" ") {
			return true
		}
	}
	return false
}

// category checks the category against the app and the versions
// (apns.md#V21, V31, V33, V36, U15).
func (l *linter) category(p *device.Payload) {
	id := p.Aps.Category
	if id == "" {
		return
	}
	l.add("category-ignored", SeverityInfo, "V21", fmt.Sprintf("category %q is ignored before iOS 8: users see Close / View or a banner", id), "",
		func(c *device.Capabilities) bool { return !c.Actions })
	a := l.t.App
	if a == nil {
		return
	}
	cat := a.Category(id)
	if cat == nil {
		ids := make([]string, 0, len(a.Categories))
		for _, c := range a.Categories {
			ids = append(ids, c.ID)
		}
		l.add("category-unregistered", SeverityWarning, "V36", fmt.Sprintf("category %q is not registered by %s: no actions are shown%s", id, a.BundleID, suggest(id, ids)),
			"register the category at launch, or fix the id", func(c *device.Capabilities) bool { return c.Actions })
		return
	}
	l.perRow("actions-cut", SeverityWarning, "put the most important actions first, or set minimal actions", func(c *device.Capabilities) (string, string) {
		if c.UserNotifications {
			return cutMessage(c, cat), "U15"
		}
		return cutMessage(c, cat), "V31"
	})
	if act, ok := firstTextInput(cat); ok {
		l.add("text-input-unsupported", SeverityWarning, "V33", fmt.Sprintf("action %s asks for text, which needs iOS 9: iOS 8 shows a plain button and the app gets no text", act.ID),
			"handle a reply without text, or offer a foreground action", func(c *device.Capabilities) bool { return c.Actions && !c.TextInput })
	}
}

// firstTextInput is the first action of cat, minimal ones after the
// others, that asks for text.
func firstTextInput(cat *device.Category) (device.Action, bool) {
	for _, acts := range [][]device.Action{cat.Actions, cat.MinimalActions} {
		for _, a := range acts {
			if a.TextInput {
				return a, true
			}
		}
	}
	return device.Action{}, false
}

// cutMessage says which of cat's actions each context of c cuts, with
// contexts that cut alike named together; "" when nothing is cut.
func cutMessage(c *device.Capabilities, cat *device.Category) string {
	if !c.Actions {
		return ""
	}
	var groups []string // "max (cut: ids)", in first-seen order
	where := map[string][]string{}
	for _, r := range c.Rules {
		acts := cat.Actions
		if r.Minimal && len(cat.MinimalActions) > 0 {
			acts = cat.MinimalActions
		}
		// Contexts with no action row at all (compact, foreground, legacy)
		// are not cuts: Render notes them instead.
		if r.MaxActions == 0 || len(acts) <= r.MaxActions {
			continue
		}
		var cut []string
		for _, x := range acts[r.MaxActions:] {
			cut = append(cut, x.ID)
		}
		g := fmt.Sprintf("%d (cut: %s)", r.MaxActions, strings.Join(cut, ", "))
		if _, ok := where[g]; !ok {
			groups = append(groups, g)
		}
		where[g] = append(where[g], string(r.Context))
	}
	if len(groups) == 0 {
		return ""
	}
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		verb := "shows"
		if len(where[g]) > 1 {
			verb = "show"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", strings.Join(where[g], ", "), verb, g))
	}
	return fmt.Sprintf("category %q has %d actions; %s", cat.ID, len(cat.Actions), strings.Join(parts, "; "))
}
