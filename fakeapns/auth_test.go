package fakeapns

import (
	"crypto/tls"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestConnectionRules checks the per-connection token rules: requests in a
// row share one HTTP/2 connection.
func TestConnectionRules(t *testing.T) {
	f := newFixture(t)
	k := f.ts.Key
	sameTeam, err := GenerateSigningKey(k.TeamID, "")
	if err != nil {
		t.Fatal(err)
	}
	otherTeam, err := GenerateSigningKey("", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []*SigningKey{sameTeam, otherTeam} {
		if err := f.ts.RegisterKey(key.Info()); err != nil {
			t.Fatal(err)
		}
	}
	ok := result{Status: 200}
	bad := func(r Reason) result { return result{Status: r.Status(), Reason: r} }
	type step struct {
		advance time.Duration
		key     *SigningKey
		iatAgo  time.Duration // iat = now - iatAgo
		want    result
	}
	tests := []struct {
		id    string
		steps []step
	}{
		{"A08/U10 team change", []step{{key: k, want: ok}, {key: otherTeam, want: bad(ReasonInvalidProviderToken)}}},
		{"A09/E36 unrelated key", []step{{key: k, want: ok}, {key: sameTeam, want: bad(ReasonUnrelatedKeyIDInToken)}}},
		{"U20 same bearer", []step{{key: k, want: ok}, {advance: time.Minute, key: k, iatAgo: time.Minute, want: ok}}},
		{"A05/E53/U20 change too soon", []step{
			{key: k, want: ok},
			{advance: 19 * time.Minute, key: k, want: bad(ReasonTooManyProviderTokenUpdates)},
			// The old bearer still works (apns.md#U20: re-sending never counts).
			{key: k, iatAgo: 19 * time.Minute, want: ok},
			{advance: time.Minute, key: k, want: ok},
		}},
		// apns2 shares one token across connections and refreshes it at
		// iat+50 min (apns.md#A06): a connection opened late in a token's
		// life must accept that refresh.
		{"A06/U20 refresh of a token older than the connection", []step{
			{key: k, iatAgo: 45 * time.Minute, want: ok},
			{advance: 5 * time.Minute, key: k, want: ok},
			{advance: time.Minute, key: k, want: bad(ReasonTooManyProviderTokenUpdates)},
		}},
		{"A05 expiry on a connection", []step{{key: k, want: ok}, {advance: 61 * time.Minute, key: k, iatAgo: 61 * time.Minute, want: bad(ReasonExpiredProviderToken)}}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			c, tr := h2Client(f.ts.ClientTLSConfig())
			defer tr.CloseIdleConnections()
			var got, want []result
			// ES256 signatures are random: one (key, iat) must keep one
			// bearer string for "the same bearer" to mean anything.
			type memo struct {
				key *SigningKey
				iat time.Time
			}
			bearers := map[memo]string{}
			for _, s := range tc.steps {
				f.clock.Advance(s.advance)
				m := memo{s.key, f.clock.Now().Add(-s.iatAgo)}
				if bearers[m] == "" {
					bearers[m] = bearer(t, m.key, m.iat)
				}
				h := f.header(t, map[string][]string{"authorization": {bearers[m]}})
				got = append(got, send(t, c, f.ts.URL(), "POST", "/3/device/"+tokOK, h, payload).result)
				want = append(want, s.want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestEnvironmentKeySpelling checks the switch of apns.md#U11.
func TestEnvironmentKeySpelling(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Choices.EnvironmentKeyReason = ReasonBadEnvironmentKeyIDInToken })
	c, tr := h2Client(f.ts.ClientTLSConfig())
	defer tr.CloseIdleConnections()
	h := f.header(t, map[string][]string{"authorization": {bearer(t, f.envKey, f.clock.Now())}})
	got := send(t, c, f.ts.URL(), "POST", "/3/device/"+tokOK, h, payload).result
	want := result{Status: 403, Reason: ReasonBadEnvironmentKeyIDInToken} // apns.md#E37
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestRevokedKey checks that a revoked key's cached tokens stop working
// (apns.md#T12).
func TestRevokedKey(t *testing.T) {
	f := newFixture(t)
	var got []result
	for _, revoke := range []bool{false, true} {
		if revoke && !f.ts.RevokeKey(f.ts.Key.KeyID) {
			t.Fatal("RevokeKey: key not found")
		}
		c, tr := h2Client(f.ts.ClientTLSConfig())
		got = append(got, send(t, c, f.ts.URL(), "POST", "/3/device/"+tokOK, f.header(t, nil), payload).result)
		tr.CloseIdleConnections()
	}
	want := []result{{Status: 200}, {Status: 403, Reason: ReasonInvalidProviderToken}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestCertificates covers certificate auth (apns.md#A12–A14).
func TestCertificates(t *testing.T) {
	// Certificates are valid around the wall clock, so the server checks
	// them against it.
	f := newFixture(t, wallClock)
	otherCA, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	issue := func(ca *CA, spec ClientCertSpec) tls.Certificate {
		c, err := ca.IssueClientCertificate(spec)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ca := f.ts.CA()
	devOnly := issue(ca, ClientCertSpec{Topic: topic, Environments: []Environment{Development}})
	prodOnly := issue(ca, ClientCertSpec{Topic: topic, Environments: []Environment{Production}})
	multi := issue(ca, ClientCertSpec{Topic: topic, ExtraTopics: []string{topic + ".voip", topic + ".location-query"}})
	foreign := issue(otherCA, ClientCertSpec{Topic: topic})
	expired := issue(ca, ClientCertSpec{Topic: topic, NotAfter: time.Now().Add(-time.Minute)})
	viaServer, err := f.ts.IssueClientCertificate(topic)
	if err != nil {
		t.Fatal(err)
	}
	bad := func(r Reason) result { return result{Status: r.Status(), Reason: r} }
	ok := result{Status: 200}
	tests := []struct {
		id   string
		cert tls.Certificate
		set  map[string][]string
		path string
		want result
	}{
		{"A12 default topic", devOnly, map[string][]string{"apns-topic": nil}, "", ok},
		{"A12 explicit topic", viaServer, nil, "", ok},
		{"H01 authorization ignored", devOnly, map[string][]string{"authorization": {"bearer garbage"}}, "", ok},
		{"A13/E31", prodOnly, nil, "", bad(ReasonBadCertificateEnvironment)},
		{"A13/E30 foreign CA", foreign, nil, "", bad(ReasonBadCertificate)},
		{"A15/E30 expired", expired, nil, "", bad(ReasonBadCertificate)},
		{"H18/E21 multi-topic", multi, map[string][]string{"apns-topic": nil}, "", bad(ReasonMissingTopic)},
		{"A12 extra topic", multi, map[string][]string{"apns-topic": {topic + ".voip"}, "apns-push-type": {"voip"}}, "/3/device/" + tokVoIP, ok},
		{"A12/E23 topic not in certificate", devOnly, map[string][]string{"apns-topic": {"com.example.other"}}, "/3/device/" + tokOther, bad(ReasonTopicDisallowed)},
		{"A14/H05 location needs a token", multi, map[string][]string{"apns-topic": {topic + ".location-query"}, "apns-push-type": {"location"}}, "", bad(ReasonTopicDisallowed)},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			cfg := f.ts.ClientTLSConfig()
			cfg.Certificates = []tls.Certificate{tc.cert}
			c, tr := h2Client(cfg)
			defer tr.CloseIdleConnections()
			h := f.header(t, map[string][]string{"authorization": nil})
			for k, v := range tc.set {
				if v == nil {
					delete(h, http.CanonicalHeaderKey(k))
				} else {
					h[http.CanonicalHeaderKey(k)] = v
				}
			}
			path := "/3/device/" + tokOK
			if tc.path != "" {
				path = tc.path
			}
			got := send(t, c, f.ts.URL(), "POST", path, h, payload).result
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestTopicKeyScope checks what a topic-specific key covers (apns.md#A10,
// U04): its bundle id and that bundle's push-type topics (apns.md#H05–H13),
// not another app whose bundle id merely starts with it.
func TestTopicKeyScope(t *testing.T) {
	f := newFixture(t)
	scoped := func(bundle string) *SigningKey {
		k, err := GenerateSigningKey("", "")
		if err != nil {
			t.Fatal(err)
		}
		info := k.Info()
		info.Topics = []string{bundle}
		if err := f.ts.RegisterKey(info); err != nil {
			t.Fatal(err)
		}
		return k
	}
	appKey, prefixKey := scoped(topic), scoped("com.example")
	tests := []struct {
		id   string
		key  *SigningKey
		set  map[string][]string
		path string
		want result
	}{
		{"A10 own bundle", appKey, nil, "/3/device/" + tokOK, result{Status: 200}},
		{"A10/H06 own bundle's voip topic", appKey, map[string][]string{"apns-topic": {topic + ".voip"}, "apns-push-type": {"voip"}}, "/3/device/" + tokVoIP, result{Status: 200}},
		{"A10/U04 another app under the key's bundle id", prefixKey, nil, "/3/device/" + tokOK, result{Status: 400, Reason: ReasonTopicDisallowed}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			c, tr := h2Client(f.ts.ClientTLSConfig())
			defer tr.CloseIdleConnections()
			set := map[string][]string{"authorization": {bearer(t, tc.key, f.clock.Now())}}
			for k, v := range tc.set {
				set[k] = v
			}
			got := send(t, c, f.ts.URL(), "POST", tc.path, f.header(t, set), payload).result
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
