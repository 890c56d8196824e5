package reference

// Rows for the device behaviours of issues 12 (fidelity corrections), 19
// (rich push, offline delivery, background budget, grouping, Focus, hidden
// previews) and 16 (a stalled request body), written while that work was
// in progress on other branches: their code cites these ids.

// fidelitySources are the references only these rows use.
type fidelitySources struct {
	attachment, settingsBadge, showPreviews, critEntitlement, tsEntitlement, forumOneStored Source
	wwdc18Grouped, sdk15Summary, stavash, telerikMixed, openradarFallback                   Source
	oneSignalCollapse, pushSharpCollapse, apnoticCollapse, rmsBadge, parseContentAvailable  Source
	teakProvisional, faceIDPreviews                                                         Source
}

func newFidelitySources() *fidelitySources {
	const doc = "https://developer.apple.com/documentation/"
	return &fidelitySources{
		attachment:            Source{Title: "Apple: UNNotificationAttachment (supported file types)", URL: doc + "usernotifications/unnotificationattachment"},
		settingsBadge:         Source{Title: "Apple: UNNotificationSettings.badgeSetting", URL: doc + "usernotifications/unnotificationsettings/badgesetting"},
		showPreviews:          Source{Title: "Apple: UNShowPreviewsSetting (iOS 11)", URL: doc + "usernotifications/unshowpreviewssetting"},
		critEntitlement:       Source{Title: "Apple: com.apple.developer.usernotifications.critical-alerts entitlement", URL: doc + "bundleresources/entitlements/com.apple.developer.usernotifications.critical-alerts"},
		tsEntitlement:         Source{Title: "Apple: com.apple.developer.usernotifications.time-sensitive entitlement", URL: doc + "bundleresources/entitlements/com.apple.developer.usernotifications.time-sensitive"},
		forumOneStored:        Source{Title: "Apple Developer Forums thread 775455 (APNs stores one notification per app, which one is not deterministic)", URL: "https://developer.apple.com/forums/thread/775455"},
		wwdc18Grouped:         Source{Title: "WWDC 2018 session 711: Using Grouped Notifications", URL: "https://developer.apple.com/videos/play/wwdc2018/711/"},
		sdk15Summary:          Source{Title: "iOS 15 SDK diff, UserNotifications: summaryArgument marked \"is ignored\" (xamarin-macios wiki)", URL: "https://github.com/xamarin/xamarin-macios/wiki/UserNotifications-iOS-xcode13.0-beta2"},
		stavash:               Source{Title: "stavash, 2014-08-30: Using notification actions (the iOS 8 alert's Close / Options steps)", URL: "https://stavash.wordpress.com/2014/08/30/using-notification-actions/"},
		telerikMixed:          Source{Title: "Telerik-Verified-Plugins/PushNotification issue #70 (device log of an alert + content-available push)", URL: "https://github.com/Telerik-Verified-Plugins/PushNotification/issues/70"},
		openradarFallback:     Source{Title: "openradar-mirror #15279: iOS 10 calls handleActionWithIdentifier when the app has no UN delegate", URL: "https://github.com/lionheart/openradar-mirror/issues/15279"},
		oneSignalCollapse:     Source{Title: "OneSignal-Cordova-SDK issue #149: collapse id works on iOS 10 devices only", URL: "https://github.com/OneSignal/OneSignal-Cordova-SDK/issues/149"},
		pushSharpCollapse:     Source{Title: "PushSharp issue #798: apns-collapse-id only works with iOS 10", URL: "https://github.com/Redth/PushSharp/issues/798"},
		apnoticCollapse:       Source{Title: "apnotic issue #19: apns-collapse-id", URL: "https://github.com/ostinelli/apnotic/issues/19"},
		rmsBadge:              Source{Title: "RMSPushNotificationsBundle issue #62: a string badge is ignored by the device", URL: "https://github.com/richsage/RMSPushNotificationsBundle/issues/62"},
		parseContentAvailable: Source{Title: "parse-community/docs issue #570: a string content-available does not wake the app", URL: "https://github.com/parse-community/docs/issues/570"},
		teakProvisional:       Source{Title: "Teak docs: iOS 12 notification features (Deliver Prominently / Deliver Quietly)", URL: "https://docs.teak.io/"},
		faceIDPreviews:        Source{Title: "Press coverage of the iPhone X, 2017 (Cult of Mac, Tom's Guide): previews hidden until Face ID unlocks"},
	}
}

// fidelityRules are the rows of those issues, placed in their sections by
// id.
func fidelityRules(s *sources) []Rule {
	f := newFidelitySources()
	p := func(id string, k Kind, st Status, ios, statement string, src ...Source) Rule {
		return row(id, k, st, ios, envBoth, statement, src...)
	}
	return []Rule{
		// Offline devices: APNs' store-and-forward (section 1).
		p("T20", KindTransport, Documented, iosAll, "While a device is offline APNs still answers 200 and keeps one notification per app for it; a newer push for that app replaces the kept one.", s.send, f.forumOneStored).
			chose("An offline simulated device records each push as stored, and a second one for the same app as replacing the first (naming the dropped apns-id).", "Apple states one stored notification per app; which one is U51's choice.").see("T14", "U51"),
		p("T21", KindTransport, Documented, iosAll, "apns-expiration 0 means no storage, so a push to an offline device with 0 is lost; a future time keeps it until then; no header keeps it under APNs' policy (up to 30 days).", s.send).see("H16", "T14"),
		p("T22", KindTransport, Documented, iosAll, "When the device is reachable again APNs delivers the kept notification unless it has expired; an expired one vanishes and the provider is never told.", s.send).see("T14"),
		p("T23", KindTransport, Documented, iosAll, "Storage is per app: pushes for two apps on one offline device are both kept.", s.send),
		row("T24", KindTransport, Observed, iosAny, envBoth, "sideshow/apns2 v0.25 sends apns-expiration only for a time after the epoch, so it cannot send 0.", s.apns2Client).
			chose("pushsim's provider adds apns-expiration: 0 itself for provider.ExpireNow (time.Unix(0, 0)), so scenario expiration: 0 and pushsim send --expiration 0 reach the fake as curl would.", "T21's \"0 = no storage\" must be testable through the same apns2 path every send takes.").see("H16", "T21"),

		// Rich push (section 7.4).
		p("V60", KindPresentation, Documented, "10+", "A notification service extension runs only for an alert push with mutable-content 1 to an app that ships one, on iOS 10+; before 10 the key is ignored and the push is shown as sent.", s.unService, s.gen).see("P12", "V50"),
		p("V61", KindPresentation, Documented, "10+", "The extension gets limited time (about 30 s); when it runs out serviceExtensionTimeWillExpire is called and, without new content, the original is shown; nothing is shown while the extension works.", s.unService).see("V50", "C07"),
		p("V62", KindPresentation, Documented, "10+", "The extension may rewrite title, subtitle and body and attach images, audio or video (types by file extension); the first attachment is drawn as a thumbnail, full size when expanded.", s.unService, f.attachment).see("U57"),
		p("V63", KindPresentation, Documented, "10+", "Silent pushes and pushes that only badge or play a sound never reach the service extension.", s.unService),

		// Grouping.
		p("V64", KindPresentation, Documented, "12+", "From iOS 12 the lock screen and Notification Center stack an app's notifications, by thread-id when set, otherwise one stack per app, newest on top with a summary line; earlier versions list them flat.", f.wwdc18Grouped).see("P09", "V48"),
		p("V65", KindPresentation, Documented, "12+", "A stack's summary reads \"N more notifications\", or with summary-arg \"… from <arg>\"; a category's summary format (%u count, %@ argument) replaces it, and summary-arg-count says how many items one push stands for.", f.wwdc18Grouped, s.gen).see("P06", "U54"),
		p("V66", KindPresentation, Documented, "15+", "iOS 15 ignores summary-arg and summary-arg-count: the stack reads \"N more notifications\".", f.sdk15Summary),

		// Focus and interruption levels.
		p("V67", KindPresentation, Documented, "15+", "interruption-level: passive is listed quietly (no sound, banner or wake), active is the default, time-sensitive also passes Focus and the summary and is labelled, critical passes Focus and the mute switch; before 15 the key is ignored.", s.unInterruption, s.gen).see("P14", "V49"),
		p("V68", KindPresentation, Documented, "15+", "A Focus delivers notifications of apps it does not allow quietly to Notification Center; time-sensitive ones break through with the Time Sensitive entitlement, critical ones with the critical-alerts entitlement.", s.unInterruption, f.tsEntitlement, f.critEntitlement, s.wwdc21Notif),
		p("V69", KindPresentation, Documented, "15+", "time-sensitive and critical need their entitlements; without one the notification does not get that level's powers.", s.unInterruption, f.critEntitlement, f.tsEntitlement).see("U55"),
		p("V70", KindPresentation, Documented, "15+", "relevance-score (0–1) ranks an app's notifications in the summary; the highest is featured.", s.gen, s.wwdc21Notif).see("P15"),

		// Hidden previews.
		p("V71", KindPresentation, Documented, "11+", "Show Previews (always, when unlocked, never; per device with a per-app override) hides title, subtitle, body and attachment behind the app name and \"Notification\" or the category's placeholder; hiddenPreviewsShowTitle/Subtitle keep those lines.", f.showPreviews, s.unCategoryOpts).see("V11", "V41"),
		p("V72", KindPresentation, Observed, "11+", "Show Previews defaults to When Unlocked on Face ID iPhones and to Always on Touch ID models.", f.faceIDPreviews).
			chose("The default follows the device model (a list of Face ID models); see U56 for an unknown model.", "This is how the iPhone X launched and how every Face ID model has shipped since.").see("U56"),

		// Background budget and priority (section 8).
		p("C10", KindCompletion, Documented, "7+", "Background pushes are throttled by the system; Apple advises two or three an hour and publishes no budget.", s.bg).
			chose("Three wakes per rolling hour per app and device; a push over budget is deferred and merged with later ones (the newest kept), then wakes the app when the budget frees.", "See U52: a backend that follows Apple's advice is never throttled, one that bursts is.").see("C06", "U52"),
		p("C11", KindCompletion, Documented, iosAll, "Priority 1 asks APNs to put the device's power first and never wake it.", s.send).
			chose("A priority-1 push is held on the device until it next wakes (a priority-10 push, an unlock, coming online), merged per app like C10.", "See U53: holding it until a wake is the observable meaning of never waking the device.").see("H17", "U53"),
		p("C12", KindCompletion, Documented, iosAll, "Priority 5 on an alert push lets APNs group and delay it; the device shows it when it arrives.", s.send).
			chose("No device-side throttle for priority-5 alerts: they are shown at once.", "The budget of C10 applies to background wakes only.").see("H03", "T14"),

		// Issue 12 (section 10).
		p("U40", KindPresentation, Observed, "7+", "A push with an alert and content-available 1 is shown and also wakes the app.", s.uiFetch, f.telerikMixed, s.bg).
			chose("iOS 7+: the alert is presented and a background or closed app gets the fetch callback (C05 limits; none after a force-quit); on 10+ in the foreground willPresent decides and the fetch callback runs; on 7–9 in the foreground the single fetch call carries the handler; denied permission hides the alert but not the wake. Its wake does not spend the background budget (C10).",
				"Apple documents the fetch callback for any push announcing data, visible or not, and device logs show it at arrival followed by the action callback on tap. The budget is Apple's for background notifications, which it defines as carrying only content-available.").see("P11", "C05", "V52", "C10"),
		p("U41", KindPresentation, Observed, "8+", "An action can be tapped only in a context that shows it.", s.uiContext, s.ijunkie, s.mobisoft).
			chose("A tap on an action the current context cannot reach is refused (CLI exit 2, API 409 action-not-reachable, scenario failure naming the context) unless the caller picks a context that shows it.",
				"With 4 actions for the alert and 2 elsewhere (V31), the third action is on no minimal-context screen; a user could not tap it there.").see("V31", "V32", "U15"),
		p("U42", KindPresentation, Observed, "8–9", "The iOS 8–9 alert style shows Close and Options first; Options opens a second alert with up to 4 actions and Close.", f.stavash, s.ijunkie, s.mobisoft, s.wwdc14Notif).
			chose("Two contexts, alert (Close, Options) and alert-options (the actions, Close); an action tapped on the first is refused with a hint; a notification without registered category keeps Close / View.",
				"Three independent 2014 write-ups describe the same two steps; Apple documents only the 4-action default context.").see("V32"),
		p("U43", KindPresentation, Unconfirmed, iosAll, "When the system changes the app icon's badge.", f.settingsBadge, f.teakProvisional).
			chose("No change when notifications are denied or not yet allowed (8+), for provisional delivery, in the foreground before 10 (the app decides), on 10+ in the foreground unless willPresent returns badge, or for a mistyped badge; otherwise aps.badge sets it.",
				"An app needs badge authorization; quiet delivery turns badges off; before 10 a foreground app gets the payload instead of any system UI (V24).").see("P07", "V24", "V45"),
		p("U44", KindPresentation, Documented, iosAll, "Hiding a push while a chat is open is the app's decision, not the system's: the app still receives it.", s.unDelegate, s.uiReceive).
			chose("On 10+ willPresent runs and returns no options (logged with its callback); before 10 the foreground app gets didReceiveRemoteNotification and shows nothing; no sound or badge.",
				"The OS calls the app as for any foreground push; the SDK hides the message in its handler.").see("V24", "V45"),
		p("U45", KindCompletion, Unconfirmed, "8+", "Which action callback runs depends on what the app implements.", s.uiHandleAction, f.openradarFallback).
			chose("Fleet key implements lists the app's methods (default: its era's); iOS 9 uses the responseInfo variant if present, else the iOS 8 one (typed text lost); 10+ uses the UN delegate if present, else the UIKit methods; none: nothing is delivered and no watchdog runs.",
				"Apple documents the iOS 9 preference (V34); apps built for 8–9 kept working on iOS 10 without a UN delegate.").see("V34"),
		p("U46", KindPresentation, Unconfirmed, iosAll, "apns-collapse-id replacement on the device, by iOS version.", f.oneSignalCollapse, f.pushSharpCollapse, f.apnoticCollapse, s.wwdc16Intro).
			chose("iOS 10+: a push with the same collapse id replaces the notification still shown; iOS 9 and earlier show each push separately, and the event says why.",
				"The header arrived with iOS 10's notification request identifiers; SDK maintainers report it works on iOS 10 devices only.").see("H19"),
		p("U47", KindPayload, Unconfirmed, iosAll, "An aps key of the wrong JSON type (\"badge\":\"3\", \"sound\":1, \"category\":5, \"content-available\":\"1\").", f.rmsBadge, f.parseContentAvailable).
			chose("APNs accepts it (200); the device ignores that key and shows the rest (badge unchanged, no sound, no actions, no wake); lint reports an error.",
				"Backend libraries report devices silently ignoring string badges while showing the alert, and string content-available failing to wake.").see("U02", "P04"),
		p("U48", KindPresentation, Unconfirmed, iosAll, "Identifiers for the system's own buttons (Close, View, OK, Options, Dismiss, Keep…, Turn Off…): pushsim's naming, not Apple's.").
			chose("system:close, system:view, system:ok, system:options, system:dismiss, system:keep and system:turn-off; fleet files refuse app action ids starting with system:, and a short word that equals an app action id is refused as ambiguous.",
				"A tap of \"ok\" on an app whose category has an OK action silently became the legacy dismiss; a namespace apps cannot use removes the doubt."),
		p("U49", KindPresentation, Documented, "10+", "A dismissal is the user clearing a notification; a banner going away by itself is not one.", s.unCategoryOpts).
			chose("Dismiss reaches the app only on 10+ with customDismissAction; a banner timing out delivers nothing and the notification stays in Notification Center (event timed_out).",
				"customDismissAction reports only an explicit dismissal by the user.").see("V41", "V44"),
		p("U50", KindPresentation, Unconfirmed, "12+", "What the Keep… and Turn Off… buttons of a provisional notification do.", s.wwdc18Notif, f.teakProvisional).
			chose("Keep… = Deliver Prominently (permission becomes authorized from the next push); Turn Off… = permission denied; nothing reaches the app; Deliver Quietly is not modelled.",
				"WWDC 2018 shows both buttons opening a sheet; the prominent choice is the one that changes delivery.").see("V48"),

		// Issue 19's open points (its branch numbered them U40–U47, which
		// issue 12 had taken; renumbered here, see the report).
		p("U51", KindTransport, Unconfirmed, iosAll, "Which notification APNs keeps when several arrive for one app while the device is offline.", s.send, f.forumOneStored).
			chose("The newest.", "Apple's engineer says the choice is not deterministic and the retired guide said the most recent; keeping the newest is deterministic and matches most reports.").see("T20"),
		p("U52", KindCompletion, Unconfirmed, "7+", "The background push budget's numbers.", s.bg).
			chose("3 wakes per rolling 60 minutes per app per device, deterministic, configurable.", "Apple advises two or three an hour; a backend that follows that advice is never throttled, one that bursts is.").see("C10", "C06"),
		p("U53", KindCompletion, Unconfirmed, iosAll, "When a priority-1 push reaches the device.", s.send).
			chose("At the device's next wake (C11).", "Apple gives no figure; arriving only with a wake is what \"never wake the device\" looks like from outside.").see("C11"),
		p("U54", KindPresentation, Unconfirmed, "12–14", "What the N of a stack summary counts, and how several summary arguments are joined.", f.wwdc18Grouped).
			chose("N is the sum of summary-arg-count (default 1) over the notifications below the top one; their distinct arguments in arrival order, joined \"A, B and C\".", "That matches WWDC 2018's examples, which show no multi-argument case.").see("V65"),
		p("U55", KindPresentation, Unconfirmed, "15+", "What iOS does with time-sensitive or critical when the app lacks the entitlement.", s.unInterruption, f.critEntitlement).
			chose("Treat it as active (shown, no breakthrough), with a note naming the missing entitlement.", "Apple documents the requirement, not the fallback; reports show such notifications arriving as ordinary ones.").see("V69"),
		p("U56", KindPresentation, Unconfirmed, "11+", "The Show Previews default for a device whose model is unknown.", f.showPreviews).
			chose("Always.", "That is the pre-Face ID default, so fleet files that name no model keep drawing bodies.").see("V72"),
		p("U57", KindPresentation, Unconfirmed, "10+", "How many attachments are drawn.", f.attachment).
			chose("The first one as the thumbnail wherever the body is drawn; the others are listed in the expanded view.", "Apple shows one thumbnail; nothing documents the others.").see("V62"),

		// Session 3: the lock screen before iOS 5, and a slider with no View.
		p("U81", KindPresentation, Unconfirmed, "3–9", "What a locked device before iOS 5 shows for a push, and what its slider reads when action-loc-key is null.", s.lpgKeys, s.iphonehacksIOS4).
			chose("iOS 3–4 show the alert's text on the lock screen with the slider reading \"slide to view\" (or the action-loc-key title), as V23 says of 5–9; with action-loc-key null there is no View action, so the slider keeps \"slide to unlock\".",
				"Apple's guide describes the View button and action-loc-key, not the lock screen of 3–4; reports of iOS 4 describe a popup of the latest notification on the lock screen, and the slider's label follows V23 by analogy; a null action-loc-key removes the only action the slider could take.").see("V03", "V20", "V23"),

		p("U82", KindPresentation, Unconfirmed, "10+", "Whether the expanded view has a control that clears the notification.", s.macmostIOS15).
			chose("iOS 10–14: yes, the corner × (drawn [Dismiss], reported like any dismissal, V41, V44); iOS 15+: no — a tap outside only closes the view, and clearing is a swipe in the list, which a dismiss tap stands for.",
				"Users report the × gone with iOS 15 (\"there's no X in the corner to dismiss it like there used to be\"); Apple documents neither. U15's \"then the dismiss button\" is read as 10–14.").see("U15", "V41", "V47"),

		// Issue 16: a stalled request body.
		p("U70", KindTransport, Unconfirmed, iosAny, "How long APNs waits for a request body that stops arriving after the headers.", s.send, s.resp).
			chose("30 s (configurable); then what arrived is judged, so an empty body is 400 PayloadEmpty.", "Apple publishes no read timeout; holding a stalled stream forever would let one client pin server resources.").see("E22"),
	}
}
