package fakeapns

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"slices"
	"time"
)

// CA is the certificate authority of one fake APNs: it signs the server's
// TLS certificate and the providers' client certificates. Persist it with
// CertPEM/KeyPEM (or WriteFiles) and reload it with LoadCA so that clients
// keep trusting the server across restarts.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	pool    *x509.CertPool
}

// NewCA generates a self-signed P-256 CA valid for ten years.
func NewCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: generate CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "pushsim fake APNs CA", Organization: []string{"pushsim"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: create CA certificate: %w", err)
	}
	return newCA(der, key)
}

func newCA(der []byte, key *ecdsa.PrivateKey) (*CA, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: parse CA certificate: %w", err)
	}
	if !cert.IsCA {
		return nil, errors.New("fakeapns: CA certificate is not a CA")
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) {
		return nil, errors.New("fakeapns: CA key does not match the CA certificate")
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pool:    pool,
	}, nil
}

// LoadCA rebuilds a CA from its certificate PEM and its PKCS#8 key PEM.
func LoadCA(certPEM, keyPEM []byte) (*CA, error) {
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, errors.New("fakeapns: load CA: no CERTIFICATE PEM block")
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, errors.New("fakeapns: load CA: no key PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: load CA key: %w", err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("fakeapns: load CA key: not an ECDSA key")
	}
	return newCA(cb.Bytes, ec)
}

// LoadCAFiles is LoadCA reading the two files.
func LoadCAFiles(certFile, keyFile string) (*CA, error) {
	c, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: load CA: %w", err)
	}
	k, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: load CA: %w", err)
	}
	ca, err := LoadCA(c, k)
	if err != nil {
		return nil, fmt.Errorf("%w (files %s, %s)", err, certFile, keyFile)
	}
	return ca, nil
}

// LoadOrCreateCA loads the CA from the two files, or, when neither exists,
// creates one and writes it there (key file mode 0600).
func LoadOrCreateCA(certFile, keyFile string) (*CA, error) {
	_, errC := os.Stat(certFile)
	_, errK := os.Stat(keyFile)
	if errors.Is(errC, os.ErrNotExist) && errors.Is(errK, os.ErrNotExist) {
		ca, err := NewCA()
		if err != nil {
			return nil, err
		}
		return ca, ca.WriteFiles(certFile, keyFile)
	}
	return LoadCAFiles(certFile, keyFile)
}

// WriteFiles writes the certificate PEM and the key PEM (mode 0600).
func (c *CA) WriteFiles(certFile, keyFile string) error {
	k, err := c.KeyPEM()
	if err != nil {
		return err
	}
	if err := os.WriteFile(certFile, c.certPEM, 0o644); err != nil {
		return fmt.Errorf("fakeapns: write CA certificate: %w", err)
	}
	if err := os.WriteFile(keyFile, k, 0o600); err != nil {
		return fmt.Errorf("fakeapns: write CA key: %w", err)
	}
	return nil
}

// AppleHosts are the names of Apple's provider API (apns.md#T01): a
// certificate naming them lets clients with these hosts built in reach
// the fake through /etc/hosts. A fresh slice on each call.
func AppleHosts() []string {
	return []string{"api.sandbox.push.apple.com", "api.development.push.apple.com", "api.push.apple.com"}
}

// Constrain re-issues the CA certificate, with the same key and subject,
// so that it may only vouch for the given names: DNS names (each with its
// subdomains) and IP addresses, plus the loopback addresses and localhost
// always. A CA trusted system-wide then cannot be used to impersonate any
// other site. It reports whether the certificate changed; a CA already
// constrained to exactly these names is left as it is, so that ca.pem
// stays byte-identical across restarts. Certificates issued before keep
// verifying: the key and the subject are the same.
func (c *CA) Constrain(names []string) (bool, error) {
	dns := []string{"localhost"}
	ips := []*net.IPNet{
		{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
		{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			if ip.IsLoopback() {
				continue
			}
			bits := 128
			if v4 := ip.To4(); v4 != nil {
				ip, bits = v4, 32
			}
			ips = append(ips, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		if !slices.Contains(dns, n) {
			dns = append(dns, n)
		}
	}
	old := c.cert
	if old.PermittedDNSDomainsCritical && slices.Equal(old.PermittedDNSDomains, dns) &&
		slices.EqualFunc(old.PermittedIPRanges, ips, func(a, b *net.IPNet) bool { return a.String() == b.String() }) {
		return false, nil
	}
	tmpl := &x509.Certificate{
		SerialNumber:                randomSerial(),
		Subject:                     old.Subject,
		NotBefore:                   old.NotBefore,
		NotAfter:                    old.NotAfter,
		KeyUsage:                    old.KeyUsage,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		SubjectKeyId:                old.SubjectKeyId,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         dns,
		PermittedIPRanges:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &c.key.PublicKey, c.key)
	if err != nil {
		return false, fmt.Errorf("fakeapns: constrain CA: %w", err)
	}
	nc, err := newCA(der, c.key)
	if err != nil {
		return false, err
	}
	*c = *nc
	return true, nil
}

// CertPEM is the CA certificate in PEM, what a client passes to curl --cacert.
func (c *CA) CertPEM() []byte { return append([]byte(nil), c.certPEM...) }

// KeyPEM is the CA private key as PKCS#8 PEM; keep it secret.
func (c *CA) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: encode CA key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Certificate is the parsed CA certificate.
func (c *CA) Certificate() *x509.Certificate { return c.cert }

// CertPool is a pool holding only this CA; a fresh copy on each call.
func (c *CA) CertPool() *x509.CertPool { return c.pool.Clone() }

// IssueServerCertificate signs a TLS server certificate for hosts (IP
// addresses or DNS names), valid for one year.
func (c *CA) IssueServerCertificate(hosts ...string) (tls.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "pushsim fake APNs"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return c.issue(tmpl, time.Now().AddDate(1, 0, 0))
}

// ClientCertSpec describes a provider certificate (apns.md#A12, A13).
type ClientCertSpec struct {
	// Topic is the bundle id, the certificate's Subject UID and default topic.
	Topic string
	// ExtraTopics are further topics the certificate may push to, such as
	// Topic+".voip" or Topic+".complication" (apns.md#A12). With any extra
	// topic the certificate is multi-topic, and apns-topic becomes required
	// (apns.md#H18).
	ExtraTopics []string
	// Environments the certificate is valid for; empty means both, the
	// "Sandbox & Production" kind (apns.md#A13).
	Environments []Environment
	// NotAfter is the expiry; zero means one year from now (apns.md#A15).
	NotAfter time.Time
}

// IssueClientCertificate signs a provider certificate for spec.
func (c *CA) IssueClientCertificate(spec ClientCertSpec) (tls.Certificate, error) {
	if spec.Topic == "" {
		return tls.Certificate{}, errors.New("fakeapns: client certificate: empty topic")
	}
	envs := spec.Environments
	if len(envs) == 0 {
		envs = []Environment{Development, Production}
	}
	name := "Apple Push Services: " + spec.Topic
	if len(envs) == 1 && envs[0] == Development {
		name = "Apple Development IOS Push Services: " + spec.Topic
	}
	tmpl := &x509.Certificate{
		Subject: pkix.Name{
			CommonName: name,
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidUID, Value: spec.Topic}},
		},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, e := range envs {
		switch e {
		case Development:
			tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: oidPushDevelopment, Value: asn1Null})
		case Production:
			tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: oidPushProduction, Value: asn1Null})
		default:
			return tls.Certificate{}, fmt.Errorf("fakeapns: client certificate: unknown environment %q", e)
		}
	}
	topics, err := marshalTopics(append([]string{spec.Topic}, spec.ExtraTopics...))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("fakeapns: client certificate topics: %w", err)
	}
	tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: oidPushTopics, Value: topics})
	notAfter := spec.NotAfter
	if notAfter.IsZero() {
		notAfter = time.Now().AddDate(1, 0, 0)
	}
	return c.issue(tmpl, notAfter)
}

func (c *CA) issue(tmpl *x509.Certificate, notAfter time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("fakeapns: generate certificate key: %w", err)
	}
	tmpl.SerialNumber = randomSerial()
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = notAfter
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("fakeapns: sign certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("fakeapns: parse certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

func randomSerial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)) // crypto/rand never fails (Go 1.24+).
	return n
}

// certBinding is what a verified client certificate allows (apns.md#A12, A13).
type certBinding struct {
	subject string // bundle id from the Subject UID
	topics  []string
	envs    []Environment
}

// parseCertBinding reads Apple's markers from a client certificate.
func parseCertBinding(cert *x509.Certificate) (certBinding, error) {
	pc, err := ParsePushCertificate(cert)
	return certBinding{subject: pc.BundleID, topics: pc.Topics, envs: pc.Environments}, err
}
