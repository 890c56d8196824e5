package inspect_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sideshow/apns2"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/world"
)

// TestFleetView renders one arrived notification on every device of the
// fleet: the legacy alert before iOS 8, the registered buttons after.
func TestFleetView(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"Pizza?","category":"poll"}}`)
	var got struct{ Notifications []inspect.NotificationView }
	if status := f.call(t, "GET", "notifications?fleet=true&apns_id="+f.lastSent, "", &got); status != 200 || len(got.Notifications) != 1 {
		t.Fatalf("GET = %d, %d entries", status, len(got.Notifications))
	}
	// The ids of every button each device shows, in any context.
	buttons := map[string][]string{}
	for _, fv := range got.Notifications[0].Fleet {
		seen := map[string]bool{}
		buttons[fv.Device] = []string{}
		for _, p := range fv.Presentations {
			for _, b := range p.Buttons {
				if !seen[b.ID] {
					seen[b.ID] = true
					buttons[fv.Device] = append(buttons[fv.Device], b.ID)
				}
			}
		}
	}
	if len(buttons) != len(device.DefaultFleet()) {
		t.Errorf("fleet view has %d devices, want %d", len(buttons), len(device.DefaultFleet()))
	}
	for _, tt := range []struct {
		device string
		want   []string
		absent []string
	}{
		{"ios6", []string{device.ButtonView}, []string{"OK"}},
		{"ios8", []string{"OK", "NOK"}, []string{device.ButtonView}},
		{"ios17", []string{"OK", "NOK"}, nil},
	} {
		for _, id := range tt.want {
			if !containsString(buttons[tt.device], id) {
				t.Errorf("%s shows %v; want %s among them", tt.device, buttons[tt.device], id)
			}
		}
		for _, id := range tt.absent {
			if containsString(buttons[tt.device], id) {
				t.Errorf("%s shows %v; want no %s", tt.device, buttons[tt.device], id)
			}
		}
	}
	var e apiError
	if status := f.call(t, "GET", "notifications?fleet=maybe", "", &e); status != 400 || e.Field != "fleet" {
		t.Errorf("fleet=maybe = %d %+v", status, e)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestInstalledLater attributes a request to an app installed while the
// server runs.
func TestInstalledLater(t *testing.T) {
	f := newFixture(t)
	tok := device.DeviceToken("ios10", "com.example.later")
	if err := f.world.Install("ios10", device.App{BundleID: "com.example.later", Token: tok, Environment: "development",
		State: device.AppBackground, Permission: device.PermissionAuthorized}); err != nil {
		t.Fatal(err)
	}
	f.tokenOf["later"] = tok
	res, err := f.dev.Client().Push(&apns2.Notification{DeviceToken: tok, Topic: "com.example.later", Payload: []byte(`{"aps":{"alert":"hi"}}`)})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("push: %+v %v", res, err)
	}
	var got struct{ Notifications []inspect.NotificationView }
	f.call(t, "GET", "notifications?device=ios10", "", &got)
	if len(got.Notifications) != 1 || got.Notifications[0].App != "com.example.later" || got.Notifications[0].State != world.NotificationShown {
		t.Errorf("notifications of ios10: %+v", summarize(got.Notifications))
	}
}

// TestUninstallReinstall: a backend's handling of 410 can be tested by
// uninstalling through the API (apns.md#D06, U21), and a reinstall gets a
// new token (apns.md#D05).
func TestUninstallReinstall(t *testing.T) {
	f := newFixture(t)
	var dev world.DeviceView
	if status := f.call(t, "PATCH", "devices/ios10", `{"installed":false}`, &dev); status != 200 || len(dev.Apps) != 1 || !dev.Apps[0].Uninstalled {
		t.Fatalf("uninstall = %d, %+v", status, dev.Apps)
	}
	var statuses []int
	for range 2 {
		statuses = append(statuses, f.push(t, f.dev, "ios10", `{"aps":{"alert":"still there?"}}`).StatusCode)
	}
	// The first push after the uninstall is still accepted; later ones get
	// 410 (apns.md#U21).
	if diff := cmp.Diff([]int{200, 410}, statuses); diff != "" {
		t.Errorf("statuses after the uninstall (-want +got):\n%s", diff)
	}
	dev = world.DeviceView{} // decoding into the old value would keep its omitted fields
	if status := f.call(t, "PATCH", "devices/ios10", `{"installed":true}`, &dev); status != 200 {
		t.Fatalf("reinstall = %d", status)
	}
	app := dev.App(device.DefaultBundleID)
	if app == nil || app.Uninstalled || app.Token == f.tokenOf["ios10"] || len(app.Categories) == 0 {
		t.Fatalf("after the reinstall: %+v", dev.Apps)
	}
	f.tokenOf["ios10"] = app.Token
	if res := f.push(t, f.dev, "ios10", `{"aps":{"alert":"welcome back","category":"poll"}}`); res.StatusCode != 200 {
		t.Errorf("push to the new token = %d %s", res.StatusCode, res.Reason)
	}
}

// TestLintAlongside shows the payload's lint findings for the device next
// to what it shows.
func TestLintAlongside(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios17", `{"aps":{"alert":"Pizza?","category":"lunch_poll"}}`)
	var got struct{ Notifications []inspect.NotificationView }
	f.call(t, "GET", "notifications?apns_id="+f.lastSent, "", &got)
	if len(got.Notifications) != 1 {
		t.Fatalf("%d notifications", len(got.Notifications))
	}
	lint := got.Notifications[0].Lint
	if len(lint) == 0 || !strings.Contains(strings.Join(lint, "\n"), "category-unregistered") {
		t.Errorf("lint of an unregistered category: %q", lint)
	}
}
