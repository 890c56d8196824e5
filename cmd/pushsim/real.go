package main

import (
	"bufio"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/lint"
	"github.com/pushsim/pushsim/sim/provider"
)

// realFlags are the flags of `pushsim send --real`: where to send and as
// whom. Each has a PUSHSIM_ environment twin; flags win over the
// environment, and both win over a --profile file.
type realFlags struct {
	Real       bool   `help:"Send to Apple instead of the simulator (needs --sandbox or --production and credentials)." group:"real"`
	Sandbox    bool   `help:"Apple's development environment (api.sandbox.push.apple.com)." xor:"env" group:"real"`
	Production bool   `help:"Apple's production environment (api.push.apple.com)." xor:"env" group:"real"`
	Token      string `placeholder:"HEX" env:"PUSHSIM_TOKEN" help:"Device token (hex) to send to." group:"real"`

	Key             string `placeholder:"AuthKey_X.p8" env:"PUSHSIM_KEY_FILE" help:"Token auth: the .p8 signing key." group:"real"`
	KeyID           string `name:"key-id" env:"PUSHSIM_KEY_ID" help:"Token auth: the key's 10-character id (default: from AuthKey_<ID>.p8)." group:"real"`
	TeamID          string `name:"team-id" env:"PUSHSIM_TEAM_ID" help:"Token auth: the 10-character team id." group:"real"`
	Cert            string `placeholder:"FILE" env:"PUSHSIM_CERT_FILE" help:"Certificate auth: a .p12 file, or a PEM certificate with --cert-key." group:"real"`
	CertKey         string `name:"cert-key" placeholder:"FILE" env:"PUSHSIM_CERT_KEY_FILE" help:"Certificate auth: the PEM private key of a PEM --cert." group:"real"`
	CertPasswordEnv string `name:"cert-password-env" placeholder:"VAR" env:"PUSHSIM_CERT_PASSWORD_ENV" help:"Name of the environment variable holding the .p12 password." group:"real"`

	Endpoint string `placeholder:"URL" env:"PUSHSIM_ENDPOINT" help:"Send to this APNs-compatible server instead of Apple (e.g. pushsim serve)." group:"real"`
	CA       string `placeholder:"FILE" env:"PUSHSIM_CA_FILE" help:"PEM CA certificate that signs --endpoint's certificate." group:"real"`
	Profile  string `placeholder:"NAME" env:"PUSHSIM_PROFILE" help:"Read missing credentials from ${profile_dir}/NAME.json (or a path)." group:"real"`

	Force bool `help:"Send even when lint reports an error." group:"real"`
	Yes   bool `help:"Confirm a production send without asking (required when stdin is not a terminal)." group:"real"`
}

// realOnly lists the real-send flags given on the command line: without
// --real they would be silently ignored. Their PUSHSIM_ twins are not
// counted: a shell set up for real sends may still run simulated ones.
func (f *realFlags) realOnly(args []string) []string {
	names := []string{"--sandbox", "--production", "--token", "--key", "--key-id", "--team-id", "--cert", "--cert-key",
		"--cert-password-env", "--endpoint", "--ca", "--profile", "--force", "--yes"}
	var given []string
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(a, "=")
		if slices.Contains(names, name) && !slices.Contains(given, name) {
			given = append(given, name)
		}
	}
	return given
}

// target turns the flags (already merged with their PUSHSIM_ twins by
// kong) and the profile into a provider.RealTarget; explicit values win.
func (f *realFlags) target(topic *string, stderr io.Writer) (provider.RealTarget, error) {
	t := provider.RealTarget{
		Token: f.Token, Endpoint: f.Endpoint, CAFile: f.CA,
		KeyFile: f.Key, KeyID: f.KeyID, TeamID: f.TeamID,
		CertFile: f.Cert, CertKeyFile: f.CertKey,
	}
	switch {
	case f.Production:
		t.Environment = fakeapns.Production
	case f.Sandbox:
		t.Environment = fakeapns.Development
	}
	if f.CertPasswordEnv != "" {
		v, ok := os.LookupEnv(f.CertPasswordEnv)
		if !ok {
			return t, usageErr("--cert-password-env %s: that environment variable is not set", f.CertPasswordEnv)
		}
		t.CertPassword = v
	}
	if f.Profile != "" {
		p, warnings, err := provider.LoadProfile(f.Profile)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "%s: warning: %s\n", programName, w)
		}
		if err != nil {
			return t, &exitError{code: exitUsage, err: err}
		}
		if err := p.Fill(&t, topic); err != nil {
			return t, &exitError{code: exitUsage, err: err}
		}
	}
	if t.Environment == "" {
		return t, usageErr("--real needs --sandbox or --production")
	}
	return t, nil
}

// confirmProduction asks before a production send: --yes when stdin is not
// a terminal, otherwise an explicit "yes" typed at the prompt.
func (f *realFlags) confirmProduction(e *env, env fakeapns.Environment, topic string) error {
	if env != fakeapns.Production || f.Yes {
		return nil
	}
	file, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(file) {
		return usageErr("--production: stdin is not a terminal, so pushsim cannot ask: pass --yes to confirm a send to real users' devices")
	}
	fmt.Fprintf(e.stderr, "Send to PRODUCTION (%s, token %s)? Type yes to send: ", topic, provider.Abbreviate(f.Token))
	line, _ := bufio.NewReader(file).ReadString('\n')
	if strings.TrimSpace(strings.ToLower(line)) != "yes" {
		return usageErr("production send not confirmed")
	}
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// runReal sends the payload to Apple (or --endpoint) through the same
// Provider the simulator uses, and explains APNs' answer.
func (c *sendCmd) runReal(e *env, pf device.PayloadFile, topic string) (err error) {
	if len(c.Device) > 0 || c.Tap != "" || c.Events {
		return usageErr("--device, --tap and --events are for the simulator; drop them with --real")
	}
	t, err := c.target(&topic, e.stderr)
	if err != nil {
		return err
	}
	if topic == "" {
		return usageErr("--topic: missing; expected the app's bundle id")
	}
	c.Token = t.Token
	cfg, warnings, err := t.ProviderConfig(time.Now())
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "%s: warning: %s\n", programName, w)
	}
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	envName := t.Environment
	if err := c.lintBeforeSend(e, pf.Body, topic); err != nil {
		return err
	}
	if err := c.confirmProduction(e, envName, topic); err != nil {
		return err
	}
	prov, err := provider.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	defer closing(&err, prov.Close)
	res, err := prov.Send(e.ctx, c.request(c.Token, topic, pf.Body))
	var unknownCA x509.UnknownAuthorityError
	switch {
	case errors.As(err, &unknownCA) && c.CA == "":
		return usageErr("%v: %s's certificate is not signed by a CA this machine trusts; pass --ca FILE (for pushsim serve: the ca.pem of its state dir)", err, cfg.Endpoint)
	case errors.As(err, &unknownCA):
		return usageErr("%v: %s's certificate is not signed by --ca %s", err, cfg.Endpoint, c.CA)
	case err != nil:
		return usageErr("%v (is the network up and %s reachable?)", err, cfg.Endpoint)
	}
	provider.WriteResult(e.stdout, prov.Endpoint(), envName, res)
	if res.Sent() {
		return nil
	}
	return errFailed()
}

// lintBeforeSend runs the same lint as `pushsim lint` for the target; an
// error-level finding stops the send unless --force.
func (c *sendCmd) lintBeforeSend(e *env, body []byte, topic string) error {
	findings := lint.Lint(body, lint.Target{PushType: c.PushType, Priority: c.Priority, Topic: topic})
	errs := 0
	for _, f := range findings {
		if f.Severity == lint.SeverityInfo {
			continue
		}
		if f.Severity == lint.SeverityError {
			errs++
		}
		fmt.Fprintf(e.stderr, "lint: %s %s (iOS %s): %s\n", f.Severity, f.Rule, f.Versions, f.Message)
	}
	if errs > 0 && !c.Force {
		// Exit 1, as "pushsim lint" for the same findings.
		return &exitError{code: exitFailed, err: fmt.Errorf("lint found %s; nothing was sent (use --force to send anyway)", lint.Plural(errs, "error"))}
	}
	return nil
}
