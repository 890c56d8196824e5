package fakeapns

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPersistence round-trips a .p8 key and a CA through files, as
// `pushsim serve` does across restarts.
func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	k, err := GenerateSigningKey("", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.KeyID) != 10 || len(k.TeamID) != 10 {
		t.Errorf("ids %q, %q: want 10 characters (apns.md#A01, A02)", k.KeyID, k.TeamID)
	}
	path, err := k.WriteP8(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ParseSigningKey(b, k.TeamID, k.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	if !k2.Private.Equal(k.Private) || filepath.Base(path) != "AuthKey_"+k.KeyID+".p8" {
		t.Errorf("key round trip: %s", path)
	}
	sec1, err := x509.MarshalECPrivateKey(k.Private)
	if err != nil {
		t.Fatal(err)
	}
	// apns.md#A07: PEM, PKCS#8, EC P-256 only.
	for _, bad := range [][]byte{
		nil,
		[]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}),
	} {
		if _, err := ParseSigningKey(bad, "T", "K"); err == nil {
			t.Errorf("ParseSigningKey(%q) accepted", bad)
		}
	}

	certFile, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	ca1, err := LoadOrCreateCA(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ca2, err := LoadOrCreateCA(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ca1.CertPEM(), ca2.CertPEM()); diff != "" {
		t.Errorf("reloaded CA differs (-first +second)\n%s", diff)
	}
	// A server certificate from the reloaded CA verifies against the first.
	cert, err := ca2.IssueServerCertificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: ca1.CertPool()}); err != nil {
		t.Errorf("verify against the first CA: %v", err)
	}
	if _, err := LoadCA(ca1.CertPEM(), []byte("junk")); err == nil {
		t.Error("LoadCA accepted a junk key")
	}
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateCA(certFile, keyFile); err == nil {
		t.Error("LoadOrCreateCA accepted a lone certificate")
	}
}

// TestNewServerOneLine is the doc's httptest-like use.
func TestNewServerOneLine(t *testing.T) {
	srv := NewServer(t)
	token := srv.AddToken("", topic)
	resp, err := srv.Client().Push(alert(token))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(200, resp.StatusCode); diff != "" {
		t.Errorf("status (-want +got)\n%s reason %q", diff, resp.Reason)
	}
	if !strings.HasPrefix(srv.URL(), "https://127.0.0.1:") || srv.H2CURL() != "" {
		t.Errorf("URL %q, H2CURL %q", srv.URL(), srv.H2CURL())
	}
}

// TestNewUUID checks the ids' shape: canonical, lowercase, version 4,
// variant 10, and no repeats in a small sample.
func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewUUID()
		if !validUUID(id) || strings.ToLower(id) != id || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Fatalf("bad UUID %q", id)
		}
		if seen[id] {
			t.Fatalf("repeated UUID %q", id)
		}
		seen[id] = true
	}
}
