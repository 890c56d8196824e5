package reference

// verifyRules are the rows of issue 20 point 1 (verification over the
// journal and the per-push delivery lookup).
func verifyRules(s *sources) []Rule {
	consoleStatuses := Source{Title: "Apple: Viewing the status of push notifications using Metrics and APNs (Push Notifications Console delivery statuses)",
		URL: "https://developer.apple.com/documentation/usernotifications/viewing-the-status-of-push-notifications-using-metrics-and-apns"}
	return []Rule{
		row("U80", KindResponse, Unconfirmed, iosAny, "sandbox", "What the Push Notifications Console's delivery log says of one push looked up by its apns-unique-id.", s.wwdc23Console, consoleStatuses).
			chose("GET /api/v1/notifications/unique/{id} answers a state (rejected, received, delivered, stored, discarded) with the Console's wording: \"Received by APNs\", \"Delivered to Device\", \"Delivered to Device (From Storage)\", \"Stored - Device Offline\", \"Discarded - Token Unregistered\", \"Discarded - Expired\"; a rejected request, which the Console never sees, is \"Rejected - <status> <reason>\".",
				"Apple lists these statuses for Metrics and the delivery log but documents no per-push API; pushsim keeps Apple's words so a developer recognises them, and keeps the lookup to development answers, the only ones with an apns-unique-id.").see("E05", "U09"),
	}
}
