package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/pushsim/pushsim/fakeapns"
)

func writeFile(t *testing.T, dir, name string, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func pkcs8PEM(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func TestLoadAuthKey(t *testing.T) {
	dir := t.TempDir()
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	sec1, _ := x509.MarshalECPrivateKey(p256)

	tests := []struct {
		name, file string
		wantErr    string
		wantWarn   bool
	}{
		{name: "valid p8", file: writeFile(t, dir, "AuthKey_ABCDE12345.p8", pkcs8PEM(t, p256), 0o600)},
		{name: "world readable", file: writeFile(t, dir, "open.p8", pkcs8PEM(t, p256), 0o644), wantWarn: true},
		{name: "missing", file: filepath.Join(dir, "nope.p8"), wantErr: "nope.p8: no such file; expected a .p8 key"},
		{name: "directory", file: dir, wantErr: "is a directory; expected a .p8 key"},
		{name: "not PEM", file: writeFile(t, dir, "garbage.p8", []byte("hello"), 0o600), wantErr: "not a PEM file"},
		{name: "SEC1 not PKCS#8", file: writeFile(t, dir, "sec1.p8", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}), 0o600), wantErr: `PEM block "EC PRIVATE KEY"`},
		{name: "RSA", file: writeFile(t, dir, "rsa.p8", pkcs8PEM(t, rsaKey), 0o600), wantErr: "expected an EC P-256 key"},
		{name: "P-384", file: writeFile(t, dir, "p384.p8", pkcs8PEM(t, p384), 0o600), wantErr: "expected an EC P-256 key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := LoadAuthKey(tt.file)
			if tt.wantErr != "" {
				var ce *CredentialError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want *CredentialError with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if key.Private == nil || (len(key.Warnings) > 0) != tt.wantWarn {
				t.Errorf("key = %+v, want warnings: %v", key, tt.wantWarn)
			}
		})
	}
	if got := KeyIDFromFileName("/x/AuthKey_ABCDE12345.p8"); got != "ABCDE12345" {
		t.Errorf("KeyIDFromFileName = %q", got)
	}
	if err := CheckKeyID("--team-id", "short"); err == nil {
		t.Error("CheckKeyID accepted a short id")
	}
}

func pushCert(t *testing.T, bundle string, notAfter time.Time) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	topics, err := asn1.Marshal([]any{bundle, []string{"app"}, bundle + ".voip", []string{"voip"}})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject: pkix.Name{CommonName: "Apple Push Services: " + bundle, ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, Value: bundle},
		}},
		NotBefore:       notAfter.Add(-365 * 24 * time.Hour),
		NotAfter:        notAfter,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 6}, Value: topics}}, // Apple's form, apns.md#A12
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func TestLoadP12AndPEM(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	cert, key := pushCert(t, "com.example.app", now.Add(24*time.Hour))
	old, oldKey := pushCert(t, "com.example.app", now.Add(-24*time.Hour))
	p12, err := pkcs12.Modern2023.Encode(key, cert, nil, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	oldP12, _ := pkcs12.Modern2023.Encode(oldKey, old, nil, "s3cret")
	good := writeFile(t, dir, "push.p12", p12, 0o600)
	expired := writeFile(t, dir, "old.p12", oldP12, 0o600)

	if _, err := LoadP12(good, "s3cret", now); err != nil {
		t.Fatalf("good p12: %v", err)
	}
	if _, err := LoadP12(good, "wrong", now); err == nil || !strings.Contains(err.Error(), "wrong password") {
		t.Errorf("wrong password: err = %v", err)
	}
	if _, err := LoadP12(expired, "s3cret", now); err == nil || !strings.Contains(err.Error(), "certificate expired") {
		t.Errorf("expired: err = %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error leaks the password: %v", err)
	}

	der, _ := x509.MarshalECPrivateKey(key)
	certPath := writeFile(t, dir, "cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600)
	keyPath := writeFile(t, dir, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
	pair, err := LoadCertPEM(certPath, keyPath, now)
	if err != nil {
		t.Fatalf("pem pair: %v", err)
	}
	if pc, _ := fakeapns.ParsePushCertificate(pair.Leaf); strings.Join(pc.Topics, ",") != "com.example.app,com.example.app.voip" {
		t.Errorf("topics = %v", pc.Topics)
	}
	if _, err := LoadCertPEM(certPath, certPath, now); err == nil {
		t.Error("cert as key accepted")
	}
}

func TestExplainCoversEveryReason(t *testing.T) {
	generic := Explain("NoSuchReason", "development")
	for _, r := range fakeapnsReasons() {
		if got := Explain(string(r), "production"); got == generic {
			t.Errorf("reason %s has no explanation", r)
		}
	}
	if got := Explain("BadDeviceToken", "production").Fix; !strings.Contains(got, "sandbox token") {
		t.Errorf("BadDeviceToken on production: %q", got)
	}
}

func fakeapnsReasons() []fakeapns.Reason { return fakeapns.Reasons() }
