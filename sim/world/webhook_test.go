package world

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
)

func TestWebhook(t *testing.T) {
	got := make(chan WebhookBody, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var b WebhookBody
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &b); err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			rw.WriteHeader(http.StatusBadRequest)
			return
		}
		got <- b
		rw.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	w, _ := testWorld(t, func(f []*device.Device) {
		f[4].Apps[0].Handler.Actions = map[string]device.Script{"REPLY": {Webhook: srv.URL + "/reply"}}
	})
	body := `{"aps":{"alert":"hi","category":"chat_message"},"conv":7}`
	if err := push(t, w, "ios10", "n1", body); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tap(context.Background(), "ios10", "n1", "REPLY", "see you"); err != nil {
		t.Fatal(err)
	}
	if err := w.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := WebhookBody{Device: "ios10", BundleID: device.DefaultBundleID, ApnsID: "n1", Action: "REPLY", Text: "see you", UserInfo: json.RawMessage(body)}
	if diff := cmp.Diff(want, <-got); diff != "" {
		t.Errorf("POST body (-want +got):\n%s", diff)
	}
	tail := logSince(w, w.Log().Last()-1)
	wantEv := []act{{Kind: EventWebhook, Action: "REPLY", Text: "see you"}}
	if diff := cmp.Diff(wantEv, acts(tail)); diff != "" {
		t.Fatalf("last event (-want +got):\n%s", diff)
	}
	last := tail[0]
	if last.HTTPStatus != http.StatusAccepted || last.URL != srv.URL+"/reply" {
		t.Errorf("event status %d url %q", last.HTTPStatus, last.URL)
	}
}

func TestWebhookFailureAndClose(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select { // hold the request until the World gives up on it
		case <-r.Context().Done():
		case <-block:
		}
	}))
	defer srv.Close()
	defer close(block)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	w, _ := testWorld(t, func(f []*device.Device) {
		f[4].Apps[0].Handler.Actions = map[string]device.Script{
			"MARK_READ": {Webhook: deadURL},
			"REPLY":     {Webhook: srv.URL},
		}
	})
	ctx := context.Background()
	for _, step := range []struct{ id, action string }{{"n1", "MARK_READ"}, {"n2", "REPLY"}} {
		if err := push(t, w, "ios10", step.id, `{"aps":{"alert":"x","category":"chat_message"}}`); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Tap(ctx, "ios10", step.id, step.action, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Close cancels the blocked POST and waits for both goroutines.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var hooks []Event
	for _, e := range logSince(w, 0) {
		if e.Kind == EventWebhook {
			hooks = append(hooks, e)
		}
	}
	if len(hooks) != 2 {
		t.Fatalf("got %d webhook events, want 2", len(hooks))
	}
	for _, e := range hooks {
		if e.HTTPStatus != 0 || !strings.Contains(e.Message, "failed") {
			t.Errorf("webhook %s: status %d, message %q; want a failure", e.Action, e.HTTPStatus, e.Message)
		}
	}
	// After Close nothing new starts.
	if err := push(t, w, "ios10", "n3", `{"aps":{"alert":"x","category":"chat_message"}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tap(ctx, "ios10", "n3", "REPLY", ""); err != nil {
		t.Fatal(err)
	}
	if err := w.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}
