package tui

import (
	"strings"
	"testing"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// Issue 19 in the TUI: each toggle goes to the real world and the fleet
// pane says the state; the phone lists Notification Center's stacks.

// w takes the selected device off the network: a push is stored, not
// delivered, and the details say so; w again brings it back and the
// stored push arrives late (apns.md#T20, T22).
func TestToggleOffline(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	selectDevice(t, m, "ios17")
	has(t, m, "previews when-unlocked")
	hasNot(t, m, "offline (", "offline ·")
	keys(m, "w")
	if v, _ := w.World.Device("ios17"); !v.Offline {
		t.Fatalf("w: ios17 is not offline in the world")
	}
	has(t, m, "offline · previews")
	m.composer.SetText(`{"aps":{"alert":"while away"}}`)
	keys(m, "ctrl+s")
	has(t, m, "offline (1 stored)")
	if got := w.kinds("ios17", world.EventDelivered); len(got) != 0 {
		t.Errorf("delivered while offline: %v", got)
	}
	keys(m, "w")
	if v, _ := w.World.Device("ios17"); v.Offline {
		t.Fatalf("w again: ios17 still offline")
	}
	hasNot(t, m, "offline (", "offline ·")
	if got := w.kinds("ios17", world.EventDelivered); len(got) != 1 {
		t.Errorf("back online: deliveries %v, want the stored one", got)
	}
}

// f turns a Focus on and off on the selected device (apns.md#V68).
func TestToggleFocus(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	selectDevice(t, m, "ios17")
	keys(m, "f")
	v, _ := w.World.Device("ios17")
	if v.Focus == nil || v.Focus.Name != focusName {
		t.Fatalf("f: focus %+v, want %q", v.Focus, focusName)
	}
	has(t, m, "Focus Do Not Disturb")
	keys(m, "f")
	if v, _ := w.World.Device("ios17"); v.Focus != nil {
		t.Fatalf("f again: focus %+v, want none", v.Focus)
	}
	hasNot(t, m, "Focus Do Not Disturb")
}

// v cycles Show Previews from the model's default (when unlocked on a
// Face ID iPhone, apns.md#V72): never, always, when-unlocked.
func TestCyclePreviews(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	selectDevice(t, m, "ios17")
	has(t, m, "previews when-unlocked")
	for _, want := range []device.Previews{device.PreviewsNever, device.PreviewsAlways, device.PreviewsWhenUnlocked} {
		keys(m, "v")
		if v, _ := w.World.Device("ios17"); v.ShowPreviews != want {
			t.Fatalf("v: show previews %q, want %q", v.ShowPreviews, want)
		}
	}
	keys(m, "v")
	has(t, m, "previews never")
}

// In Notification Center the phone lists the stacks by thread-id, each
// with its summary line (apns.md#V64, V65).
func TestPhoneDrawsStacks(t *testing.T) {
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	selectDevice(t, m, "ios17")
	keys(m, "alt+s") // target: the selected device only
	for _, p := range []string{
		`{"aps":{"alert":"one","thread-id":"alice"}}`,
		`{"aps":{"alert":"two","thread-id":"alice"}}`,
		`{"aps":{"alert":"other","thread-id":"bob"}}`,
	} {
		m.composer.SetText(p)
		keys(m, "ctrl+s")
	}
	for range 8 {
		if m.phone.shownContext() == device.ContextNotificationCenter {
			break
		}
		keys(m, "right")
	}
	if m.phone.shownContext() != device.ContextNotificationCenter {
		t.Fatalf("no Notification Center context:\n%s", contentOf(m))
	}
	for range 5 {
		keys(m, "pgdown")
	}
	has(t, m, "Stacks (2, newest first):", `▸ thread bob (1): "other"`, `▸ thread alice (2): "two"`, "└ 1 more notification")
	if s := contentOf(m); strings.Index(s, "thread bob") > strings.Index(s, "thread alice") {
		t.Errorf("the newest stack is not first:\n%s", s)
	}
}

// The log's kind column names every kind of issue 19 distinctly, in at
// most its 10 columns, and the detail view gives the full kind and the
// message (late deliveries, stored, expired, deferred, coalesced, the
// service extension's three).
func TestLogNamesFidelityKinds(t *testing.T) {
	seen := map[string]world.EventKind{}
	for _, k := range []world.EventKind{world.EventStored, world.EventReplaced, world.EventExpired, world.EventDeliveredLate,
		world.EventDeferred, world.EventCoalesced, world.EventExtensionStarted, world.EventExtensionCompleted,
		world.EventExtensionTimedOut, world.EventDelivered, world.EventDoubleCompletion, world.EventCompletion} {
		l := kindLabel(k)
		if len([]rune(l)) > 10 || l == "" {
			t.Errorf("%s: label %q, want 1-10 columns", k, l)
		}
		if o, dup := seen[l]; dup {
			t.Errorf("%s and %s both show as %q", k, o, l)
		}
		seen[l] = k
	}

	// On the real world: an offline device's push is stored, then
	// delivered late; the log and the detail view say so.
	w := newWorld(t, nil, 0)
	m := newTestModel(t, w)
	m.SetSize(80, 24)
	selectDevice(t, m, "ios17")
	keys(m, "alt+s", "w")
	m.composer.SetText(`{"aps":{"alert":"while away"}}`)
	keys(m, "ctrl+s", "w")
	has(t, m, "stored ", "late deliv")
	m.setFocus(paneLog)
	for range 20 {
		if e, ok := m.log.Selected(); ok && e.Kind == world.EventDeliveredLate {
			break
		}
		keys(m, "up")
	}
	keys(m, "enter")
	has(t, m, "· delivered_late", "delivered late")
}
