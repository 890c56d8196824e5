package serve

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/pushsim/pushsim/fakeapns"
)

// Files derived from the credentials, for clients that want them in
// another shape (issue 15.2).
const (
	// TrustStoreFile is ca.pem as a PKCS#12 trust store, for Java
	// (-Djavax.net.ssl.trustStore, type PKCS12), password P12Password.
	TrustStoreFile = "truststore.p12"
)

// ClientBundleFile is the certificate and its key in one PEM, what
// sideshow/apns2's certificate.FromPemFile reads.
func ClientBundleFile(env fakeapns.Environment) string {
	return "client-" + string(env) + "-bundle.pem"
}

// ClientP12File is the certificate and key as a PKCS#12 file in today's
// encryption (AES-256, PBKDF2), as current macOS Keychain exports.
func ClientP12File(env fakeapns.Environment) string { return "client-" + string(env) + ".p12" }

// ClientLegacyP12File is the same PKCS#12 in the legacy encryption
// (RC2-40 for the certificate, 3DES for the key) that older tools read:
// buford (x/crypto/pkcs12), Java 8, OpenSSL 1.x.
func ClientLegacyP12File(env fakeapns.Environment) string {
	return "client-" + string(env) + "-legacy.p12"
}

// writeDerived writes the bundle PEM and both .p12 files of every client
// certificate and the Java trust store, with one password kept from start
// to start in pushsim.json. Files whose source did not change since they
// were written are kept as they are (a .p12's salt is random: rewriting
// would change its bytes for nothing).
func (s *State) writeDerived(caChanged bool) error {
	if s.P12Password == "" {
		s.P12Password = previousP12Password(s.Path(InfoFile))
		s.passwordKept = s.P12Password != ""
	}
	if s.P12Password == "" {
		s.P12Password = rand.Text()[:16]
	}
	var errs []error
	for env, c := range s.Certs {
		leaf := c.Cert.Leaf
		if leaf == nil {
			var err error
			if leaf, err = x509.ParseCertificate(c.Cert.Certificate[0]); err != nil {
				return fmt.Errorf("the %s client certificate: %w", env, err)
			}
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Certificate[0]})
		keyPEM, err := os.ReadFile(c.KeyFile)
		if err != nil {
			return fmt.Errorf("reading %s: %w", c.KeyFile, err)
		}
		modern, err := pkcs12.Modern2023.Encode(c.Cert.PrivateKey, leaf, nil, s.P12Password)
		if err != nil {
			return fmt.Errorf("encoding the %s .p12: %w", env, err)
		}
		legacy, err := pkcs12.LegacyRC2.Encode(c.Cert.PrivateKey, leaf, nil, s.P12Password)
		if err != nil {
			return fmt.Errorf("encoding the %s legacy .p12: %w", env, err)
		}
		c.BundleFile = s.Path(ClientBundleFile(env))
		c.P12File = s.Path(ClientP12File(env))
		c.LegacyP12File = s.Path(ClientLegacyP12File(env))
		s.Certs[env] = c
		if c.reused && s.passwordKept && exist(c.BundleFile, c.P12File, c.LegacyP12File) {
			continue
		}
		errs = append(errs,
			writeFile(c.BundleFile, append(certPEM, keyPEM...), 0o600),
			writeFile(c.P12File, modern, 0o600),
			writeFile(c.LegacyP12File, legacy, 0o600))
	}
	if !caChanged && s.passwordKept && exist(s.Path(TrustStoreFile)) {
		return errors.Join(errs...)
	}
	trust, err := pkcs12.Modern2023.EncodeTrustStore([]*x509.Certificate{s.CA.Certificate()}, s.P12Password)
	if err != nil {
		return fmt.Errorf("encoding the trust store: %w", err)
	}
	errs = append(errs, writeFile(s.Path(TrustStoreFile), trust, 0o644))
	return errors.Join(errs...)
}

// exist reports whether every file exists.
func exist(files ...string) bool {
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return false
		}
	}
	return true
}

// previousP12Password is the p12_password of an earlier pushsim.json, so
// that a backend configured with it keeps working.
func previousP12Password(infoFile string) string {
	data, err := os.ReadFile(infoFile)
	if err != nil {
		return ""
	}
	var prev struct {
		P12Password string `json:"p12_password"`
	}
	_ = json.Unmarshal(data, &prev) // an unreadable file only means a new password
	return prev.P12Password
}

// constrainCA limits the CA to the names the servers answer to and
// rewrites ca.pem (same key) when that changed.
func (s *State) constrainCA(names []string) (bool, error) {
	changed, err := s.CA.Constrain(names)
	if err != nil || !changed {
		return false, err
	}
	return true, writeFile(s.Path(CAFile), s.CA.CertPEM(), 0o644)
}

// ValidTLSName checks a --tls-name: a DNS host name (letters, digits,
// hyphens, dots; no label starting or ending with a hyphen) or an IP
// address.
func ValidTLSName(name string) error {
	if net.ParseIP(name) != nil {
		return nil
	}
	if name == "" || len(name) > 253 {
		return fmt.Errorf("%q is not a host name (1 to 253 characters)", name)
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q is not a host name: label %q must be 1 to 63 characters, not starting or ending with '-'", name, label)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("%q is not a host name: %q is not allowed (letters, digits, '-' and '.')", name, r)
			}
		}
	}
	return nil
}
