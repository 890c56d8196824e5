package device

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pushsim/pushsim/fakeapns"
)

// DefaultBundleID is the bundle id of the default app installed on every
// device of the default fleet.
const DefaultBundleID = "com.pushsim.demo"

// DefaultFleet returns a new fleet with one device per notable iOS version
// and the default app installed on each, in the development environment.
// Every call returns fresh values that the caller may change.
func DefaultFleet() []*Device {
	specs := []struct {
		name, model, ios string
		locked           bool
	}{
		{"ios6", "iPhone 5", "6.1", false},
		{"ios7", "iPhone 4S", "7.1", false},
		{"ios8", "iPhone 6", "8.4", false},
		{"ios9", "iPhone 6s", "9.3", false},
		{"ios10", "iPhone 7", "10.3", false},
		{"ios12", "iPhone XS", "12.5", false},
		{"ios15", "iPhone 13", "15.8", false},
		{"ios17", "iPhone 15", "17.6", false},
		{"ios18-locked", "iPhone 16", "18.2", true},
	}
	fleet := make([]*Device, 0, len(specs))
	for _, s := range specs {
		d := &Device{Name: s.name, Model: s.model, Version: MustVersion(s.ios), Locked: s.locked}
		d.Apps = []*App{DefaultApp(fakeapns.Development, DeviceToken(s.name, DefaultBundleID))}
		fleet = append(fleet, d)
	}
	return fleet
}

// DeviceToken derives a stable 32-byte device token (64 hex characters)
// from a device name and bundle id, so that a fleet keeps its tokens across
// restarts and a backend's configuration stays valid.
func DeviceToken(device, bundleID string) string {
	sum := sha256.Sum256([]byte("pushsim/" + device + "/" + bundleID))
	return hex.EncodeToString(sum[:])
}

// DefaultApp returns the default app: its categories are the seed use
// cases (a poll, a fraud alert, a payment reminder, a delivery reschedule
// and a chat reply), and every action completes at once. Pay Now opens the
// bill payment page by deep link. In the foreground its willPresent
// returns none, the UserNotifications default (apns.md#V45).
func DefaultApp(env fakeapns.Environment, token string) *App {
	return &App{
		BundleID:    DefaultBundleID,
		Environment: env,
		Token:       token,
		State:       AppBackground,
		Permission:  PermissionAuthorized,
		Categories:  DefaultCategories(),
		// A bank's fraud alert is time-sensitive: the demo app is signed
		// with that entitlement (apns.md#V68).
		Entitlements: []string{EntitlementTimeSensitive},
		Strings: map[string]string{
			"POLL_QUESTION":  "%@ asks: %@",
			"FRAUD_TITLE":    "Suspicious payment",
			"FRAUD_ALERT":    "Card ending %1$@ was charged %2$@ at %3$@. Was it you?",
			"PAY_REMINDER":   "Your bill of %@ is due %@.",
			"DELIVERY_TODAY": "Your parcel %@ arrives today between %@ and %@.",
			"CHAT_MESSAGE":   "%1$@: %2$@",
			"PAY":            "Pay",
			"RESCHEDULE":     "Reschedule",
		},
		Handler: Handler{Actions: map[string]Script{
			"*":       {Complete: CompleteAfter},
			"PAY_NOW": {Complete: CompleteAfter, DeepLink: "pushsim-demo://bills/pay"},
		}},
	}
}

// DefaultCategories are the categories of the seeds' use cases.
func DefaultCategories() []Category {
	return []Category{
		{ // seed 000: IBM Push's poll, OK / NOK in both contexts.
			ID: "poll",
			Actions: []Action{
				{ID: "OK", Title: "OK", Icon: "hand.thumbsup"},
				{ID: "NOK", Title: "NOK", Icon: "hand.thumbsdown"},
			},
			MinimalActions: []Action{
				{ID: "OK", Title: "OK", Icon: "hand.thumbsup"},
				{ID: "NOK", Title: "NOK", Icon: "hand.thumbsdown"},
			},
		},
		{ // seed 001: closing the loop on a suspected fraud.
			ID: "fraud_alert",
			Actions: []Action{
				{ID: "IT_WAS_ME", Title: "It was me", Icon: "checkmark.shield"},
				{ID: "REPORT_FRAUD", Title: "Report fraud", Destructive: true, AuthenticationRequired: true, Icon: "exclamationmark.shield"},
			},
			CustomDismissAction: true,
		},
		{ // seed 001: Pay Now deep-links to the bill payment page.
			ID: "payment_reminder",
			Actions: []Action{
				{ID: "PAY_NOW", Title: "Pay now", Foreground: true, Icon: "creditcard"},
				{ID: "REMIND_LATER", Title: "Remind me later", Icon: "clock"},
			},
		},
		{ // seed 001: proactive journeys, reschedule a delivery. No minimal
			// actions, so iOS 8–9 banners show the first two (apns.md#V31).
			ID: "delivery_reschedule",
			Actions: []Action{
				{ID: "TOMORROW", Title: "Tomorrow"},
				{ID: "WEEKEND", Title: "This weekend"},
				{ID: "PICK_DAY", Title: "Pick another day", Foreground: true},
			},
		},
		{ // seed 001 / 002: reply from the notification.
			ID: "chat_message",
			Actions: []Action{
				{ID: "REPLY", Title: "Reply", TextInput: true, TextInputButtonTitle: "Send", TextInputPlaceholder: "Message", Icon: "arrowshape.turn.up.left"},
				{ID: "MARK_READ", Title: "Mark as read", Icon: "envelope.open"},
			},
		},
	}
}
