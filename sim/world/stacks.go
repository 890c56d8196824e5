package world

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
)

// Stack is one group of notifications as Notification Center and the lock
// screen draw it on iOS 12+: an app's notifications with one thread-id
// (or none), newest on top, with a summary line under the top one
// (apns.md#V64, V65). Before iOS 12 every notification is a stack of one.
type Stack struct {
	App string `json:"app"`
	// Thread is the thread-id the stack groups by; empty for the app's own
	// stack (and always before iOS 12).
	Thread string `json:"thread,omitempty"`
	// Count is how many notifications the stack holds.
	Count int `json:"count"`
	// Top is the newest notification's apns-id; Title and Body are what
	// Notification Center draws for it.
	Top   string `json:"top"`
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
	// Summary is the line under the top notification of a stack of two or
	// more: "2 more notifications from Alice" (apns.md#V65, V66, U54).
	Summary string `json:"summary,omitempty"`
	// Items are the apns-ids, newest first.
	Items []string `json:"items"`
}

// Text draws the stack on one line, as the CLI and goldens print it.
func (s Stack) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", s.App)
	if s.Thread != "" {
		fmt.Fprintf(&b, " thread %s", s.Thread)
	}
	text := s.Body
	if s.Title != "" {
		text = s.Title + ": " + text
	}
	fmt.Fprintf(&b, " (%d): %q", s.Count, text)
	if s.Summary != "" {
		b.WriteString(" — " + s.Summary)
	}
	return b.String()
}

// StacksOf groups the notifications still shown on d (oldest first, as
// World.Notifications returns them) into the stacks Notification Center
// draws, the stack with the newest notification first (apns.md#V64).
func StacksOf(d *device.Device, notes []Delivered) []Stack {
	caps := device.TableRow(d.Version)
	type key struct{ app, thread string }
	var order []key
	groups := map[key][]*Delivered{}
	for i := len(notes) - 1; i >= 0; i-- {
		n := &notes[i]
		if n.State != NotificationShown {
			continue
		}
		k := key{app: n.App}
		switch {
		case !caps.ThreadGrouping:
			k.thread = n.ApnsID // a flat list: each its own entry
		default:
			k.thread = "#" + n.Notification.Payload.Aps.ThreadID
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], n)
	}
	out := make([]Stack, 0, len(order))
	for _, k := range order {
		items := groups[k]
		top := items[0]
		s := Stack{App: k.app, Count: len(items), Top: top.ApnsID}
		if caps.ThreadGrouping {
			s.Thread = top.Notification.Payload.Aps.ThreadID
		}
		p := centerPresentation(d, top)
		s.Title, s.Body = p.Title, p.Body
		for _, it := range items {
			s.Items = append(s.Items, it.ApnsID)
		}
		if len(items) > 1 {
			s.Summary = summaryLine(caps, d.App(k.app), top, items[1:])
		}
		out = append(out, s)
	}
	return out
}

// centerPresentation is how Notification Center (or, before iOS 5, the
// lock screen) draws n.
func centerPresentation(d *device.Device, n *Delivered) device.Presentation {
	var lock device.Presentation
	for _, p := range n.Presentations {
		switch p.Context {
		case device.ContextNotificationCenter:
			return p
		case device.ContextLockScreen:
			lock = p
		}
	}
	return lock
}

// summaryLine is the group summary (apns.md#V65, V66, U54): the category's
// summary format, or "N more notifications [from A, B and C]", where N
// counts the notifications below the top one, each weighing its
// summary-arg-count, and the arguments are theirs, distinct, oldest first.
// iOS 15 ignores summary-arg and summary-arg-count.
func summaryLine(caps *device.Capabilities, a *device.App, top *Delivered, below []*Delivered) string {
	count := 0
	var args []string
	for i := len(below) - 1; i >= 0; i-- {
		al := below[i].Notification.Payload.Aps.Alert
		weight := 1
		if caps.SummaryArg && al != nil {
			if al.SummaryArgCount > 0 {
				weight = al.SummaryArgCount
			}
			if al.SummaryArg != "" && !slices.Contains(args, al.SummaryArg) {
				args = append(args, al.SummaryArg)
			}
		}
		count += weight
	}
	format := ""
	if a != nil {
		if c := a.Category(top.Notification.Payload.Aps.Category); c != nil {
			format = c.SummaryFormat
		}
	}
	if format == "" {
		format = "%u more notifications"
		if count == 1 {
			format = "%u more notification"
		}
		if len(args) > 0 {
			format += " from %@"
		}
	}
	line := strings.ReplaceAll(format, "%u", strconv.Itoa(count))
	return strings.ReplaceAll(line, "%@", joinNames(args))
}

// joinNames writes "A", "A and B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// SummaryOrder is the order of a device's shown notifications in the
// notification summary (iOS 15+): relevance-score descending (absent = 0),
// then newest first; the first is featured (apns.md#V70, P15). Before iOS
// 15 it is newest first.
func SummaryOrder(d *device.Device, notes []Delivered) []Delivered {
	caps := device.TableRow(d.Version)
	var out []Delivered
	for i := len(notes) - 1; i >= 0; i-- {
		if notes[i].State == NotificationShown {
			out = append(out, notes[i])
		}
	}
	if !caps.RelevanceScore {
		return out
	}
	score := func(n Delivered) float64 {
		if r := n.Notification.Payload.Aps.RelevanceScore; r != nil {
			return *r
		}
		return 0
	}
	slices.SortStableFunc(out, func(x, y Delivered) int {
		switch sx, sy := score(x), score(y); {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		return 0
	})
	return out
}
