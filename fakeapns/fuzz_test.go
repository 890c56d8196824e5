package fakeapns

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

// fuzzKey is fixed so that seeds signed with it stay valid across runs.
func fuzzKey(t testing.TB) *SigningKey {
	t.Helper()
	// A throwaway P-256 key for tests only.
	const pemKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2
OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r
1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G
-----END PRIVATE KEY-----
`
	k, err := ParseSigningKey([]byte(pemKey), "TEAM000001", "KEY0000001")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func fuzzServer(t testing.TB) (*Server, *SigningKey) {
	t.Helper()
	k := fuzzKey(t)
	s, err := newServer(Config{Keys: []KeyInfo{k.Info()}, Router: testRouter(), Now: func() time.Time { return epoch }})
	if err != nil {
		t.Fatal(err)
	}
	return s, k
}

// FuzzValidate feeds arbitrary methods, paths, headers and bodies to the
// handler: it must answer with Apple's shape, never panic.
func FuzzValidate(f *testing.F) {
	s, k := fuzzServer(f)
	auth := "authorization: " + bearer(f, k, epoch)
	base := auth + "\napns-topic: " + topic + "\napns-push-type: alert"
	seeds := []struct{ method, path, header, body string }{
		{"POST", "/3/device/" + tokOK, base, payload},
		{"POST", "/3/device/" + tokOK, base + "\napns-id: 123e4567-e89b-12d3-a456-426614174000", payload},
		{"POST", "/3/device/" + tokGone, base, payload},
		{"POST", "/3/device/", base, payload},
		{"GET", "/", "", ""},
		{"POST", "/3/device/" + tokOK, base + "\napns-topic: x", payload},
		{"POST", "/3/device/" + tokOK, base + "\napns-priority: 99\napns-expiration: -4", payload},
		{"POST", "/3/device/" + tokOK, base, `{"aps":`},
		{"POST", "/3/device/" + tokOK, base, `[]`},
		{"POST", "/3/device/" + tokOK, base, strings.Repeat("x", 6000)},
		{"POST", "/3/device/" + tokOK, "authorization: bearer a.b.c", payload},
		{"POST", "/3/device/" + tokOK, base + "\napns-push-type: voip", payload},
		{"POST", "/3/device/" + tokOK, auth + "\napns-topic: " + topic + ".voip\napns-push-type: voip", payload},
		{"POST", "/3/device/ZZ", base, payload},
	}
	for _, sd := range seeds {
		f.Add(sd.method, sd.path, sd.header, []byte(sd.body))
	}
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte) {
		h := http.Header{}
		for line := range strings.SplitSeq(header, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		r := &http.Request{
			Method: method, URL: &url.URL{Path: path}, Header: h, ProtoMajor: 2,
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		}
		r = r.WithContext(connContext(context.Background(), nil))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if !validUUID(w.Header().Get("apns-id")) {
			t.Errorf("apns-id %q is not a UUID (apns.md#E04)", w.Header().Get("apns-id"))
		}
		if w.Code == http.StatusOK {
			if w.Body.Len() != 0 {
				t.Errorf("200 with a body %q (apns.md#E01)", w.Body)
			}
			return
		}
		var eb struct {
			Reason    Reason
			Timestamp *int64
		}
		if err := json.Unmarshal(w.Body.Bytes(), &eb); err != nil {
			t.Fatalf("error body %q is not JSON (apns.md#E62): %v", w.Body, err)
		}
		if eb.Reason.Status() != w.Code {
			t.Errorf("status %d with reason %q (apns.md section 4)", w.Code, eb.Reason)
		}
		if (w.Code == http.StatusGone) != (eb.Timestamp != nil) {
			t.Errorf("status %d, timestamp %v (apns.md#E03)", w.Code, eb.Timestamp)
		}
	})
}

// FuzzParseJWT feeds arbitrary strings to the provider-token verifier.
func FuzzParseJWT(f *testing.F) {
	s, k := fuzzServer(f)
	valid := signJWT(f, jwt.SigningMethodES256, k.Private, k.KeyID, k.TeamID, epoch)
	if _, err := verifyJWT(s.parser, valid, s.lookupKey); err != nil {
		f.Fatalf("the valid seed does not verify: %v", err)
	}
	head := valid[:strings.LastIndexByte(valid, '.')]
	for _, seed := range []string{
		valid,
		head + ".MEYCIQDkxxxx", // DER-looking (apns.md#U18)
		signJWT(f, jwt.SigningMethodHS256, []byte("k"), k.KeyID, k.TeamID, epoch),
		signJWT(f, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, k.KeyID, k.TeamID, epoch),
		signJWT(f, jwt.SigningMethodES256, k.Private, "OTHER", k.TeamID, epoch),
		"", "a.b.c", "...", "eyJ.eyJ.", strings.Repeat("A", 5000),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := verifyJWT(s.parser, raw, s.lookupKey)
		if err != nil {
			return
		}
		if tok.key.KeyID != k.KeyID || tok.issuedAt.IsZero() {
			t.Errorf("accepted %q as %+v", raw, tok)
		}
	})
}

// TestEmptyHeaderValues checks in-process callers' header maps with empty
// value slices get Apple's answers, not a panic.
func TestEmptyHeaderValues(t *testing.T) {
	s, k := fuzzServer(t)
	var got []int
	for _, name := range []string{"Apns-Priority", "Apns-Expiration", "Apns-Topic", "Apns-Push-Type", "Apns-Id", "Authorization"} {
		h := http.Header{"Authorization": {bearer(t, k, epoch)}, "Apns-Topic": {topic}}
		h[name] = []string{}
		r := (&http.Request{Method: "POST", URL: &url.URL{Path: "/3/device/" + tokOK}, Header: h, ProtoMajor: 2,
			Body: io.NopCloser(strings.NewReader(payload))}).WithContext(connContext(context.Background(), nil))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		got = append(got, w.Code)
	}
	want := []int{400, 400, 400, 400, 400, 403}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
