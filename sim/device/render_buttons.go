package device

import (
	"fmt"
	"strings"
)

// renderButtons draws the buttons of one context: the legacy Close / View
// pair before iOS 8, the category's actions cut to the context's limit,
// and the system's dismiss or provisional controls.
func renderButtons(p *Presentation, d *Device, caps *Capabilities, a *App, aps *Aps, rule ContextRule) {
	if !caps.Actions {
		if aps.Category != "" {
			p.Notes = append(p.Notes, fmt.Sprintf("category %q ignored before iOS 8: no custom actions (apns.md#V21, P10)", aps.Category))
		}
		if rule.Legacy {
			p.Buttons = legacyButtons(a, aps.Alert)
		} else if p.Context == ContextBanner {
			p.Notes = append(p.Notes, "banner: text only, a tap opens the app (apns.md#V22)")
		}
		return
	}
	cat := a.Category(aps.Category)
	if aps.Category != "" && cat == nil {
		p.Notes = append(p.Notes, fmt.Sprintf("category %q not registered by %s: no actions (apns.md#V36)", aps.Category, a.BundleID))
	}
	provisionalNC := a.Permission == PermissionProvisional && p.Context == ContextNotificationCenter
	switch {
	case provisionalNC:
		// apns.md#V48: the system's Keep / Turn Off replace the actions.
		p.Buttons = append(p.Buttons,
			Button{ID: ButtonKeep, Title: "Keep…", System: true},
			Button{ID: ButtonTurnOff, Title: "Turn Off…", System: true})
		p.Notes = append(p.Notes, "Keep… makes delivery prominent (authorized), Turn Off… denies notifications (apns.md#U50)")
		return
	case (cat == nil || len(cat.Actions) == 0) && rule.Legacy:
		// iOS 8–9 modal alert without a category keeps Close / View
		// (apns.md#V20, V36).
		p.Buttons = legacyButtons(a, aps.Alert)
		return
	case rule.Options:
		// The first step of the iOS 8–9 alert style: the actions are one
		// tap further, behind Options (apns.md#V32, U42).
		p.Buttons = append(p.Buttons,
			Button{ID: ButtonClose, Title: "Close", System: true},
			Button{ID: ButtonOptions, Title: "Options", System: true})
		p.Notes = append(p.Notes, fmt.Sprintf("%d actions behind Options: a second alert shows them (context %s) (apns.md#V32, U42)",
			min(len(cat.Actions), maxActionsAfterOptions(caps)), ContextAlertOptions))
		return
	case rule.Compact:
		if cat != nil && len(cat.Actions) > 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("%d actions hidden until the notification is expanded (%s) (apns.md#U15, V47)",
				len(cat.Actions), expandGesture(caps)))
		}
		return
	}
	if cat != nil {
		addActions(p, d, caps, cat, rule)
		if len(p.Buttons) > 0 {
			p.Gesture = rule.Gesture
		}
	}
	switch {
	case rule.Dismiss:
		addDismiss(p, caps, cat)
	case rule.Context == ContextExpanded:
		// No × from iOS 15: the view closes on a tap outside and the user
		// clears the notification with a swipe in the list (apns.md#U82).
		p.Notes = append(p.Notes, "no close button in the expanded view: a tap outside closes it; a swipe in the list clears the notification (apns.md#U82)")
		dismissReported(p, cat)
	}
}

// addActions appends the category's actions that the context shows.
func addActions(p *Presentation, d *Device, caps *Capabilities, cat *Category, rule ContextRule) {
	actions := cat.Actions
	if rule.Minimal && len(cat.MinimalActions) > 0 {
		actions = cat.MinimalActions // apns.md#V31
	}
	if len(actions) > rule.MaxActions {
		cut := make([]string, 0, len(actions)-rule.MaxActions)
		for _, act := range actions[rule.MaxActions:] {
			cut = append(cut, act.ID)
		}
		row := "V31"
		if caps.UserNotifications {
			row = "U15"
		}
		p.Notes = append(p.Notes, fmt.Sprintf("%d of %d actions fit in the %s context; cut: %s (apns.md#%s)",
			rule.MaxActions, len(actions), p.Context, strings.Join(cut, ", "), row))
		actions = actions[:rule.MaxActions]
	}
	for _, act := range actions {
		b := Button{
			ID: act.ID, Title: act.Title, Destructive: act.Destructive, Foreground: act.Foreground,
			AuthRequired: act.AuthenticationRequired,
		}
		if act.Foreground && !caps.UserNotifications && !act.AuthenticationRequired {
			// apns.md#V33: UIKit forces authenticationRequired on
			// foreground actions.
			b.AuthRequired = true
			p.Notes = append(p.Notes, fmt.Sprintf("%s: foreground action, authentication forced on (apns.md#V33)", act.ID))
		}
		switch {
		case act.TextInput && caps.TextInput:
			b.TextInput = true
			b.TextInputButtonTitle = act.TextInputButtonTitle
			if caps.TextInputPlaceholder {
				b.TextInputPlaceholder = act.TextInputPlaceholder
			}
		case act.TextInput:
			// iOS 8 has no behavior property: an app that guards the
			// iOS 9 call registers a plain button (apns.md#V33).
			p.Notes = append(p.Notes, fmt.Sprintf("%s: text input needs iOS 9; shown as a plain button, the app gets no text (apns.md#V33)", act.ID))
		}
		if caps.ActionIcons {
			b.Icon = act.Icon // apns.md#V42
		}
		if b.AuthRequired && d.Locked {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: device locked, the passcode is asked first (apns.md#V33)", act.ID))
		}
		p.Buttons = append(p.Buttons, b)
	}
}

// addDismiss appends the system dismiss control of the iOS 8–9 alert
// (apns.md#V32) or the iOS 10–14 expanded view's × (apns.md#U15, U82).
func addDismiss(p *Presentation, caps *Capabilities, cat *Category) {
	if !caps.UserNotifications {
		p.Buttons = append(p.Buttons, Button{ID: ButtonClose, Title: "Close", System: true})
		return
	}
	p.Buttons = append(p.Buttons, Button{ID: ButtonDismiss, Title: "Dismiss", System: true})
	dismissReported(p, cat)
}

// dismissReported says whether the app hears of a dismissal (apns.md#V41).
func dismissReported(p *Presentation, cat *Category) {
	if cat != nil && cat.CustomDismissAction {
		p.Notes = append(p.Notes, "dismiss is reported to the app as com.apple.UNNotificationDismissActionIdentifier (apns.md#V41, V44, U13)")
	} else {
		p.Notes = append(p.Notes, "dismiss is not reported to the app: the category has no customDismissAction (apns.md#V41)")
	}
}

// maxActionsAfterOptions is how many actions the second alert shows.
func maxActionsAfterOptions(caps *Capabilities) int {
	for _, r := range caps.Rules {
		if r.AfterOptions {
			return r.MaxActions
		}
	}
	return 0
}

// expandGesture is how the version opens the expanded view.
func expandGesture(caps *Capabilities) string {
	if r, ok := caps.Rule(ContextExpanded); ok {
		return r.Gesture
	}
	return ""
}
