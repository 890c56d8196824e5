package reference

import (
	"cmp"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Kind is the layer a rule is about.
type Kind string

// The kinds of rule.
const (
	KindTransport    Kind = "transport"    // HTTP/2, TLS, hosts, connections
	KindHeader       Kind = "header"       // apns-* request headers
	KindPayload      Kind = "payload"      // the JSON body
	KindResponse     Kind = "response"     // status codes, reasons, response shape
	KindAuth         Kind = "auth"         // JWT and certificate authentication
	KindToken        Kind = "token"        // device tokens and environments
	KindPresentation Kind = "presentation" // what the device shows, per iOS version
	KindCompletion   Kind = "completion"   // app callbacks, completion handlers, time limits
	KindSimctl       Kind = "simctl"       // xcrun simctl push and .apns files
)

// Status says how sure pushsim is of a rule.
type Status string

// The statuses.
const (
	// Documented: Apple states it (current or archived documentation, a
	// WWDC session, an RFC APNs follows).
	Documented Status = "documented"
	// Observed: Apple does not document it, but it was seen: in the
	// clients and mocks everyone uses, in Apple engineers' forum answers,
	// or in first-hand write-ups of the devices.
	Observed Status = "observed"
	// Unconfirmed: nobody outside Apple knows; pushsim chose a behaviour
	// (Rule.Choice) for a stated reason (Rule.Why).
	Unconfirmed Status = "unconfirmed"
)

// Source is where a rule comes from.
type Source struct {
	// Title names the page, session, thread or file.
	Title string `json:"title"`
	// URL is where it is now.
	URL string `json:"url,omitempty"`
	// Archived is a copy of a page Apple removed or rewrote, when the rule
	// depends on the old text.
	Archived string `json:"archived,omitempty"`
}

// Rule is one behaviour pushsim reproduces, with its evidence.
type Rule struct {
	// ID is stable: code cites it as "apns.md#ID"; never renumber.
	ID string `json:"id"`
	// Statement is the rule in one line, in pushsim's words.
	Statement string `json:"statement"`
	// IOS is the iOS versions the rule applies to ("all", "8–9", "10+", or
	// "any" for provider-side rules that do not depend on the device).
	IOS string `json:"ios"`
	// Env is the APNs environments it applies to ("both", "sandbox",
	// "none" for the Simulator).
	Env    string `json:"env"`
	Kind   Kind   `json:"kind"`
	Status Status `json:"status"`
	// Choice is the behaviour pushsim chose (Unconfirmed rules; also set
	// where pushsim deliberately differs from or narrows a known rule).
	Choice string `json:"choice,omitempty"`
	// Why is the reasoning behind Choice.
	Why     string   `json:"why,omitempty"`
	Sources []Source `json:"sources,omitempty"`
	// See lists related rule ids.
	See []string `json:"see,omitempty"`
}

// Section groups rules by the letter of their id, in the order of the
// Markdown reference.
type Section struct {
	// Number is the section number used by citations such as "apns.md
	// section 4".
	Number string
	Title  string
	// Prefix is the id letter; Sub (optional) narrows V rows by number.
	Prefix   string
	From, To int
}

// Sections are the parts of the reference, in order. The numbering is the
// one citations already use ("apns.md section 7.1").
func Sections() []Section {
	return []Section{
		{"1", "Provider API transport", "T", 0, 99},
		{"2", "Request headers", "H", 0, 99},
		{"3", "Payload", "P", 0, 99},
		{"4", "Responses", "E", 0, 99},
		{"5", "Authentication", "A", 0, 99},
		{"6", "Device tokens and environments", "D", 0, 99},
		{"7.1", "Capability table, one row per iOS version", "V", 0, 19},
		{"7.2", "Before iOS 8: no custom actions", "V", 20, 29},
		{"7.3", "iOS 8 and 9: UIKit interactive notifications", "V", 30, 39},
		{"7.4", "iOS 10 and later: UserNotifications", "V", 40, 99},
		{"8", "Completion handlers and time limits", "C", 0, 99},
		{"9", "xcrun simctl push", "S", 0, 99},
		{"10", "Open points and pushsim's choices", "U", 0, 99},
	}
}

// Contains reports whether the section holds the rule id.
func (s Section) Contains(id string) bool {
	if len(id) != 3 || id[:1] != s.Prefix {
		return false
	}
	n := int(id[1]-'0')*10 + int(id[2]-'0')
	return n >= s.From && n <= s.To
}

// Rules returns the whole table, sorted by section and id. The slice is
// the caller's own.
func Rules() []Rule {
	var all []Rule
	src := newSources()
	for _, part := range [][]Rule{
		transportRules(src), headerRules(src), payloadRules(src), responseRules(src),
		authRules(src), tokenRules(src), capabilityRules(src), legacyRules(src),
		uikitRules(src), unRules(src), completionRules(src), simctlRules(src),
		unconfirmedRules(src), fidelityRules(src), verifyRules(src),
	} {
		all = append(all, part...)
	}
	order := map[string]int{}
	for i, s := range Sections() {
		if _, ok := order[s.Prefix]; !ok {
			order[s.Prefix] = i
		}
	}
	slices.SortStableFunc(all, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(order[a.ID[:1]], order[b.ID[:1]]), strings.Compare(a.ID, b.ID))
	})
	return all
}

// Normalize turns what a user or a citation writes ("v21", "apns.md#V21",
// "#V21", " V21 ") into the id form ("V21").
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToUpper(s)
}

// Lookup finds the rule with the given id, in any form Normalize accepts.
func Lookup(id string) (Rule, bool) {
	id = Normalize(id)
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// UnconfirmedRules returns the rules where pushsim chose rather than knew.
func UnconfirmedRules() []Rule {
	var out []Rule
	for _, r := range Rules() {
		if r.Status == Unconfirmed {
			out = append(out, r)
		}
	}
	return out
}

// Search returns the rules whose id, statement, choice, reasoning or
// sources contain text, case-insensitively.
func Search(text string) []Rule {
	q := strings.ToLower(strings.TrimSpace(text))
	var out []Rule
	for _, r := range Rules() {
		if strings.Contains(strings.ToLower(r.haystack()), q) {
			out = append(out, r)
		}
	}
	return out
}

func (r Rule) haystack() string {
	var b strings.Builder
	for _, s := range []string{r.ID, r.Statement, r.IOS, string(r.Kind), string(r.Status), r.Choice, r.Why} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, s := range r.Sources {
		b.WriteString(s.Title + "\n" + s.URL + "\n" + s.Archived + "\n")
	}
	return b.String()
}

// Suggest returns up to three ids close to an unknown one: ids one edit
// away (a mistyped letter or digit), then the nearest numbers of the same
// letter; ids of the same letter and the nearest numbers come first.
func Suggest(id string) []string {
	id = Normalize(id)
	type cand struct {
		id          string
		near        bool // one edit away
		otherLetter bool
		gap         int // numeric distance within the same letter
	}
	num := func(s string) int {
		n := 0
		for _, c := range s[1:] {
			if c < '0' || c > '9' {
				return -1000
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	var cs []cand
	for _, r := range Rules() {
		c := cand{id: r.ID, near: levenshtein.ComputeDistance(id, r.ID) <= 1, gap: 1000}
		c.otherLetter = id == "" || r.ID[0] != id[0]
		if !c.otherLetter && len(id) > 1 {
			c.gap = max(num(id)-num(r.ID), num(r.ID)-num(id))
		}
		if c.near || (!c.otherLetter && c.gap <= 3) {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.otherLetter != b.otherLetter {
			if a.otherLetter {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.gap, b.gap)
	})
	var out []string
	for _, c := range cs {
		if len(out) == 3 {
			break
		}
		out = append(out, c.id)
	}
	return out
}

// Cited returns the known rule ids a text cites, in order of appearance
// and once each: "(apns.md#U23, P07, P08)" gives U23, P07, P08. Tokens
// shaped like ids that are not rules are left out.
func Cited(text string) []string {
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.ID] = true
	}
	var out []string
	for _, f := range strings.FieldsFunc(text, func(c rune) bool {
		return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) {
		if known[f] && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
