package scenarios

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sideshow/apns2/token"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

// sender is a provider; every one is a provider.Provider.
type sender interface {
	Send(ctx context.Context, req provider.Request) (provider.Response, error)
	Close() error
}

// sendResult is the answers one device got for one send step.
type sendResult struct {
	Device    string
	Responses []provider.Response // one per attempt
	// Err is the client's error when the last attempt got no answer
	// (its Response is then the zero one).
	Err string
}

func (s sendResult) final() provider.Response { return s.Responses[len(s.Responses)-1] }

// send plays a send step: one request per target device (or the raw
// token), through apns2 over HTTP/2 to the fake APNs.
func (r *run) send(e *SendStep) error {
	body, target, err := r.payload(e.Payload, e.PayloadFile)
	if err != nil {
		return err
	}
	env := e.Environment
	if env == "" {
		env = r.h.Server.Environment()
	}
	auth := e.Auth
	if auth == "" {
		auth = AuthJWT
	}
	type dest struct{ device, token, topic string }
	var dests []dest
	for _, dev := range r.targets(e.Target) {
		a, err := r.app(dev, e.App)
		if err != nil {
			return err
		}
		d := dest{device: dev, token: a.Token, topic: a.BundleID}
		if e.Token != "" {
			d.token = e.Token
		}
		dests = append(dests, d)
	}
	if len(dests) == 0 {
		if e.Token == "" {
			return errors.New("send: no device matched")
		}
		dests = append(dests, dest{token: e.Token, topic: device.DefaultBundleID})
	}
	r.last = r.last[:0]
	for _, d := range dests {
		topic := d.topic
		switch {
		case e.Topic != "":
			topic = e.Topic
		case target != "":
			topic = target // a simctl file's "Simulator Target Bundle", apns.md#S03
		}
		snd, err := r.sender(auth, env, topic)
		if err != nil {
			return err
		}
		req := provider.Request{
			Token: d.token, Topic: topic, PushType: e.PushType, Priority: e.Priority,
			CollapseID: e.CollapseID, ApnsID: e.ApnsID, Payload: body,
		}
		if e.Expiration != nil {
			// time.Unix(0, 0) is not the zero time: the Provider sends "0".
			req.Expiration = time.Unix(*e.Expiration, 0) // 0 is sim.ExpireNow
		}
		res := sendResult{Device: d.device}
		attempts, backoff := 1, time.Duration(0)
		if e.Retry != nil {
			attempts, backoff = e.Retry.Attempts, e.Retry.Backoff.D()
		}
		for a := 1; ; a++ {
			resp, err := snd.Send(r.ctx, req)
			if err != nil {
				if r.ctx.Err() != nil {
					return fmt.Errorf("send to %s: %w", nameOr(d.device, d.token), err)
				}
				// No answer came: what the client does about it is
				// what a frame-fault scenario documents, so it is
				// recorded for expect_response's error rather than
				// retried here (the backend's retry is for APNs'
				// answers, apns.md#E06).
				res.Responses = append(res.Responses, provider.Response{})
				res.Err = err.Error()
				r.unanswered = fmt.Errorf("send to %s got no answer: %w (expect it with expect_response error)", nameOr(d.device, d.token), err)
				break
			}
			res.Responses = append(res.Responses, resp)
			// A backend retries what Apple says may be retried
			// (apns.md#E06): 429 TooManyRequests and server errors.
			if a >= attempts || !(resp.Status == http.StatusTooManyRequests || resp.Status >= 500) {
				break
			}
			r.clock.Advance(backoff)
			backoff *= 2
		}
		r.last = append(r.last, res)
		if err := r.idle(); err != nil { // keep the log's order stable
			return err
		}
	}
	return nil
}

func nameOr(name, token string) string {
	if name != "" {
		return name
	}
	return "token " + token
}

// payload returns the bytes to send and a simctl file's target bundle.
func (r *run) payload(inline any, file string) ([]byte, string, error) {
	if file == "" {
		b, err := payloadBytes(inline)
		return b, "", err
	}
	data, err := r.s.readFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("payload_file: %w", err)
	}
	body, target, err := device.SplitSimctlPayload(data)
	if err != nil {
		return nil, "", fmt.Errorf("payload_file %s: %w", file, err)
	}
	return body, target, nil
}

// server returns the fake APNs of env: the harness's, or a second server
// of the other environment that routes to the same world, so a token sent
// to the wrong host gets Apple's answer (apns.md#D03).
func (r *run) server(env fakeapns.Environment) (*fakeapns.Server, error) {
	if env == r.h.Server.Environment() {
		return r.h.Server, nil
	}
	if r.other == nil {
		srv, err := fakeapns.Start(r.ctx, fakeapns.Config{
			Environment: env, Router: r.world, CA: r.h.Server.CA(),
			// The World delivers first, then the journal records.
			Observer: fakeapns.ObserverFunc(func(rec fakeapns.Record) { r.world.Observe(rec); r.journal.Observe(rec) }),
		})
		if err != nil {
			return nil, fmt.Errorf("starting the %s server: %w", env, err)
		}
		if err := srv.RegisterKey(r.h.Key.Info()); err != nil {
			return nil, errors.Join(fmt.Errorf("registering the key on the %s server: %w", env, err), srv.Close())
		}
		r.other = srv
	}
	return r.other, nil
}

func otherEnv(env fakeapns.Environment) fakeapns.Environment {
	if env == fakeapns.Production {
		return fakeapns.Development
	}
	return fakeapns.Production
}

// sender returns (and caches) the provider for an auth mode, an
// environment and, for certificates, a topic. Every one is a
// provider.Provider, whose Close ends its connections outright so that the
// fake's graceful shutdown does not wait for them.
func (r *run) sender(auth string, env fakeapns.Environment, topic string) (sender, error) {
	key := auth + "|" + string(env)
	if auth == AuthCert || auth == AuthCertWrongEnv {
		key += "|" + topic
	}
	if s, ok := r.senders[key]; ok {
		return s, nil
	}
	srv, err := r.server(env)
	if err != nil {
		return nil, err
	}
	hk := r.h.Key
	url, roots := srv.URL(), srv.CertPool()
	var s sender
	switch auth {
	case AuthJWT:
		s, err = newSender(url, roots, &token.Token{AuthKey: hk.Private, KeyID: hk.KeyID, TeamID: hk.TeamID}, nil)
	case AuthCert, AuthCertWrongEnv:
		certEnv := env
		if auth == AuthCertWrongEnv {
			certEnv = otherEnv(env) // apns.md#A13, E31
		}
		cert, cerr := srv.IssueClientCertificate(topic, certEnv)
		if cerr != nil {
			return nil, fmt.Errorf("issuing a client certificate for %s: %w", topic, cerr)
		}
		s, err = newSender(url, roots, nil, &cert)
	case AuthUnknownKey, AuthWrongKey:
		other, kerr := fakeapns.GenerateSigningKey("", "")
		if kerr != nil {
			return nil, fmt.Errorf("generating a key: %w", kerr)
		}
		tok := &token.Token{AuthKey: other.Private, KeyID: other.KeyID, TeamID: other.TeamID}
		if auth == AuthWrongKey {
			// The registered key id and team, signed by another key: the
			// signature cannot be verified (apns.md#E34).
			tok.KeyID, tok.TeamID = hk.KeyID, hk.TeamID
		}
		s, err = newSender(url, roots, tok, nil)
	case AuthExpiredJWT:
		s, err = expiredClient(url, roots, hk)
	case AuthNone:
		s, err = newSender(url, roots, nil, nil)
	default:
		return nil, fmt.Errorf("unknown auth %q", auth)
	}
	if err != nil {
		return nil, fmt.Errorf("provider for auth %s: %w", auth, err)
	}
	r.senders[key] = s
	return s, nil
}

// expiredClient is an apns2 client whose bearer was issued two hours ago
// (apns.md#A05, E32). apns2 stamps iat from the wall clock and would
// regenerate an old token, so the bearer is signed here with golang-jwt
// and handed to apns2 as a token it believes fresh (IssuedAt = now): it
// then sends that bearer unchanged. The fake checks iat against the wall
// clock too (the harness leaves fakeapns.Config.Now unset), so "two hours
// ago" is measured on the same clock.
func expiredClient(url string, roots *x509.CertPool, k *fakeapns.SigningKey) (sender, error) {
	now := time.Now()
	jt := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": k.TeamID,
		"iat": now.Add(-2 * time.Hour).Unix(),
	})
	jt.Header["kid"] = k.KeyID
	bearer, err := jt.SignedString(k.Private)
	if err != nil {
		return nil, fmt.Errorf("signing an expired token: %w", err)
	}
	tok := &token.Token{AuthKey: k.Private, KeyID: k.KeyID, TeamID: k.TeamID, IssuedAt: now.Unix(), Bearer: bearer}
	return newSender(url, roots, tok, nil)
}

// newSender is a provider.Provider for the auth variants: a token as given,
// a certificate, or none — the same client path as every other send.
func newSender(url string, roots *x509.CertPool, tok *token.Token, cert *tls.Certificate) (sender, error) {
	return provider.New(provider.Config{
		Endpoint: url, RootCAs: roots, Token: tok, Certificate: cert,
		NoAuth: tok == nil && cert == nil, Timeout: 30 * time.Second,
	})
}
