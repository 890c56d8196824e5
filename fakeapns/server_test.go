package fakeapns

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

// fixture is a started server with keys of every scope and a fake clock.
type fixture struct {
	ts       *TestServer
	clock    *fakeClock
	envKey   *SigningKey // production-only (apns.md#A10)
	topicKey *SigningKey // bound to com.example.other (apns.md#A10)
	records  chan Record
}

// newFixture starts a test server on a fake clock, with the test router,
// h2c, and two extra keys; each mod then adjusts the Config.
func newFixture(t *testing.T, mods ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), records: make(chan Record, 1024)}
	var err error
	if f.envKey, err = GenerateSigningKey("", ""); err != nil {
		t.Fatal(err)
	}
	if f.topicKey, err = GenerateSigningKey("", ""); err != nil {
		t.Fatal(err)
	}
	envInfo := f.envKey.Info()
	envInfo.Environments = []Environment{Production}
	topicInfo := f.topicKey.Info()
	topicInfo.Topics = []string{"com.example.other"}
	cfg := Config{
		Now: f.clock.Now, Router: testRouter(), H2CAddr: "127.0.0.1:0",
		Observer: ObserverFunc(func(r Record) {
			select {
			case f.records <- r:
			default:
			}
		}),
		Keys: []KeyInfo{envInfo, topicInfo},
	}
	for _, m := range mods {
		m(&cfg)
	}
	f.ts = NewServer(t, cfg)
	return f
}

// header is the valid request's header, changed by set (nil value deletes).
func (f *fixture) header(t *testing.T, set map[string][]string) http.Header {
	h := http.Header{
		"Authorization":  {bearer(t, f.ts.Key, f.clock.Now())},
		"Apns-Topic":     {topic},
		"Apns-Push-Type": {"alert"},
	}
	for k, v := range set {
		if v == nil {
			delete(h, http.CanonicalHeaderKey(k))
		} else {
			h[http.CanonicalHeaderKey(k)] = v
		}
	}
	return h
}

type row struct {
	id     string // apns.md rows
	method string
	path   string
	set    map[string][]string
	body   *string
	want   result
}

func str(s string) *string { return &s }

func rows(t *testing.T, f *fixture) []row {
	now := f.clock.Now()
	ok := result{Status: 200}
	bad := func(r Reason) result { return result{Status: r.Status(), Reason: r} }
	jwtWith := func(m jwt.SigningMethod, key any, kid, iss string, iat time.Time) []string {
		return []string{"bearer " + signJWT(t, m, key, kid, iss, iat)}
	}
	k := f.ts.Key
	derSig := func() []string {
		// apns.md#U18: a DER signature instead of raw r‖s.
		s := signJWT(t, jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, now)
		head := s[:strings.LastIndexByte(s, '.')]
		return []string{"bearer " + head + ".MEYCIQDkxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}
	}
	return []row{
		{id: "E01", want: ok},
		{id: "T06/E41", method: "GET", want: bad(ReasonMethodNotAllowed)},
		{id: "T06/E41 before path", method: "PUT", path: "/nowhere", want: bad(ReasonMethodNotAllowed)},
		{id: "T06/E40", path: "/3/devices/" + tokOK, want: bad(ReasonBadPath)},
		{id: "T06/E40 extra segment", path: "/3/device/" + tokOK + "/x", want: bad(ReasonBadPath)},
		{id: "T06/E20", path: "/3/device/", want: bad(ReasonMissingDeviceToken)},
		{id: "H20/E17", set: map[string][]string{"apns-topic": {topic, topic}}, want: bad(ReasonDuplicateHeaders)},
		{id: "H01/E35", set: map[string][]string{"authorization": nil}, want: bad(ReasonMissingProviderToken)},
		{id: "E35 empty bearer", set: map[string][]string{"authorization": {"bearer "}}, want: bad(ReasonMissingProviderToken)},
		{id: "E35 bare bearer", set: map[string][]string{"authorization": {"bearer"}}, want: bad(ReasonMissingProviderToken)}, // what "bearer " becomes once clients trim the value
		{id: "E35 blank", set: map[string][]string{"authorization": {" "}}, want: bad(ReasonMissingProviderToken)},
		{id: "E34 scheme", set: map[string][]string{"authorization": {"Basic dXNlcjpwYXNz"}}, want: bad(ReasonInvalidProviderToken)},
		{id: "E34 garbage", set: map[string][]string{"authorization": {"bearer not.a.jwt"}}, want: bad(ReasonInvalidProviderToken)},
		{id: "A03 HS256", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodHS256, []byte("secret"), k.KeyID, k.TeamID, now)}, want: bad(ReasonInvalidProviderToken)},
		{id: "A03 none", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, k.KeyID, k.TeamID, now)}, want: bad(ReasonInvalidProviderToken)},
		{id: "A04/U18 DER", set: map[string][]string{"authorization": derSig()}, want: bad(ReasonInvalidProviderToken)},
		{id: "E34 unknown kid", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, k.Private, "ZZZZZZZZZZ", k.TeamID, now)}, want: bad(ReasonInvalidProviderToken)},
		{id: "E34 bad signature", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, f.envKey.Private, k.KeyID, k.TeamID, now)}, want: bad(ReasonInvalidProviderToken)},
		{id: "A02 iss", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, k.Private, k.KeyID, "OTHERTEAM0", now)}, want: bad(ReasonInvalidProviderToken)},
		{id: "U19 future iat", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, now.Add(6*time.Minute))}, want: bad(ReasonInvalidProviderToken)},
		{id: "U19 small skew", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, now.Add(4*time.Minute))}, want: ok},
		{id: "A05/E32", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, now.Add(-61*time.Minute))}, want: bad(ReasonExpiredProviderToken)},
		{id: "A06 50 min old", set: map[string][]string{"authorization": jwtWith(jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, now.Add(-50*time.Minute))}, want: ok},
		{id: "A10/E38/U11", set: map[string][]string{"authorization": {bearer(t, f.envKey, now)}}, want: bad(ReasonBadEnvironmentKeyInToken)},
		{id: "H15/E13", set: map[string][]string{"apns-id": {"not-a-uuid"}}, want: bad(ReasonBadMessageID)},
		{id: "H15 upper", set: map[string][]string{"apns-id": {"123E4567-E89B-12D3-A456-426614174000"}}, want: ok},
		{id: "H02/E19", set: map[string][]string{"apns-push-type": {"bogus"}}, want: bad(ReasonInvalidPushType)},
		{id: "H02/E19 empty", set: map[string][]string{"apns-push-type": {""}}, want: bad(ReasonInvalidPushType)},
		{id: "H02 absent", set: map[string][]string{"apns-push-type": nil}, want: ok},
		{id: "H17/E14", set: map[string][]string{"apns-priority": {"7"}}, want: bad(ReasonBadPriority)},
		{id: "H17 1", set: map[string][]string{"apns-priority": {"1"}}, want: ok},
		{id: "H04/U05", set: map[string][]string{"apns-push-type": {"background"}, "apns-priority": {"10"}}, want: bad(ReasonBadPriority)},
		{id: "H04/U05 default", set: map[string][]string{"apns-push-type": {"background"}}, want: bad(ReasonBadPriority)},
		{id: "H04 5", set: map[string][]string{"apns-push-type": {"background"}, "apns-priority": {"5"}}, body: str(`{"aps":{"content-available":1}}`), want: ok},
		{id: "H16/E12", set: map[string][]string{"apns-expiration": {"tomorrow"}}, want: bad(ReasonBadExpirationDate)},
		{id: "U07 negative", set: map[string][]string{"apns-expiration": {"-1"}}, want: bad(ReasonBadExpirationDate)},
		{id: "U07 past", set: map[string][]string{"apns-expiration": {"1"}}, want: ok},
		{id: "H16 0", set: map[string][]string{"apns-expiration": {"0"}}, want: ok},
		{id: "H19/E10", set: map[string][]string{"apns-collapse-id": {strings.Repeat("é", 33)}}, want: bad(ReasonBadCollapseID)},
		{id: "H19 64", set: map[string][]string{"apns-collapse-id": {strings.Repeat("c", 64)}}, want: ok},
		{id: "H18/E21", set: map[string][]string{"apns-topic": nil}, want: bad(ReasonMissingTopic)},
		{id: "H18/E15", set: map[string][]string{"apns-topic": {"com.example app"}}, want: bad(ReasonBadTopic)},
		{id: "H06 suffix", set: map[string][]string{"apns-push-type": {"voip"}}, path: "/3/device/" + tokVoIP, want: bad(ReasonBadTopic)},
		{id: "H06", set: map[string][]string{"apns-push-type": {"voip"}, "apns-topic": {topic + ".voip"}}, path: "/3/device/" + tokVoIP, want: ok},
		{id: "H10 suffix", set: map[string][]string{"apns-push-type": {"liveactivity"}}, want: bad(ReasonBadTopic)},
		{id: "A10/U04/E23", set: map[string][]string{"authorization": {bearer(t, f.topicKey, now)}}, want: bad(ReasonTopicDisallowed)},
		{id: "A10 topic key own topic", set: map[string][]string{"authorization": {bearer(t, f.topicKey, now)}, "apns-topic": {"com.example.other"}}, path: "/3/device/" + tokOther, want: ok},
		{id: "P02/E22", body: str(""), want: bad(ReasonPayloadEmpty)},
		{id: "P03/E52", body: str(`{"aps":{},"x":"` + strings.Repeat("a", 4096) + `"}`), want: bad(ReasonPayloadTooLarge)},
		{id: "P03 4096", body: str(`{"x":"` + strings.Repeat("a", 4096-8) + `"}`), want: ok},
		{id: "P03/H06 voip 5120", set: map[string][]string{"apns-push-type": {"voip"}, "apns-topic": {topic + ".voip"}}, path: "/3/device/" + tokVoIP, body: str(`{"x":"` + strings.Repeat("a", 5120-8) + `"}`), want: ok},
		{id: "P03/H06 voip 5121", set: map[string][]string{"apns-push-type": {"voip"}, "apns-topic": {topic + ".voip"}}, path: "/3/device/" + tokVoIP, body: str(`{"x":"` + strings.Repeat("a", 5121-8) + `"}`), want: bad(ReasonPayloadTooLarge)},
		{id: "P03 1 MB", body: str(strings.Repeat("a", 1<<20)), want: bad(ReasonPayloadTooLarge)},
		{id: "U02 invalid JSON", body: str(`{"aps":`), want: ok},
		{id: "U02 array", body: str(`[1,2]`), want: ok},
		{id: "U17/E11 format", path: "/3/device/xyz", want: bad(ReasonBadDeviceToken)},
		{id: "U17 odd length", path: "/3/device/" + tokOK[:63], want: bad(ReasonBadDeviceToken)},
		{id: "U17 upper case", path: "/3/device/" + strings.ToUpper(tokOK), want: ok},
		{id: "E11 unknown", path: "/3/device/" + strings.Repeat("ab", 32), want: bad(ReasonBadDeviceToken)},
		{id: "D03/E11", path: "/3/device/" + tokProd, want: bad(ReasonBadDeviceToken)},
		{id: "D04/E16", path: "/3/device/" + tokOther, want: bad(ReasonDeviceTokenNotForTopic)},
		{id: "D06/E51/E03", path: "/3/device/" + tokGone, want: result{Status: 410, Reason: ReasonUnregistered, Timestamp: goneAt.UnixMilli()}},
		{id: "E50", path: "/3/device/" + tokExpire, want: result{Status: 410, Reason: ReasonExpiredToken, Timestamp: goneAt.UnixMilli()}},
		{id: "E55 router", path: "/3/device/" + tokBroken, want: bad(ReasonInternalServerError)},
	}
}

// TestReferenceRows sends one request per reference row through a raw
// net/http HTTP/2 client, over TLS and over h2c.
func TestReferenceRows(t *testing.T) {
	f := newFixture(t)
	transports := map[string]struct {
		base string
		tls  bool
	}{"tls": {f.ts.URL(), true}, "h2c": {f.ts.H2CURL(), false}}
	for name, tr := range transports {
		for _, r := range rows(t, f) {
			t.Run(name+"/"+r.id, func(t *testing.T) {
				c, h2 := h2Client(nil)
				if tr.tls {
					c, h2 = h2Client(f.ts.ClientTLSConfig())
				}
				defer h2.CloseIdleConnections()
				method, path, body := "POST", "/3/device/"+tokOK, payload
				if r.method != "" {
					method = r.method
				}
				if r.path != "" {
					path = r.path
				}
				if r.body != nil {
					body = *r.body
				}
				const id = "123e4567-e89b-12d3-a456-426614174000"
				set := map[string][]string{"apns-id": {id}}
				for k, v := range r.set {
					set[k] = v
				}
				got := send(t, c, tr.base, method, path, f.header(t, set), body)
				if diff := cmp.Diff(r.want, got.result); diff != "" {
					t.Errorf("%s: (-want +got)\n%s", r.id, diff)
				}
				wantID := id
				if v := set["apns-id"]; len(v) == 1 && v[0] != id {
					wantID = v[0]
				}
				if r.want.Reason == ReasonBadMessageID {
					if !validUUID(got.ApnsID) || got.ApnsID == "not-a-uuid" {
						t.Errorf("apns-id %q, want a fresh UUID (apns.md#U08)", got.ApnsID)
					}
				} else if got.ApnsID != wantID && r.want.Reason != ReasonDuplicateHeaders {
					t.Errorf("apns-id %q, want the request's %q (apns.md#E04)", got.ApnsID, wantID)
				}
				authed := !preAuth(r.want.Reason)
				if got.UniqueID != authed {
					t.Errorf("apns-unique-id present = %v, want %v (apns.md#U09)", got.UniqueID, authed)
				}
			})
		}
	}

	// Done-when check: every reason of apns.md section 4 is answered
	// either by a row above (as recorded by the Observer) or by the test
	// named here.
	elsewhere := map[Reason]string{
		ReasonBadCertificate:              "TestCertificates",
		ReasonBadCertificateEnvironment:   "TestCertificates",
		ReasonUnrelatedKeyIDInToken:       "TestConnectionRules",
		ReasonTooManyProviderTokenUpdates: "TestConnectionRules",
		ReasonBadEnvironmentKeyIDInToken:  "TestEnvironmentKeySpelling",
		ReasonIdleTimeout:                 "TestFaultReasons",
		ReasonForbidden:                   "TestFaultReasons",
		ReasonTooManyRequests:             "TestFaultReasons, TestRateLimit",
		ReasonServiceUnavailable:          "TestFaultReasons",
		ReasonShutdown:                    "TestFaultReasons",
	}
	seen := map[Reason]bool{}
	for len(f.records) > 0 {
		seen[(<-f.records).Reason] = true
	}
	for _, r := range Reasons() {
		if !seen[r] && elsewhere[r] == "" {
			t.Errorf("no test triggers %s", r)
		}
		if seen[r] && elsewhere[r] != "" {
			t.Errorf("%s is triggered here; drop it from the elsewhere list", r)
		}
	}
}

// preAuth reports whether reason is decided before authentication
// succeeds (apns.md#U01 steps 1–4), so no apns-unique-id goes with it.
func preAuth(r Reason) bool {
	switch r {
	case ReasonMethodNotAllowed, ReasonBadPath, ReasonMissingDeviceToken, ReasonDuplicateHeaders, ReasonTooManyProviderTokenUpdates:
		return true
	}
	return r.Status() == http.StatusForbidden
}

// wallClock makes the server use the wall clock, for tests where apns2
// signs its tokens with it.
func wallClock(c *Config) { c.Now = time.Now }
