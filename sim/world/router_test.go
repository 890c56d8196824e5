package world

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
)

func TestRoute(t *testing.T) {
	tok := device.DeviceToken("ios9", device.DefaultBundleID)
	tests := []struct {
		name   string
		cfg    func(*Config)
		before func(*World)
		n      func(*fakeapns.Notification)
		want   *fakeapns.Rejection // nil: accepted
	}{
		{name: "accepted"},
		{name: "upper-case token (apns.md#U17)", n: func(n *fakeapns.Notification) { n.Token = strings.ToUpper(tok) }},
		{name: "unknown token", n: func(n *fakeapns.Notification) { n.Token = strings.Repeat("ab", 32) },
			want: fakeapns.Reject(fakeapns.ReasonBadDeviceToken)},
		{name: "other environment (apns.md#D03)", n: func(n *fakeapns.Notification) { n.Environment = fakeapns.Production },
			want: fakeapns.Reject(fakeapns.ReasonBadDeviceToken)},
		{name: "other app's topic (apns.md#D04)", n: func(n *fakeapns.Notification) { n.Topic = "com.other.app" },
			want: fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic)},
		{name: "voip push type without the suffix", n: func(n *fakeapns.Notification) { n.PushType = "voip" },
			want: fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic)},
		{name: "voip push to the app's alert token (apns.md#D08)", n: func(n *fakeapns.Notification) {
			n.PushType, n.Topic = "voip", device.DefaultBundleID+".voip"
		}, want: fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic)},
		{name: "suffix on an alert push", n: func(n *fakeapns.Notification) { n.Topic = device.DefaultBundleID + ".voip" },
			want: fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic)},
		{name: "uninstalled: first push still accepted (apns.md#D06, U21)",
			before: func(w *World) { _ = w.Uninstall("ios9", device.DefaultBundleID) }},
		{name: "uninstalled and unregistered at once",
			cfg:    func(c *Config) { c.UnregisterImmediately = true },
			before: func(w *World) { _ = w.Uninstall("ios9", device.DefaultBundleID) },
			want:   &fakeapns.Rejection{Reason: fakeapns.ReasonUnregistered, Timestamp: t0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Fleet: device.DefaultFleet(), Clock: clock.NewVirtual(t0)}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			w := New(cfg)
			defer func() {
				if err := w.Close(); err != nil {
					t.Error(err)
				}
			}()
			if tt.before != nil {
				tt.before(w)
			}
			n := fakeapns.Notification{ApnsID: "id", Token: tok, Topic: device.DefaultBundleID, PushType: "alert", Environment: fakeapns.Development}
			if tt.n != nil {
				tt.n(&n)
			}
			err := w.Route(context.Background(), n)
			var got *fakeapns.Rejection
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("Route = %v, want a *fakeapns.Rejection or nil", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Route (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouteUnregisteredAfterFirstPush(t *testing.T) {
	w, clk := testWorld(t)
	if err := w.Uninstall("ios9", device.DefaultBundleID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	body := `{"aps":{"alert":"hi"}}`
	from := w.Log().Last()
	first := push(t, w, "ios9", "one", body)
	second := push(t, w, "ios9", "two", body)
	if first != nil {
		t.Fatalf("first push after uninstall: %v, want accepted (apns.md#D06)", first)
	}
	want := &fakeapns.Rejection{Reason: fakeapns.ReasonUnregistered, Timestamp: t0}
	if diff := cmp.Diff(error(want), second); diff != "" {
		t.Errorf("second push (-want +got):\n%s", diff)
	}
	wantKinds := []EventKind{EventRequest, EventDelivered, EventSuppressed, EventRejected}
	if diff := cmp.Diff(wantKinds, kinds(logSince(w, from))); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestRouteCancelledContext(t *testing.T) {
	w, _ := testWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := w.Route(ctx, fakeapns.Notification{Token: device.DeviceToken("ios9", device.DefaultBundleID)})
	var rej *fakeapns.Rejection
	if err == nil || errors.As(err, &rej) || !errors.Is(err, context.Canceled) {
		t.Errorf("Route with a cancelled ctx = %v, want a plain error wrapping context.Canceled (500)", err)
	}
}

func TestObserveRejected(t *testing.T) {
	w, _ := testWorld(t)
	tok := device.DeviceToken("ios9", device.DefaultBundleID)
	w.Observe(fakeapns.Record{ReceivedAt: t0, Path: "/3/device/" + strings.ToUpper(tok), Status: 403,
		Reason: fakeapns.ReasonInvalidProviderToken, ApnsID: "abc"})
	got := logSince(w, 0)
	want := []Event{{Seq: 1, Time: t0, Kind: EventRejected, Device: "ios9", App: device.DefaultBundleID, Token: tok, ApnsID: "abc",
		Status: 403, Reason: "InvalidProviderToken", Message: "rejected: 403 InvalidProviderToken"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReinstall(t *testing.T) {
	w, _ := testWorld(t)
	ctx := context.Background()
	oldTok := device.DeviceToken("ios9", device.DefaultBundleID)
	toOld := func(n *fakeapns.Notification) { n.Token = oldTok }
	body := `{"aps":{"alert":"hi"}}`
	if err := w.Install("ios9", device.App{BundleID: device.DefaultBundleID}); err == nil {
		t.Error("installed over an installed app")
	}
	if err := w.Uninstall("ios9", device.DefaultBundleID); err != nil {
		t.Fatal(err)
	}
	if err := w.Install("ios9", device.App{BundleID: device.DefaultBundleID}); err != nil {
		t.Fatal(err)
	}
	dv, app := onlyApp(t, w, "ios9")
	newTok := app.Token
	if newTok == oldTok || app.Uninstalled || len(app.Categories) == 0 {
		t.Fatalf("after reinstall: %+v", dv.Apps)
	}
	var got []error
	got = append(got, push(t, w, "ios9", "a", body, toOld)) // first push after the uninstall
	got = append(got, push(t, w, "ios9", "b", body, toOld))
	got = append(got, push(t, w, "ios9", "c", body, func(n *fakeapns.Notification) { n.Token = newTok }))
	want := []error{nil, &fakeapns.Rejection{Reason: fakeapns.ReasonUnregistered, Timestamp: t0}, nil}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return fmtErr(a) == fmtErr(b) })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := w.Tap(ctx, "ios9", "c", device.KeyDefault, ""); err != nil {
		t.Errorf("tap on the reinstalled app's notification: %v", err)
	}
	var unknown *UnknownDeviceError
	if err := w.Install("nokia", device.App{BundleID: "x"}); !errors.As(err, &unknown) {
		t.Errorf("install on an unknown device: %v", err)
	}
	if err := w.Install("ios9", device.App{BundleID: "x", State: "asleep"}); err == nil {
		t.Error("installed an app in state asleep")
	}
	if err := w.Install("ios9", device.App{}); err == nil {
		t.Error("installed an app without a bundle id")
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
