package fakeapns

// pushTypeRule is what APNs requires of one apns-push-type value.
type pushTypeRule struct {
	// suffix is the ending the topic must have (apns.md#H05–H13).
	suffix string
	// lowPriorityOnly: priority 10 is an error (apns.md#H04, U05).
	lowPriorityOnly bool
	// tokenOnly: certificates may not send it (apns.md#A14, H05, H10, U14).
	tokenOnly bool
	// voip: the larger payload limit applies (apns.md#P03, H06).
	voip bool
}

// pushTypes is the table of apns.md section 2, one row per push type.
var pushTypes = map[string]*pushTypeRule{
	"alert":        {},                                                   // apns.md#H03
	"background":   {lowPriorityOnly: true},                              // apns.md#H04
	"location":     {suffix: ".location-query", tokenOnly: true},         // apns.md#H05
	"voip":         {suffix: ".voip", voip: true},                        // apns.md#H06
	"complication": {suffix: ".complication"},                            // apns.md#H07
	"fileprovider": {suffix: ".pushkit.fileprovider"},                    // apns.md#H08
	"mdm":          {},                                                   // apns.md#H09: topic is a UID
	"liveactivity": {suffix: ".push-type.liveactivity", tokenOnly: true}, // apns.md#H10
	"pushtotalk":   {suffix: ".voip-ptt"},                                // apns.md#H11
	"widgets":      {suffix: ".push-type.widgets", tokenOnly: true},      // apns.md#H12, U14
	"controls":     {suffix: ".push-type.controls", tokenOnly: true},     // apns.md#H13, U14
}

// isPushTypeSuffix reports whether s is the topic suffix of a push type
// (apns.md#H05–H13), e.g. ".voip".
func isPushTypeSuffix(s string) bool {
	for _, r := range pushTypes {
		if r.suffix != "" && r.suffix == s {
			return true
		}
	}
	return false
}

// lookupPushType returns the rule of a push type, nil for unknown ones.
func lookupPushType(t string) *pushTypeRule {
	return pushTypes[t]
}

// PushTypes lists the push types the server accepts (apns.md#H02–H14).
func PushTypes() []string {
	out := make([]string, 0, len(pushTypes))
	for t := range pushTypes {
		out = append(out, t)
	}
	return out
}
