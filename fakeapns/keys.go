package fakeapns

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sideshow/apns2/token"
)

// KeyInfo is a registered token-signing key: what the server needs to
// verify provider tokens signed with it (apns.md#A01, A02, A10).
type KeyInfo struct {
	KeyID  string           // the JWT header's kid (apns.md#A01)
	TeamID string           // the JWT's iss (apns.md#A02)
	Public *ecdsa.PublicKey // P-256 (apns.md#A03)
	// Environments scopes a team key to sandbox or production
	// (apns.md#A10); empty means every environment, like pre-2025 keys.
	Environments []Environment
	// Topics scopes a topic-specific key to bundle ids (apns.md#A10); a
	// bundle id also covers its push-type suffixes. Empty means every topic.
	Topics []string
}

func (k KeyInfo) validate() error {
	switch {
	case k.KeyID == "":
		return errors.New("fakeapns: key info: empty key id")
	case k.TeamID == "":
		return fmt.Errorf("fakeapns: key %s: empty team id", k.KeyID)
	case k.Public == nil:
		return fmt.Errorf("fakeapns: key %s: nil public key", k.KeyID)
	case k.Public.Curve != elliptic.P256():
		// apns.md#A03: only ES256 exists, so only P-256 keys can verify.
		return fmt.Errorf("fakeapns: key %s: curve %s, want P-256 (apns.md#A03)", k.KeyID, k.Public.Curve.Params().Name)
	}
	for _, e := range k.Environments {
		if e != Development && e != Production {
			return fmt.Errorf("fakeapns: key %s: unknown environment %q", k.KeyID, e)
		}
	}
	return nil
}

// allowsEnvironment reports whether the key may be used on env (apns.md#A10).
func (k KeyInfo) allowsEnvironment(env Environment) bool {
	return len(k.Environments) == 0 || slices.Contains(k.Environments, env)
}

// allowsTopic reports whether a topic-specific key covers topic
// (apns.md#A10, U04). A bundle id covers its push-type topics
// (apns.md#H05–H13), since a topic-specific key is bound to one app, not to
// one push type; it does not cover another app whose bundle id merely
// starts with it ("com.example" is not "com.example.app").
func (k KeyInfo) allowsTopic(topic string) bool {
	if len(k.Topics) == 0 {
		return true
	}
	for _, t := range k.Topics {
		if rest, ok := strings.CutPrefix(topic, t); ok && (rest == "" || isPushTypeSuffix(rest)) {
			return true
		}
	}
	return false
}

// SigningKey is a provider's private token-signing key, the content of an
// AuthKey_<KeyID>.p8 file with its key id and team id (apns.md#A07).
type SigningKey struct {
	KeyID   string            // 10 characters, the kid (apns.md#A01)
	TeamID  string            // 10 characters, the iss (apns.md#A02)
	Private *ecdsa.PrivateKey // P-256 (apns.md#A07)
}

// GenerateSigningKey makes a new P-256 key. Empty ids are replaced by random
// 10-character ones, the length Apple uses (apns.md#A01, A02).
func GenerateSigningKey(teamID, keyID string) (*SigningKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: generate signing key: %w", err)
	}
	if teamID == "" {
		teamID = randomID()
	}
	if keyID == "" {
		keyID = randomID()
	}
	return &SigningKey{KeyID: keyID, TeamID: teamID, Private: priv}, nil
}

// ParseSigningKey reads a .p8 file's PEM (PKCS#8 "PRIVATE KEY", EC P-256,
// apns.md#A07) into a SigningKey with the given ids.
func ParseSigningKey(pemBytes []byte, teamID, keyID string) (*SigningKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("fakeapns: signing key: no PEM block (apns.md#A07)")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: signing key: not PKCS#8 (apns.md#A07): %w", err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("fakeapns: signing key: not an EC P-256 key (apns.md#A07)")
	}
	if teamID == "" || keyID == "" {
		return nil, errors.New("fakeapns: signing key: team id and key id are required")
	}
	return &SigningKey{KeyID: keyID, TeamID: teamID, Private: ec}, nil
}

// PEM encodes the key as PKCS#8 "PRIVATE KEY" PEM, i.e. an AuthKey_XXXX.p8.
func (k *SigningKey) PEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, fmt.Errorf("fakeapns: encode signing key %s: %w", k.KeyID, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// WriteP8 writes the key to dir/AuthKey_<KeyID>.p8 (mode 0600), the name
// Apple's download uses, and returns the path.
func (k *SigningKey) WriteP8(dir string) (string, error) {
	b, err := k.PEM()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "AuthKey_"+k.KeyID+".p8")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", fmt.Errorf("fakeapns: write signing key: %w", err)
	}
	return path, nil
}

// Info is the public half, ready for Server.RegisterKey, with no scope.
func (k *SigningKey) Info() KeyInfo {
	return KeyInfo{KeyID: k.KeyID, TeamID: k.TeamID, Public: &k.Private.PublicKey}
}

// Token returns an apns2 provider token that signs with this key.
func (k *SigningKey) Token() *token.Token {
	return &token.Token{AuthKey: k.Private, KeyID: k.KeyID, TeamID: k.TeamID}
}

// randomID returns 10 characters of [A-Z0-9], shaped like Apple's ids.
func randomID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 10)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
