package device

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The capability table as reviewed by hand against apns.md section 7.1
// (rows V03–V18) and the rows each line cites. It is written, not
// generated: there is no -update for it, so a change to a version rule
// changes this text too, in review, next to its source.
//
// reviewedColumns: one line per column, one cell per major version 3–18;
// "x" yes, "." no, or the number.
const reviewedColumns = `
column                  3    4    5    6    7    8    9    10   11   12   13   14   15   16   17   18    apns.md
actions                 .    .    .    .    .    x    x    x    x    x    x    x    x    x    x    x     V08 V21 P10
text_input              .    .    .    .    .    .    x    x    x    x    x    x    x    x    x    x     V09 V33
text_input_placeholder  .    .    .    .    .    .    .    x    x    x    x    x    x    x    x    x     V43 (9 titles the send button only)
user_notifications      .    .    .    .    .    .    .    x    x    x    x    x    x    x    x    x     V10
foreground_ui           .    .    .    .    .    .    .    x    x    x    x    x    x    x    x    x     V24 V45
foreground_banner_list  .    .    .    .    .    .    .    .    .    .    .    x    x    x    x    x     V14 V45
title                   .    .    .    .    .    .    .    x    x    x    x    x    x    x    x    x     P06 (8.2 on Watch only)
subtitle                .    .    .    .    .    .    .    x    x    x    x    x    x    x    x    x     P06
max_payload             256  256  256  256  256  2048 4096 4096 4096 4096 4096 4096 4096 4096 4096 4096  P03 V03 V08 V09
background_push         .    .    .    .    x    x    x    x    x    x    x    x    x    x    x    x     V07 P11
service_extension       .    .    .    .    .    .    .    x    x    x    x    x    x    x    x    x     V10 V50 P12
critical_alerts         .    .    .    .    .    .    .    .    .    x    x    x    x    x    x    x     V12 P08
provisional             .    .    .    .    .    .    .    .    .    x    x    x    x    x    x    x     V12 V48
thread_grouping         .    .    .    .    .    .    .    .    .    x    x    x    x    x    x    x     V12 P09
summary_arg             .    .    .    .    .    .    .    .    .    x    x    x    .    .    .    .     P06 V65 V66 (15 ignores it)
hidden_previews         .    .    .    .    .    .    .    .    x    x    x    x    x    x    x    x     V11 V71
focus                   .    .    .    .    .    .    .    .    .    .    .    .    x    x    x    x     V15 V68
push_type_header        .    .    .    .    .    .    .    .    .    .    x    x    x    x    x    x     V13 H02
target_content_id       .    .    .    .    .    .    .    .    .    .    x    x    x    x    x    x     V13 P13
interruption_levels     .    .    .    .    .    .    .    .    .    .    .    .    x    x    x    x     V15 P14
relevance_score         .    .    .    .    .    .    .    .    .    .    .    .    x    x    x    x     V15 P15
summary                 .    .    .    .    .    .    .    .    .    .    .    .    x    x    x    x     V15
action_icons            .    .    .    .    .    .    .    .    .    .    .    .    x    x    x    x     V15 V42
filter_criteria         .    .    .    .    .    .    .    .    .    .    .    .    .    x    x    x     V16 P16
ask_permission          .    .    .    .    .    x    x    x    x    x    x    x    x    x    x    x     V08 V40
`

// reviewedContexts: the contexts of each era in RenderAll's order, each
// with its style, how many of the category's actions it draws, and its
// flags (apns.md#V03–V05, V20–V23, V31–V32, V47, U15; the alert's Options
// step U42; the contexts a gesture reaches U41; the expanded view's × until
// iOS 14, U82; the lock screen of 3–4, U81).
const reviewedContexts = `
3-4    lock-screen          lock-screen          0   slider
3-4    alert                alert                0   legacy
3-4    foreground           foreground-silent    0
5-7    lock-screen          lock-screen          0   slider
5-7    banner               banner               0
5-7    alert                alert                0   legacy
5-7    notification-center  notification-center  0
5-7    foreground           foreground-silent    0
8-9    lock-screen          lock-screen          2   slider minimal gesture=swipe-left
8-9    banner               banner               2   minimal gesture=pull-down
8-9    alert                alert                0   legacy options
8-9    alert-options        alert                4   dismiss after-options
8-9    notification-center  notification-center  2   minimal gesture=swipe-left
8-9    foreground           foreground-silent    0
10-12  lock-screen          lock-screen          0   compact expand=expanded
10-12  banner               banner               0   compact expand=expanded
10-12  notification-center  notification-center  0   compact expand=expanded
10-12  expanded             expanded             10  dismiss gesture=3D-Touch-or-pull-down
10-12  foreground           banner               0   compact expand=expanded
13-14  lock-screen          lock-screen          0   compact expand=expanded
13-14  banner               banner               0   compact expand=expanded
13-14  notification-center  notification-center  0   compact expand=expanded
13-14  expanded             expanded             10  dismiss gesture=long-press
13-14  foreground           banner               0   compact expand=expanded
15-18  lock-screen          lock-screen          0   compact expand=expanded
15-18  banner               banner               0   compact expand=expanded
15-18  notification-center  notification-center  0   compact expand=expanded
15-18  expanded             expanded             10  gesture=long-press
15-18  foreground           banner               0   compact expand=expanded
`

// reviewedCallbacks: the app delegate methods of each era
// (apns.md#V24–V26, V34, V46, P11, C05).
const reviewedCallbacks = `
3-6    remote=didReceiveRemote
7      remote=fetch+completion fetch=fetch
8      remote=fetch+completion fetch=fetch action=handleAction
9      remote=fetch+completion fetch=fetch action=handleActionWithResponseInfo+responseInfo
10-18  remote=fetch+completion fetch=fetch response=didReceiveResponse
`

// TestCapabilityTableReviewed compares the table with the reviewed text
// above, cell by cell.
func TestCapabilityTableReviewed(t *testing.T) {
	rows := CapabilityTable()
	if len(rows) != 16 || rows[0].Row != "V03" || rows[15].Row != "V18" {
		t.Fatalf("the table has %d rows, want V03–V18", len(rows))
	}
	row := func(major int) *Capabilities { return &rows[major-3] }

	for _, line := range lines(reviewedColumns)[1:] {
		f := strings.Fields(line)
		name, cells := f[0], f[1:17]
		for i, cell := range cells {
			c := row(i + 3)
			got, ok := column(c, name)
			if !ok {
				t.Fatalf("unknown column %q", name)
			}
			if got != cell {
				t.Errorf("%s on iOS %d: table says %s, reviewed %s", name, i+3, got, cell)
			}
		}
	}

	want := map[int][]string{}
	for _, line := range lines(reviewedContexts) {
		f := strings.Fields(line)
		for _, m := range majors(t, f[0]) {
			want[m] = append(want[m], strings.Join(f[1:], " "))
		}
	}
	for m := 3; m <= 18; m++ {
		var got []string
		for _, r := range row(m).Rules {
			got = append(got, ruleText(r))
		}
		if diff := cmp.Diff(want[m], got); diff != "" {
			t.Errorf("contexts of iOS %d (-reviewed +table):\n%s", m, diff)
		}
	}

	wantCB := map[int]string{}
	for _, line := range lines(reviewedCallbacks) {
		era, rest, _ := strings.Cut(line, " ")
		for _, m := range majors(t, era) {
			wantCB[m] = strings.Join(strings.Fields(rest), " ")
		}
	}
	for m := 3; m <= 18; m++ {
		if got := callbacksText(row(m).Callbacks); got != wantCB[m] {
			t.Errorf("callbacks of iOS %d: table says %q, reviewed %q", m, got, wantCB[m])
		}
	}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// majors reads "3-4" or "7".
func majors(t *testing.T, era string) []int {
	t.Helper()
	lo, hi, found := strings.Cut(era, "-")
	if !found {
		hi = lo
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad era %q", era)
	}
	var out []int
	for m := a; m <= b; m++ {
		out = append(out, m)
	}
	return out
}

func yes(b bool) string {
	if b {
		return "x"
	}
	return "."
}

// column is one cell of c as the reviewed text writes it.
func column(c *Capabilities, name string) (string, bool) {
	cols := map[string]string{
		"actions": yes(c.Actions), "text_input": yes(c.TextInput), "text_input_placeholder": yes(c.TextInputPlaceholder),
		"user_notifications": yes(c.UserNotifications), "foreground_ui": yes(c.ForegroundUI),
		"foreground_banner_list": yes(c.ForegroundBannerList), "title": yes(c.Title), "subtitle": yes(c.Subtitle),
		"max_payload": strconv.Itoa(c.MaxPayload), "background_push": yes(c.BackgroundPush),
		"service_extension": yes(c.ServiceExtension), "critical_alerts": yes(c.CriticalAlerts),
		"provisional": yes(c.Provisional), "thread_grouping": yes(c.ThreadGrouping), "summary_arg": yes(c.SummaryArg), "hidden_previews": yes(c.HiddenPreviews), "focus": yes(c.Focus),
		"push_type_header": yes(c.PushTypeHeader), "target_content_id": yes(c.TargetContentID),
		"interruption_levels": yes(c.InterruptionLevels), "relevance_score": yes(c.RelevanceScore),
		"summary": yes(c.Summary), "action_icons": yes(c.ActionIcons), "filter_criteria": yes(c.FilterCriteria),
		"ask_permission": yes(c.AskPermission),
	}
	v, ok := cols[name]
	return v, ok
}

// ruleText writes a context rule as the reviewed text does.
func ruleText(r ContextRule) string {
	parts := []string{string(r.Context), string(r.Style), strconv.Itoa(r.MaxActions)}
	for _, f := range []struct {
		on   bool
		name string
	}{{r.Slider, "slider"}, {r.Legacy, "legacy"}, {r.Minimal, "minimal"}, {r.Dismiss, "dismiss"}, {r.Compact, "compact"},
		{r.Options, "options"}, {r.AfterOptions, "after-options"}} {
		if f.on {
			parts = append(parts, f.name)
		}
	}
	if r.Gesture != "" {
		parts = append(parts, "gesture="+strings.ReplaceAll(r.Gesture, " ", "-"))
	}
	if r.Expand != "" {
		parts = append(parts, "expand="+string(r.Expand))
	}
	return strings.Join(parts, " ")
}

// callbacksText writes an era's callbacks with short names.
func callbacksText(c Callbacks) string {
	short := map[string]string{
		string(CallbackDidReceiveRemote): "didReceiveRemote", string(CallbackFetch): "fetch",
		CallbackHandleAction: "handleAction", CallbackHandleActionResponse: "handleActionWithResponseInfo",
		CallbackDidReceiveResponse: "didReceiveResponse",
	}
	name := func(s string) string {
		if n, ok := short[s]; ok {
			return n
		}
		return fmt.Sprintf("%q", s)
	}
	var parts []string
	if c.Remote != "" {
		p := "remote=" + name(c.Remote)
		if c.RemoteComplete {
			p += "+completion"
		}
		parts = append(parts, p)
	}
	if c.Fetch != "" {
		parts = append(parts, "fetch="+name(c.Fetch))
	}
	if c.Action != "" {
		p := "action=" + name(c.Action)
		if c.ResponseInfo {
			p += "+responseInfo"
		}
		parts = append(parts, p)
	}
	if c.Response != "" {
		parts = append(parts, "response="+name(c.Response))
	}
	return strings.Join(parts, " ")
}
