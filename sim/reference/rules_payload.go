package reference

// payloadRules: section 3, the JSON body and its keys.
func payloadRules(s *sources) []Rule {
	p := func(id string, st Status, ios, statement string, src ...Source) Rule {
		return row(id, KindPayload, st, ios, envBoth, statement, src...)
	}
	return []Rule{
		p("P01", Documented, iosAll, "The body is one uncompressed UTF-8 JSON object; Apple's keys go in the aps dictionary and the app's own keys sit beside it at the top level, with any JSON value.", s.send, s.gen),
		p("P02", Documented, iosAny, "An empty body is refused with 400 PayloadEmpty.", s.resp).see("E22"),
		p("P03", Documented, iosAll, "Payload size limits: 256 bytes on the binary API before iOS 8, 2048 on it from iOS 8, 4096 on the HTTP/2 API for every version, 5120 for voip; over the limit HTTP/2 answers 413 PayloadTooLarge.",
			s.send, s.lpgPayload, s.soPayloadSize).
			chose("The fake takes 4096 bytes (5120 for voip) from every device; lint warns when a payload is over an older era's binary-API limit.",
				"Over HTTP/2 every iOS version receives 4096 bytes; the older limits only bind senders still on the binary API.").see("E52", "T17", "H06"),
		p("P04", Observed, iosAll, "Unknown keys are not refused: iOS skips aps keys it does not know and gives the app the whole dictionary as userInfo; Apple asks that custom keys stay out of aps.", s.gen).see("U03"),
		p("P05", Documented, "3+", "aps.alert is either a string (the body) or a dictionary of the keys in P06.", s.gen, s.lpgKeys),
		p("P06", Documented, "3+ (per key)", "Alert dictionary keys by first iOS version: body, loc-key, loc-args (%@ and %n$@), action-loc-key in 3.0; launch-image in 4.0; title, title-loc-key, title-loc-args in 8.2 (on the phone's own UI from 10); subtitle keys in 10; summary-arg and summary-arg-count in 12.",
			s.gen, s.lpgKeys, s.apns2Builder).see("V20"),
		p("P07", Documented, "3+", "aps.badge is a number: 0 removes the badge, leaving the key out keeps the current one.", s.gen),
		p("P08", Documented, "3+ (dictionary 12+)", "aps.sound names a sound file (or \"default\"); from iOS 12 it may be a dictionary with critical, name and volume 0–1 for critical alerts, which need Apple's entitlement.", s.gen),
		p("P09", Documented, "10+ (grouping 12+)", "aps.thread-id groups related notifications: used by content extensions from iOS 10 and for visual groups from iOS 12.", s.gen),
		p("P10", Documented, "8+", "aps.category selects the app's registered set of actions: UIUserNotificationCategory on iOS 8–9, UNNotificationCategory from 10; earlier versions ignore it.", s.gen, s.lpgKeys).see("V21"),
		p("P11", Documented, "7+", "aps.content-available 1 wakes the app in the background (iOS 7+); a silent push has no alert, badge or sound and goes as push type background, priority 5; an alert that also carries content-available is shown and also wakes the app (fetch callback in the background, willPresent plus the fetch callback in the foreground on 10+).",
			s.gen, s.bg).see("H04", "C05", "C06"),
		p("P12", Documented, "10+", "aps.mutable-content 1 routes an alert push through the app's notification service extension before it is shown.", s.gen).see("V50"),
		p("P13", Documented, "13+", "aps.target-content-id chooses which window or scene comes forward when the notification is opened.", s.gen),
		p("P14", Documented, "15+", "aps.interruption-level is passive, active (the default), time-sensitive or critical.", s.gen, s.unInterruption).see("V49"),
		p("P15", Documented, "15+", "aps.relevance-score from 0 to 1 orders notifications in the summary; Live Activity updates accept any number.", s.gen),
		p("P16", Documented, "16+", "aps.filter-criteria is a string that Focus filters match against.", s.gen, s.unFilter),
		p("P17", Documented, "16.1+", "Live Activity payloads carry timestamp (required), event (update, end; start from 17.2), content-state, stale-date, dismissal-date, relevance-score and an optional alert; push-to-start adds attributes-type and attributes.",
			s.gen, s.activityKit, s.apns2Builder).see("H10"),
		p("P18", Observed, "18+", "aps.content-changed true is the reload signal of widgets and controls pushes.", s.widgetPush, s.apnswiftError).see("H12", "H13"),
		p("P19", Documented, "none (not iOS apps)", "url-args (Safari web push) and the top-level mdm key exist but are not for iOS apps.", s.gen, s.apns2Builder),
		p("P20", Unconfirmed, iosAny, "Apple does not document APNs' answer to a body that is not valid JSON, or is JSON but not an object.").
			chose("See U02: accept with 200 and drop it as undeliverable.", "No reason string exists for it and an invented one breaks clients (E62).").see("U02"),
	}
}

// responseRules: section 4, APNs' responses and how clients read them.
func responseRules(s *sources) []Rule {
	e := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindResponse, st, iosAny, envBoth, statement, src...)
	}
	// r is one row of the status/reason table.
	r := func(id, statement string, src ...Source) Rule {
		if len(src) == 0 {
			src = []Source{s.resp}
		}
		return e(id, Documented, statement, src...)
	}
	return []Rule{
		e("E01", Documented, "An accepted push gets status 200 with an apns-id header and no body; the stream ends with the headers.", s.resp),
		e("E02", Documented, "A refused push gets the error status, content-type application/json, apns-id, and a body {\"reason\":\"…\"}.", s.resp),
		e("E03", Documented, "Only a 410 body adds \"timestamp\": integer milliseconds since the epoch of when APNs last knew the token was invalid for the topic.", s.resp).see("D07"),
		e("E04", Documented, "Every response carries apns-id: the one sent, or one APNs made up; Apple's sample error shows it empty (see U08).", s.resp).see("U08"),
		e("E05", Documented, "apns-unique-id appears only in the development environment, for finding the push in the Push Notifications Console; Pushy's mock sends a random UUID when enabled.", s.resp, s.wwdc23Console, s.pushyMock).see("U09"),
		e("E06", Documented, "Do not resend after BadDeviceToken, DeviceTokenNotForTopic, Forbidden, ExpiredToken, Unregistered or PayloadTooLarge; TooManyRequests may be retried later.", s.resp, s.forumEnvToken),
		e("E07", Observed, "Once APNs has answered TooManyProviderTokenUpdates, that connection refuses pushes until enough time has passed for a token change to be allowed; both environments behave so.", s.forumTokenUpdates).see("E53", "U20"),
		r("E10", "400 BadCollapseId: apns-collapse-id is over 64 bytes."),
		r("E11", "400 BadDeviceToken: the token is malformed, or is a real token of the other environment.", s.resp, s.forumEnvToken).see("D03"),
		r("E12", "400 BadExpirationDate: apns-expiration cannot be read."),
		r("E13", "400 BadMessageId: apns-id is not a valid UUID."),
		r("E14", "400 BadPriority: apns-priority is not an allowed value."),
		r("E15", "400 BadTopic: apns-topic is malformed."),
		r("E16", "400 DeviceTokenNotForTopic: the token was issued to a different app or topic."),
		r("E17", "400 DuplicateHeaders: a header appears more than once."),
		r("E18", "400 IdleTimeout: Apple only says \"idle timeout\" (see U04)."),
		r("E19", "400 InvalidPushType: apns-push-type is not a known type."),
		r("E20", "400 MissingDeviceToken: the path has no device token."),
		r("E21", "400 MissingTopic: apns-topic is needed (token auth, multi-topic certificate) but absent.", s.resp, s.send),
		r("E22", "400 PayloadEmpty: the body is empty."),
		r("E23", "400 TopicDisallowed: the credential may not push to this topic (see U04)."),
		r("E30", "403 BadCertificate: the client certificate is not acceptable."),
		r("E31", "403 BadCertificateEnvironment: the certificate belongs to the other environment."),
		r("E32", "403 ExpiredProviderToken: the JWT was issued more than an hour ago; sign a new one.", s.resp, s.token),
		r("E33", "403 Forbidden: the action is not allowed; Apple does not say when (see U10)."),
		r("E34", "403 InvalidProviderToken: the JWT is malformed, unsigned, not ES256, or its signature does not verify.", s.resp, s.lpgComm),
		r("E35", "403 MissingProviderToken: neither a client certificate nor a bearer token was presented."),
		r("E36", "403 UnrelatedKeyIdInToken: this token was signed with a key unrelated to the one the connection started with; reconnect (no constant in apns2 v0.25.0)."),
		r("E37", "403 BadEnvironmentKeyIdInToken: the key is limited to the other environment (documented spelling; not in apns2 v0.25.0).", s.resp, s.apnswiftError).see("A10", "U11"),
		e("E38", Observed, "403 BadEnvironmentKeyInToken: the spelling APNs is reported to send for E37's case.", s.apnswiftPR229).see("U11"),
		r("E40", "404 BadPath: the :path is not /3/device/<token>."),
		r("E41", "405 MethodNotAllowed: the method is not POST."),
		r("E50", "410 ExpiredToken: the device token has expired; the body has a timestamp.", s.resp, s.apns2Response),
		r("E51", "410 Unregistered: the token is no longer active for the topic; stop sending until the app registers it again. The body has a timestamp."),
		r("E52", "413 PayloadTooLarge: the body is over the size limit (P03).").see("P03"),
		r("E53", "429 TooManyProviderTokenUpdates: the bearer token was replaced again within 20 minutes.", s.resp, s.token).see("A05", "U20"),
		r("E54", "429 TooManyRequests: too many pushes in a row to one device token.").see("U22"),
		r("E55", "500 InternalServerError: APNs failed internally."),
		r("E56", "503 ServiceUnavailable: APNs cannot take requests right now."),
		r("E57", "503 Shutdown: this APNs server is going away; reconnect."),
		e("E60", Observed, "apns2 takes StatusCode from HTTP, ApnsID from apns-id and ApnsUniqueID from apns-unique-id (empty when missing).", s.apns2Client),
		e("E61", Observed, "apns2 decodes the body with encoding/json, matching keys case-insensitively; an empty body is not an error.", s.apns2Client),
		e("E62", Observed, "If the body is not JSON, apns2's Push returns an error and an empty Response, losing status and apns-id, so a fake must always send well-formed JSON bodies.", s.apns2Client),
		e("E63", Observed, "apns2 parses timestamp as a bare JSON integer of milliseconds and truncates it to seconds; a string or float fails the whole Push.", s.apns2Response),
		e("E64", Observed, "apns2's Sent() is true exactly for status 200.", s.apns2Response),
		e("E65", Observed, "Pushy's mock adds timestamp only to Unregistered and lacks ExpiredToken, UnrelatedKeyIdInToken and the environment-key reasons; APNSwift reads timestamp as integer milliseconds and keeps unknown reasons as text.",
			s.pushyMock, s.pushyReasons, s.apnswiftError),
	}
}
