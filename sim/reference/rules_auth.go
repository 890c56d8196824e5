package reference

// authRules: section 5, provider tokens and certificates.
func authRules(s *sources) []Rule {
	a := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindAuth, st, iosAny, envBoth, statement, src...)
	}
	return []Rule{
		a("A01", Documented, "The provider token is a JWT whose header is {\"alg\":\"ES256\",\"kid\":<10-character key id>}.", s.token, s.lpgComm, s.rfc7519),
		a("A02", Documented, "The JWT claims are just iss (the 10-character team id) and iat (issue time in Unix seconds); apns2 sends exactly those.", s.token, s.apns2Token),
		a("A03", Documented, "Only ES256 signatures are accepted: an unsigned token or any other algorithm gets 403 InvalidProviderToken.", s.lpgComm, s.nodeApn477).see("E34"),
		a("A04", Documented, "An ES256 signature is the raw 64 bytes r‖s, and each JWT part is unpadded base64url; golang-jwt, which apns2 uses, produces that form.", s.rfc7515, s.rfc7518, s.apns2Token).see("U18"),
		a("A05", Documented, "A token older than one hour is refused (403 ExpiredProviderToken); providers should sign a new one no later than 60 and no sooner than 20 minutes after the previous one, since changing it faster gets 429 TooManyProviderTokenUpdates.",
			s.token, s.forumTokenAge, s.forumTokenUpdates).see("E32", "E53", "U20"),
		a("A06", Observed, "apns2 signs a new token once the current one is 50 minutes (3000 s) old and otherwise reuses the same string; Pushy's mock expires tokens an hour after iat.", s.apns2Token, s.pushyToken),
		a("A07", Documented, "The signing key is a .p8 file holding a PEM \"PRIVATE KEY\" (PKCS#8, EC P-256); apns2 refuses anything else.", s.token, s.apns2Token),
		a("A08", Documented, "Mixing tokens of several teams on one connection is unsupported; Pushy's mock keeps the first team and answers InvalidProviderToken to others.", s.token, s.pushyToken).see("U10"),
		a("A09", Documented, "Once one signing key has been used on a connection, a token from an unrelated key gets 403 UnrelatedKeyIdInToken.", s.resp).see("E36"),
		a("A10", Documented, "Since February 2025 new keys may be team-scoped (sandbox or production only; the wrong host gets 403 BadEnvironmentKeyIdInToken) or topic-specific (bound to chosen bundle ids); older keys still work everywhere. At most two team-scoped keys per environment.",
			s.news25, s.token, s.keysHelp).see("E37", "E38", "U11"),
		a("A11", Documented, "A single provider token serves any number of provider servers and all of the team's apps.", s.token),
		a("A12", Documented, "Certificate auth uses one TLS client certificate per app: its subject UID is the default topic, and extension 1.2.840.113635.100.6.3.6 (and .3.4 for VoIP) lists the other topics it may push to; unlisted topics are refused.", s.send, s.cert),
		a("A13", Documented, "Push certificates are development-only, production, or (since 2015) combined Sandbox & Production; using one on the wrong host is 403 BadCertificateEnvironment and an invalid or revoked one is 403 BadCertificate.",
			s.cert, s.resp, s.wwdc15Notif).see("E30", "E31"),
		a("A14", Documented, "Certificates cannot send every push type (not location, not liveactivity); tokens can send all.", s.send).see("U25"),
		a("A15", Documented, "Push certificates expire after a year and must be replaced before then.", s.send),
	}
}

// tokenRules: section 6, device tokens and the two environments.
func tokenRules(s *sources) []Rule {
	d := func(id string, st Status, statement string, src ...Source) Rule {
		return row(id, KindToken, st, iosAll, envBoth, statement, src...)
	}
	return []Rule{
		d("D01", Documented, "The device token is opaque bytes the app receives on registration; providers write them as hex in the request path.", s.send, s.register),
		d("D02", Documented, "Tokens used to be exactly 32 bytes (64 hex digits, required by the binary API); Apple now says their length may change. Pushy's mock takes exactly 64 hex digits.", s.send, s.lpgBinary, s.pushyValidating).see("U17"),
		d("D03", Documented, "Each token is tied to one app, one device and one environment: development-signed builds get sandbox tokens, App Store, TestFlight and ad hoc builds get production ones; sending to the other environment's host gets 400 BadDeviceToken.",
			s.resp, s.forumEnvToken).see("E11"),
		d("D04", Documented, "Pairing a real token with a different app's topic, or with a push-type suffix it was not issued for, gets 400 DeviceTokenNotForTopic.", s.resp).see("E16"),
		d("D05", Documented, "Tokens change (new device, reinstall, OS reinstall), so an app should register at every launch and send its token to the server.", s.register),
		d("D06", Observed, "Deleting the app does not kill its token at once: APNs invalidates it later, on purpose unpredictably, typically once a push has found the device without the app; from then on the answer is 410 Unregistered with a timestamp. A 410 proves the token is dead, not that the app was deleted.",
			s.forumUninstall, s.forumUninstall2).see("E51", "U21"),
		d("D07", Documented, "The 410 timestamp lets a provider ignore the 410 if the device registered the token again after that moment.", s.resp, s.lpgComm).see("E03"),
		d("D08", Documented, "Live Activity, push-to-start, PushKit (VoIP) and widget push tokens are different tokens from the app's alert token.", s.activityKit, s.pushKit, s.widgetPush).
			chose("Simulated devices have one token per app; pushes that need one of the separate tokens, sent to the alert token, get DeviceTokenNotForTopic.",
				"Modelling the separate tokens is left for later; refusing such pushes keeps a backend from believing they would arrive."),
	}
}
