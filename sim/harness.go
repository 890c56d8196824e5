package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pushsim/pushsim/fakeapns"
)

// HarnessConfig configures a Harness. The zero value is the default fleet on
// the wall clock in the development environment.
type HarnessConfig struct {
	// Fleet is the simulated devices; nil means DefaultFleet().
	Fleet []*Device
	// Clock drives completion handlers and watchdogs; nil means the wall
	// clock. Scenarios and one-shot sends pass a *VirtualClock.
	Clock Clock
	// Log receives every event; nil means a new log of LogSize events.
	Log     *EventLog
	LogSize int
	// Environment is the fake APNs' environment; "" means development.
	Environment fakeapns.Environment
	// HTTPClient performs the apps' webhooks; nil means a default client.
	HTTPClient *http.Client
}

// Harness is the whole simulated flow in one process (DESIGN.md "One
// flow"): a fake APNs over TLS and HTTP/2 on a loopback port, the world of
// devices behind it as its Router and Observer, a freshly generated ES256
// signing key registered with it, and a Provider that sends through apns2
// with that key — the same client path a real send takes.
type Harness struct {
	World    *World
	Log      *EventLog
	Server   *fakeapns.Server
	Key      *fakeapns.SigningKey
	Provider *Provider
}

// StartHarness starts a Harness. Close it when done.
func StartHarness(ctx context.Context, cfg HarnessConfig) (*Harness, error) {
	if cfg.Fleet == nil {
		cfg.Fleet = DefaultFleet()
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock()
	}
	if cfg.Environment == "" {
		cfg.Environment = fakeapns.Development
	}
	log := cfg.Log
	if log == nil {
		log = NewEventLog(cfg.LogSize)
	}
	world := NewWorld(WorldConfig{Fleet: cfg.Fleet, Clock: cfg.Clock, Log: log, HTTPClient: cfg.HTTPClient, Lint: LintDelivery})
	key, err := fakeapns.GenerateSigningKey("", "")
	if err != nil {
		world.Close()
		return nil, fmt.Errorf("harness: signing key: %w", err)
	}
	srv, err := fakeapns.Start(ctx, fakeapns.Config{Environment: cfg.Environment, Router: world, Observer: world})
	if err != nil {
		world.Close()
		return nil, fmt.Errorf("harness: start fake APNs: %w", err)
	}
	h := &Harness{World: world, Log: log, Server: srv, Key: key}
	if err := srv.RegisterKey(key.Info()); err != nil {
		h.Close()
		return nil, fmt.Errorf("harness: register key: %w", err)
	}
	h.Provider, err = NewProvider(ProviderConfig{
		Endpoint: srv.URL(), RootCAs: srv.CertPool(),
		Key: key.Private, KeyID: key.KeyID, TeamID: key.TeamID,
	})
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("harness: provider: %w", err)
	}
	return h, nil
}

// Close stops the server (GOAWAY, drain), the provider's connections and the
// world's in-flight work.
func (h *Harness) Close() error {
	if h.Provider != nil {
		h.Provider.Close()
	}
	var errs []error
	if h.Server != nil {
		errs = append(errs, h.Server.Close())
	}
	if h.World != nil {
		errs = append(errs, h.World.Close())
	}
	return errors.Join(errs...)
}
