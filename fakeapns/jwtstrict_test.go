package fakeapns

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

// rawJWT signs a token whose header and claims are the given JSON texts,
// byte for byte, with k.
func rawJWT(t testing.TB, k *SigningKey, header, claims string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	sig, err := jwt.SigningMethodES256.Sign(signing, k.Private)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return signing + "." + enc.EncodeToString(sig)
}

// TestJWTStrictness sends, over TLS and h2c, provider tokens whose
// signature is valid but whose JSON golang-jwt alone would accept or
// misread (issue 16 point 5). Each case names the row it follows; U29–U32
// are unconfirmed rows (see strictJWT).
func TestJWTStrictness(t *testing.T) {
	f := newFixture(t)
	k := f.ts.Key
	iat := f.clock.Now().Unix()
	hdr := fmt.Sprintf(`{"alg":"ES256","kid":%q}`, k.KeyID)
	claims := func(iatJSON string) string { return fmt.Sprintf(`{"iss":%q,"iat":%s}`, k.TeamID, iatJSON) }
	ok := result{Status: 200}
	invalid := result{Status: 403, Reason: ReasonInvalidProviderToken}
	tests := []struct {
		id             string
		header, claims string
		want           result
	}{
		{"A01/A02 integer iat", hdr, claims(fmt.Sprint(iat)), ok},
		{"A02/U29 iat as a string", hdr, claims(fmt.Sprintf("%q", fmt.Sprint(iat))), invalid},
		{"A02/U29 iat with a fraction", hdr, claims(fmt.Sprint(iat) + ".5"), invalid},
		{"A02/U29 integral iat written as a float", hdr, claims(fmt.Sprint(iat) + ".0"), invalid},
		{"A02/U29 iat in exponent form", hdr, claims("1.6e9"), invalid},
		{"A02 iat null", hdr, claims("null"), invalid},
		{"A02/U30 iat overflowing int64", hdr, claims("99999999999999999999"), invalid},
		{"A02/U30 iat overflowing negatively", hdr, claims("-99999999999999999999"), invalid},
		{"A05/E32 negative iat is merely old", hdr, claims("-1"), result{Status: 403, Reason: ReasonExpiredProviderToken}},
		{"U30 iat at the edge of int64 (time.Unix would wrap it)", hdr, claims("9223372036854775807"), invalid},
		{"U19 iat in the year 9999 is in the future", hdr, claims("253402300799"), invalid},
		{"U30 iat after the year 9999", hdr, claims("253402300800"), invalid},
		{"U32 duplicate iat", hdr, fmt.Sprintf(`{"iss":%q,"iat":%d,"iat":%d}`, k.TeamID, iat, iat), invalid},
		{"U32 duplicate iss", hdr, fmt.Sprintf(`{"iss":%q,"iss":%q,"iat":%d}`, k.TeamID, k.TeamID, iat), invalid},
		{"U32 duplicate header kid", fmt.Sprintf(`{"alg":"ES256","kid":%q,"kid":%q}`, k.KeyID, k.KeyID), claims(fmt.Sprint(iat)), invalid},
		{"U31 crit header", fmt.Sprintf(`{"alg":"ES256","kid":%q,"crit":["exp"],"exp":1}`, k.KeyID), claims(fmt.Sprint(iat)), invalid},
		{"U31 empty crit", fmt.Sprintf(`{"alg":"ES256","kid":%q,"crit":[]}`, k.KeyID), claims(fmt.Sprint(iat)), invalid},
		{"A02 claims not an object", hdr, `[1]`, invalid},
		{"A02 data after the claims", hdr, claims(fmt.Sprint(iat)) + `{}`, invalid},
	}
	for _, base := range []string{f.ts.URL(), f.ts.H2CURL()} {
		scheme, _, _ := strings.Cut(base, ":")
		var got, want []string
		for _, tc := range tests {
			// A fresh connection per token: a new bearer on one connection
			// is TooManyProviderTokenUpdates (apns.md#U20).
			tlsCfg := f.ts.ClientTLSConfig()
			if scheme == "http" {
				tlsCfg = nil
			}
			c, tr := h2Client(tlsCfg)
			h := f.header(t, map[string][]string{"authorization": {"bearer " + rawJWT(t, k, tc.header, tc.claims)}})
			r := send(t, c, base, "POST", "/3/device/"+tokOK, h, payload).result
			tr.CloseIdleConnections()
			got = append(got, fmt.Sprintf("%s: %d %s", tc.id, r.Status, r.Reason))
			want = append(want, fmt.Sprintf("%s: %d %s", tc.id, tc.want.Status, tc.want.Reason))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got)\n%s", scheme, diff)
		}
	}
}

// FuzzJWTClaims signs arbitrary claims JSON with a registered key, so the
// signature always holds and the claims decide: an accepted token must
// have exactly one iss (the team), exactly one integer iat, and no
// repeated member.
func FuzzJWTClaims(f *testing.F) {
	s, k := fuzzServer(f)
	hdr := fmt.Sprintf(`{"alg":"ES256","kid":%q}`, k.KeyID)
	for _, seed := range []string{
		fmt.Sprintf(`{"iss":%q,"iat":%d}`, k.TeamID, epoch.Unix()),
		fmt.Sprintf(`{"iss":%q,"iat":"%d"}`, k.TeamID, epoch.Unix()),
		fmt.Sprintf(`{"iss":%q,"iat":%d.5}`, k.TeamID, epoch.Unix()),
		fmt.Sprintf(`{"iss":%q,"iat":1,"iat":2}`, k.TeamID),
		fmt.Sprintf(`{"iss":%q,"iat":1e400}`, k.TeamID),
		fmt.Sprintf(`{"iss":%q,"iat":99999999999999999999}`, k.TeamID),
		`{}`, `[]`, `null`, `{"iss":1,"iat":1}`, `{"a":{"b":[1,2,{"c":null}]},"iat":5}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, claims string) {
		raw := rawJWT(t, k, hdr, claims)
		tok, err := verifyJWT(s.parser, raw, s.lookupKey)
		if err != nil {
			return
		}
		m, err := jsonMembers(base64.RawURLEncoding.EncodeToString([]byte(claims)), "claims")
		if err != nil {
			t.Fatalf("accepted claims %q that strict decoding refuses: %v", claims, err)
		}
		iat, err := parseIAT(m["iat"])
		if err != nil || tok.issuedAt.Unix() != iat {
			t.Errorf("accepted claims %q with iat %v (%v), token says %v", claims, m["iat"], err, tok.issuedAt)
		}
		if string(m["iss"]) != fmt.Sprintf("%q", k.TeamID) {
			t.Errorf("accepted claims %q with iss %s", claims, m["iss"])
		}
	})
}
