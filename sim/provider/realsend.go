package provider

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/sideshow/apns2"

	"github.com/pushsim/pushsim/fakeapns"
)

// RealTarget is everything a send to Apple needs besides the notification:
// the environment, an optional other endpoint, and the credentials. The CLI
// fills it from flags, the environment and a profile; the TUI from its
// real-mode form. Both then send through the same Provider as the
// simulator (DESIGN.md "The same client path for sim and real").
type RealTarget struct {
	// Environment picks Apple's host (apns.md#T01); required.
	Environment fakeapns.Environment
	// Token is the device token, hex.
	Token string
	// Endpoint replaces Apple's host (an APNs-compatible server); CAFile
	// is the PEM CA that signs its certificate.
	Endpoint, CAFile string
	// Token auth (apns.md#A01–A07).
	KeyFile, KeyID, TeamID string
	// Certificate auth (apns.md#A12): a .p12 with CertPassword, or a PEM
	// certificate with CertKeyFile.
	CertFile, CertKeyFile, CertPassword string
}

// hexToken is a device token as apns.md#U17 accepts it.
var hexToken = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// CheckToken checks a device token: an even number (32–200) of hex digits
// (apns.md#U17, D02).
func CheckToken(token string) error {
	if token == "" {
		return &CredentialError{"--token", "missing; expected the device token in hex"}
	}
	if l := len(token); !hexToken.MatchString(token) || l%2 != 0 || l < 32 || l > 200 {
		return &CredentialError{"--token", fmt.Sprintf("%q is not a device token; expected an even number (32–200) of hex digits", Abbreviate(token))}
	}
	return nil
}

// ProviderConfig checks t and loads its credentials. Warnings (a key file
// others can read) do not stop a send. Errors are *CredentialError values
// naming the flag or file.
func (t RealTarget) ProviderConfig(now time.Time) (cfg Config, warnings []string, err error) {
	switch t.Environment {
	case fakeapns.Development:
		cfg.Endpoint = apns2.HostDevelopment
	case fakeapns.Production:
		cfg.Endpoint = apns2.HostProduction
	default:
		return cfg, nil, &CredentialError{"--sandbox/--production", "choose the environment the app's token belongs to"}
	}
	if err := CheckToken(t.Token); err != nil {
		return cfg, nil, err
	}
	if t.Endpoint != "" {
		cfg.Endpoint = t.Endpoint
	}
	if t.CAFile != "" {
		pemData, err := readCredential(t.CAFile)
		if err != nil {
			return cfg, nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			return cfg, nil, &CredentialError{t.CAFile, "no PEM certificate in it; expected the CA certificate (ca.pem)"}
		}
		cfg.RootCAs = pool
	}
	switch {
	case t.KeyFile != "" && t.CertFile != "":
		return cfg, nil, &CredentialError{"--key/--cert", "choose token auth or certificate auth, not both"}
	case t.KeyFile != "":
		key, err := LoadAuthKey(t.KeyFile)
		if err != nil {
			return cfg, nil, err
		}
		keyID := t.KeyID
		if keyID == "" {
			keyID = KeyIDFromFileName(t.KeyFile)
		}
		if keyID == "" {
			return cfg, nil, &CredentialError{"--key-id", "missing; expected the 10-character key id (it is in the file name AuthKey_<KEYID>.p8)"}
		}
		if err := CheckKeyID("--key-id", keyID); err != nil {
			return cfg, nil, err
		}
		if t.TeamID == "" {
			return cfg, nil, &CredentialError{"--team-id", "missing; expected your 10-character team id (Membership page of your Apple developer account)"}
		}
		if err := CheckKeyID("--team-id", t.TeamID); err != nil {
			return cfg, nil, err
		}
		cfg.Key, cfg.KeyID, cfg.TeamID = key.Private, keyID, t.TeamID
		return cfg, key.Warnings, nil
	case t.CertFile != "" && t.CertKeyFile != "":
		cert, err := LoadCertPEM(t.CertFile, t.CertKeyFile, now)
		if err != nil {
			return cfg, nil, err
		}
		cfg.Certificate = &cert
		return cfg, nil, nil
	case t.CertFile != "":
		cert, err := LoadP12(t.CertFile, t.CertPassword, now)
		if err != nil {
			return cfg, nil, err
		}
		cfg.Certificate = &cert
		return cfg, nil, nil
	}
	return cfg, nil, &CredentialError{"credentials", "none given; expected --key AuthKey_X.p8 --key-id ID --team-id ID, or --cert FILE.p12, or --cert FILE.pem --cert-key FILE.pem"}
}

// Profile is a saved real-send configuration, a JSON file in ProfileDir.
// CertPasswordEnv names an environment variable: the password itself is
// never stored.
type Profile struct {
	Environment     string `json:"environment,omitempty"` // "sandbox" or "production"
	Topic           string `json:"topic,omitempty"`
	Token           string `json:"token,omitempty"`
	Key             string `json:"key,omitempty"`
	KeyID           string `json:"key_id,omitempty"`
	TeamID          string `json:"team_id,omitempty"`
	Cert            string `json:"cert,omitempty"`
	CertKey         string `json:"cert_key,omitempty"`
	CertPasswordEnv string `json:"cert_password_env,omitempty"`
	Endpoint        string `json:"endpoint,omitempty"`
	CA              string `json:"ca,omitempty"`
}

// ProfileDir is where profiles live: the user's config dir + pushsim/profiles.
func ProfileDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join("~", ".config", "pushsim", "profiles")
	}
	return filepath.Join(dir, "pushsim", "profiles")
}

// LoadProfile reads the profile NAME (from ProfileDir) or a path. A file
// other users can read gives a warning.
func LoadProfile(name string) (p Profile, warnings []string, err error) {
	path := name
	if !strings.ContainsAny(path, `/\`) {
		path = filepath.Join(ProfileDir(), name+".json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return p, nil, &CredentialError{"--profile " + name, "no such profile (" + path + ")"}
		}
		return p, nil, &CredentialError{path, "cannot read the profile"}
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("%s is readable by other users; chmod 600 it", path))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, warnings, &CredentialError{path, fmt.Sprintf("%v; expected a JSON object with environment, topic, token, key, key_id, team_id, cert, cert_key, cert_password_env, endpoint, ca", err)}
	}
	switch p.Environment {
	case "", "sandbox", "development", "production":
	default:
		return p, warnings, &CredentialError{path, fmt.Sprintf("environment %q; expected sandbox or production", p.Environment)}
	}
	return p, warnings, nil
}

// Fill copies the profile's values into the empty fields of t and topic:
// what was given explicitly always wins.
func (p Profile) Fill(t *RealTarget, topic *string) error {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(topic, p.Topic)
	fill(&t.Token, p.Token)
	fill(&t.KeyFile, p.Key)
	fill(&t.KeyID, p.KeyID)
	fill(&t.TeamID, p.TeamID)
	fill(&t.CertFile, p.Cert)
	fill(&t.CertKeyFile, p.CertKey)
	fill(&t.Endpoint, p.Endpoint)
	fill(&t.CAFile, p.CA)
	if t.Environment == "" {
		switch p.Environment {
		case "sandbox", "development":
			t.Environment = fakeapns.Development
		case "production":
			t.Environment = fakeapns.Production
		}
	}
	if t.CertPassword == "" && p.CertPasswordEnv != "" {
		v, ok := os.LookupEnv(p.CertPasswordEnv)
		if !ok {
			return &CredentialError{"cert_password_env " + p.CertPasswordEnv, "that environment variable is not set"}
		}
		t.CertPassword = v
	}
	return nil
}

// Abbreviate shortens a device token for messages: not a secret, but a
// wall of hex helps nobody.
func Abbreviate(s string) string {
	if len(s) <= 16 {
		return s
	}
	return s[:8] + "…" + s[len(s)-8:]
}

// WriteResult prints a real send's answer, one field a line: where it
// went, APNs' status, reason, timestamp and ids, the latency and, for a
// rejection, Apple's meaning and the fix (Explain).
func WriteResult(w io.Writer, endpoint string, env fakeapns.Environment, res Response) {
	fmt.Fprintf(w, "endpoint        %s (%s)\n", endpoint, env)
	fmt.Fprintf(w, "status          %d\n", res.Status)
	if res.Reason != "" {
		fmt.Fprintf(w, "reason          %s\n", res.Reason)
	}
	if !res.Timestamp.IsZero() {
		fmt.Fprintf(w, "timestamp       %d (%s)\n", res.Timestamp.UnixMilli(), res.Timestamp.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(w, "apns-id         %s\n", res.ApnsID)
	if res.UniqueID != "" {
		fmt.Fprintf(w, "apns-unique-id  %s\n", res.UniqueID)
	}
	fmt.Fprintf(w, "latency         %s\n", res.Latency.Round(time.Millisecond))
	if res.Sent() {
		return
	}
	x := Explain(string(res.Reason), env)
	fmt.Fprintf(w, "meaning         %s\n", x.Meaning)
	fmt.Fprintf(w, "fix             %s\n", x.Fix)
}
