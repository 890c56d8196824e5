package provider_test

import (
	"context"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/harness"
	"github.com/pushsim/pushsim/sim/provider"
)

// TestProviderAuthVariants: a provider with no credentials gets Apple's
// MissingProviderToken (apns.md#E35), one with a pre-built token sends it
// as given, and Close ends the provider's connections.
func TestProviderAuthVariants(t *testing.T) {
	ctx := context.Background()
	h, err := harness.Start(ctx, harness.Config{Clock: clock.NewVirtual(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	})
	req := provider.Request{Token: device.DeviceToken("ios8", device.DefaultBundleID), Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"x"}}`)}

	none, err := provider.New(provider.Config{Endpoint: h.Server.URL(), RootCAs: h.Server.CertPool(), NoAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := none.Send(ctx, req)
	if err != nil || res.Status != 403 || res.Reason != "MissingProviderToken" {
		t.Errorf("no credentials: %+v %v, want 403 MissingProviderToken", res, err)
	}
	none.Close()
	left := provider.OpenConns(none)
	if left != 0 {
		t.Errorf("%d connections left open after Close", left)
	}

	tok := h.Key.Token()
	withTok, err := provider.New(provider.Config{Endpoint: h.Server.URL(), RootCAs: h.Server.CertPool(), Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := withTok.Close(); err != nil {
			t.Error(err)
		}
	}()
	if res, err := withTok.Send(ctx, req); err != nil || !res.Sent() {
		t.Errorf("pre-built token: %+v %v, want 200", res, err)
	}

	if _, err := provider.New(provider.Config{Endpoint: "https://x", NoAuth: true, Token: tok}); err == nil {
		t.Error("two kinds of credentials accepted")
	}
}
