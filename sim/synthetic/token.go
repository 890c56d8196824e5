// Package synthetic gives "pushsim serve" millions of devices that cost no
// memory: their tokens are derived from a secret seed kept in the state
// directory, so a token is checked in O(1) by recomputing its MAC, and
// every replica started from the same state directory accepts the same
// tokens without sharing anything at run time (GitHub issue 18).
//
// A synthetic token is 32 bytes, the size of a real one (apns.md#U17), as
// 64 lowercase hex characters: a 4-byte big-endian device index followed
// by the first 28 bytes of HMAC-SHA256(seed, environment || index). The
// environment is inside the MAC, so a development token sent to the
// production server is not recognised there, and the World behind answers
// BadDeviceToken as Apple does (apns.md#D03, E11). So does a token of the
// right length whose MAC is wrong.
//
// Synthetic devices keep counters, not presentations. A seeded fraction
// of them (Config.Sample) stands for the rest: their notifications reach a
// real simulated device, are rendered and logged, so the TUI and the API
// still show what users would see. Another fraction (Config.Unregistered)
// has uninstalled the app: Apple answers 410 Unregistered with the time
// the token stopped being valid (apns.md#E51, D06, E03).
package synthetic

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

// Limits and file names.
const (
	// MaxDevices is the most synthetic devices one server stands for.
	MaxDevices = 10_000_000
	// SeedFile is the seed's name inside the state directory.
	SeedFile = "synthetic-seed.json"
	// TokenHexLen is the length of a synthetic token: 32 bytes in hex, the
	// length of the device tokens Apple issues today (apns.md#U17).
	TokenHexLen = 64

	indexLen = 4
	macLen   = 28
)

// seedFile is the seed's on-disk form.
type seedFile struct {
	// Key is 32 random bytes in hex.
	Key string `json:"key"`
	// Created anchors the uninstall timestamps, so that replicas agree on
	// them too.
	Created time.Time `json:"created"`
}

// Seed is the secret from which synthetic tokens are derived. It is safe
// for concurrent use.
type Seed struct {
	// Path is the seed file, for messages.
	Path string
	// Created is when the seed was made.
	Created time.Time
	// ipad and opad are the key XOR HMAC's pads (RFC 2104).
	ipad, opad [64]byte
}

// LoadSeed reads the seed of the state directory dir, creating dir and the
// seed (0600) when absent. A damaged seed file is an error naming the
// file, never silently replaced: the backend under test holds tokens
// derived from it.
func LoadSeed(dir string) (*Seed, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("synthetic seed: creating the state dir: %w", err)
	}
	path := filepath.Join(dir, SeedFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createSeed(path)
	case err != nil:
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	var f seedFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("synthetic seed %s: %w (delete it to make a new one: the tokens change)", path, err)
	}
	key, err := hex.DecodeString(f.Key)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("synthetic seed %s: key must be 64 hex characters (delete the file to make a new one: the tokens change)", path)
	}
	return newSeed(path, key, f.Created), nil
}

// createSeed writes a new seed with O_EXCL, so that two replicas started
// at once from an empty state dir end up with the same seed: the loser
// reads the winner's.
func createSeed(path string) (*Seed, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	created := time.Now().UTC().Truncate(time.Second)
	b, err := json.MarshalIndent(seedFile{Key: hex.EncodeToString(key), Created: created}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".seed-*")
	if err != nil {
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	// Link, not rename: it fails when another process made the seed
	// first, and then that one wins.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadSeed(filepath.Dir(path))
		}
		return nil, fmt.Errorf("synthetic seed: %w", err)
	}
	return newSeed(path, key, created), nil
}

// NewSeed builds a seed from a 32-byte key, for tests and tools.
func NewSeed(key []byte, created time.Time) (*Seed, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("synthetic seed: key is %d bytes, want 32", len(key))
	}
	return newSeed("", append([]byte(nil), key...), created), nil
}

func newSeed(path string, key []byte, created time.Time) *Seed {
	s := &Seed{Path: path, Created: created}
	for i := range 64 {
		k := byte(0)
		if i < len(key) {
			k = key[i]
		}
		s.ipad[i], s.opad[i] = k^0x36, k^0x5c
	}
	return s
}

// mac computes the 32-byte HMAC-SHA256 (RFC 2104) of (env, index) into
// out. It is spelled out over sha256.Sum256, on the stack, because
// crypto/hmac allocates on every Sum: this runs on every request.
func (s *Seed) mac(env fakeapns.Environment, index uint32, out *[32]byte) {
	var inner [64 + 16]byte
	copy(inner[:64], s.ipad[:])
	n := copy(inner[64:75], env) // "development" is 11 bytes, "production" 10
	binary.BigEndian.PutUint32(inner[75:79], index)
	inner[79] = byte(n)
	sum := sha256.Sum256(inner[:])
	var outer [64 + 32]byte
	copy(outer[:64], s.opad[:])
	copy(outer[64:], sum[:])
	*out = sha256.Sum256(outer[:])
}

// Token returns the token of synthetic device index in env.
func (s *Seed) Token(env fakeapns.Environment, index uint32) string {
	return string(s.AppendToken(make([]byte, 0, TokenHexLen), env, index))
}

// AppendToken appends the token of device index in env to dst.
func (s *Seed) AppendToken(dst []byte, env fakeapns.Environment, index uint32) []byte {
	var raw [indexLen + macLen]byte
	binary.BigEndian.PutUint32(raw[:indexLen], index)
	var m [32]byte
	s.mac(env, index, &m)
	copy(raw[indexLen:], m[:macLen])
	return hex.AppendEncode(dst, raw[:])
}

// Parse checks token (lowercase or uppercase hex, apns.md#U17) against
// env: ok is true when its MAC is right, with its index and MAC.
func (s *Seed) Parse(env fakeapns.Environment, token string) (index uint32, mac [32]byte, ok bool) {
	if len(token) != TokenHexLen {
		return 0, mac, false
	}
	var raw [indexLen + macLen]byte
	for i := range raw {
		hi, ok1 := unhex(token[2*i])
		lo, ok2 := unhex(token[2*i+1])
		if !ok1 || !ok2 {
			return 0, mac, false
		}
		raw[i] = hi<<4 | lo
	}
	index = binary.BigEndian.Uint32(raw[:indexLen])
	s.mac(env, index, &mac)
	if !hmac.Equal(mac[:macLen], raw[indexLen:]) {
		return 0, mac, false
	}
	return index, mac, true
}

// tokenIndex decodes the device index a synthetic token starts with,
// without checking its MAC.
func tokenIndex(token string) (uint32, bool) {
	if len(token) != TokenHexLen {
		return 0, false
	}
	var index uint32
	for i := range 2 * indexLen {
		d, ok := unhex(token[i])
		if !ok {
			return 0, false
		}
		index = index<<4 | uint32(d)
	}
	return index, true
}

// unhex decodes one hex digit; hex.Decode would need the string copied to
// a []byte, an allocation on every request.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
