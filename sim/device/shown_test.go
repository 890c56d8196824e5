package device

import (
	"slices"
	"testing"
)

// TestShownActions: a poll shows OK and NOK once across the whole fleet,
// a body that does not parse shows nothing, and an uninstalled app's
// topic shows nothing.
func TestShownActions(t *testing.T) {
	fleet := DefaultFleet()
	body := []byte(`{"aps":{"alert":"Lunch?","category":"poll"}}`)
	if got := ShownActions(fleet, DefaultBundleID, body); !slices.Equal(got, []string{"OK", "NOK"}) {
		t.Errorf("poll: %q, want [OK NOK]", got)
	}
	if got := ShownActions(fleet, DefaultBundleID, []byte(`{"aps":`)); got != nil {
		t.Errorf("bad JSON: %q, want none", got)
	}
	if got := ShownActions(fleet, "no.such.app", body); got != nil {
		t.Errorf("uninstalled: %q, want none", got)
	}
	if cs := KnownContexts(); !slices.Contains(cs, ContextLockScreen) || !slices.Contains(cs, ContextBanner) {
		t.Errorf("KnownContexts = %q", cs)
	}
}
