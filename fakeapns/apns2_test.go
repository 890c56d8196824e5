package fakeapns

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sideshow/apns2"
)

// TestAPNS2Client sends the rows apns2 can express through the real
// apns2 client and compares what apns2 reports.
func TestAPNS2Client(t *testing.T) {
	f := newFixture(t, wallClock)
	const id = "0f0e0d0c-0b0a-0908-0706-050403020100"
	type got struct {
		Status    int
		Reason    string
		Sent      bool
		Timestamp int64 // seconds (apns.md#E63)
		EchoID    bool
		UniqueID  bool
	}
	ok := got{Status: 200, Sent: true, EchoID: true, UniqueID: true}
	bad := func(r Reason) got { return got{Status: r.Status(), Reason: string(r), EchoID: true, UniqueID: true} }
	n := func(mod func(*apns2.Notification)) *apns2.Notification {
		x := &apns2.Notification{ApnsID: id, DeviceToken: tokOK, Topic: topic, Payload: []byte(payload)}
		if mod != nil {
			mod(x)
		}
		return x
	}
	tests := []struct {
		id   string
		n    *apns2.Notification
		want got
	}{
		{"E01", n(nil), ok},
		{"H15/E13", n(func(x *apns2.Notification) { x.ApnsID = "nope" }), got{Status: 400, Reason: "BadMessageId", UniqueID: true}},
		{"H02/E19", n(func(x *apns2.Notification) { x.PushType = "bogus" }), bad(ReasonInvalidPushType)},
		{"H12/U14 widgets", n(func(x *apns2.Notification) {
			x.PushType, x.Topic = "widgets", topic+".push-type.widgets"
		}), bad(ReasonDeviceTokenNotForTopic)},
		{"H17/E14", n(func(x *apns2.Notification) { x.Priority = 7 }), bad(ReasonBadPriority)},
		{"H04/U05", n(func(x *apns2.Notification) { x.PushType = apns2.PushTypeBackground }), bad(ReasonBadPriority)},
		{"H16 past", n(func(x *apns2.Notification) { x.Expiration = time.Unix(1, 0) }), ok},
		{"H19/E10", n(func(x *apns2.Notification) { x.CollapseID = strings.Repeat("x", 65) }), bad(ReasonBadCollapseID)},
		{"H18/E21", n(func(x *apns2.Notification) { x.Topic = "" }), bad(ReasonMissingTopic)},
		{"H18/E15", n(func(x *apns2.Notification) { x.Topic = "com/example" }), bad(ReasonBadTopic)},
		{"H06", n(func(x *apns2.Notification) {
			x.DeviceToken, x.Topic, x.PushType = tokVoIP, topic+".voip", apns2.PushTypeVOIP
		}), ok},
		{"P03/E52", n(func(x *apns2.Notification) { x.Payload = []byte(`{"a":"` + strings.Repeat("a", 4100) + `"}`) }), bad(ReasonPayloadTooLarge)},
		{"U17/E11", n(func(x *apns2.Notification) { x.DeviceToken = "abc" }), bad(ReasonBadDeviceToken)},
		{"D03/E11", n(func(x *apns2.Notification) { x.DeviceToken = tokProd }), bad(ReasonBadDeviceToken)},
		{"D04/E16", n(func(x *apns2.Notification) { x.DeviceToken = tokOther }), bad(ReasonDeviceTokenNotForTopic)},
		{"E51", n(func(x *apns2.Notification) { x.DeviceToken = tokGone }), got{Status: 410, Reason: "Unregistered", Timestamp: goneAt.Unix(), EchoID: true, UniqueID: true}},
		{"E50", n(func(x *apns2.Notification) { x.DeviceToken = tokExpire }), got{Status: 410, Reason: "ExpiredToken", Timestamp: goneAt.Unix(), EchoID: true, UniqueID: true}},
		{"E55", n(func(x *apns2.Notification) { x.DeviceToken = tokBroken }), bad(ReasonInternalServerError)},
	}
	c := f.ts.Client()
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			resp, err := c.PushWithContext(t.Context(), tc.n)
			if err != nil {
				t.Fatalf("push: %v (apns.md#E62: the body must be JSON)", err)
			}
			g := got{
				Status:   resp.StatusCode,
				Reason:   resp.Reason,
				Sent:     resp.Sent(),
				EchoID:   resp.ApnsID == id,
				UniqueID: resp.ApnsUniqueID != "",
			}
			if !resp.Timestamp.IsZero() {
				g.Timestamp = resp.Timestamp.Unix()
			}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestAPNS2ProductionNoUniqueID checks apns-unique-id is development only
// (apns.md#E05, U09), and that a development token gets BadDeviceToken on
// production (apns.md#D03).
func TestAPNS2ProductionNoUniqueID(t *testing.T) {
	f := newFixture(t, wallClock, func(c *Config) { c.Environment = Production })
	c := f.ts.Client()
	type got struct {
		Status   int
		Reason   string
		UniqueID string
	}
	var g []got
	for _, tok := range []string{tokProd, tokOK} {
		resp, err := c.PushWithContext(t.Context(), alert(tok))
		if err != nil {
			t.Fatal(err)
		}
		g = append(g, got{resp.StatusCode, resp.Reason, resp.ApnsUniqueID})
	}
	want := []got{{Status: 200}, {Status: 400, Reason: "BadDeviceToken"}}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestAPNS2Certificate pushes with apns2's certificate client.
func TestAPNS2Certificate(t *testing.T) {
	f := newFixture(t, wallClock)
	cert, err := f.ts.IssueClientCertificate(topic, Development)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.ts.CertificateClient(cert).PushWithContext(t.Context(), alert(tokOK))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(200, resp.StatusCode); diff != "" {
		t.Errorf("status (-want +got)\n%s reason %q", diff, resp.Reason)
	}
}
