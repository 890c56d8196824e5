package serve_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
)

// TestInfoFollowsReinstall: after a reinstall through the API (a new
// token, apns.md#D05), pushsim.json on disk and GET info both carry the
// new token, so that scripts reading tokens from either keep working.
func TestInfoFollowsReinstall(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, nil)
	before := tokenOf(t, readInfo(t, dir), "ios10")
	url := s.Info.APIURL + "/api/v1/devices/ios10"
	for _, body := range []string{`{"installed":false}`, `{"installed":true}`} {
		if status := apiCall(t, "PATCH", url, body, nil); status != 200 {
			t.Fatalf("PATCH %s = %d", body, status)
		}
	}
	after := tokenOf(t, readInfo(t, dir), "ios10")
	if after == before {
		t.Fatalf("pushsim.json still has the token from before the reinstall: %s", after)
	}
	var info serve.Info
	if status := apiCall(t, "GET", s.Info.APIURL+"/api/v1/info", "", &info); status != 200 {
		t.Fatalf("GET info = %d", status)
	}
	if got := tokenOf(t, info, "ios10"); got != after {
		t.Errorf("GET info has token %s, pushsim.json %s", got, after)
	}
}

// TestNotificationsPagingAndDetail: --keep-notifications bounds what GET
// notifications keeps, pages go by since/limit with next, dropped entries
// are counted in missed, and a rejected entry says why in detail while
// APNs' own answer carries the reason only.
func TestNotificationsPagingAndDetail(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, func(c *serve.Config) { c.Records = 3 })
	info := readInfo(t, dir)
	key, err := provider.LoadAuthKey(info.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	// A provider token without iat: InvalidProviderToken (apns.md#A02).
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": info.TeamID})
	tok.Header["kid"] = info.KeyID
	signed, err := tok.SignedString(key.Private)
	if err != nil {
		t.Fatal(err)
	}
	c := certClientNoCert(t, info)
	for i := range 5 {
		req, _ := http.NewRequest("POST", info.APNsURL+"/3/device/"+tokenOf(t, info, "ios17"), strings.NewReader(`{"aps":{"alert":"hi"}}`))
		req.Header.Set("apns-topic", device.DefaultBundleID)
		req.Header.Set("authorization", "bearer "+signed)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if i == 0 && (res.StatusCode != 403 || string(body) != `{"reason":"InvalidProviderToken"}`) {
			t.Errorf("APNs answered %d %s; want 403 and the reason alone", res.StatusCode, body)
		}
	}
	var page struct {
		Notifications []inspect.NotificationView `json:"notifications"`
		Next          uint64                     `json:"next"`
		Missed        uint64                     `json:"missed"`
	}
	apiCall(t, "GET", s.Info.APIURL+"/api/v1/notifications?since=0&limit=2", "", &page)
	if len(page.Notifications) != 2 || page.Next != 4 || page.Missed != 2 {
		t.Fatalf("page 1: %d entries, next %d, missed %d; want 2, 4, 2", len(page.Notifications), page.Next, page.Missed)
	}
	if d := page.Notifications[0].Detail; !strings.Contains(d, "iat") {
		t.Errorf("detail of a token without iat: %q", d)
	}
	next := page.Next
	page.Notifications, page.Next, page.Missed = nil, 0, 0 // missed is omitted when 0
	apiCall(t, "GET", fmt.Sprintf("%s/api/v1/notifications?since=%d", s.Info.APIURL, next), "", &page)
	if len(page.Notifications) != 1 || page.Next != 5 || page.Missed != 0 {
		t.Errorf("page 2: %d entries, next %d, missed %d; want 1, 5, 0", len(page.Notifications), page.Next, page.Missed)
	}
}

// certClientNoCert is an HTTP/2 client trusting ca.pem, with no client
// certificate: token auth.
func certClientNoCert(t *testing.T, info serve.Info) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: caPool(t, info), NextProtos: []string{"h2"}}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// TestDefaultFleetHasProductionApp: without a fleet file a production push
// succeeds (to ProductionDevice, through the production URL), and its
// token is Apple's BadDeviceToken on development (apns.md#D03).
func TestDefaultFleetHasProductionApp(t *testing.T) {
	dir := t.TempDir()
	start(t, dir, nil)
	info := readInfo(t, dir)
	var tok string
	for _, d := range info.Devices {
		for _, a := range d.Apps {
			if d.Name == serve.ProductionDevice && a.Environment == "production" {
				tok = a.Token
			}
		}
	}
	if tok == "" {
		t.Fatalf("pushsim.json has no production app on %s", serve.ProductionDevice)
	}
	req := provider.Request{Token: tok, Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"live"}}`)}
	for _, tc := range []struct {
		url, reason string
	}{{info.APNsProductionURL, ""}, {info.APNsURL, "BadDeviceToken"}} {
		res, err := providerFromFiles(t, info, tc.url).Send(t.Context(), req)
		if err != nil || string(res.Reason) != tc.reason {
			t.Errorf("%s: %+v %v, want reason %q", tc.url, res, err, tc.reason)
		}
	}
}
