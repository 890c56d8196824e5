package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/world"
)

// TestTapFiresWebhook is the loop the README promises: a fleet file whose
// app POSTs to the backend's own webhook when REPLY is tapped; a send, a
// tap with typed text through the API, and the backend receives it.
func TestTapFiresWebhook(t *testing.T) {
	got := make(chan world.WebhookBody, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body world.WebhookBody
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			t.Errorf("webhook body: %v: %s", err, data)
		}
		got <- body
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	fleet, err := device.ParseFleet([]byte(fmt.Sprintf(`devices:
  - name: support
    ios: "17.6"
    apps:
      - bundle_id: com.pushsim.demo
        handler:
          actions:
            REPLY: {complete: after, webhook: %q}
`, hook.URL)), "fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, t.TempDir(), func(c *serve.Config) { c.Fleet = fleet })
	p := providerFromFiles(t, s.Info, s.Info.APNsURL)
	res, err := p.Send(context.Background(), provider.Request{Token: tokenOf(t, s.Info, "support"), Topic: device.DefaultBundleID,
		Payload: []byte(`{"aps":{"alert":"Agent: can I help?","category":"chat_message"}}`)})
	if err != nil || !res.Sent() {
		t.Fatalf("send: %+v, %v", res, err)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	var tap struct{ Events []world.Event }
	url := s.Info.APIURL + "/api/v1/devices/support/notifications/" + res.ApnsID + "/actions"
	if status := apiCall(t, "POST", url, `{"action":"REPLY","text":"Yes please"}`, &tap); status != 200 {
		t.Fatalf("tap REPLY = %d %+v", status, tap)
	}
	body := <-got
	want := world.WebhookBody{Device: "support", BundleID: device.DefaultBundleID, ApnsID: res.ApnsID, Action: "REPLY", Text: "Yes please"}
	body.UserInfo = nil
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("webhook body (-want +got):\n%s", diff)
	}
	// Its result reaches the event log, where a long poll picks it up.
	var since uint64
	for {
		var page struct {
			Events []world.Event
			Next   uint64
		}
		apiCall(t, "GET", fmt.Sprintf("%s/api/v1/events?since=%d&wait=30s", s.Info.APIURL, since), "", &page)
		if hasKind(page.Events, world.EventWebhook) {
			break
		}
		if page.Next == since {
			t.Fatal("no webhook event within the long poll")
		}
		since = page.Next
	}
}
