package device

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// Outcomes of a service extension, kept in Notification.ServiceExtension
// (apns.md#V60–V61).
const (
	ExtensionModified = "modified"  // the content handler was called in time
	ExtensionTimedOut = "timed-out" // the time ran out: original content
)

// DefaultExtensionLimit is how long a service extension may take before
// serviceExtensionTimeWillExpire (apns.md#V61, C07: about 30 s).
const DefaultExtensionLimit = 30 * time.Second

// RunsServiceExtension reports whether iOS hands n to a's service
// extension on d before showing it (apns.md#V60, V63): iOS 10+, an app
// that ships one, mutable-content 1 and something to show.
func RunsServiceExtension(d *Device, a *App, n Notification) bool {
	if d == nil || a == nil || a.ServiceExtension == nil {
		return false
	}
	caps := defaultTable.row(d.Version)
	aps := &n.Payload.Aps
	return caps.ServiceExtension && aps.MutableContent == 1 && HasText(caps, aps.Alert)
}

// ApplyServiceExtension is the content a's extension hands back for n
// when it completes within limit: its title, subtitle and body replace the
// alert's, its attachments are added. An extension that never completes,
// or takes limit or longer, leaves the original content (apns.md#V61).
// It reports whether the extension completed in time.
func ApplyServiceExtension(a *App, n Notification, limit time.Duration) (Notification, bool) {
	ext := a.ServiceExtension
	if ext == nil || ext.Complete == CompleteNever || ext.Delay >= limit {
		n.ServiceExtension = ExtensionTimedOut
		return n, false
	}
	if al := n.Payload.Aps.Alert; al != nil {
		cp := *al
		if ext.Title != "" {
			cp.Title, cp.TitleLocKey, cp.TitleLocArgs = ext.Title, "", nil
		}
		if ext.Subtitle != "" {
			cp.Subtitle, cp.SubtitleLocKey, cp.SubtitleLocArgs = ext.Subtitle, "", nil
		}
		if ext.Body != "" {
			cp.Body, cp.LocKey, cp.LocArgs = ext.Body, "", nil
		}
		n.Payload.Aps.Alert = &cp
	}
	n.Attachments = slices.Clone(ext.Attachments)
	n.ServiceExtension = ExtensionModified
	return n, true
}

// AttachmentKind is how an attachment is drawn, from its file extension
// (UNNotificationAttachment's supported types, apns.md#V62): image, audio,
// video, or file for anything else.
func AttachmentKind(name string) string {
	switch strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")) {
	case "jpg", "jpeg", "png", "gif", "heic":
		return "image"
	case "aif", "aiff", "wav", "mp3", "m4a":
		return "audio"
	case "mpg", "mpeg", "mp4", "m4v", "avi", "mov":
		return "video"
	}
	return "file"
}

// AttachmentLabel draws an attachment in text: "[image: beach.jpg]".
func AttachmentLabel(name string) string {
	return "[" + AttachmentKind(name) + ": " + name + "]"
}

// extensionNotes explains what the service extension did (apns.md#V60,
// V61).
func extensionNotes(p *Presentation, caps *Capabilities, a *App, n *Notification) {
	if n.Payload.Aps.MutableContent != 1 {
		return
	}
	switch {
	case !caps.ServiceExtension:
		p.Notes = append(p.Notes, fmt.Sprintf("mutable-content needs iOS 10: ignored, shown as sent (apns.md#V60, %s)", caps.Row))
	case a.ServiceExtension == nil:
		p.Notes = append(p.Notes, "mutable-content: the app has no service extension: shown as sent (apns.md#V60)")
	case n.ServiceExtension == ExtensionModified:
		p.Notes = append(p.Notes, "content rewritten by the app's service extension (apns.md#V60, V62)")
	case n.ServiceExtension == ExtensionTimedOut:
		p.Notes = append(p.Notes, "the service extension did not finish in time: original content shown (apns.md#V61)")
	default:
		p.Notes = append(p.Notes, "mutable-content: the app's service extension runs before this is shown (apns.md#V60)")
	}
}

// faceIDModels are the iPhones unlocked by Face ID, whose Show Previews
// default is "when unlocked" (apns.md#V72). A model matches a name
// exactly or followed by a space ("iPhone 15 Pro").
var faceIDModels = []string{
	"iPhone X", "iPhone XS", "iPhone XS Max", "iPhone XR",
	"iPhone 11", "iPhone 12", "iPhone 13", "iPhone 14", "iPhone 15", "iPhone 16", "iPhone 16e", "iPhone 17", "iPhone Air",
}

// DefaultPreviews is Show Previews as shipped on a device model: when
// unlocked on Face ID iPhones, always elsewhere and when the model is
// unknown (apns.md#V72, U56).
func DefaultPreviews(model string) Previews {
	for _, m := range faceIDModels {
		if model == m || strings.HasPrefix(model, m+" ") {
			return PreviewsWhenUnlocked
		}
	}
	return PreviewsAlways
}

// EffectivePreviews is the Show Previews setting that applies to a on d:
// the app's override, the device's setting, or the model's default
// (apns.md#V71, V72).
func EffectivePreviews(d *Device, a *App) Previews {
	switch {
	case a != nil && a.ShowPreviews != "":
		return a.ShowPreviews
	case d.ShowPreviews != "":
		return d.ShowPreviews
	}
	return DefaultPreviews(d.Model)
}

// hidePreview replaces the text with the placeholder when previews are
// hidden in ctx (apns.md#V71): "never" everywhere, "when unlocked" while
// the device is locked. The foreground context is the unlocked app.
func hidePreview(p *Presentation, caps *Capabilities, d *Device, a *App, aps *Aps) {
	if !caps.HiddenPreviews || p.Context == ContextForeground {
		return
	}
	setting := EffectivePreviews(d, a)
	if setting != PreviewsNever && (setting != PreviewsWhenUnlocked || !d.Locked) {
		return
	}
	body := "Notification"
	var cat *Category
	if aps.Category != "" {
		cat = a.Category(aps.Category)
	}
	if cat != nil && cat.HiddenPreviewsBodyPlaceholder != "" {
		body = cat.HiddenPreviewsBodyPlaceholder
	}
	p.Body, p.Hidden, p.Attachments = body, true, nil
	if cat == nil || !cat.HiddenPreviewsShowTitle {
		p.Title = ""
	}
	if cat == nil || !cat.HiddenPreviewsShowSubtitle {
		p.Subtitle = ""
	}
	why := "never"
	if setting == PreviewsWhenUnlocked {
		why = "when unlocked, and the device is locked"
	}
	p.Notes = append(p.Notes, fmt.Sprintf("previews hidden (Show Previews: %s): drawn as %q (apns.md#V71)", why, body))
}

// Interruption levels (apns.md#P14, V67).
const (
	LevelPassive       = "passive"
	LevelActive        = "active"
	LevelTimeSensitive = "time-sensitive"
	LevelCritical      = "critical"
)

// EffectiveLevel is the interruption level iOS applies to a notification
// of app a (apns.md#V67, V69, U55): "" before iOS 15; active when the key
// is absent or when time-sensitive / critical lack their entitlement, with
// a note saying so.
func EffectiveLevel(caps *Capabilities, a *App, aps *Aps) (level, note string) {
	if !caps.InterruptionLevels {
		return "", ""
	}
	switch aps.InterruptionLevel {
	case "", LevelActive:
		return LevelActive, ""
	case LevelTimeSensitive:
		if !a.HasEntitlement(EntitlementTimeSensitive) {
			return LevelActive, "time-sensitive without the Time Sensitive entitlement: treated as active (apns.md#V69, U55)"
		}
	case LevelCritical:
		if !a.HasEntitlement(EntitlementCriticalAlerts) {
			return LevelActive, "critical without the critical-alerts entitlement: treated as active (apns.md#V69, U55)"
		}
	}
	return aps.InterruptionLevel, ""
}

// FocusSilences names the Focus that silences a notification of level on
// d, or "" when none does: a Focus (iOS 15+) that does not allow the app,
// and a level that cannot break through (apns.md#V68).
func FocusSilences(caps *Capabilities, d *Device, a *App, level string) string {
	if !caps.Focus || d.Focus == nil || slices.Contains(d.Focus.AllowedApps, a.BundleID) {
		return ""
	}
	if level == LevelTimeSensitive || level == LevelCritical {
		return ""
	}
	return FocusName(d.Focus)
}

// FocusName is how the log and notes name a Focus: "Focus Work".
func FocusName(f *Focus) string {
	if f.Name == "" {
		return "Focus"
	}
	return "Focus " + f.Name
}
