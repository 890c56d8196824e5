package sim

// Capabilities is one row of the iOS capability table (apns.md section
// 7.1). Rendering and lint read only this table; nothing else in the code
// branches on a version number.
type Capabilities struct {
	// Row is the apns.md row id the values come from, e.g. "V08".
	Row string
	// Actions: the version shows an app's registered custom actions.
	Actions bool
	// MaxActions is how many actions each context shows; a context absent
	// from the map shows none (apns.md#V31, V47, U15).
	MaxActions map[Context]int
	// Contexts are the places a notification can be seen on this version.
	Contexts []Context
	// TextInput: text-input actions work (iOS 9+, apns.md#V09, V33).
	TextInput bool
	// UserNotifications: the UN framework (iOS 10+, apns.md#V10).
	UserNotifications bool
	// ForegroundUI: the system can show a notification while the app is in
	// the foreground (apns.md#V24, V45).
	ForegroundUI bool
	// Title and Subtitle: the alert's title / subtitle keys are drawn.
	Title, Subtitle bool
	// MaxPayload is the largest payload of the era, in bytes (apns.md#P03).
	MaxPayload int
}

// capabilityTable is the table itself: the first row whose From is at most
// the device version applies. Rows are ordered newest first.
var capabilityTable = []struct {
	From Version
	Caps Capabilities
}{
	{Version{10, 0}, Capabilities{
		Row: "V10", Actions: true,
		MaxActions: map[Context]int{ContextExpanded: 10, ContextAlert: 10},
		Contexts:   []Context{ContextLockScreen, ContextBanner, ContextNotificationCenter, ContextExpanded, ContextForeground},
		TextInput:  true, UserNotifications: true, ForegroundUI: true, Title: true, Subtitle: true, MaxPayload: 4096,
	}},
	{Version{9, 0}, Capabilities{
		Row: "V09", Actions: true,
		MaxActions: map[Context]int{ContextAlert: 4, ContextBanner: 2, ContextLockScreen: 2, ContextNotificationCenter: 2},
		Contexts:   []Context{ContextLockScreen, ContextBanner, ContextAlert, ContextNotificationCenter, ContextForeground},
		TextInput:  true, MaxPayload: 4096,
	}},
	{Version{8, 0}, Capabilities{
		Row: "V08", Actions: true,
		MaxActions: map[Context]int{ContextAlert: 4, ContextBanner: 2, ContextLockScreen: 2, ContextNotificationCenter: 2},
		Contexts:   []Context{ContextLockScreen, ContextBanner, ContextAlert, ContextNotificationCenter, ContextForeground},
		MaxPayload: 2048,
	}},
	{Version{5, 0}, Capabilities{
		Row:        "V05",
		Contexts:   []Context{ContextLockScreen, ContextBanner, ContextAlert, ContextNotificationCenter, ContextForeground},
		MaxPayload: 256,
	}},
	{Version{3, 0}, Capabilities{
		Row:        "V03",
		Contexts:   []Context{ContextLockScreen, ContextAlert, ContextForeground},
		MaxPayload: 256,
	}},
}

// CapabilitiesOf returns the capability row for v.
func CapabilitiesOf(v Version) Capabilities {
	for _, row := range capabilityTable {
		if v.AtLeast(row.From) {
			return row.Caps
		}
	}
	return capabilityTable[len(capabilityTable)-1].Caps
}
