package device

import (
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

// Device is one simulated iPhone: its hardware, iOS version, lock state and
// the apps installed on it.
type Device struct {
	// Name identifies the device in commands, events and reports (ios8,
	// ios18-locked, ...); unique within a fleet.
	Name string `json:"name" yaml:"name"`
	// Model is the hardware shown to people (iPhone 6); in the simulation
	// it only picks the Show Previews default (Face ID models hide previews
	// while locked, apns.md#V72).
	Model string `json:"model" yaml:"model"`
	// Version is the iOS version, which picks the capability row.
	Version Version `json:"ios" yaml:"ios"`
	// Locked is whether the screen is locked: notifications arrive on the
	// lock screen, and some actions need an unlock first.
	Locked bool `json:"locked" yaml:"locked"`
	// Apps are the installed apps; the default app when none are given.
	Apps []*App `json:"apps" yaml:"apps"`
	// Offline: the device cannot be reached; APNs stores one notification
	// per app for it (apns.md#T20–T23).
	Offline bool `json:"offline,omitempty" yaml:"offline,omitempty"`
	// ShowPreviews is Settings > Notifications > Show Previews (iOS 11+,
	// apns.md#V71): PreviewsAlways, PreviewsWhenUnlocked or PreviewsNever.
	// Empty means the model's default (apns.md#V72, U56).
	ShowPreviews Previews `json:"show_previews,omitempty" yaml:"show_previews,omitempty"`
	// Focus is the Focus the user turned on (iOS 15+, apns.md#V68); nil
	// when none.
	Focus *Focus `json:"focus,omitempty" yaml:"focus,omitempty"`
}

// Focus is an active Focus (Work, Sleep, ...): it silences the apps it
// does not allow (apns.md#V68).
type Focus struct {
	// Name is the Focus as the user named it: Work, Sleep, ...
	Name string `json:"name" yaml:"name"`
	// AllowedApps are bundle ids whose notifications are not silenced.
	AllowedApps []string `json:"allowed_apps,omitempty" yaml:"allowed_apps,omitempty"`
}

// Previews is a Show Previews setting (apns.md#V71).
type Previews string

// Show Previews settings (UNShowPreviewsSetting, iOS 11).
const (
	PreviewsAlways       Previews = "always"
	PreviewsWhenUnlocked Previews = "when-unlocked"
	PreviewsNever        Previews = "never"
)

// App finds the installed app with bundleID, or nil.
func (d *Device) App(bundleID string) *App {
	for _, a := range d.Apps {
		if a.BundleID == bundleID {
			return a
		}
	}
	return nil
}

// AppState is the run state of an installed app.
type AppState string

// App states (apns.md#V24–V26, V45–V46).
const (
	AppNotRunning AppState = "not-running"
	AppBackground AppState = "background"
	AppForeground AppState = "foreground"
)

// Permission is the app's notification authorization.
type Permission string

// Permissions, per era: before iOS 8 remote alerts need no prompt beyond
// registration; 8–9 use UIUserNotificationSettings (apns.md#V30); 10+ use
// requestAuthorization, with provisional from 12 (apns.md#V40, V48).
const (
	PermissionNotDetermined Permission = "not-determined"
	PermissionDenied        Permission = "denied"
	PermissionAuthorized    Permission = "authorized"
	PermissionProvisional   Permission = "provisional"
)

// App is one app install on one device.
type App struct {
	// BundleID identifies the app, and is the apns-topic that reaches it.
	BundleID string `json:"bundle_id" yaml:"bundle_id"`
	// Environment is the aps-environment the build was signed with; its
	// token is only valid on that environment (apns.md#D03).
	Environment fakeapns.Environment `json:"environment" yaml:"environment"`
	// Token is the device token APNs gave this install, lower-case hex.
	Token string `json:"token" yaml:"token"`
	// State is whether the app is in the foreground, the background, not
	// running or force-quit; background by default.
	State AppState `json:"state" yaml:"state"`
	// Permission is the user's answer to the notification permission
	// prompt; authorized by default.
	Permission Permission `json:"permission" yaml:"permission"`
	// Categories are those the app registered, in its era's API
	// (UIUserNotificationCategory on 8–9, UNNotificationCategory on 10+).
	Categories []Category `json:"categories,omitempty" yaml:"categories,omitempty"`
	// Strings is the app's Localizable.strings for loc-key / loc-args.
	Strings map[string]string `json:"strings,omitempty" yaml:"strings,omitempty"`
	// Handler scripts what the app's code does when it is told of a
	// notification or an action.
	Handler Handler `json:"handler" yaml:"handler"`
	// ChatOpen marks that the app's chat screen is visible, for the rule
	// "no notification while the chat is visible" (seed: ASAPP SDK).
	ChatOpen bool `json:"chat_open,omitempty" yaml:"chat_open,omitempty"`
	// ForegroundPresentation is what the app's willPresent delegate returns
	// while it is in the foreground on iOS 10+: any of PresentAlert,
	// PresentBanner, PresentList (14+), PresentSound, PresentBadge. Empty
	// means none: nothing is shown (apns.md#V45, C04).
	ForegroundPresentation []string `json:"foreground_presentation,omitempty" yaml:"foreground_presentation,omitempty"`
	// AlertStyle is the user's per-app choice in Settings (iOS 5+,
	// apns.md#V05): StyleBanner (the default when empty), StyleAlert or
	// StyleNone. It picks the context a notification arrives in
	// (ArrivalContext).
	AlertStyle Style `json:"alert_style,omitempty" yaml:"alert_style,omitempty"`
	// Implements lists the notification delegate methods the app's code
	// has (ImplementsHandleAction, ImplementsResponseInfo,
	// ImplementsDidReceive). Nil means the methods of the device's own
	// era; an empty list means none: actions then reach no code
	// (apns.md#V34, U45).
	Implements []string `json:"implements,omitempty" yaml:"implements,omitempty"`
	// Uninstalled is set when the app was removed; its token then dies on
	// APNs' schedule (apns.md#D06, U21).
	Uninstalled   bool      `json:"uninstalled,omitempty" yaml:"uninstalled,omitempty"`
	UninstalledAt time.Time `json:"uninstalled_at,omitzero" yaml:"-"`
	// ServiceExtension is the app's Notification Service Extension, run
	// for mutable-content pushes on iOS 10+ (apns.md#V60–V63); nil when
	// the app ships none.
	ServiceExtension *ServiceExtension `json:"service_extension,omitempty" yaml:"service_extension,omitempty"`
	// Entitlements the app was signed with: EntitlementTimeSensitive,
	// EntitlementCriticalAlerts (apns.md#V68, V69).
	Entitlements []string `json:"entitlements,omitempty" yaml:"entitlements,omitempty"`
	// ShowPreviews overrides the device's Show Previews for this app
	// (apns.md#V71).
	ShowPreviews Previews `json:"show_previews,omitempty" yaml:"show_previews,omitempty"`
	// IconBadge is the number on the app's icon, filled in snapshots of a
	// running world (world.DeviceView): aps.badge when the system let it
	// through (apns.md#U43), 0 for none. Fleet files cannot set it.
	IconBadge int `json:"icon_badge,omitempty" yaml:"-"`
}

// Entitlements an app may have (apns.md#V68, V69).
const (
	EntitlementTimeSensitive  = "time-sensitive"  // com.apple.developer.usernotifications.time-sensitive
	EntitlementCriticalAlerts = "critical-alerts" // com.apple.developer.usernotifications.critical-alerts
)

// HasEntitlement reports whether the app was signed with e.
func (a *App) HasEntitlement(e string) bool {
	for _, x := range a.Entitlements {
		if x == e {
			return true
		}
	}
	return false
}

// ServiceExtension scripts an app's Notification Service Extension
// (apns.md#V60–V62): the content it writes and how long it takes.
type ServiceExtension struct {
	// Title replaces the alert's title when not empty.
	Title string `json:"title,omitempty" yaml:"title,omitempty"`
	// Subtitle replaces the alert's subtitle when not empty.
	Subtitle string `json:"subtitle,omitempty" yaml:"subtitle,omitempty"`
	// Body replaces the alert's body when not empty.
	Body string `json:"body,omitempty" yaml:"body,omitempty"`
	// Attachments are file names the extension attaches; their extension
	// says the kind drawn: [image: x.jpg], [audio: x.m4a], [video: x.mp4]
	// (apns.md#V62).
	Attachments []string `json:"attachments,omitempty" yaml:"attachments,omitempty"`
	// Complete is "after" (the default: the content handler is called
	// after Delay) or "never" (the system's time runs out, apns.md#V61).
	Complete Completion `json:"complete,omitempty" yaml:"complete,omitempty"`
	// Delay is how long the extension works before calling its content
	// handler; 0 means at once.
	Delay time.Duration `json:"delay,omitempty" yaml:"delay,omitempty"`
}

// willPresent options an app can return in App.ForegroundPresentation
// (apns.md#V45).
const (
	PresentAlert  = "alert"  // deprecated in 14, still shows a banner
	PresentBanner = "banner" // 14+
	PresentList   = "list"   // 14+: Notification Center only
	PresentSound  = "sound"
	PresentBadge  = "badge"
)

// Delegate methods an app can list in App.Implements (apns.md#V34, V46,
// U45).
const (
	// ImplementsHandleAction: iOS 8's
	// application:handleActionWithIdentifier:forRemoteNotification:completionHandler:.
	ImplementsHandleAction = "handle_action"
	// ImplementsResponseInfo: iOS 9's ...withResponseInfo:completionHandler:.
	ImplementsResponseInfo = "handle_action_response_info"
	// ImplementsDidReceive: iOS 10's
	// userNotificationCenter(_:didReceive:withCompletionHandler:).
	ImplementsDidReceive = "did_receive_response"
)

// DelegateMethods returns the values App.Implements accepts.
func DelegateMethods() []string {
	return []string{ImplementsHandleAction, ImplementsResponseInfo, ImplementsDidReceive}
}

// Category returns the registered category with id, or nil.
func (a *App) Category(id string) *Category {
	for i := range a.Categories {
		if a.Categories[i].ID == id {
			return &a.Categories[i]
		}
	}
	return nil
}

// Category is a registered notification category: an identifier and its
// actions (apns.md#V30, V41).
type Category struct {
	// ID is the category identifier a payload names in aps.category.
	ID string `json:"id" yaml:"id"`
	// Actions are the actions of the default context (iOS 8–9,
	// apns.md#V31) or of UNNotificationCategory (iOS 10+), in order.
	Actions []Action `json:"actions" yaml:"actions"`
	// MinimalActions are iOS 8–9's minimal-context actions; when empty the
	// first two Actions are used (apns.md#V31).
	MinimalActions []Action `json:"minimal_actions,omitempty" yaml:"minimal_actions,omitempty"`
	// CustomDismissAction asks iOS 10+ to report dismissals (apns.md#V41).
	CustomDismissAction bool `json:"custom_dismiss_action,omitempty" yaml:"custom_dismiss_action,omitempty"`
	// HiddenPreviewsBodyPlaceholder is shown when previews are hidden (11+).
	HiddenPreviewsBodyPlaceholder string `json:"hidden_previews_body_placeholder,omitempty" yaml:"hidden_previews_body_placeholder,omitempty"`
	// HiddenPreviewsShowTitle and HiddenPreviewsShowSubtitle keep the
	// title / subtitle when previews are hidden (11+, apns.md#V71).
	HiddenPreviewsShowTitle bool `json:"hidden_previews_show_title,omitempty" yaml:"hidden_previews_show_title,omitempty"`
	// HiddenPreviewsShowSubtitle keeps the subtitle likewise.
	HiddenPreviewsShowSubtitle bool `json:"hidden_previews_show_subtitle,omitempty" yaml:"hidden_previews_show_subtitle,omitempty"`
	// SummaryFormat is categorySummaryFormat: the group summary with %u
	// (the count) and %@ (the summary arguments) (12+, apns.md#V65).
	SummaryFormat string `json:"summary_format,omitempty" yaml:"summary_format,omitempty"`
}

// Action is one registered action button (apns.md#V33, V42, V43).
type Action struct {
	// ID is the identifier the app is told when the button is tapped.
	ID string `json:"id" yaml:"id"`
	// Title is the button's text.
	Title string `json:"title" yaml:"title"`
	// Foreground opens the app; otherwise it runs in the background.
	Foreground bool `json:"foreground,omitempty" yaml:"foreground,omitempty"`
	// Destructive is drawn in red.
	Destructive bool `json:"destructive,omitempty" yaml:"destructive,omitempty"`
	// AuthenticationRequired needs an unlocked device; forced on for
	// foreground actions on iOS 8–9 (apns.md#V33).
	AuthenticationRequired bool `json:"authentication_required,omitempty" yaml:"authentication_required,omitempty"`
	// TextInput asks for typed text (iOS 9+, apns.md#V33, V43).
	TextInput bool `json:"text_input,omitempty" yaml:"text_input,omitempty"`
	// TextInputButtonTitle is the send button's text beside the text field.
	TextInputButtonTitle string `json:"text_input_button_title,omitempty" yaml:"text_input_button_title,omitempty"`
	// TextInputPlaceholder is the grey text in the empty text field.
	TextInputPlaceholder string `json:"text_input_placeholder,omitempty" yaml:"text_input_placeholder,omitempty"`
	// Icon is an SF Symbol name (iOS 15+, apns.md#V42).
	Icon string `json:"icon,omitempty" yaml:"icon,omitempty"`
}

// Context is where on the screen a notification is looked at.
type Context string

// Presentation contexts. Which ones a version has comes from its
// capability row (apns.md section 7.1).
const (
	ContextLockScreen Context = "lock-screen"
	ContextBanner     Context = "banner"
	ContextAlert      Context = "alert"
	// ContextAlertOptions is the second alert of the iOS 8–9 alert style,
	// opened by its Options button: the category's actions and Close
	// (apns.md#V32, U42).
	ContextAlertOptions       Context = "alert-options"
	ContextNotificationCenter Context = "notification-center"
	ContextExpanded           Context = "expanded"
	ContextForeground         Context = "foreground"
)

// Style is how the system draws a notification in a context.
type Style string

// Presentation styles.
const (
	StyleNone               Style = "none"
	StyleBanner             Style = "banner"
	StyleAlert              Style = "alert"
	StyleLockScreen         Style = "lock-screen"
	StyleNotificationCenter Style = "notification-center"
	StyleExpanded           Style = "expanded"
	// StyleForegroundSilent: delivered to the running app with no system UI
	// (apns.md#V24, V45).
	StyleForegroundSilent Style = "foreground-silent"
)

// Button is one button drawn on a Presentation, in screen order.
type Button struct {
	// ID is the action identifier the app receives, or one of the system
	// ids ButtonClose, ButtonView, ButtonOK, ButtonDismiss.
	ID                   string `json:"id"`
	Title                string `json:"title"`
	Destructive          bool   `json:"destructive"`
	Foreground           bool   `json:"foreground"`
	AuthRequired         bool   `json:"authentication_required,omitempty"`
	TextInput            bool   `json:"text_input"`
	TextInputButtonTitle string `json:"text_input_button_title,omitempty"`
	TextInputPlaceholder string `json:"text_input_placeholder,omitempty"`
	// Icon is the action's SF Symbol, drawn from iOS 15 (apns.md#V42).
	Icon string `json:"icon,omitempty"`
	// System marks buttons the OS adds (Close, View, OK, dismiss) rather
	// than the app's registered actions.
	System bool `json:"system,omitempty"`
}

// System button ids: the buttons the system draws itself, in a namespace
// apps cannot use for their actions (fleet files refuse "system:" ids), so
// that a tap on an app's "OK" never becomes the legacy alert's OK
// (apns.md#U48).
const (
	// SystemIDPrefix starts every system button id.
	SystemIDPrefix = "system:"
	// ButtonClose, ButtonView and ButtonOK are the legacy modal alert's
	// buttons (apns.md#V20); Close is also the iOS 8–9 alert's dismiss.
	ButtonClose = SystemIDPrefix + "close"
	ButtonView  = SystemIDPrefix + "view"
	ButtonOK    = SystemIDPrefix + "ok"
	// ButtonOptions opens the iOS 8–9 alert's second step
	// (ContextAlertOptions, apns.md#V32, U42).
	ButtonOptions = SystemIDPrefix + "options"
	// ButtonDismiss is the iOS 10+ expanded view's dismiss (apns.md#U15).
	ButtonDismiss = SystemIDPrefix + "dismiss"
	// ButtonKeep and ButtonTurnOff are the buttons of a provisional
	// notification in Notification Center (apns.md#V48, U50).
	ButtonKeep    = SystemIDPrefix + "keep"
	ButtonTurnOff = SystemIDPrefix + "turn-off"
)

// Callback names the app delegate method the system calls when a
// notification arrives (not when the user answers it).
type Callback string

// Arrival callbacks, per era.
const (
	// CallbackDidReceiveRemote: foreground app before iOS 7 (apns.md#V24).
	CallbackDidReceiveRemote Callback = "application:didReceiveRemoteNotification:"
	// CallbackFetch: iOS 7+ foreground app before 10, or a
	// content-available wake (apns.md#V24, P11, C05).
	CallbackFetch Callback = "application:didReceiveRemoteNotification:fetchCompletionHandler:"
	// CallbackWillPresent: iOS 10+ foreground app (apns.md#V45, C04).
	CallbackWillPresent Callback = "userNotificationCenter(_:willPresent:withCompletionHandler:)"
)

// Presentation is what a device's screen shows for one notification in
// one context. It is the output of the pure Render function.
type Presentation struct {
	Context  Context  `json:"context"`
	Style    Style    `json:"style"`
	App      string   `json:"app,omitempty"`
	Title    string   `json:"title,omitempty"`
	Subtitle string   `json:"subtitle,omitempty"`
	Body     string   `json:"body,omitempty"`
	Badge    *int     `json:"badge,omitempty"`
	Sound    string   `json:"sound,omitempty"`
	Buttons  []Button `json:"buttons"`
	// Gesture is how the user reveals Buttons here ("swipe left", "pull
	// down", "long-press"), empty when they are drawn at once
	// (apns.md#V32, V47).
	Gesture string `json:"gesture,omitempty"`
	// Slider is the lock screen's slider text before iOS 10, "slide to
	// view" or "slide to <action-loc-key>" (apns.md#V23).
	Slider string `json:"slider,omitempty"`
	// Thread is the thread-id Notification Center groups by (12+,
	// apns.md#V48, P09).
	Thread string `json:"thread,omitempty"`
	// Attachments are the service extension's attachments, drawn in text
	// as "[image: name]" (apns.md#V62, U57); empty when previews are
	// hidden.
	Attachments []string `json:"attachments,omitempty"`
	// Label is a system label drawn above the text: "TIME SENSITIVE" or
	// "CRITICAL" (iOS 15+, apns.md#V67).
	Label string `json:"label,omitempty"`
	// Hidden is set when the preview is hidden (apns.md#V71): the body is
	// the placeholder.
	Hidden bool `json:"hidden,omitempty"`
	// Callback is the delegate method that runs at arrival, if any: the
	// foreground delivery or the background wake of a content-available
	// push.
	Callback Callback `json:"callback,omitempty"`
	// Notes explain why the screen looks as it does ("category poll is
	// ignored before iOS 8", "2 of 3 actions fit"), each citing its row.
	Notes []string `json:"notes,omitempty"`
}

// AppForceQuit is the state of an app the user swiped away: it is not
// running and gets no background launches until opened again
// (apns.md#C05, V52).
const AppForceQuit AppState = "force-quit"

// UNNotificationDefaultActionIdentifier and
// UNNotificationDismissActionIdentifier are the identifiers iOS 10+ hands
// the app for a tap on the body and for a reported dismissal
// (apns.md#V44, U13).
const (
	UNNotificationDefaultActionIdentifier = "com.apple.UNNotificationDefaultActionIdentifier"
	UNNotificationDismissActionIdentifier = "com.apple.UNNotificationDismissActionIdentifier"
)

// Callback names, as the app's source spells them.
const (
	CallbackLaunch               = "application:didFinishLaunchingWithOptions: (UIApplicationLaunchOptionsRemoteNotificationKey)" // apns.md#V26
	CallbackHandleAction         = "application:handleActionWithIdentifier:forRemoteNotification:completionHandler:"              // apns.md#V34
	CallbackHandleActionResponse = "application:handleActionWithIdentifier:forRemoteNotification:withResponseInfo:completionHandler:"
	CallbackDidReceiveResponse   = "userNotificationCenter(_:didReceive:withCompletionHandler:)" // apns.md#V46
)
