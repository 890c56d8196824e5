package device

// The app-facing API of each iOS era: which delegate method the app is
// told through. It is data, like the capability table, and lives here
// because capabilities.go belongs to the presentation half; the two could
// merge later.

// UNNotificationDefaultActionIdentifier and
// UNNotificationDismissActionIdentifier are the identifiers iOS 10+ hands
// the app for a tap on the body and for a reported dismissal
// (apns.md#V44, U13).
const (
	UNNotificationDefaultActionIdentifier = "com.apple.UNNotificationDefaultActionIdentifier"
	UNNotificationDismissActionIdentifier = "com.apple.UNNotificationDismissActionIdentifier"
)

// Callback names, as the app's source spells them.
const (
	CallbackLaunch               = "application:didFinishLaunchingWithOptions: (UIApplicationLaunchOptionsRemoteNotificationKey)" // apns.md#V26
	CallbackHandleAction         = "application:handleActionWithIdentifier:forRemoteNotification:completionHandler:"              // apns.md#V34
	CallbackHandleActionResponse = "application:handleActionWithIdentifier:forRemoteNotification:withResponseInfo:completionHandler:"
	CallbackDidReceiveResponse   = "userNotificationCenter(_:didReceive:withCompletionHandler:)" // apns.md#V46
)

// era is one row of the app-API table.
type Era struct {
	// Remote is how a running app is told of a remote notification before
	// iOS 10 (and of a body tap, apns.md#V24–V25); the fetch variant from
	// iOS 7 carries a completion handler.
	Remote         string
	RemoteComplete bool
	// Fetch is the silent-push callback; "" before iOS 7 (apns.md#P11).
	Fetch string
	// Action is the custom-action callback of iOS 8–9 (apns.md#V34); its
	// typed text sits in responseInfo when ResponseInfo.
	Action       string
	ResponseInfo bool
	// Response is iOS 10+'s single response callback (apns.md#V46).
	Response string
	// AskPermission: alerts are shown only once the user allowed them
	// (iOS 8+, apns.md#V08, V40). Before 8 the token registration was the
	// prompt.
	AskPermission bool
	// Provisional authorization exists (iOS 12+, apns.md#V48).
	Provisional bool
}

// eraTable is ordered newest first; the first row whose from is at most
// the device's version applies.
var eraTable = []struct {
	from Version
	era  Era
}{
	{Version{12, 0}, Era{Remote: string(CallbackFetch), RemoteComplete: true, Fetch: string(CallbackFetch),
		Response: CallbackDidReceiveResponse, AskPermission: true, Provisional: true}},
	{Version{10, 0}, Era{Remote: string(CallbackFetch), RemoteComplete: true, Fetch: string(CallbackFetch),
		Response: CallbackDidReceiveResponse, AskPermission: true}},
	{Version{9, 0}, Era{Remote: string(CallbackFetch), RemoteComplete: true, Fetch: string(CallbackFetch),
		Action: CallbackHandleActionResponse, ResponseInfo: true, AskPermission: true}},
	{Version{8, 0}, Era{Remote: string(CallbackFetch), RemoteComplete: true, Fetch: string(CallbackFetch),
		Action: CallbackHandleAction, AskPermission: true}},
	{Version{7, 0}, Era{Remote: string(CallbackFetch), RemoteComplete: true, Fetch: string(CallbackFetch)}},
	{Version{3, 0}, Era{Remote: string(CallbackDidReceiveRemote)}},
}

func EraOf(v Version) Era {
	for _, row := range eraTable {
		if v.AtLeast(row.from) {
			return row.era
		}
	}
	return eraTable[len(eraTable)-1].era
}
