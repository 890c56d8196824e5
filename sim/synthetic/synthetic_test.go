package synthetic

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

func testSeed(t testing.TB) *Seed {
	t.Helper()
	s, err := NewSeed([]byte(strings.Repeat("k", 32)), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeedCreatedOnceAndShared(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	a, err := LoadSeed(dir) // absent dir and seed: both created
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadSeed(dir) // a second replica
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Token(fakeapns.Development, 7), a.Token(fakeapns.Development, 7); got != want {
		t.Errorf("replica token %s, want %s", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, SeedFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("seed mode %v: readable by others", fi.Mode().Perm())
	}
}

func TestDamagedSeedIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SeedFile), []byte(`{"key":"zz"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSeed(dir); err == nil || !strings.Contains(err.Error(), SeedFile) {
		t.Errorf("LoadSeed of a damaged seed: %v, want an error naming the file", err)
	}
}

func TestTokenFormat(t *testing.T) {
	s := testSeed(t)
	tok := s.Token(fakeapns.Production, 0x01020304)
	if len(tok) != TokenHexLen || !strings.HasPrefix(tok, "01020304") || strings.ToLower(tok) != tok {
		t.Errorf("token %q: want 64 lowercase hex characters starting with the index", tok)
	}
	if s.Token(fakeapns.Development, 1) == s.Token(fakeapns.Production, 1) {
		t.Error("the two environments share a token")
	}
}

func TestLookup(t *testing.T) {
	s := testSeed(t)
	f, err := New(Config{Seed: s, Devices: 100})
	if err != nil {
		t.Fatal(err)
	}
	dev := s.Token(fakeapns.Development, 42)
	wrongMAC := dev[:63] + string("01"[map[bool]int{true: 1}[dev[63] == '0']])
	tests := []struct {
		name  string
		env   fakeapns.Environment
		token string
		ok    bool
	}{
		{"its environment", fakeapns.Development, dev, true},
		{"uppercase (apns.md#U17)", fakeapns.Development, strings.ToUpper(dev), true},
		{"other environment (apns.md#D03)", fakeapns.Production, dev, false},
		{"wrong MAC", fakeapns.Development, wrongMAC, false},
		{"index beyond --synthetic", fakeapns.Development, s.Token(fakeapns.Development, 100), false},
		{"short", fakeapns.Development, dev[:62], false},
		{"not hex", fakeapns.Development, "zz" + dev[2:], false},
		{"not hex in the MAC", fakeapns.Development, dev[:10] + "zz" + dev[12:], false},
		{"a fleet device's token (index far beyond)", fakeapns.Development, "ffffffff" + dev[8:], false},
	}
	for _, tt := range tests {
		d, ok := f.Lookup(tt.env, tt.token)
		if ok != tt.ok || (ok && d.Index != 42) {
			t.Errorf("%s: Lookup = %+v, %v; want ok %v", tt.name, d, ok, tt.ok)
		}
	}
}

func TestShares(t *testing.T) {
	s := testSeed(t)
	const n = 20000
	f, err := New(Config{Seed: s, Devices: n, Sample: 0.1, Unregistered: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	var sampled, unreg int
	for i := range uint32(n) {
		d, ok := f.Lookup(fakeapns.Development, s.Token(fakeapns.Development, i))
		if !ok {
			t.Fatalf("device %d not recognised", i)
		}
		if d.Sampled {
			sampled++
		}
		if d.Unregistered {
			unreg++
			if d.UnregisteredAt.After(s.Created) || d.UnregisteredAt.Before(s.Created.Add(-24*time.Hour)) {
				t.Fatalf("device %d unregistered at %v, want within the day before %v", i, d.UnregisteredAt, s.Created)
			}
		}
	}
	// Binomial: 5 standard deviations either way.
	check := func(what string, got int, p float64) {
		mean, sd := n*p, math.Sqrt(n*p*(1-p))
		if math.Abs(float64(got)-mean) > 5*sd {
			t.Errorf("%s: %d of %d, want about %.0f", what, got, n, mean)
		}
	}
	check("sampled", sampled, 0.1)
	check("unregistered", unreg, 0.02)

	all, _ := New(Config{Seed: s, Devices: 10, Sample: 1, Unregistered: 1})
	none, _ := New(Config{Seed: s, Devices: 10})
	for i := range uint32(10) {
		tok := s.Token(fakeapns.Development, i)
		if d, _ := all.Lookup(fakeapns.Development, tok); !d.Sampled || !d.Unregistered {
			t.Errorf("share 1: device %d %+v", i, d)
		}
		if d, _ := none.Lookup(fakeapns.Development, tok); d.Sampled || d.Unregistered {
			t.Errorf("share 0: device %d %+v", i, d)
		}
	}
}

func TestValidate(t *testing.T) {
	s := testSeed(t)
	bad := []Config{
		{Seed: s, Devices: -1},
		{Seed: s, Devices: MaxDevices + 1},
		{Seed: s, Sample: -0.1},
		{Seed: s, Sample: 1.5},
		{Seed: s, Sample: math.NaN()},
		{Seed: s, Unregistered: 2},
		{Devices: 1},
	}
	for _, c := range bad {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
	if _, err := New(Config{Seed: s, Devices: MaxDevices, Sample: 1, Unregistered: 0}); err != nil {
		t.Errorf("the limits themselves: %v", err)
	}
}

func TestRouter(t *testing.T) {
	s := testSeed(t)
	f, _ := New(Config{Seed: s, Devices: 10, Unregistered: 1})
	g, _ := New(Config{Seed: s, Devices: 10})
	var fellThrough int
	next := fakeapns.RouterFunc(func(context.Context, fakeapns.Notification) error {
		fellThrough++
		return fakeapns.Reject(fakeapns.ReasonBadDeviceToken)
	})
	tok := s.Token(fakeapns.Development, 3)
	n := fakeapns.Notification{Token: tok, Topic: "com.example.app", Environment: fakeapns.Development}

	if err := g.Router(next).Route(context.Background(), n); err != nil {
		t.Errorf("registered device: %v", err)
	}
	var rej *fakeapns.Rejection
	err := f.Router(next).Route(context.Background(), n)
	if !errors.As(err, &rej) || rej.Reason != fakeapns.ReasonUnregistered || rej.Timestamp.IsZero() {
		t.Errorf("unregistered device: %v, want 410 Unregistered with a timestamp", err)
	}
	voip := n
	voip.PushType, voip.Topic = "voip", "com.example.app.voip"
	if err := g.Router(next).Route(context.Background(), voip); !errors.As(err, &rej) || rej.Reason != fakeapns.ReasonDeviceTokenNotForTopic {
		t.Errorf("voip to an alert token: %v, want DeviceTokenNotForTopic (apns.md#D08)", err)
	}
	other := n
	other.Environment = fakeapns.Production
	if err := g.Router(next).Route(context.Background(), other); fellThrough != 1 || !errors.As(err, &rej) || rej.Reason != fakeapns.ReasonBadDeviceToken {
		t.Errorf("other environment: %v (next called %d times), want the next router's BadDeviceToken", err, fellThrough)
	}
}

func BenchmarkLookup(b *testing.B) {
	s := testSeed(b)
	f, _ := New(Config{Seed: s, Devices: MaxDevices, Sample: DefaultSample})
	tok := s.Token(fakeapns.Development, 12345)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := f.Lookup(fakeapns.Development, tok); !ok {
			b.Fatal("not recognised")
		}
	}
}

// TestMACIsHMAC: the hand-written MAC is crypto/hmac's.
func TestMACIsHMAC(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	s, _ := NewSeed(key, time.Time{})
	var got [32]byte
	s.mac(fakeapns.Development, 0xdeadbeef, &got)
	h := hmac.New(sha256.New, key)
	h.Write([]byte("development\xde\xad\xbe\xef\x0b"))
	if want := h.Sum(nil); !bytes.Equal(got[:], want) {
		t.Errorf("mac = %x, want HMAC-SHA256 %x", got, want)
	}
}
