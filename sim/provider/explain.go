package provider

import (
	"github.com/pushsim/pushsim/fakeapns"
)

// Explanation is APNs' answer in plain words: what it means and the likely
// fix, for people reading a failed send.
type Explanation struct {
	Meaning string `json:"meaning"`
	Fix     string `json:"fix"`
	// Retry says whether sending the same request again can succeed
	// (apns.md#E06).
	Retry bool `json:"retry"`
}

// Explain explains reason as answered by the given environment. Unknown
// reasons get a generic explanation rather than none.
func Explain(reason string, env fakeapns.Environment) Explanation {
	r := fakeapns.Reason(reason)
	switch r {
	case fakeapns.ReasonBadDeviceToken: // apns.md#E11, D03
		if env == fakeapns.Production {
			return Explanation{"the token is malformed or not a production token", "this token is probably a sandbox token: the app was built for development; send it with --sandbox, or use the token of an App Store/TestFlight build", false}
		}
		return Explanation{"the token is malformed or not a sandbox token", "this token is probably a production token (App Store, TestFlight or ad-hoc build); send it with --production, or use a development build's token", false}
	case fakeapns.ReasonDeviceTokenNotForTopic: // apns.md#E16, D04
		return Explanation{"the token belongs to another app (or lacks this push type's topic suffix)", "check --topic: it must be the bundle id of the app that registered this token, plus the push type's suffix (.voip, .complication, …)", false}
	case fakeapns.ReasonUnregistered: // apns.md#E51, D06, D07
		return Explanation{"the token is no longer active for this topic (the app was probably uninstalled)", "stop sending to this token until the app registers again; ignore this if a newer registration exists than the timestamp", false}
	case fakeapns.ReasonExpiredToken: // apns.md#E50
		return Explanation{"the device token has expired", "drop it; the app will hand your server a new token on its next launch", false}
	case fakeapns.ReasonExpiredProviderToken: // apns.md#E32, A05
		return Explanation{"the JWT's iat is more than an hour old", "make a new provider token at least every 60 minutes (and at most every 20)", true}
	case fakeapns.ReasonInvalidProviderToken: // apns.md#E34, A03, A08
		return Explanation{"the JWT is not valid: bad signature, not ES256, unknown key id or team id", "check --key-id and --team-id match the .p8 key in your Apple developer account, and that the key was not revoked", false}
	case fakeapns.ReasonMissingProviderToken: // apns.md#E35, H01
		return Explanation{"no client certificate and no authorization header", "send with a .p8 key (--key, --key-id, --team-id) or a push certificate (--cert)", false}
	case fakeapns.ReasonTooManyProviderTokenUpdates: // apns.md#E53, A05, U20
		return Explanation{"the provider token changed more than once in 20 minutes on this connection", "reuse one JWT for 20–60 minutes instead of signing one per request", true}
	case fakeapns.ReasonUnrelatedKeyIDInToken: // apns.md#E36, A09
		return Explanation{"the JWT's key id differs from the one first used on this connection", "open a new connection per signing key", false}
	case fakeapns.ReasonBadEnvironmentKeyIDInToken, fakeapns.ReasonBadEnvironmentKeyInToken: // apns.md#E37, E38, A10
		return Explanation{"the signing key is scoped to the other environment", "use a key enabled for this environment, or switch --sandbox/--production", false}
	case fakeapns.ReasonBadCertificate: // apns.md#E30, A13
		return Explanation{"the client certificate is not valid (revoked, expired or not a push certificate)", "create a new Apple Push Services certificate for this app", false}
	case fakeapns.ReasonBadCertificateEnvironment: // apns.md#E31, A13
		return Explanation{"the certificate is for the other environment", "a development certificate works only with --sandbox; use the production or Sandbox & Production certificate", false}
	case fakeapns.ReasonTopicDisallowed: // apns.md#E23, U04
		return Explanation{"this credential may not push to this topic", "use a key or certificate of the team (and, for topic-specific keys, of the app) that owns the bundle id", false}
	case fakeapns.ReasonMissingTopic: // apns.md#E21, H18
		return Explanation{"apns-topic is required here", "pass --topic with the app's bundle id", false}
	case fakeapns.ReasonBadTopic: // apns.md#E15
		return Explanation{"apns-topic is not valid", "pass the bundle id, plus the push type's suffix where one is needed", false}
	case fakeapns.ReasonPayloadTooLarge: // apns.md#E52, P03
		return Explanation{"the payload is over the limit (4096 bytes, 5120 for VoIP)", "shorten the payload; send an id and let the app fetch the rest", false}
	case fakeapns.ReasonPayloadEmpty: // apns.md#E22
		return Explanation{"the body is empty", "send a JSON object with an aps dictionary", false}
	case fakeapns.ReasonBadPriority: // apns.md#E14, H17, U05
		return Explanation{"apns-priority is not 10, 5 or 1 (or is 10 on a background push)", "use priority 5 for background pushes and 10 or 5 otherwise", false}
	case fakeapns.ReasonInvalidPushType: // apns.md#E19, H02
		return Explanation{"apns-push-type is not a known type", "use alert, background, voip, complication, fileprovider, mdm, location, liveactivity, pushtotalk, widgets or controls", false}
	case fakeapns.ReasonBadExpirationDate: // apns.md#E12, H16
		return Explanation{"apns-expiration is not a non-negative integer of Unix seconds", "pass Unix seconds, or 0 for a single delivery attempt", false}
	case fakeapns.ReasonBadMessageID: // apns.md#E13, H15
		return Explanation{"apns-id is not a canonical UUID", "pass a lower-case 8-4-4-4-12 UUID, or none", false}
	case fakeapns.ReasonBadCollapseID: // apns.md#E10, H19
		return Explanation{"apns-collapse-id is longer than 64 bytes", "shorten the collapse id", false}
	case fakeapns.ReasonDuplicateHeaders: // apns.md#E17, H20
		return Explanation{"a header was sent twice", "send each apns-* header once", false}
	case fakeapns.ReasonMissingDeviceToken: // apns.md#E20
		return Explanation{"no device token in the path", "pass --token", false}
	case fakeapns.ReasonBadPath, fakeapns.ReasonMethodNotAllowed: // apns.md#E40, E41
		return Explanation{"the request is not POST /3/device/<token>", "point the client at an APNs host, not at another service", false}
	case fakeapns.ReasonTooManyRequests: // apns.md#E54
		return Explanation{"too many notifications to this device token in a short time", "slow down and retry later with backoff", true}
	case fakeapns.ReasonIdleTimeout: // apns.md#E18, U04
		return Explanation{"the connection idled too long and was closed", "reconnect and send again", true}
	case fakeapns.ReasonInternalServerError, fakeapns.ReasonServiceUnavailable, fakeapns.ReasonShutdown: // apns.md#E55–E57
		return Explanation{"APNs could not take the request now", "retry with backoff, on a new connection for Shutdown", true}
	case fakeapns.ReasonForbidden: // apns.md#E33
		return Explanation{"the action is not allowed (Apple does not say more)", "check the credential's team and environment", false}
	}
	return Explanation{"APNs answered with a reason pushsim does not know", "look the reason up in Apple's \"Handling notification responses from APNs\"", false}
}
