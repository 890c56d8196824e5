package reference

// completionRules: section 8, completion handlers and time limits.
func completionRules(s *sources) []Rule {
	c := func(id string, st Status, ios, statement string, src ...Source) Rule {
		return row(id, KindCompletion, st, ios, envBoth, statement, src...)
	}
	return []Rule{
		c("C01", Documented, "8–9", "An action handler (handleActionWithIdentifier…completionHandler:) must call its block when done; a background action runs only until then.", s.uiHandleAction),
		c("C02", Observed, "8–9", "Without that call the app runs only until its background allowance (roughly 30 s) is used up, then it is suspended or killed; the watchdog's crash code is 0x8badf00d.", s.uiHandleAction, s.tn2151, s.watchdog).
			chose("After 30 s without the call, the simulated app is killed with 0x8badf00d.", "The 30 s figure and the crash code are what developers report from crash logs; Apple documents only that the block must be called."),
		c("C03", Observed, "10+", "didReceive's completion handler must be called when the app is done; if it is not, the system logs that it was never called, and an app launched in the background is suspended when its time is up.", s.unDelegate).
			chose("Never calling it logs a warning and suspends the app after 30 s; no crash.", "Apple states the obligation, not a kill; reports show a console warning rather than a watchdog crash for this handler."),
		c("C04", Documented, "10+", "willPresent's completion handler decides the presentation; nothing is shown until it runs.", s.unDelegate),
		c("C05", Documented, "7+", "The background-fetch callback must report new data, no data or failed within 30 s of wall-clock time; overrunning can get the app killed, heavy use lowers later wake-ups, and after the user force-quits the app no background launch happens until they open it themselves.",
			s.uiFetch, s.bg),
		c("C06", Documented, "7+", "Background pushes are rationed: Apple advises at most two or three an hour, with push type background and priority 5, and the system may delay, merge or drop them; the budget itself is unpublished.", s.bg, s.wwdc19Background),
		c("C07", Documented, "10+", "A notification service extension gets about 30 s (see V50).", s.unService).see("V50"),
		c("C08", Unconfirmed, "all", "Calling a completion handler twice is not documented.").
			chose("See U16: log a double-completion warning, no crash.", "Nothing says it crashes; a warning keeps the mistake visible.").see("U16"),
	}
}

// simctlRules: section 9, xcrun simctl push and .apns files.
func simctlRules(s *sources) []Rule {
	x := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindSimctl, st, "Simulator (Xcode 11.4+)", envNone, statement, src...)
	}
	return []Rule{
		x("S01", Documented, "Xcode 11.4 added xcrun simctl push <device|booted> [<bundle id>] (<json file>|-); an .apns file can also be dropped on the Simulator window.", s.xcode114, s.simctlHelp),
		x("S02", Documented, "simctl accepts only a top-level JSON object containing aps, no bigger than 4096 bytes.", s.simctlHelp),
		x("S03", Documented, "A top-level \"Simulator Target Bundle\" key names the app so the bundle argument can be left out; when both are given the argument wins.", s.simctlHelp),
		x("S04", Documented, "Only ordinary app pushes work this way; VoIP, complication, file-provider and the other special push types are not supported.", s.simctlHelp),
		x("S05", Observed, "simctl never talks to APNs: no token, TLS, authentication, apns-* headers or status codes, and delivery is immediate: nothing is stored, throttled or checked against an environment.", s.simctlHelp),
		x("S06", Unconfirmed, "pushsim accepts the same .apns files (object, aps, optional Simulator Target Bundle, at most 4096 bytes) to inject a notification into a simulated device.").
			chose("Read .apns files wherever a payload file is accepted; the target bundle picks the app and topic and is removed from the body sent.",
				"Teams already keep .apns files for the Simulator; reusing them costs nothing and the key is not part of any real payload."),
	}
}

// unconfirmedRules: section 10, where Apple is silent and pushsim chose.
func unconfirmedRules(s *sources) []Rule {
	u := func(id string, k Kind, ios, statement, choice, why string, src ...Source) Rule {
		return row(id, k, Unconfirmed, ios, envBoth, statement, src...).chose(choice, why)
	}
	return []Rule{
		u("U01", KindResponse, iosAny, "Apple publishes no order in which a request's problems are checked; Pushy's mock checks headers first and auth late.",
			"Check by layer: method, path, duplicate headers, authentication (403/429), header syntax and topic, body (empty, size), device token (format, environment, topic, unregistered), then rate limit. The order is one table in fakeapns.",
			"A real server has to authenticate before it looks up tokens, or it would leak which tokens exist to strangers; one table keeps the order changeable in one place.",
			s.pushyValidating),
		u("U02", KindPayload, iosAny, "Apple does not say how APNs answers a body that is not JSON or not a JSON object.",
			"Accept with 200, log it as undeliverable (invalid JSON), and show nothing on the device.",
			"There is no documented reason string, and apns2 loses the whole response on a body it cannot parse (E62); clients validate before sending, so this is rare.",
			s.apns2Client),
		u("U03", KindPayload, iosAll, "Unknown keys inside or outside aps.",
			"Accept them and pass everything to the app's userInfo.", "This is what devices do in practice (P04); refusing would break payloads that work.", s.gen),
		u("U04", KindResponse, iosAny, "Apple explains TopicDisallowed and IdleTimeout in three words each.",
			"TopicDisallowed: a well-formed topic the credential may not use (another team, outside a topic-specific key or certificate). IdleTimeout: never answered to a request; optionally a GOAWAY after a configured idle time, off by default.",
			"That is the common reading of both strings; connections are documented to live for days (T13), so idling out by default would be wrong.", s.resp),
		u("U05", KindHeader, iosAny, "Apple calls priority 10 on a background push an error but names no reason.",
			"400 BadPriority, also when apns-priority is absent (APNs treats absence as 10).", "The priority is what is wrong, and BadPriority is the reason for a wrong priority.", s.send),
		u("U06", KindTransport, iosAny, "The real stream limit, idle timeout and PING handling are unpublished (about 1000 streams after auth is hearsay).",
			"A token connection advertises one stream until a push succeeds, then a configurable limit (1000); certificate connections start at the limit (see U33 for rejections). PING is always answered. fakeapns' frame layer sends the SETTINGS; only the configured limit is enforced.",
			"T08 says one stream until a valid token; 1000 matches what clients see after auth. Enforcing 1 would refuse pushes a client sent before it read the SETTINGS.", s.send),
		u("U07", KindHeader, iosAny, "What counts as a bad apns-expiration is not spelled out.",
			"Anything but a non-negative integer is BadExpirationDate; a time already past is accepted (200) and never delivered to an offline device.",
			"A past time means \"expire now\" in apns2's documentation of the field, not an error.", s.apns2Notification),
		u("U08", KindResponse, iosAny, "Whether error responses echo apns-id: Apple's sample shows it empty, its table says it is always present.",
			"Every response carries the request's apns-id, or a generated one when it had none; when the request's own apns-id was invalid (BadMessageId), a fresh one.",
			"Pushy echoes it and apns2 reads it on errors, so clients expect it.", s.resp, s.pushyMock),
		u("U09", KindResponse, iosAny, "Format of apns-unique-id and which responses carry it.",
			"Sandbox only: a random lowercase UUID on 200s and on errors after authentication; never on production.",
			"Apple documents it for development only, as a console lookup id; UUID is what is seen on the wire.", s.resp, s.wwdc23Console),
		u("U10", KindAuth, iosAny, "A second team's token on one connection: Forbidden or InvalidProviderToken?",
			"InvalidProviderToken; another key of the same team gets UnrelatedKeyIdInToken (A09).", "Pushy, the most used mock, answers InvalidProviderToken.", s.pushyToken, s.token),
		u("U11", KindAuth, iosAny, "Apple documents BadEnvironmentKeyIdInToken, but APNs reportedly sends BadEnvironmentKeyInToken.",
			"Send BadEnvironmentKeyInToken by default, with a switch for the documented spelling; clients should treat both alike.",
			"APNSwift had to accept both after seeing the second on the wire.", s.apnswiftPR229, s.resp),
		u("U12", KindHeader, iosAny, "Headers APNs does not define.", "Ignore them.", "Apple documents no reason for them and every client sends some (H22).", s.send),
		u("U13", KindPresentation, "10+", "Apple's pages do not print the values of the default and dismiss action identifiers.",
			"Use com.apple.UNNotificationDefaultActionIdentifier and com.apple.UNNotificationDismissActionIdentifier.",
			"Those are the SDK header values, used the same way by several reimplementations.", s.unDefaultID, s.unDismissID),
		u("U14", KindHeader, "18+", "widgets and controls push types: which iOS versions take them, and whether certificates may send them.",
			"Token auth only; iOS versions before 18 ignore both; nothing visible is drawn.",
			"Controls arrived with iOS 18 and WidgetKit push with 26; both are newer than certificate-only push types, like liveactivity.", s.widgetPush, s.apnswiftError),
		u("U15", KindPresentation, "8+", "The number of actions iOS 10+ shows once a notification is expanded (Apple has said both \"up to 10\" and \"banners show the first two\").",
			"Expanded view: up to 10 in registration order (the rest dropped), then the dismiss button; a banner shows no buttons until expanded on 10+; where iOS 8–9 have a compact row, its first 2.",
			"The limit of 10 is Apple's own older statement, and the two-action sentence is about the collapsed banner.", s.unCategory),
		u("U16", KindCompletion, iosAll, "A completion handler called twice.",
			"Record the repeated call as a warning event (double completion); no crash, unless a scenario asks for one.", "Undocumented; a warning shows the bug without inventing a crash.", s.unDelegate),
		u("U17", KindToken, iosAny, "Device tokens in uppercase hex, and token length.",
			"Accept either case and any even number of 32–200 hex digits, compared case-insensitively; anything else is BadDeviceToken.",
			"Apple warns that the length may change; Pushy accepts mixed case.", s.send, s.pushyValidating),
		u("U18", KindAuth, iosAny, "A JWT whose ECDSA signature is DER-encoded (Apple's own sample token looks DER).",
			"Refuse it with InvalidProviderToken.", "JWS requires raw r‖s (RFC 7518), and apns2 produces raw r‖s.", s.rfc7518, s.send),
		u("U19", KindAuth, iosAny, "A JWT whose iat lies in the future (clock skew).",
			"Accept up to 5 minutes ahead; further is InvalidProviderToken.", "Servers' clocks drift a little; a token from far in the future is not a clock problem.", s.token),
		u("U20", KindAuth, iosAny, "The exact TooManyProviderTokenUpdates rule.",
			"Counted per connection: the first token costs nothing; a different bearer within 20 minutes of the last accepted change gets 429, counted from the first bearer's iat; resending the same bearer never counts.",
			"Apple says at most one change per 20 minutes, and an Apple engineer said it is counted per connection; counting from iat keeps apns2's normal 50-minute refresh legal.",
			s.token, s.forumTokenUpdates),
		u("U21", KindToken, iosAll, "When exactly 410 starts after an uninstall.",
			"A configurable delay, by default from the first push after the uninstall; the 410's timestamp is when the app was deleted, in epoch milliseconds.",
			"Apple keeps the timing fuzzy on purpose (D06); tests need it to be predictable.", s.forumUninstall),
		u("U22", KindResponse, iosAny, "The TooManyRequests threshold per token.",
			"Off by default; N pushes per token per time window when configured.", "Apple publishes no number; an invented default would make tests flaky.", s.resp),
		u("U23", KindPresentation, "3–7", "Before iOS 8, a push with badge or sound but no alert, or with interruption-level set.",
			"Apply badge and sound only, draw nothing, and ignore keys the version does not know.", "The archived guide describes no UI without alert text; unknown keys are ignored (P04).", s.lpgKeys),
		u("U24", KindHeader, iosAny, "A push type that needs a topic suffix (voip, complication, location, liveactivity…) sent with the bare bundle id: Apple names no reason.",
			"400 BadTopic, switchable in fakeapns' Config.Choices.", "The topic is what is malformed for that push type; BadTopic is Apple's reason for a malformed topic.", s.send),
		u("U25", KindAuth, iosAny, "A certificate connection sending a token-only push type (location, liveactivity) or a topic the certificate does not list.",
			"400 TopicDisallowed.", "The credential is valid but may not push to that topic, which is what TopicDisallowed says (U04).", s.send, s.cert),
		u("U26", KindHeader, iosAny, "An apns-topic header that is present but empty.",
			"400 BadTopic, not MissingTopic.", "The header was sent, so it is not missing; its value is not a valid topic.", s.resp),
		u("U27", KindPresentation, "10+", "Whether the Alerts style of iOS 10 and later still draws the old modal dialog in the middle of the screen.",
			"Draw it as a banner that stays until the user acts; there is no modal alert context from iOS 10 on.",
			"From iOS 10 alerts and banners share one card design at the top of the screen, and iOS 11 offers the style as a persistent banner.", s.wwdc16Intro),
		u("U28", KindTransport, iosAny, "A query string after /3/device/<token>.",
			"Ignore it: the push is accepted as if the query were absent.", "Apple defines no query parameters; HTTP routers drop the query before matching the path.", s.send),
		u("U29", KindAuth, iosAny, "A provider token whose iat is a JSON string or a number with a fraction or an exponent.",
			"403 InvalidProviderToken.", "A02 and apns2 use whole Unix seconds; RFC 7519's NumericDate would allow a fraction, and golang-jwt even accepts a numeric string, so a strict server is the safer mock: a client that sends these is fragile against the real one.", s.token, s.rfc7519),
		u("U30", KindAuth, iosAny, "A provider token whose iat is an integer outside any real time (beyond int64, or before year 1 or after year 9999).",
			"403 InvalidProviderToken, not ExpiredProviderToken.", "Such a value is malformed, not old; read through a float or time.Unix it wraps around into the past, which would wrongly say expired.", s.token, s.rfc7519),
		u("U31", KindAuth, iosAny, "A provider token with a crit header.",
			"403 InvalidProviderToken, whatever it lists (an empty list too).", "APNs defines no JWS extension, and RFC 7515 section 4.1.11 says a recipient must reject critical extensions it does not understand.", s.token, s.rfc7515),
		u("U32", KindAuth, iosAny, "A provider token whose header or claims repeat a member name.",
			"403 InvalidProviderToken.", "RFC 7515 section 5.2 and RFC 7519 section 4 let a parser reject or keep the last; keeping the last would let two readers of one token disagree on its iss or iat.", s.rfc7515, s.rfc7519),
		u("U33", KindTransport, iosAny, "APNs lowers SETTINGS_MAX_CONCURRENT_STREAMS to 1 after a rejected push and restores it after the next accepted one (reported in 2016 and by Pushy's maintainer; Apple does not document it).",
			"After any rejected push the connection advertises one stream; after the next accepted push, the configured limit again. Off with Choices.NoStreamThrottle.", "Two independent reports describe it; clients that assume a fixed limit open extra connections or see refused streams, which is what a test should surface.", s.radar27870881, s.pushy732, s.pushy486),
		u("U83", KindTransport, iosAny, "What APNs does with a stream a client opens beyond the MAX_CONCURRENT_STREAMS it was told (RFC 9113 section 5.1.2 requires a stream error, PROTOCOL_ERROR or REFUSED_STREAM; Apple does not say which).",
			"RST_STREAM REFUSED_STREAM on that stream, not processed; the limit binds once the client acknowledged the SETTINGS that lowered it, a raise at once (section 6.5.3); streams opened before the client acknowledged a lower limit are exempt from it. The streams are counted as requests, not by id (net/http does not tell a handler its stream), so when a client exceeds the limit the stream refused is one of those in progress beyond it, not necessarily the newest. Off with Choices.NoStreamThrottle, where net/http enforces the configured limit itself.",
			"REFUSED_STREAM tells the client the request was not processed and may be retried (section 8.7), so a client that ignores the throttle (U33, U06) sees its pushes refused, not lost; Go's and nghttp2's clients keep to the limit and never see it.", s.rfc7540, s.radar27870881),
		u("U34", KindTransport, iosAny, "How many connections APNs accepts from one provider.",
			"fakeapns accepts 4096 at once (Config.MaxConnections); one more gets SETTINGS and GOAWAY ENHANCE_YOUR_CALM with last-stream-id 0 and debug data naming the limit, then a close.", "Apple publishes no limit (T07 encourages several connections); the bound protects the machine, and a GOAWAY says why where a reset would not.", s.send),
		u("U35", KindToken, iosAny, "Which app a load-test target's synthetic device token belongs to: Apple issues each token to one app (D04, D08) and says nothing about synthetic ones.",
			"A synthetic token (pushsim serve --synthetic) belongs to whatever app apns-topic names; only a push type that needs a token of its own gets DeviceTokenNotForTopic. A wrong MAC, an index beyond --synthetic or the other environment's token gets BadDeviceToken (E11, D03). Tokens are 32 bytes (U17).",
			"A load test brings its own bundle id; binding the seed's tokens to one app would make every state dir app-specific and gain no fidelity at scale.", s.token),
		u("U36", KindResponse, iosAny, "The 410 timestamp of a token whose uninstall the fake invents (E03, U21).",
			"For an uninstalled synthetic device: a moment within the 24 hours before the state dir's seed was made, derived from the token, so that every replica answers the same.",
			"Apple's timestamp is when APNs learned the token was invalid; a fixed moment per token before any push keeps replicas agreeing without shared state.", s.resp),
	}
}
