package reference

// Where a rule applies, in the words the table uses.
const (
	iosAny  = "any (provider side)"
	iosAll  = "all"
	envBoth = "sandbox and production"
	envNone = "none (Simulator, no APNs)"
)

// row builds a rule; chose and see refine it.
func row(id string, k Kind, st Status, ios, env, statement string, src ...Source) Rule {
	return Rule{ID: id, Kind: k, Status: st, IOS: ios, Env: env, Statement: statement, Sources: src}
}

// chose records the behaviour pushsim picked and why.
func (r Rule) chose(choice, why string) Rule {
	r.Choice, r.Why = choice, why
	return r
}

// see links related rules.
func (r Rule) see(ids ...string) Rule {
	r.See = append(r.See, ids...)
	return r
}

// transportRules: section 1, the HTTP/2 provider API's transport.
func transportRules(s *sources) []Rule {
	t := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindTransport, st, iosAny, envBoth, statement, src...)
	}
	return []Rule{
		t("T01", Documented, "APNs answers on api.push.apple.com for production and api.sandbox.push.apple.com for development; some older texts name the sandbox api.development.push.apple.com.",
			s.send, s.lpgComm, s.forumSandboxHost),
		t("T02", Documented, "Providers connect on port 443, or on 2197 on either host when a firewall must single out APNs traffic.", s.send),
		t("T03", Documented, "The provider API is HTTP/2 over TLS 1.2 or newer; there is no HTTP/1.1 fallback.", s.send),
		t("T04", Unconfirmed, "HTTP/2 is negotiated with ALPN \"h2\" (RFC 7540 §3.3); pushsim's fake also listens for cleartext h2c on request, for local tests.", s.rfc7540).
			chose("TLS listeners advertise only h2; an optional h2c listener speaks HTTP/2 with prior knowledge.",
				"h2c is not part of APNs; it exists so curl and test clients can reach the fake without a CA, and it never changes what TLS clients see."),
		t("T05", Documented, "One notification is one POST request to /3/device/<device token in hex>, with the JSON payload as the body.", s.send),
		t("T06", Documented, "A method other than POST is refused with 405 MethodNotAllowed, a path outside /3/device/ with 404 BadPath, and /3/device/ with no token with 400 MissingDeviceToken.",
			s.resp, s.pushyValidating).see("E20", "E40", "E41"),
		t("T07", Documented, "Throughput comes from opening more connections; Apple suggests a fresh, uncached DNS lookup per connection to spread the load.", s.send),
		t("T08", Documented, "Concurrent streams per connection vary with load and auth type and reach the client in SETTINGS_MAX_CONCURRENT_STREAMS; a token-auth connection gets one stream until a request with a valid token has been accepted.", s.send).see("U06"),
		t("T09", Documented, "APNs does not act on HTTP/2 PRIORITY frames, so clients should not send any.", s.send),
		t("T10", Documented, "APNs keeps a small HPACK table: Apple asks for :path and authorization as never-indexed literals, apns-id, apns-expiration and apns-collapse-id indexed once then unindexed, the rest indexed.", s.send),
		t("T11", Documented, "When APNs closes a connection with GOAWAY, the debug data is a JSON object with a reason string from the response table.", s.send, s.resp).
			chose("The fake's GOAWAY carries no debug data; a closing reason reaches clients only in a response body.",
				"Go's net/http HTTP/2 server gives no way to set GOAWAY debug data; replacing it was judged too risky."),
		t("T12", Documented, "After a certificate or signing key is revoked, a provider should drop all its connections, fix the credential and reconnect.", s.send),
		t("T13", Documented, "Connections are meant to stay open for hours or days; a quiet provider may PING after about an hour of silence. Apple does not say the server closes idle connections.", s.send).see("U04", "U06"),
		t("T14", Documented, "Delivery is best effort: order to one token is not guaranteed, an undeliverable push may be held up to 30 days (one per bundle id), and priority 5 and 1 pushes may be grouped, delayed or dropped.", s.send),
		t("T15", Observed, "The apns2 Go client pings after 15 s without reads, gives a request 60 s, keeps TCP alive every 15 s, dials TLS within 20 s and defaults to the development host; a fake must answer pings and keep idle connections open.", s.apns2Client),
		t("T16", Observed, "apns2 sends content-type application/json; charset=utf-8, defaults apns-push-type to alert, and omits apns-priority when it is 0 and apns-expiration when the time is zero.", s.apns2Client),
		t("T17", Documented, "The binary provider API (gateway.push.apple.com:2195, feedback on 2196, frames of commands 0/1/2 with one-byte error codes such as 7 for payload size) was switched off on 2021-03-31; pushsim does not serve it, and cites it only for the payload-size eras.",
			s.lpgBinary, s.binaryRetired, s.pushbaby).see("P03"),
	}
}

// headerRules: section 2, request headers and push types.
func headerRules(s *sources) []Rule {
	h := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindHeader, st, iosAny, envBoth, statement, src...)
	}
	return []Rule{
		h("H01", Documented, "authorization carries \"bearer <JWT>\" for token auth and is ignored on certificate connections; with neither a certificate nor a token APNs answers 403 MissingProviderToken.", s.send, s.resp).see("E35"),
		h("H02", Documented, "apns-push-type must describe the payload; watchOS 6+ needs it, other platforms should send it (new with iOS 13); a missing or mismatched type may be refused, delayed or dropped, and an unknown value is 400 InvalidPushType.",
			s.send, s.resp, s.apns2Issue175).see("E19"),
		h("H03", Documented, "Push type alert: the topic is the bundle id; priority 10 delivers at once, 5 when it can wait.", s.send),
		h("H04", Documented, "Push type background: topic is the bundle id, priority must be 5 (10 is an error, reason unnamed, see U05), and the payload has content-available 1 and nothing visible.", s.send, s.bg).see("U05", "P11"),
		h("H05", Documented, "Push type location: topic <bundle>.location-query, iOS and iPadOS only, priority 10 for an immediate answer or 5, token auth only.", s.send),
		h("H06", Documented, "Push type voip: topic <bundle>.voip, not on watchOS; a certificate must list the VoIP topic; the payload may reach 5120 bytes.", s.send).see("P03", "A12"),
		h("H07", Documented, "Push type complication: topic <bundle>.complication, for watchOS complications; a certificate must list the topic.", s.send),
		h("H08", Documented, "Push type fileprovider: topic <bundle>.pushkit.fileprovider, not on watchOS.", s.send),
		h("H09", Documented, "Push type mdm: the topic is the UID in the MDM push certificate's subject; not on watchOS.", s.send),
		h("H10", Documented, "Push type liveactivity: topic <bundle>.push-type.liveactivity, iOS/iPadOS 16.1+ (ActivityKit), token auth only.", s.send, s.apns2Notification, s.activityKit),
		h("H11", Documented, "Push type pushtotalk: topic <bundle>.voip-ptt, iOS/iPadOS 16+ (PushToTalk framework).", s.send),
		h("H12", Observed, "Push type widgets: topic <bundle>.push-type.widgets with aps.content-changed true asks WidgetKit to reload; updates are budgeted, not immediate (WidgetKit push, iOS 26).",
			s.widgetPush, s.apnswiftError).see("U14", "P18"),
		h("H13", Observed, "Push type controls: topic <bundle>.push-type.controls with aps.content-changed true reloads Control Center controls (iOS 18 controls); newer than apns2 v0.25.0.", s.apnswiftError).see("U14", "P18"),
		h("H14", Observed, "apns2 v0.25.0 has constants for alert, background, location, voip, complication, fileprovider, mdm, liveactivity and pushtotalk; its push type is a string, so widgets and controls can still be sent.", s.apns2Notification),
		h("H15", Documented, "apns-id is an optional canonical UUID (lowercase 8-4-4-4-12); APNs generates one when absent, returns it in the response, and answers 400 BadMessageId to one it cannot parse.", s.send, s.resp).see("E13", "E04"),
		h("H16", Documented, "apns-expiration is Unix seconds: non-zero means keep retrying until then, 0 means one attempt and no storage, absent means APNs' own storage; a bad value is 400 BadExpirationDate.", s.send, s.resp, s.apns2Notification).see("U07", "E12"),
		h("H17", Documented, "apns-priority is 10 (send now, the default), 5 (mind the device's power) or 1 (never wake the device); any other value is 400 BadPriority.", s.send, s.resp).see("E14"),
		h("H18", Documented, "apns-topic is the bundle id plus any push-type suffix; required with token auth and with multi-topic certificates (400 MissingTopic), otherwise the certificate subject; malformed is BadTopic, not permitted is TopicDisallowed, another app's token is DeviceTokenNotForTopic.",
			s.send, s.resp).see("E15", "E16", "E21", "E23", "U04"),
		h("H19", Documented, "Notifications with the same apns-collapse-id replace one another on the device; more than 64 bytes (Pushy counts UTF-8 bytes) is 400 BadCollapseId.", s.send, s.resp, s.pushyValidating).see("E10"),
		h("H20", Documented, "A header sent twice gets 400 DuplicateHeaders.", s.resp).see("E17"),
		h("H21", Documented, "HTTP/2 header names must be lowercase; an uppercase name is a malformed request refused by the HTTP/2 layer (PROTOCOL_ERROR), not an APNs reason.", s.rfc7540),
		h("H22", Unconfirmed, "Apple does not say what happens to headers it does not define (content-type, user-agent, x-anything).").
			chose("Ignore them.", "Every client sends some (apns2 sends content-type); refusing them would break working clients, and Apple documents no reason for it.").see("U12"),
	}
}
