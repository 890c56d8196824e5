package serve

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
)

// File names inside the state directory.
const (
	InfoFile   = "pushsim.json"
	CAFile     = "ca.pem"
	CAKeyFile  = "ca-key.pem"
	keyPattern = "AuthKey_%s.p8" // Apple's name for a downloaded key (apns.md#A07)
)

// ClientCertFile and ClientKeyFile name the certificate-auth files of an
// environment: client-development.pem and client-development-key.pem.
func ClientCertFile(env fakeapns.Environment) string { return "client-" + string(env) + ".pem" }

// ClientKeyFile is the private key of ClientCertFile(env).
func ClientKeyFile(env fakeapns.Environment) string { return "client-" + string(env) + "-key.pem" }

// renewBefore: a client certificate this close to expiry is issued anew.
const renewBefore = 7 * 24 * time.Hour

// State is the credentials kept in the state directory, reused from one
// start to the next so that a backend's configuration stays valid.
type State struct {
	// Dir is the absolute path of the state directory.
	Dir string
	CA  *fakeapns.CA
	// Key is the development signing key, AuthKey_<KeyID>.p8.
	Key     *fakeapns.SigningKey
	KeyFile string
	// Certs are the client certificates for certificate auth, one per
	// environment, bound to the fleet's bundle ids (apns.md#A12, A13).
	Certs map[fakeapns.Environment]ClientCert
	// Reused lists the files found and reused rather than created.
	Reused []string
	// P12Password protects the .p12 files and the trust store; it is kept
	// in pushsim.json from one start to the next.
	P12Password string

	passwordKept bool // P12Password came from the previous pushsim.json
}

// ClientCert is one environment's client certificate and where it lies.
type ClientCert struct {
	Cert     tls.Certificate
	CertFile string
	KeyFile  string
	Topics   []string
	// BundleFile, P12File and LegacyP12File hold the same certificate and
	// key: one PEM, and PKCS#12 in modern and legacy encryption.
	BundleFile, P12File, LegacyP12File string

	reused bool // found in the state dir rather than issued now
}

// Path returns the absolute path of name inside the state directory.
func (s *State) Path(name string) string { return filepath.Join(s.Dir, name) }

// DefaultStateDir is the user's config directory + "pushsim".
func DefaultStateDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory for the state dir (give --state-dir): %w", err)
	}
	return filepath.Join(base, "pushsim"), nil
}

// LoadState opens dir (created 0700 when absent) and loads the CA, the
// signing key and the client certificates found there, creating whatever
// is missing or unusable. topics are the bundle ids per environment that
// the client certificates must cover.
func LoadState(dir string, topics map[fakeapns.Environment][]string) (*State, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("state dir %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("creating state dir: %w", err)
	}
	s := &State{Dir: abs, Certs: map[fakeapns.Environment]ClientCert{}}
	if _, err := os.Stat(s.Path(CAFile)); err == nil {
		s.Reused = append(s.Reused, CAFile)
	}
	if s.CA, err = fakeapns.LoadOrCreateCA(s.Path(CAFile), s.Path(CAKeyFile)); err != nil {
		return nil, fmt.Errorf("state dir %s: %w", abs, err)
	}
	if err := s.loadKey(); err != nil {
		return nil, err
	}
	for _, env := range []fakeapns.Environment{fakeapns.Development, fakeapns.Production} {
		if err := s.loadCert(env, topics[env]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadKey reuses the key named in pushsim.json when its file is there,
// else makes a new one.
func (s *State) loadKey() error {
	var prev Info
	if data, err := os.ReadFile(s.Path(InfoFile)); err == nil {
		_ = json.Unmarshal(data, &prev) // an unreadable pushsim.json only means a new key
	}
	if prev.KeyID != "" && prev.TeamID != "" {
		file := s.Path(fmt.Sprintf(keyPattern, prev.KeyID))
		if data, err := os.ReadFile(file); err == nil {
			key, err := fakeapns.ParseSigningKey(data, prev.TeamID, prev.KeyID)
			if err != nil {
				return fmt.Errorf("%s: %w (delete it to get a new key)", file, err)
			}
			s.Key, s.KeyFile = key, file
			s.Reused = append(s.Reused, filepath.Base(file))
			return nil
		}
	}
	key, err := fakeapns.GenerateSigningKey("", "")
	if err != nil {
		return err
	}
	data, err := key.PEM()
	if err != nil {
		return err
	}
	s.Key, s.KeyFile = key, s.Path(fmt.Sprintf(keyPattern, key.KeyID))
	return writeFile(s.KeyFile, data, 0o600)
}

// loadCert reuses an environment's client certificate when the CA signed
// it, it is valid for a while yet and it covers topics; else issues one.
func (s *State) loadCert(env fakeapns.Environment, topics []string) error {
	if len(topics) == 0 {
		topics = []string{device.DefaultBundleID}
	}
	c := ClientCert{CertFile: s.Path(ClientCertFile(env)), KeyFile: s.Path(ClientKeyFile(env)), Topics: topics}
	if pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile); err == nil && s.usable(pair, env, topics) {
		c.Cert = pair
		c.reused = true
		s.Certs[env] = c
		s.Reused = append(s.Reused, filepath.Base(c.CertFile))
		return nil
	}
	// One certificate per environment, bound to it alone (apns.md#A13), so
	// that sending with it to the other environment gets Apple's answer.
	// Extra bundle ids make it a multi-topic certificate, which needs
	// apns-topic on every request (apns.md#H18).
	cert, err := s.CA.IssueClientCertificate(fakeapns.ClientCertSpec{
		Topic: topics[0], ExtraTopics: topics[1:], Environments: []fakeapns.Environment{env},
	})
	if err != nil {
		return fmt.Errorf("issuing the %s client certificate: %w", env, err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return fmt.Errorf("encoding the %s client key: %w", env, err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := errors.Join(writeFile(c.KeyFile, keyPEM, 0o600), writeFile(c.CertFile, certPEM, 0o600)); err != nil {
		return err
	}
	c.Cert = cert
	s.Certs[env] = c
	return nil
}

func (s *State) usable(pair tls.Certificate, env fakeapns.Environment, topics []string) bool {
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil || time.Until(leaf.NotAfter) < renewBefore {
		return false
	}
	roots := x509.NewCertPool()
	roots.AddCert(s.CA.Certificate())
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return false
	}
	pc, err := fakeapns.ParsePushCertificate(leaf)
	if err != nil {
		return false
	}
	for _, t := range topics {
		if !slices.Contains(pc.Topics, t) {
			return false
		}
	}
	return slices.Equal(pc.Environments, []fakeapns.Environment{env})
}

// writeFile writes data to a temporary file and renames it into place, so
// that a reader never sees half a key.
func writeFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(perm); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
