package serve_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/certificate"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/serve"
)

func caPool(t *testing.T, info serve.Info) *x509.CertPool {
	t.Helper()
	data, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		t.Fatal("ca.pem holds no certificate")
	}
	return pool
}

// TestServedNames: the TLS certificate answers to Apple's three hosts and
// to --tls-name, verified as a client would (SNI + ca.pem).
func TestServedNames(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, func(c *serve.Config) { c.TLSNames = []string{"push.internal.test"} })
	info := readInfo(t, dir)
	addr := strings.TrimPrefix(s.Info.APNsURL, "https://")
	for _, name := range append(fakeapns.AppleHosts(), "push.internal.test", "localhost", "127.0.0.1") {
		conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: name, RootCAs: caPool(t, info), NextProtos: []string{"h2"}})
		if err != nil {
			t.Errorf("TLS as %s: %v", name, err)
			continue
		}
		conn.Close()
	}
	if conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: "example.com", RootCAs: caPool(t, info)}); err == nil {
		conn.Close()
		t.Error("the certificate also passes for example.com")
	}
	if !strings.Contains(strings.Join(info.TLSNames, " "), "api.push.apple.com") {
		t.Errorf("pushsim.json tls_names = %v", info.TLSNames)
	}
}

// TestCAIsNameConstrained: a certificate for another site signed with
// the CA's own key (as anyone who reads ca-key.pem could) does not verify
// against ca.pem, so trusting ca.pem system-wide cannot be abused.
func TestCAIsNameConstrained(t *testing.T) {
	dir := t.TempDir()
	start(t, dir, nil)
	info := readInfo(t, dir)
	ca, err := fakeapns.LoadCAFiles(info.CAFile, info.StateDir+"/"+serve.CAKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.Certificate().PermittedDNSDomainsCritical {
		t.Error("the name constraints are not critical")
	}
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"api.sandbox.push.apple.com", true},
		{"localhost", true},
		{"127.0.0.1", true},
		{"www.google.com", false},
		{"apple.com", false},
		{"192.168.1.10", false},
	} {
		cert, err := ca.IssueServerCertificate(tc.host)
		if err != nil {
			t.Fatal(err)
		}
		_, err = cert.Leaf.Verify(x509.VerifyOptions{Roots: caPool(t, info), DNSName: tc.host})
		if (err == nil) != tc.ok {
			t.Errorf("a certificate for %s: verify error %v, want ok=%v", tc.host, err, tc.ok)
		}
	}
}

// TestBadTLSName: a --tls-name that is not a host name is refused.
func TestBadTLSName(t *testing.T) {
	for _, name := range []string{"bad name", "-x.example", "a..b", "ex_ample.com", ""} {
		_, err := serve.Start(context.Background(), serve.Config{Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: t.TempDir(), TLSNames: []string{name}})
		var ne *serve.NameError
		if !errors.As(err, &ne) {
			t.Errorf("--tls-name %q: %v, want a *serve.NameError", name, err)
		}
	}
}

// TestDerivedFiles: the bundle PEM works with sideshow/apns2's
// certificate.FromPemFile, the legacy .p12 with its FromP12File (which
// reads only the old encryption), the modern .p12 and the trust store
// with go-pkcs12, all opened with pushsim.json's password. (Java's keytool
// -list reads the trust store as one trustedCertEntry: checked by hand, a
// JRE being too heavy for CI.)
func TestDerivedFiles(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, nil)
	info := readInfo(t, dir)
	dev := info.ClientCertificates[fakeapns.Development]
	if info.P12Password == "" || dev.BundleFile == "" || dev.P12File == "" || dev.LegacyP12File == "" {
		t.Fatalf("pushsim.json misses the derived files: %+v, password %q", dev, info.P12Password)
	}
	push := func(what string, cert tls.Certificate) {
		t.Helper()
		c := apns2.NewClient(cert)
		c.Host = s.Info.APNsURL
		tr := &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: caPool(t, info)}, ForceAttemptHTTP2: true}
		defer tr.CloseIdleConnections()
		c.HTTPClient = &http.Client{Transport: tr}
		res, err := c.Push(&apns2.Notification{DeviceToken: tokenOf(t, info, "ios17"), Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"hi"}}`)})
		if err != nil || res.StatusCode != 200 {
			t.Errorf("%s: %v %+v", what, err, res)
		}
	}
	cert, err := certificate.FromPemFile(dev.BundleFile, "")
	if err != nil {
		t.Fatalf("FromPemFile(%s): %v", dev.BundleFile, err)
	}
	push("bundle PEM", cert)
	cert, err = certificate.FromP12File(dev.LegacyP12File, info.P12Password)
	if err != nil {
		t.Fatalf("FromP12File(%s): %v", dev.LegacyP12File, err)
	}
	push("legacy .p12", cert)
	data, err := os.ReadFile(dev.P12File)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pkcs12.Decode(data, info.P12Password); err != nil {
		t.Errorf("modern .p12: %v", err)
	}
	if data, err = os.ReadFile(info.TrustStoreFile); err != nil {
		t.Fatal(err)
	}
	certs, err := pkcs12.DecodeTrustStore(data, info.P12Password)
	if err != nil || len(certs) != 1 {
		t.Fatalf("trust store: %d certs, %v", len(certs), err)
	}
}
