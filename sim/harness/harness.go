package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pushsim/pushsim/fakeapns"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/world"
)

// Config configures a Harness. The zero value is the default fleet on
// the wall clock in the development environment.
type Config struct {
	// Fleet is the simulated devices; nil means DefaultFleet().
	Fleet []*device.Device
	// Clock drives completion handlers and watchdogs; nil means the wall
	// clock. Scenarios and one-shot sends pass a *clock.Virtual.
	Clock clock.Clock
	// Log receives every event; nil means a new log of LogSize events.
	Log     *world.EventLog
	LogSize int
	// Environment is the fake APNs' environment; "" means development.
	Environment fakeapns.Environment
	// HTTPClient performs the apps' webhooks; nil means a default client.
	HTTPClient *http.Client
	// Observer, when not nil, also sees every request the fake APNs
	// answers, after the World (e.g. a journal for verification).
	Observer fakeapns.Observer
}

// Harness is the whole simulated flow in one process (DESIGN.md "One
// flow"): a fake APNs over TLS and HTTP/2 on a loopback port, the world of
// devices behind it as its Router and Observer, a freshly generated ES256
// signing key registered with it, and a Provider that sends through apns2
// with that key — the same client path a real send takes.
type Harness struct {
	World    *world.World
	Log      *world.EventLog
	Server   *fakeapns.Server
	Key      *fakeapns.SigningKey
	Provider *provider.Provider
}

// Start starts a Harness. Close it when done.
func Start(ctx context.Context, cfg Config) (*Harness, error) {
	if cfg.Fleet == nil {
		cfg.Fleet = device.DefaultFleet()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Environment == "" {
		cfg.Environment = fakeapns.Development
	}
	log := cfg.Log
	if log == nil {
		log = world.NewEventLog(cfg.LogSize)
	}
	w := world.New(world.Config{Fleet: cfg.Fleet, Clock: cfg.Clock, Log: log, HTTPClient: cfg.HTTPClient, Lint: lint.Delivery})
	key, err := fakeapns.GenerateSigningKey("", "")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("harness: signing key: %w", err), w.Close())
	}
	var obs fakeapns.Observer = w
	if cfg.Observer != nil {
		next := cfg.Observer
		obs = fakeapns.ObserverFunc(func(r fakeapns.Record) { w.Observe(r); next.Observe(r) })
	}
	srv, err := fakeapns.Start(ctx, fakeapns.Config{Environment: cfg.Environment, Router: w, Observer: obs})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("harness: start fake APNs: %w", err), w.Close())
	}
	h := &Harness{World: w, Log: log, Server: srv, Key: key}
	if err := srv.RegisterKey(key.Info()); err != nil {
		return nil, errors.Join(fmt.Errorf("harness: register key: %w", err), h.Close())
	}
	h.Provider, err = provider.New(provider.Config{
		Endpoint: srv.URL(), RootCAs: srv.CertPool(),
		Key: key.Private, KeyID: key.KeyID, TeamID: key.TeamID,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("harness: provider: %w", err), h.Close())
	}
	return h, nil
}

// Close stops the server (GOAWAY, drain), the provider's connections and the
// world's in-flight work.
func (h *Harness) Close() error {
	var errs []error
	if h.Provider != nil {
		errs = append(errs, h.Provider.Close())
	}
	if h.Server != nil {
		errs = append(errs, h.Server.Close())
	}
	if h.World != nil {
		errs = append(errs, h.World.Close())
	}
	return errors.Join(errs...)
}
