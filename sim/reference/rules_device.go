package reference

// capabilityRules: section 7.1, one row per iOS major version. The
// simulator's capability table (sim) carries the same ids.
func capabilityRules(s *sources) []Rule {
	// Styles and "other" cells from iOS 5 on are the releases' common
	// knowledge; the action counts and APIs are documented.
	v := func(id string, st Status, ios, statement string, src ...Source) Rule {
		return row(id, KindPresentation, st, ios, envBoth, statement, src...)
	}
	return []Rule{
		v("V03", Documented, "3", "iOS 3 (push arrives, 2009): a modal alert is the only style, no custom actions, nothing shown while the app is in the foreground, payload up to 256 bytes.", s.lpgPayload, s.lpgKeys).see("V20", "P03"),
		v("V04", Documented, "4", "iOS 4: as iOS 3, plus local notifications and multitasking (an app may be suspended rather than quit).", s.lpgKeys),
		v("V05", Observed, "5", "iOS 5: each app's alert style is the user's choice of banner, alert or none; Notification Center and the lock-screen list appear; still no custom actions.", s.gigaomIOS5).see("V22", "V23"),
		v("V06", Observed, "6", "iOS 6: as iOS 5 (banner or alert), plus Do Not Disturb.", s.lpgKeys),
		v("V07", Documented, "7", "iOS 7: as iOS 6, plus background pushes with content-available.", s.bg, s.uiFetch).see("P11"),
		v("V08", Documented, "8", "iOS 8: custom actions through UIUserNotificationCategory, 4 in the default (alert) context and 2 in the minimal one; the user must allow notification types; payload 2 KB; title from 8.2.",
			s.uiCategory, s.uiContext, s.wwdc14Notif).see("V30", "V31", "V32"),
		v("V09", Documented, "9", "iOS 9: as iOS 8, plus text-input actions (behavior textInput); the HTTP/2 provider API (4 KB) from December 2015.", s.uiAction, s.wwdc15Notif).see("V33"),
		v("V10", Documented, "10", "iOS 10: the UserNotifications framework (UNNotificationCategory, text input, willPresent in the foreground), service and content extensions, subtitle, and an expanded view (3D Touch or pull-down) showing up to 10 actions.",
			s.unCategory, s.unDelegate, s.wwdc16Intro).see("V40", "V47", "U15", "U27"),
		v("V11", Observed, "11", "iOS 11: as 10, with temporary or persistent banners, hidden previews and a category placeholder for them.", s.unCategoryOpts),
		v("V12", Documented, "12", "iOS 12: as 11, plus critical alerts (entitlement), provisional authorization, thread-id grouping, summary-arg, and content extensions that can change the actions.", s.wwdc18Notif, s.unAuthOpts).see("V48"),
		v("V13", Documented, "13", "iOS 13: as 12, plus the apns-push-type header, target-content-id, and long-press replacing 3D Touch for the expanded view.", s.send, s.gen).see("H02"),
		v("V14", Documented, "14", "iOS 14: as 13; willPresent options become banner and list, and App Clips get ephemeral authorization.", s.unDelegate),
		v("V15", Documented, "15", "iOS 15: as 14, plus interruption levels, the scheduled summary, Focus, relevance-score, communication notifications and action icons.", s.unInterruption, s.unActionIcon, s.wwdc21Notif).see("V49"),
		v("V16", Documented, "16", "iOS 16: as 15, with the lock-screen stack/list/count layouts, filter-criteria, Live Activities (16.1) and push-to-talk.", s.unFilter, s.activityKit),
		v("V17", Documented, "17", "iOS 17: as 16, plus push-to-start Live Activities (17.2) and StandBy.", s.activityKit),
		v("V18", Observed, "18", "iOS 18: as 17, plus Apple Intelligence notification summaries on supported devices (18.1+) and controls pushes.", s.apnswiftError).see("H13"),
	}
}

// legacyRules: section 7.2, before iOS 8 (no custom actions).
func legacyRules(s *sources) []Rule {
	v := func(id string, st Status, ios, statement string, src ...Source) Rule {
		return row(id, KindPresentation, st, ios, envBoth, statement, src...)
	}
	return []Rule{
		v("V20", Documented, "3–7", "Legacy alert buttons: a string alert shown as a modal alert gets two buttons, Close, which dismisses it, and View, which opens the app; an alert dictionary's action-loc-key renames View to that localized string; action-loc-key set to null leaves a single OK that only dismisses.",
			s.lpgKeys).see("P06", "V23"),
		v("V21", Observed, "3–7", "Before iOS 8 aps.category means nothing: the user gets the ordinary Close / View alert or a banner, with no action buttons, and the app still receives the whole payload.",
			s.lpgKeys, s.uiCategory).see("P10"),
		v("V22", Observed, "5–7", "A banner shows only the text, never buttons: tapping it opens the app like View, otherwise it slides away after a few seconds.", s.gigaomIOS5),
		v("V23", Documented, "5–9", "On the lock screen the notification is listed and sliding it unlocks and opens the app; the slider reads \"slide to\" plus the action-loc-key title; launch-image shows while the app opens.",
			s.lpgKeys, s.gigaomIOS5).see("V20"),
		v("V24", Documented, "3–9", "With the app in the foreground nothing is shown or played; the app gets didReceiveRemoteNotification (the fetch variant on 7+) while active.", s.uiReceive, s.uiFetch, s.lpgComm).
			chose("The badge stays as it is too when the app is frontmost.", "The app decides what to show; Apple's pre-10 texts describe no system UI at all in that state."),
		v("V25", Documented, "3–9", "For a backgrounded or suspended app, tapping View or the banner brings it forward with didReceiveRemoteNotification in the inactive state.", s.uiReceive, s.lpgComm),
		v("V26", Documented, "3–9", "If the app is not running, a tap launches it with the payload under the remote-notification launch option; on 7+ the fetch callback runs too when implemented.", s.uiLaunchKey, s.uiFetch),
		v("V27", Documented, "3–9", "Close or any dismissal tells the app nothing.", s.lpgComm),
	}
}

// uikitRules: section 7.3, iOS 8 and 9 interactive notifications.
func uikitRules(s *sources) []Rule {
	v := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindPresentation, st, "8–9", envBoth, statement, src...)
	}
	return []Rule{
		v("V30", Documented, "Apps register UIUserNotificationSettings with types and categories; a category is an identifier plus actions per context.", s.uiCategory),
		v("V31", Documented, "The default context (the alert style's full UI) shows up to 4 actions, the minimal context (banner, lock screen, Notification Center) up to 2; without minimal actions the first two default ones are used.",
			s.uiContext, s.uiCategory),
		v("V32", Observed, "A banner reveals its minimal actions by pulling it down, the lock screen and Notification Center by swiping left; the alert style shows Close and Options first, and Options opens a second alert with up to 4 actions plus Close. An action is reachable only where its context is shown.",
			s.ijunkie, s.mobisoft, s.wwdc14Notif),
		v("V33", Documented, "An action has identifier, title, activation mode (foreground brings the app into view, background runs it unseen), destructive, authentication required (always on for foreground), and from iOS 9 behavior (default or textInput) with parameters such as the send button's title.", s.uiAction).
			chose("On iOS 8 a text-input action is drawn as a plain button and sends no text.", "textInput arrived with iOS 9; an iOS 8 device has no way to show the field."),
		v("V34", Documented, "A tapped action calls handleActionWithIdentifier:forRemoteNotification:completionHandler:; on iOS 9 the withResponseInfo: variant is used when present, with the typed text under UIUserNotificationActionResponseTypedTextKey.", s.uiHandleAction).see("C01"),
		v("V35", Documented, "Tapping the body rather than an action behaves as in V24–V26, with no action identifier.", s.lpgComm),
		v("V36", Unconfirmed, "A notification whose category the app never registered.").
			chose("Show the notification without actions, as on iOS 7 (V21).", "The system can only draw actions it was given; nothing suggests it refuses the notification."),
	}
}

// unRules: section 7.4, iOS 10 and later.
func unRules(s *sources) []Rule {
	v := func(id string, st Status, ios, statement string, src ...Source) Rule {
		return row(id, KindPresentation, st, ios, envBoth, statement, src...)
	}
	return []Rule{
		v("V40", Documented, "10+", "Authorization comes from requestAuthorization with alert, badge and sound, plus provisional, criticalAlert and providesAppNotificationSettings from 12; categories are set with setNotificationCategories.", s.unCenter, s.unAuthOpts),
		v("V41", Documented, "10+", "A UNNotificationCategory has an identifier, actions, intent identifiers and options: customDismissAction, allowInCarPlay, hidden-preview title/subtitle (11), allowAnnouncement (13–15).", s.unCategory, s.unCategoryOpts),
		v("V42", Documented, "10+", "A UNNotificationAction has identifier, title and options authenticationRequired, destructive and foreground (open the app; otherwise a background launch); iOS 15 adds an icon.", s.unActionOpts, s.unActionIcon),
		v("V43", Documented, "10+", "A UNTextInputNotificationAction adds a button title and placeholder; the response is a UNTextInputNotificationResponse whose userText holds what was typed.", s.unTextInput),
		v("V44", Documented, "10+", "A tap on the body reports UNNotificationDefaultActionIdentifier; a dismissal reports UNNotificationDismissActionIdentifier, and only for categories with customDismissAction.", s.unDefaultID, s.unDismissID).see("U13"),
		v("V45", Documented, "10+", "In the foreground willPresent asks the app how to show the notification: alert (deprecated in 14), banner and list (14+), sound, badge, or nothing; with no delegate nothing is shown.", s.unDelegate),
		v("V46", Documented, "10+", "Every response (tap, action, dismissal when enabled) goes to didReceive; the delegate has to be assigned before launching finishes, and a closed app is launched for it, in the background for non-foreground actions.", s.unDelegate),
		v("V47", Documented, "10+", "Expanding a notification (3D Touch on 10–12, long-press from 13) reveals the category's actions; Apple once said up to 10 with room and 2 without, and now says banners show the first two.", s.unCategory).see("U15"),
		v("V48", Documented, "12+", "Notifications group per app or by thread-id unless the user turns grouping off; provisional authorization delivers quietly to Notification Center with Keep and Turn Off buttons.", s.wwdc18Notif),
		v("V49", Documented, "15+", "interruption-level passive makes no sound and does not light the screen, time-sensitive may pass Focus and the summary when allowed, critical ignores mute and needs the entitlement; relevance-score ranks the summary.", s.unInterruption, s.wwdc21Notif).see("P14"),
		v("V50", Documented, "10+", "A service extension runs for alert pushes with mutable-content 1 and has about 30 s in didReceive(_:withContentHandler:); after that serviceExtensionTimeWillExpire runs and the original or best-effort content is shown.", s.unService).see("P12", "C07"),
		v("V51", Documented, "10+", "A content extension replaces the expanded view with its own UI for the categories it lists; from 12 it may also change the actions.", s.unContentExt),
		v("V52", Observed, "all", "When the user denied notifications or turned them off, nothing is shown; a background push is still handed to the app, provided it has the background mode and was not force-quit.", s.bg).see("C05"),
	}
}
