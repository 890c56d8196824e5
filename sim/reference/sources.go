package reference

// sources are the references used by many rules, built once per Rules
// call (values, not package state).
type sources struct {
	// Apple's current provider-API documentation.
	send, resp, token, cert, gen, bg, register Source
	// Apple's retired Local and Remote Notification Programming Guide.
	lpgPayload, lpgKeys, lpgComm, lpgBinary Source
	// Apple API pages.
	uiCategory, uiAction, uiContext, uiHandleAction, uiFetch, uiReceive, uiLaunchKey          Source
	unCenter, unDelegate, unCategory, unCategoryOpts, unActionOpts, unActionIcon, unTextInput Source
	unDefaultID, unDismissID, unInterruption, unService, unContentExt, unFilter, unAuthOpts   Source
	activityKit, pushKit, widgetPush, news25, keysHelp, binaryRetired                         Source
	// WWDC sessions.
	wwdc14Notif, wwdc15Notif, wwdc16Intro, wwdc16APNs, wwdc18Notif, wwdc19Background, wwdc21Notif, wwdc23Console Source
	// Clients and mocks that show how APNs behaves in practice.
	apns2Client, apns2Response, apns2Notification, apns2Token, apns2Builder, apns2Issue175                   Source
	pushyValidating, pushyToken, pushyMock, pushyReasons, apnswiftError, apnswiftPR229, nodeApn477, pushbaby Source
	// Reports of APNs' stream throttle.
	radar27870881, pushy732, pushy486 Source
	// Forum threads (Apple engineers' answers).
	forumSandboxHost, forumEnvToken, forumTokenUpdates, forumTokenAge, forumUninstall, forumUninstall2 Source
	// Standards.
	rfc7540, rfc7515, rfc7518, rfc7519 Source
	// Third-party first-hand write-ups and tools.
	simctlHelp, xcode114, soPayloadSize, ijunkie, mobisoft, gigaomIOS5, iphonehacksIOS4, macmostIOS15 Source
	// Apple on watchdog terminations.
	tn2151, watchdog Source
}

func newSources() *sources {
	const doc = "https://developer.apple.com/documentation/"
	const lpg = "https://developer.apple.com/library/archive/documentation/NetworkingInternet/Conceptual/RemoteNotificationsPG/"
	const apns2 = "https://github.com/sideshow/apns2/blob/v0.25.0/"
	const pushy = "https://github.com/jchambers/pushy/blob/main/pushy/src/main/java/com/eatthepath/pushy/apns/server/"
	const wwdc = "https://developer.apple.com/videos/play/"
	const forum = "https://developer.apple.com/forums/thread/"
	return &sources{
		send:     Source{Title: "Apple: Sending notification requests to APNs", URL: doc + "usernotifications/sending-notification-requests-to-apns"},
		resp:     Source{Title: "Apple: Handling notification responses from APNs", URL: doc + "usernotifications/handling-notification-responses-from-apns"},
		token:    Source{Title: "Apple: Establishing a token-based connection to APNs", URL: doc + "usernotifications/establishing-a-token-based-connection-to-apns"},
		cert:     Source{Title: "Apple: Establishing a certificate-based connection to APNs", URL: doc + "usernotifications/establishing-a-certificate-based-connection-to-apns"},
		gen:      Source{Title: "Apple: Generating a remote notification (payload keys)", URL: doc + "usernotifications/generating-a-remote-notification"},
		bg:       Source{Title: "Apple: Pushing background updates to your app", URL: doc + "usernotifications/pushing-background-updates-to-your-app"},
		register: Source{Title: "Apple: Registering your app with APNs", URL: doc + "usernotifications/registering-your-app-with-apns"},

		lpgPayload: Source{Title: "Apple (retired guide): Local and Remote Notification Programming Guide, Creating the Remote Notification Payload", URL: lpg + "CreatingtheNotificationPayload.html"},
		lpgKeys:    Source{Title: "Apple (retired guide): Local and Remote Notification Programming Guide, Payload Key Reference", URL: lpg + "PayloadKeyReference.html"},
		lpgComm:    Source{Title: "Apple (retired guide): Local and Remote Notification Programming Guide, Communicating with APNs", URL: lpg + "CommunicatingwithAPNs.html"},
		lpgBinary:  Source{Title: "Apple (retired guide): Local and Remote Notification Programming Guide, Binary Provider API", URL: lpg + "BinaryProviderAPI.html"},

		uiCategory:     Source{Title: "Apple: UIUserNotificationCategory (iOS 8–9, deprecated)", URL: doc + "uikit/uiusernotificationcategory"},
		uiAction:       Source{Title: "Apple: UIUserNotificationAction (iOS 8–9, deprecated)", URL: doc + "uikit/uiusernotificationaction"},
		uiContext:      Source{Title: "Apple: UIUserNotificationActionContext (default: 4 actions, minimal: 2)", URL: doc + "uikit/uiusernotificationactioncontext"},
		uiHandleAction: Source{Title: "Apple: application(_:handleActionWithIdentifier:forRemoteNotification:completionHandler:)", URL: doc + "uikit/uiapplicationdelegate/application(_:handleactionwithidentifier:forremotenotification:completionhandler:)"},
		uiFetch:        Source{Title: "Apple: application(_:didReceiveRemoteNotification:fetchCompletionHandler:)", URL: doc + "uikit/uiapplicationdelegate/application(_:didreceiveremotenotification:fetchcompletionhandler:)"},
		uiReceive:      Source{Title: "Apple: application(_:didReceiveRemoteNotification:) (before iOS 10)", URL: doc + "uikit/uiapplicationdelegate/application(_:didreceiveremotenotification:)"},
		uiLaunchKey:    Source{Title: "Apple: UIApplication.LaunchOptionsKey.remoteNotification", URL: doc + "uikit/uiapplication/launchoptionskey/remotenotification"},

		unCenter:       Source{Title: "Apple: UNUserNotificationCenter", URL: doc + "usernotifications/unusernotificationcenter"},
		unDelegate:     Source{Title: "Apple: UNUserNotificationCenterDelegate", URL: doc + "usernotifications/unusernotificationcenterdelegate"},
		unCategory:     Source{Title: "Apple: UNNotificationCategory", URL: doc + "usernotifications/unnotificationcategory", Archived: "https://web.archive.org/web/2017/https://developer.apple.com/documentation/usernotifications/unnotificationcategory"},
		unCategoryOpts: Source{Title: "Apple: UNNotificationCategoryOptions", URL: doc + "usernotifications/unnotificationcategoryoptions"},
		unActionOpts:   Source{Title: "Apple: UNNotificationActionOptions", URL: doc + "usernotifications/unnotificationactionoptions"},
		unActionIcon:   Source{Title: "Apple: UNNotificationActionIcon (iOS 15)", URL: doc + "usernotifications/unnotificationactionicon"},
		unTextInput:    Source{Title: "Apple: UNTextInputNotificationAction", URL: doc + "usernotifications/untextinputnotificationaction"},
		unDefaultID:    Source{Title: "Apple: UNNotificationDefaultActionIdentifier", URL: doc + "usernotifications/unnotificationdefaultactionidentifier"},
		unDismissID:    Source{Title: "Apple: UNNotificationDismissActionIdentifier", URL: doc + "usernotifications/unnotificationdismissactionidentifier"},
		unInterruption: Source{Title: "Apple: UNNotificationInterruptionLevel (iOS 15)", URL: doc + "usernotifications/unnotificationinterruptionlevel"},
		unService:      Source{Title: "Apple: UNNotificationServiceExtension", URL: doc + "usernotifications/unnotificationserviceextension"},
		unContentExt:   Source{Title: "Apple: UNNotificationContentExtension", URL: doc + "usernotificationsui/unnotificationcontentextension"},
		unFilter:       Source{Title: "Apple: UNNotificationContent.filterCriteria (iOS 16)", URL: doc + "usernotifications/unnotificationcontent/filtercriteria"},
		unAuthOpts:     Source{Title: "Apple: UNAuthorizationOptions", URL: doc + "usernotifications/unauthorizationoptions"},

		activityKit:   Source{Title: "Apple: Starting and updating Live Activities with ActivityKit push notifications", URL: doc + "activitykit/starting-and-updating-live-activities-with-activitykit-push-notifications"},
		pushKit:       Source{Title: "Apple: PushKit", URL: doc + "pushkit"},
		widgetPush:    Source{Title: "Apple: Updating widgets with WidgetKit push notifications (iOS 26)", URL: doc + "widgetkit/updating-widgets-with-widgetkit-push-notifications"},
		news25:        Source{Title: "Apple Developer News, 2025-02-17: New features for APNs token authentication are now available", URL: "https://developer.apple.com/news/?id=wy4tb0uo"},
		keysHelp:      Source{Title: "Apple Account Help: Create a private key to access a service (team-scoped and topic-specific APNs keys)", URL: "https://developer.apple.com/help/account/keys/create-a-private-key"},
		binaryRetired: Source{Title: "Apple: upcoming requirement, APNs provider API (binary protocol retired 2021-03-31)", URL: "https://developer.apple.com/support/upcoming-requirements/requirement-20210331a"},

		wwdc14Notif:      Source{Title: "WWDC 2014 session 713: What's New in iOS Notifications", URL: wwdc + "wwdc2014/713/"},
		wwdc15Notif:      Source{Title: "WWDC 2015 session 720: What's New in Notifications", URL: wwdc + "wwdc2015/720/"},
		wwdc16Intro:      Source{Title: "WWDC 2016 session 707: Introduction to Notifications", URL: wwdc + "wwdc2016/707/"},
		wwdc16APNs:       Source{Title: "WWDC 2016 session 724: What's New in the Apple Push Notification Service", URL: wwdc + "wwdc2016/724/"},
		wwdc18Notif:      Source{Title: "WWDC 2018 session 710: What's New in User Notifications", URL: wwdc + "wwdc2018/710/"},
		wwdc19Background: Source{Title: "WWDC 2019 session 707: Advances in App Background Execution", URL: wwdc + "wwdc2019/707/"},
		wwdc21Notif:      Source{Title: "WWDC 2021 session 10091: Send communication and Time Sensitive notifications", URL: wwdc + "wwdc2021/10091/"},
		wwdc23Console:    Source{Title: "WWDC 2023 session 10025: Meet Push Notifications Console", URL: wwdc + "wwdc2023/10025/"},

		apns2Client:       Source{Title: "sideshow/apns2 v0.25.0, client.go", URL: apns2 + "client.go"},
		apns2Response:     Source{Title: "sideshow/apns2 v0.25.0, response.go", URL: apns2 + "response.go"},
		apns2Notification: Source{Title: "sideshow/apns2 v0.25.0, notification.go", URL: apns2 + "notification.go"},
		apns2Token:        Source{Title: "sideshow/apns2 v0.25.0, token/token.go", URL: apns2 + "token/token.go"},
		apns2Builder:      Source{Title: "sideshow/apns2 v0.25.0, payload/builder.go", URL: apns2 + "payload/builder.go"},
		apns2Issue175:     Source{Title: "sideshow/apns2 issue #175: apns-push-type header", URL: "https://github.com/sideshow/apns2/issues/175"},
		pushyValidating:   Source{Title: "Pushy mock server: ValidatingPushNotificationHandler.java", URL: pushy + "ValidatingPushNotificationHandler.java"},
		pushyToken:        Source{Title: "Pushy mock server: TokenAuthenticationValidatingPushNotificationHandler.java", URL: pushy + "TokenAuthenticationValidatingPushNotificationHandler.java"},
		pushyMock:         Source{Title: "Pushy mock server: MockApnsServerHandler.java", URL: pushy + "MockApnsServerHandler.java"},
		pushyReasons:      Source{Title: "Pushy mock server: RejectionReason.java", URL: pushy + "RejectionReason.java"},
		apnswiftError:     Source{Title: "APNSwift: Sources/APNSCore/APNSError.swift", URL: "https://github.com/swift-server-community/APNSwift/blob/main/Sources/APNSCore/APNSError.swift"},
		apnswiftPR229:     Source{Title: "APNSwift pull request #229: accept BadEnvironmentKeyInToken", URL: "https://github.com/swift-server-community/APNSwift/pull/229"},
		nodeApn477:        Source{Title: "node-apn issue #477 (quotes Apple's JWT algorithm rule)", URL: "https://github.com/node-apn/node-apn/issues/477"},
		pushbaby:          Source{Title: "matrix-org/pushbaby: pushbaby/errors.py (binary API error codes)", URL: "https://github.com/matrix-org/pushbaby/blob/master/pushbaby/errors.py"},

		forumSandboxHost:  Source{Title: "Apple Developer Forums thread 708937 (sandbox host names)", URL: forum + "708937"},
		forumEnvToken:     Source{Title: "Apple Developer Forums thread 807380 (BadDeviceToken for the other environment; retry advice)", URL: forum + "807380"},
		forumTokenUpdates: Source{Title: "Apple Developer Forums thread 675879 (TooManyProviderTokenUpdates is counted per connection)", URL: forum + "675879"},
		forumTokenAge:     Source{Title: "Apple Developer Forums thread 687789 (provider token lifetime)", URL: forum + "687789"},
		forumUninstall:    Source{Title: "Apple Developer Forums thread 670868 (410 after uninstall is delayed on purpose)", URL: forum + "670868"},
		forumUninstall2:   Source{Title: "Apple Developer Forums thread 806522 (token invalidation after uninstall)", URL: forum + "806522"},

		radar27870881: Source{Title: "Open Radar 27870881: APNs server sets maximum concurrent streams to 1 after a failed notification", URL: "https://github.com/lionheart/openradar-mirror/issues/15649"},
		pushy732:      Source{Title: "Pushy issue 732: the stream limit drops to 1 on every rejection (maintainer's comment)", URL: "https://github.com/jchambers/pushy/issues/732"},
		pushy486:      Source{Title: "Pushy PR 486: retry notifications on stream reset after APNs lowers MAX_CONCURRENT_STREAMS", URL: "https://github.com/jchambers/pushy/pull/486"},
		rfc7540:       Source{Title: "RFC 7540: HTTP/2", URL: "https://www.rfc-editor.org/rfc/rfc7540"},
		rfc7515:       Source{Title: "RFC 7515: JSON Web Signature", URL: "https://www.rfc-editor.org/rfc/rfc7515"},
		rfc7518:       Source{Title: "RFC 7518: JSON Web Algorithms, section 3.4 (ES256)", URL: "https://www.rfc-editor.org/rfc/rfc7518#section-3.4"},
		rfc7519:       Source{Title: "RFC 7519: JSON Web Token", URL: "https://www.rfc-editor.org/rfc/rfc7519"},

		simctlHelp:      Source{Title: "xcrun simctl push --help, quoted in full (juejin.cn)", URL: "https://juejin.cn/post/6844904162077966349"},
		xcode114:        Source{Title: "Apple: Xcode 11.4 release notes (simctl push)", URL: doc + "xcode-release-notes/xcode-11_4-release-notes"},
		soPayloadSize:   Source{Title: "Stack Overflow 26233730 (quotes the guide's payload size limits per era)", URL: "https://stackoverflow.com/questions/26233730"},
		ijunkie:         Source{Title: "iJunkie, 2014-06-28: iOS 8 Preview: Interactive Notifications", URL: "https://ijunkie.com/ios-8-preview-interactive-notifications/"},
		gigaomIOS5:      Source{Title: "GigaOM, 2011-10-12: iOS 5: Notifications and Notification Center (banners, lock-screen list, tap and slide)", URL: "https://old.gigaom.com/2011/10/12/ios-5-notifications-and-notification-center/"},
		iphonehacksIOS4: Source{Title: "iPhoneHacks, 2011-06: iOS 5 beta 2 returns to iOS 4's lock screen popup of the latest notification", URL: "https://www.iphonehacks.com/2011/06/ios-5-beta-2-apple-tweaks-user-interface-of-lock-screen-notifications.html"},
		macmostIOS15:    Source{Title: "MacMost forum: How do I dismiss lock screen notifications in iOS 15? (the expanded view's X is gone)", URL: "https://macmost.com/forum/how-do-i-dismiss-lock-screen-notifications-in-ios-15.html"},
		tn2151:          Source{Title: "Apple Technical Note TN2151: Understanding and Analyzing Application Crash Reports (0x8badf00d = watchdog)", URL: "https://developer.apple.com/library/archive/technotes/tn2151/_index.html"},
		watchdog:        Source{Title: "Apple: Addressing watchdog terminations", URL: doc + "xcode/addressing-watchdog-terminations"},
		mobisoft:        Source{Title: "Mobisoft Infotech: iOS 8 Interactive Notifications (screenshots of each context)", URL: "https://mobisoftinfotech.com/resources/mguide/ios-8-interactive-notifications/"},
	}
}
