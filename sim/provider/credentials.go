package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// CredentialError is a credential that cannot be used: it names the file or
// flag and says what was expected. Its message never contains secret
// material.
type CredentialError struct {
	// Source is the file path or flag name.
	Source string
	Msg    string
}

func (e *CredentialError) Error() string { return e.Source + ": " + e.Msg }

// AuthKey is a token-auth signing key read from a .p8 file (apns.md#A07).
type AuthKey struct {
	Private *ecdsa.PrivateKey
	// Warnings are problems that do not stop a send, such as a key file
	// other users can read.
	Warnings []string
}

// LoadAuthKey reads an AuthKey_XXXXXXXXXX.p8 file: PEM "PRIVATE KEY",
// PKCS#8, EC P-256 (apns.md#A07).
func LoadAuthKey(path string) (*AuthKey, error) {
	data, err := readCredential(path)
	if err != nil {
		return nil, err
	}
	key := &AuthKey{}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		key.Warnings = append(key.Warnings, fmt.Sprintf("%s is readable by other users (mode %04o); chmod 600 it", path, fi.Mode().Perm()))
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, &CredentialError{path, "not a PEM file; expected the .p8 key Apple lets you download once (-----BEGIN PRIVATE KEY-----)"}
	}
	if block.Type != "PRIVATE KEY" {
		return nil, &CredentialError{path, fmt.Sprintf("PEM block %q; expected \"PRIVATE KEY\" (PKCS#8), as in Apple's .p8 files", block.Type)}
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, &CredentialError{path, "not a PKCS#8 private key; expected Apple's .p8 (EC P-256) key"}
	}
	ec, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, &CredentialError{path, fmt.Sprintf("a %T key; expected an EC P-256 key for ES256 (apns.md#A03)", parsed)}
	}
	key.Private = ec
	return key, nil
}

// keyIDPattern is Apple's 10-character key and team id (apns.md#A01, A02).
var keyIDPattern = regexp.MustCompile(`^[A-Z0-9]{10}$`)

// CheckKeyID checks a key id or team id as a flag value: 10 upper-case
// letters or digits (apns.md#A01, A02).
func CheckKeyID(flag, id string) error {
	if !keyIDPattern.MatchString(id) {
		return &CredentialError{flag, fmt.Sprintf("%q is not a 10-character Apple id (A–Z, 0–9)", id)}
	}
	return nil
}

// KeyIDFromFileName returns XXXXXXXXXX from AuthKey_XXXXXXXXXX.p8, or "".
func KeyIDFromFileName(path string) string {
	base := path[strings.LastIndexAny(path, `/\`)+1:]
	id, ok := strings.CutPrefix(base, "AuthKey_")
	if !ok {
		return ""
	}
	id = strings.TrimSuffix(id, ".p8")
	if keyIDPattern.MatchString(id) {
		return id
	}
	return ""
}

// LoadP12 reads a .p12 (PKCS#12) push certificate and its key, as exported
// from Keychain Access (apns.md#A12, A13).
func LoadP12(path, password string, now time.Time) (tls.Certificate, error) {
	data, err := readCredential(path)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return tls.Certificate{}, &CredentialError{path, "wrong password for this .p12 (give it with --cert-password-env VAR)"}
		}
		return tls.Certificate{}, &CredentialError{path, "not a readable PKCS#12 file; expected the .p12 exported from Keychain Access"}
	}
	out := tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
	for _, c := range chain {
		out.Certificate = append(out.Certificate, c.Raw)
	}
	return out, checkValidity(path, cert, now)
}

// LoadCertPEM reads a PEM certificate and its PEM private key.
func LoadCertPEM(certPath, keyPath string, now time.Time) (tls.Certificate, error) {
	certPEM, err := readCredential(certPath)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readCredential(keyPath)
	if err != nil {
		return tls.Certificate{}, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, &CredentialError{certPath, "certificate and key do not form a pair, or are not PEM; expected the push certificate and its private key"}
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return tls.Certificate{}, &CredentialError{certPath, "unparsable certificate"}
		}
	}
	return pair, checkValidity(certPath, pair.Leaf, now)
}

// checkValidity refuses a certificate outside its validity period: APNs
// would answer BadCertificate, or fail the handshake (apns.md#A15, E30).
func checkValidity(source string, cert *x509.Certificate, now time.Time) error {
	if now.After(cert.NotAfter) {
		return &CredentialError{source, fmt.Sprintf("certificate expired on %s; create a new push certificate (apns.md#A15)", cert.NotAfter.UTC().Format("2006-01-02"))}
	}
	if now.Before(cert.NotBefore) {
		return &CredentialError{source, fmt.Sprintf("certificate not valid before %s", cert.NotBefore.UTC().Format("2006-01-02"))}
	}
	return nil
}

// credentialExpected says what a credential path should name.
const credentialExpected = "expected a .p8 key, a .p12 certificate or a PEM file"

func readCredential(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, &CredentialError{path, "no such file; " + credentialExpected}
	case errors.Is(err, os.ErrPermission):
		return nil, &CredentialError{path, "permission denied; expected a file this user can read"}
	default:
		return nil, &CredentialError{path, fmt.Sprintf("cannot read: %v; %s", errors.Unwrap(err), credentialExpected)}
	}
}
