package device

import (
	"maps"
	"slices"
)

// Payload size limits that do not depend on the device (apns.md#P03).
const (
	// HTTP2MaxPayload is what APNs' HTTP/2 API accepts for every iOS
	// version; larger bodies get 413 PayloadTooLarge (apns.md#E52).
	HTTP2MaxPayload = 4096
	// VoIPMaxPayload is the limit for push type voip (apns.md#H06, P03).
	VoIPMaxPayload = 5120
)

// ContextRule says how one context draws a notification on one iOS
// version: its style, which of a category's actions it shows and how many,
// and which system controls it adds.
type ContextRule struct {
	Context Context `json:"context"`
	Style   Style   `json:"style"`
	// MaxActions is how many of the category's actions are drawn; the rest
	// are cut (apns.md#V31, U15). 0 means no custom buttons here.
	MaxActions int `json:"max_actions"`
	// Minimal: the context shows the category's minimal-context actions
	// (iOS 8–9, apns.md#V31).
	Minimal bool `json:"minimal,omitempty"`
	// Dismiss: a system dismiss button follows the actions (apns.md#V32,
	// U15).
	Dismiss bool `json:"dismiss,omitempty"`
	// Slider: the lock screen's "slide to view" control (apns.md#V23).
	Slider bool `json:"slider,omitempty"`
	// Legacy: the modal alert's Close / View pair is drawn when no custom
	// action applies (apns.md#V20).
	Legacy bool `json:"legacy,omitempty"`
	// Compact marks a context that shows no buttons until the user expands
	// it (iOS 10+, apns.md#U15, V47).
	Compact bool `json:"compact,omitempty"`
	// Gesture is how the user reveals the actions in this context, when
	// they are not drawn at once (apns.md#V32, V47).
	Gesture string `json:"gesture,omitempty"`
	// Expand is the context the user reaches from here by a gesture, whose
	// buttons can then be tapped: the expanded view from every compact
	// context of iOS 10+ (apns.md#V47, U41). Empty: none.
	Expand Context `json:"expand,omitempty"`
	// Options: the iOS 8–9 modal alert's first step, Close and Options,
	// when the category has actions (apns.md#V32, U42).
	Options bool `json:"options,omitempty"`
	// AfterOptions: the second alert Options opens; it shows nothing for a
	// notification without actions (apns.md#V32, U42).
	AfterOptions bool `json:"after_options,omitempty"`
}

// Capabilities is one row of the iOS capability table (apns.md section
// 7.1). Rendering and lint read only this table; nothing else in the code
// branches on a version number.
type Capabilities struct {
	// Row is the apns.md row id the values come from, e.g. "V08".
	Row string `json:"row"`
	// From is the first version the row applies to.
	From Version `json:"from"`
	// Actions: the version shows an app's registered custom actions; before
	// it, aps.category is ignored (apns.md#V21, P10).
	Actions bool `json:"actions"`
	// MaxActions is how many actions each context shows; a context absent
	// from the map shows none (apns.md#V31, V47, U15). Derived from Rules.
	MaxActions map[Context]int `json:"max_actions"`
	// Contexts are the places a notification can be seen on this version,
	// in the stable order RenderAll uses. Derived from Rules.
	Contexts []Context `json:"contexts"`
	// Rules describe each context, in the order of Contexts.
	Rules []ContextRule `json:"rules"`
	// TextInput: text-input actions work (iOS 9+, apns.md#V09, V33).
	TextInput bool `json:"text_input"`
	// TextInputPlaceholder: the text field shows a placeholder (iOS 10+,
	// apns.md#V43; iOS 9 only titles the send button, V33).
	TextInputPlaceholder bool `json:"text_input_placeholder"`
	// UserNotifications: the UN framework (iOS 10+, apns.md#V10).
	UserNotifications bool `json:"user_notifications"`
	// ForegroundUI: the system can show a notification while the app is in
	// the foreground, if willPresent asks for it (apns.md#V24, V45).
	ForegroundUI bool `json:"foreground_ui"`
	// ForegroundBannerList: willPresent may return .banner and .list (iOS
	// 14+, apns.md#V14, V45); before, only .alert shows anything.
	ForegroundBannerList bool `json:"foreground_banner_list"`
	// Title and Subtitle: the alert's title / subtitle keys are drawn on the
	// phone (apns.md#P06: title from 10 on the phone's UI, 8.2 on Watch
	// only; subtitle from 10).
	Title    bool `json:"title"`
	Subtitle bool `json:"subtitle"`
	// MaxPayload is the largest payload of the era's provider API, in bytes
	// (apns.md#P03): 256 before iOS 8 and 2048 on 8 for the binary API,
	// 4096 from 9 (HTTP/2 API, Dec 2015). Today every version gets 4096
	// through HTTP/2; lint uses the era limit only to warn legacy senders.
	MaxPayload int `json:"max_payload"`
	// BackgroundPush: content-available wakes the app (iOS 7+, apns.md#P11,
	// V07).
	BackgroundPush bool `json:"background_push"`
	// ServiceExtension: mutable-content runs a service extension (10+,
	// apns.md#P12, V50).
	ServiceExtension bool `json:"service_extension"`
	// CriticalAlerts (12+, apns.md#P08, V12), Provisional (12+, V48),
	// ThreadGrouping (12+, P09, V48, V64), SummaryArg (12–14: iOS 15
	// ignores summary-arg and summary-arg-count, apns.md#V65, V66).
	CriticalAlerts bool `json:"critical_alerts"`
	Provisional    bool `json:"provisional"`
	ThreadGrouping bool `json:"thread_grouping"`
	SummaryArg     bool `json:"summary_arg"`
	// HiddenPreviews: Show Previews always / when unlocked / never (11+,
	// apns.md#V11, V71).
	HiddenPreviews bool `json:"hidden_previews"`
	// Focus: the user can turn on a Focus that silences apps; time-sensitive
	// and critical notifications break through (15+, apns.md#V68).
	Focus bool `json:"focus"`
	// PushTypeHeader: apns-push-type matters (13+, apns.md#H02, V13);
	// TargetContentID likewise (13+, P13).
	PushTypeHeader  bool `json:"push_type_header"`
	TargetContentID bool `json:"target_content_id"`
	// InterruptionLevels, RelevanceScore and the scheduled Summary
	// (15+, apns.md#P14, P15, V15, V49).
	InterruptionLevels bool `json:"interruption_levels"`
	RelevanceScore     bool `json:"relevance_score"`
	Summary            bool `json:"summary"`
	// ActionIcons: actions may carry an SF Symbol icon (15+, apns.md#V42).
	ActionIcons bool `json:"action_icons"`
	// FilterCriteria: Focus filters (16+, apns.md#P16).
	FilterCriteria bool `json:"filter_criteria"`
	// AskPermission: alerts are shown only once the user allowed them
	// (iOS 8+, apns.md#V08, V40). Before 8 the token registration was the
	// prompt.
	AskPermission bool `json:"ask_permission"`
	// Callbacks are the app-facing API of the version: which delegate
	// method the app is told through.
	Callbacks Callbacks `json:"callbacks"`
}

// Callbacks names the app delegate methods one iOS era calls, as the
// app's source spells them; "" where the era has none.
type Callbacks struct {
	// Remote is how a running app is told of a remote notification before
	// iOS 10 (and of a body tap, apns.md#V24–V25); the fetch variant from
	// iOS 7 carries a completion handler (RemoteComplete).
	Remote         string `json:"remote"`
	RemoteComplete bool   `json:"remote_complete,omitempty"`
	// Fetch is the silent-push callback; "" before iOS 7 (apns.md#P11).
	Fetch string `json:"fetch,omitempty"`
	// Action is the custom-action callback of iOS 8–9 (apns.md#V34); its
	// typed text sits in responseInfo when ResponseInfo.
	Action       string `json:"action,omitempty"`
	ResponseInfo bool   `json:"response_info,omitempty"`
	// Response is iOS 10+'s single response callback (apns.md#V46).
	Response string `json:"response,omitempty"`
}

// callbacks returns the delegate methods of the era that starts at major.
func callbacks(major int) Callbacks {
	fetch := Callbacks{Remote: string(CallbackFetch), RemoteComplete: true, Fetch: string(CallbackFetch)}
	switch {
	case major >= 10:
		fetch.Response = CallbackDidReceiveResponse // apns.md#V46
	case major >= 9:
		fetch.Action, fetch.ResponseInfo = CallbackHandleActionResponse, true // apns.md#V33
	case major >= 8:
		fetch.Action = CallbackHandleAction // apns.md#V34
	case major >= 7:
	default:
		return Callbacks{Remote: string(CallbackDidReceiveRemote)} // apns.md#V24
	}
	return fetch
}

// contextRules returns the context rules of the era that starts at major,
// fresh on each call.
func contextRules(major int) []ContextRule {
	switch {
	case major >= 15:
		return rulesV10("long-press", false)
	case major >= 13:
		return rulesV10("long-press", true)
	case major >= 10:
		return rulesV10("3D Touch or pull down", true)
	case major >= 8:
		return rulesV08()
	case major >= 5:
		return rulesV05()
	}
	return rulesV03()
}

// iOS 3–4: a modal alert, or the lock screen with its slider when locked
// (apns.md#V03, V04, U81).
func rulesV03() []ContextRule {
	return []ContextRule{
		{Context: ContextLockScreen, Style: StyleLockScreen, Slider: true},
		{Context: ContextAlert, Style: StyleAlert, Legacy: true},
		{Context: ContextForeground, Style: StyleForegroundSilent},
	}
}

// iOS 5–7: banners and Notification Center join (apns.md#V05, V22).
func rulesV05() []ContextRule {
	return []ContextRule{
		{Context: ContextLockScreen, Style: StyleLockScreen, Slider: true},
		{Context: ContextBanner, Style: StyleBanner},
		{Context: ContextAlert, Style: StyleAlert, Legacy: true},
		{Context: ContextNotificationCenter, Style: StyleNotificationCenter},
		{Context: ContextForeground, Style: StyleForegroundSilent},
	}
}

// iOS 8–9: default context 4 actions, minimal contexts 2; the modal alert
// shows them only after Options (apns.md#V31, V32, U42).
func rulesV08() []ContextRule {
	return []ContextRule{
		{Context: ContextLockScreen, Style: StyleLockScreen, Slider: true, MaxActions: 2, Minimal: true, Gesture: "swipe left"},
		{Context: ContextBanner, Style: StyleBanner, MaxActions: 2, Minimal: true, Gesture: "pull down"},
		{Context: ContextAlert, Style: StyleAlert, Legacy: true, Options: true},
		{Context: ContextAlertOptions, Style: StyleAlert, MaxActions: 4, Dismiss: true, AfterOptions: true},
		{Context: ContextNotificationCenter, Style: StyleNotificationCenter, MaxActions: 2, Minimal: true, Gesture: "swipe left"},
		{Context: ContextForeground, Style: StyleForegroundSilent},
	}
	// iOS 10+: compact everywhere, the expanded view shows up to 10 then
	// dismiss (apns.md#V47, U15). The modal alert style is gone: "alerts"
	// became banners that stay (iOS 10) then persistent banners (11);
	// Apple's table keeps the word, real devices draw a banner.
}

// expand is the gesture that opens the expanded view: 3D Touch on 10–12,
// long-press from 13 (apns.md#V47, V13). closeX: the expanded view has
// its corner × that clears the notification, iOS 10–14; from 15 a tap
// outside only closes the view, and Clear is a swipe in the list
// (apns.md#U82).
func rulesV10(expand string, closeX bool) []ContextRule {
	return []ContextRule{
		{Context: ContextLockScreen, Style: StyleLockScreen, Compact: true, Expand: ContextExpanded},
		{Context: ContextBanner, Style: StyleBanner, Compact: true, Expand: ContextExpanded},
		{Context: ContextNotificationCenter, Style: StyleNotificationCenter, Compact: true, Expand: ContextExpanded},
		{Context: ContextExpanded, Style: StyleExpanded, MaxActions: 10, Dismiss: closeX, Gesture: expand},
		{Context: ContextForeground, Style: StyleBanner, Compact: true, Expand: ContextExpanded},
	}
}

// capabilityTable returns the table, one row per major version, oldest
// first (apns.md section 7.1, rows V03–V18). It is built on each call so
// that no caller can change another's copy.
func capabilityTable() []Capabilities {
	rows := make([]Capabilities, 0, 16)
	for major := 3; major <= 18; major++ {
		c := Capabilities{
			Row:                  rowID(major),
			From:                 Version{major, 0},
			Actions:              major >= 8,                // apns.md#V08, V21
			TextInput:            major >= 9,                // apns.md#V09
			TextInputPlaceholder: major >= 10,               // apns.md#V43
			UserNotifications:    major >= 10,               // apns.md#V10
			ForegroundUI:         major >= 10,               // apns.md#V45
			ForegroundBannerList: major >= 14,               // apns.md#V14
			Title:                major >= 10,               // apns.md#P06
			Subtitle:             major >= 10,               // apns.md#P06
			BackgroundPush:       major >= 7,                // apns.md#V07, P11
			ServiceExtension:     major >= 10,               // apns.md#V10, P12
			CriticalAlerts:       major >= 12,               // apns.md#V12
			Provisional:          major >= 12,               // apns.md#V12, V48
			ThreadGrouping:       major >= 12,               // apns.md#V12, P09
			SummaryArg:           major >= 12 && major < 15, // apns.md#V65, V66
			HiddenPreviews:       major >= 11,               // apns.md#V11, V71
			Focus:                major >= 15,               // apns.md#V68
			PushTypeHeader:       major >= 13,               // apns.md#V13, H02
			TargetContentID:      major >= 13,               // apns.md#P13
			InterruptionLevels:   major >= 15,               // apns.md#V15, P14
			RelevanceScore:       major >= 15,               // apns.md#P15
			Summary:              major >= 15,               // apns.md#V15
			ActionIcons:          major >= 15,               // apns.md#V15, V42
			FilterCriteria:       major >= 16,               // apns.md#P16
			AskPermission:        major >= 8,                // apns.md#V08, V40
			Callbacks:            callbacks(major),
		}
		c.Rules = contextRules(major)
		switch {
		case major >= 9:
			c.MaxPayload = HTTP2MaxPayload // apns.md#P03, V09
		case major == 8:
			c.MaxPayload = 2048 // apns.md#P03, V08
		default:
			c.MaxPayload = 256 // apns.md#P03, V03
		}
		c.MaxActions = make(map[Context]int, len(c.Rules))
		for _, r := range c.Rules {
			c.Contexts = append(c.Contexts, r.Context)
			if r.MaxActions > 0 {
				c.MaxActions[r.Context] = r.MaxActions
			}
		}
		rows = append(rows, c)
	}
	return rows
}

func rowID(major int) string {
	return "V" + string(rune('0'+major/10)) + string(rune('0'+major%10))
}

// table is the capability table, read-only once built.
type table struct {
	rows []Capabilities
}

// CapabilityTable returns a copy of every row, oldest first (V03–V18).
func CapabilityTable() []Capabilities { return capabilityTable() }

// row returns the row for v without copying: versions before 3 get V03,
// versions after 18 get V18. Callers must not modify it.
func (t *table) row(v Version) *Capabilities {
	for i := len(t.rows) - 1; i > 0; i-- {
		if v.AtLeast(t.rows[i].From) {
			return &t.rows[i]
		}
	}
	return &t.rows[0]
}

func (c Capabilities) clone() Capabilities {
	c.MaxActions = maps.Clone(c.MaxActions)
	c.Contexts = slices.Clone(c.Contexts)
	c.Rules = slices.Clone(c.Rules)
	return c
}

// Rule returns the rule of context ctx, and false when the version has no
// such context.
func (c *Capabilities) Rule(ctx Context) (ContextRule, bool) {
	for _, r := range c.Rules {
		if r.Context == ctx {
			return r, true
		}
	}
	return ContextRule{}, false
}

// defaultTable is built once and only ever read; it lets the package-level
// functions below keep their simple signatures without mutable state.
// Render reads it so that a call needs no allocation for the table.
var defaultTable = &table{rows: capabilityTable()}

// CapabilitiesOf returns (a copy of) the capability row for v.
func CapabilitiesOf(v Version) Capabilities { return defaultTable.row(v).clone() }

// ContextsOf returns the contexts a version can show a notification in,
// in the stable order RenderAll uses.
func ContextsOf(v Version) []Context { return slices.Clone(defaultTable.row(v).Contexts) }

// TableRows returns the table itself, oldest first, without copying, for
// readers on a hot path such as lint. Callers must not modify it.
func TableRows() []Capabilities { return defaultTable.rows }

// TableRow returns the row for v without copying. Callers must not modify
// it.
func TableRow(v Version) *Capabilities { return defaultTable.row(v) }

// Versions lists one version per major release in r, r.From as written
// first; without a bound, r starts at the table's first row (iOS 3) or
// ends at its last (iOS 18).
func (r Range) Versions() []Version {
	lo := r.From
	if lo.IsZero() {
		lo = defaultTable.rows[0].From
	}
	last := defaultTable.rows[len(defaultTable.rows)-1].From.Major
	if !r.To.IsZero() {
		last = r.To.Major
		if r.To.Minor == 0 {
			last--
		}
	}
	var out []Version
	for m := max(lo.Major, 1); m <= last; m++ {
		v := Version{Major: m}
		if m == lo.Major {
			v = lo
		}
		if r.Contains(v) {
			out = append(out, v)
		}
	}
	return out
}

// PayloadKey is one of Apple's payload keys, with the first iOS version
// that reads it (earlier versions ignore it) and its apns.md row.
type PayloadKey struct {
	Name  string
	Since Version
	Row   string
}

// Reads reports whether the version reads key k.
func (c *Capabilities) Reads(k PayloadKey) bool { return !c.From.Less(k.Since) }

// apsKeys and alertKeys are built once and only ever read, so that lint's
// hot path (every delivery is linted) looks keys up without allocating.
var apsKeys, alertKeys = ApsKeys(), AlertKeys()

// LookupApsKey finds a key of the aps dictionary by name.
func LookupApsKey(name string) (PayloadKey, bool) { return lookupKey(apsKeys, name) }

// LookupAlertKey finds a key of the aps.alert dictionary by name.
func LookupAlertKey(name string) (PayloadKey, bool) { return lookupKey(alertKeys, name) }

// ApsKeyNames and AlertKeyNames list the keys' names, for suggestions.
func ApsKeyNames() []string { return keyNames(apsKeys) }

// AlertKeyNames: see ApsKeyNames.
func AlertKeyNames() []string { return keyNames(alertKeys) }

func keyNames(keys []PayloadKey) []string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return names
}

func lookupKey(keys []PayloadKey, name string) (PayloadKey, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return PayloadKey{}, false
}

// ApsKeys are the keys of the aps dictionary (apns.md#P05–P19), fresh on
// each call.
func ApsKeys() []PayloadKey {
	return []PayloadKey{
		{"alert", Version{3, 0}, "P05"},
		{"badge", Version{3, 0}, "P07"},
		{"sound", Version{3, 0}, "P08"},
		{"category", Version{3, 0}, "P10"}, // ignored before 8: lint's category-ignored says so
		{"content-available", Version{7, 0}, "P11"},
		{"mutable-content", Version{10, 0}, "P12"},
		{"thread-id", Version{10, 0}, "P09"},
		{"target-content-id", Version{13, 0}, "P13"},
		{"interruption-level", Version{15, 0}, "P14"},
		{"relevance-score", Version{15, 0}, "P15"},
		{"filter-criteria", Version{16, 0}, "P16"},
		{"timestamp", Version{16, 0}, "P17"},
		{"event", Version{16, 0}, "P17"},
		{"content-state", Version{16, 0}, "P17"},
		{"stale-date", Version{16, 0}, "P17"},
		{"dismissal-date", Version{16, 0}, "P17"},
		{"attributes-type", Version{16, 0}, "P17"},
		{"attributes", Version{16, 0}, "P17"},
		{"content-changed", Version{18, 0}, "P18"},
		{"url-args", Version{3, 0}, "P19"},
	}
}

// AlertKeys are the keys of the aps.alert dictionary (apns.md#P06), fresh
// on each call.
func AlertKeys() []PayloadKey {
	return []PayloadKey{
		{"body", Version{3, 0}, "P06"},
		{"loc-key", Version{3, 0}, "P06"},
		{"loc-args", Version{3, 0}, "P06"},
		{"action-loc-key", Version{3, 0}, "P06"},
		{"launch-image", Version{4, 0}, "P06"},
		// The title and subtitle keys: lint's title-unsupported and
		// subtitle-unsupported report them.
		{"title", Version{10, 0}, "P06"},
		{"title-loc-key", Version{10, 0}, "P06"},
		{"title-loc-args", Version{10, 0}, "P06"},
		{"subtitle", Version{10, 0}, "P06"},
		{"subtitle-loc-key", Version{10, 0}, "P06"},
		{"subtitle-loc-args", Version{10, 0}, "P06"},
		{"summary-arg", Version{12, 0}, "P06"},
		{"summary-arg-count", Version{12, 0}, "P06"},
	}
}

// KnownContexts is every context some version has, in table order.
func KnownContexts() []Context {
	var out []Context
	for _, row := range TableRows() {
		for _, c := range row.Contexts {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
