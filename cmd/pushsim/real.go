package main

import (
	"bufio"
	"crypto/tls"
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
	"github.com/pushsim/pushsim/sim"
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
	Profile  string `placeholder:"NAME" env:"PUSHSIM_PROFILE" help:"Read missing credentials from ${profile_dir}/NAME.json." group:"real"`

	Force bool `help:"Send even when lint reports an error." group:"real"`
	Yes   bool `help:"Confirm a production send without asking (required when stdin is not a terminal)." group:"real"`
}

// profile is a credentials file: the same names as the flags.
type profile struct {
	Environment     string `json:"environment"` // "sandbox" or "production"
	Topic           string `json:"topic"`
	Token           string `json:"token"`
	Key             string `json:"key"`
	KeyID           string `json:"key_id"`
	TeamID          string `json:"team_id"`
	Cert            string `json:"cert"`
	CertKey         string `json:"cert_key"`
	CertPasswordEnv string `json:"cert_password_env"`
	Endpoint        string `json:"endpoint"`
	CA              string `json:"ca"`
}

// profileDir is where --profile NAME is looked up.
func profileDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join("~", ".config", "pushsim", "profiles")
	}
	return filepath.Join(dir, "pushsim", "profiles")
}

// applyProfile fills the flags left empty from the profile file.
func (f *realFlags) applyProfile(topic *string) error {
	if f.Profile == "" {
		return nil
	}
	path := f.Profile
	if !strings.ContainsAny(path, `/\`) {
		path = filepath.Join(profileDir(), path+".json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return usageErr("--profile %s: no such profile (%s)", f.Profile, path)
		}
		return usageErr("--profile %s: %v", f.Profile, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(os.Stderr, "%s: warning: %s is readable by other users; chmod 600 it\n", programName, path)
	}
	var p profile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return usageErr("%s: %v; expected a JSON object with environment, topic, token, key, key_id, team_id, cert, cert_key, cert_password_env, endpoint, ca", path, err)
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(topic, p.Topic)
	fill(&f.Token, p.Token)
	fill(&f.Key, p.Key)
	fill(&f.KeyID, p.KeyID)
	fill(&f.TeamID, p.TeamID)
	fill(&f.Cert, p.Cert)
	fill(&f.CertKey, p.CertKey)
	fill(&f.CertPasswordEnv, p.CertPasswordEnv)
	fill(&f.Endpoint, p.Endpoint)
	fill(&f.CA, p.CA)
	if !f.Sandbox && !f.Production {
		switch p.Environment {
		case "sandbox", "development":
			f.Sandbox = true
		case "production":
			f.Production = true
		case "":
		default:
			return usageErr("%s: environment %q; expected sandbox or production", path, p.Environment)
		}
	}
	return nil
}

var hexToken = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// providerConfig checks the real-send flags and loads the credentials.
func (f *realFlags) providerConfig(stderr io.Writer) (sim.ProviderConfig, fakeapns.Environment, error) {
	var cfg sim.ProviderConfig
	env := fakeapns.Development
	switch {
	case f.Production:
		env = fakeapns.Production
	case !f.Sandbox:
		return cfg, env, usageErr("--real needs --sandbox or --production")
	}
	// apns.md#U17: 32–200 hex characters, even length.
	if f.Token == "" {
		return cfg, env, usageErr("--token: missing; expected the device token in hex")
	}
	if l := len(f.Token); !hexToken.MatchString(f.Token) || l%2 != 0 || l < 32 || l > 200 {
		return cfg, env, usageErr("--token: %q is not a device token; expected an even number (32–200) of hex digits", abbreviate(f.Token))
	}
	cfg.Endpoint = apns2.HostDevelopment
	if env == fakeapns.Production {
		cfg.Endpoint = apns2.HostProduction
	}
	if f.Endpoint != "" {
		cfg.Endpoint = f.Endpoint
	}
	if f.CA != "" {
		pemData, err := os.ReadFile(f.CA)
		if err != nil {
			return cfg, env, usageErr("--ca %s: %v", f.CA, rootCause(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			return cfg, env, usageErr("--ca %s: no PEM certificate in it", f.CA)
		}
		cfg.RootCAs = pool
	}
	switch {
	case f.Key != "" && f.Cert != "":
		return cfg, env, usageErr("--key and --cert: choose token auth or certificate auth, not both")
	case f.Key != "":
		key, err := sim.LoadAuthKey(f.Key)
		if err != nil {
			return cfg, env, &exitError{code: exitUsage, err: err}
		}
		for _, w := range key.Warnings {
			fmt.Fprintf(stderr, "%s: warning: %s\n", programName, w)
		}
		if f.KeyID == "" {
			f.KeyID = sim.KeyIDFromFileName(f.Key)
		}
		if f.KeyID == "" {
			return cfg, env, usageErr("--key-id: missing; expected the 10-character key id (it is in the file name AuthKey_<KEYID>.p8)")
		}
		if err := sim.CheckKeyID("--key-id", f.KeyID); err != nil {
			return cfg, env, &exitError{code: exitUsage, err: err}
		}
		if f.TeamID == "" {
			return cfg, env, usageErr("--team-id: missing; expected your 10-character team id (Membership page of your Apple developer account)")
		}
		if err := sim.CheckKeyID("--team-id", f.TeamID); err != nil {
			return cfg, env, &exitError{code: exitUsage, err: err}
		}
		cfg.Key, cfg.KeyID, cfg.TeamID = key.Private, f.KeyID, f.TeamID
	case f.Cert != "":
		now := time.Now()
		cert, err := loadCert(f, now)
		if err != nil {
			return cfg, env, err
		}
		cfg.Certificate = &cert
	default:
		return cfg, env, usageErr("no credentials: give --key AuthKey_X.p8 --key-id ID --team-id ID, or --cert FILE.p12, or --cert FILE.pem --cert-key FILE.pem")
	}
	return cfg, env, nil
}

func loadCert(f *realFlags, now time.Time) (tls.Certificate, error) {
	if f.CertKey != "" {
		c, err := sim.LoadCertPEM(f.Cert, f.CertKey, now)
		if err != nil {
			return c, &exitError{code: exitUsage, err: err}
		}
		return c, nil
	}
	password := ""
	if f.CertPasswordEnv != "" {
		v, ok := os.LookupEnv(f.CertPasswordEnv)
		if !ok {
			return tls.Certificate{}, usageErr("--cert-password-env %s: that environment variable is not set", f.CertPasswordEnv)
		}
		password = v
	}
	c, err := sim.LoadP12(f.Cert, password, now)
	if err != nil {
		return c, &exitError{code: exitUsage, err: err}
	}
	return c, nil
}

// confirmProduction asks before a production send: --yes when stdin is not
// a terminal, otherwise an explicit "yes" typed at the prompt.
func (f *realFlags) confirmProduction(e *env, topic string) error {
	if !f.Production || f.Yes {
		return nil
	}
	file, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(file) {
		return usageErr("--production: sending to real users' devices needs --yes when stdin is not a terminal")
	}
	fmt.Fprintf(e.stderr, "Send to PRODUCTION (%s, token %s)? Type yes to send: ", topic, abbreviate(f.Token))
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

// abbreviate shortens a token for messages: a device token is not a
// secret, but a wall of hex helps nobody.
func abbreviate(s string) string {
	if len(s) <= 16 {
		return s
	}
	return s[:8] + "…" + s[len(s)-8:]
}

func rootCause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runReal sends the payload to Apple (or --endpoint) through the same
// Provider the simulator uses, and explains APNs' answer.
func (c *sendCmd) runReal(e *env, pf sim.PayloadFile, topic string) error {
	if err := c.applyProfile(&topic); err != nil {
		return err
	}
	if topic == "" {
		return usageErr("--topic: missing; expected the app's bundle id")
	}
	cfg, envName, err := c.providerConfig(e.stderr)
	if err != nil {
		return err
	}
	if err := c.lintBeforeSend(e, pf.Body, topic); err != nil {
		return err
	}
	if err := c.confirmProduction(e, topic); err != nil {
		return err
	}
	prov, err := sim.NewProvider(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	defer prov.Close()
	res, err := prov.Send(e.ctx, c.request(c.Token, topic, pf.Body))
	if err != nil {
		return usageErr("%v (is the network up and %s reachable?)", err, cfg.Endpoint)
	}
	fmt.Fprintf(e.stdout, "endpoint        %s (%s)\n", prov.Endpoint(), envName)
	fmt.Fprintf(e.stdout, "status          %d\n", res.Status)
	if res.Reason != "" {
		fmt.Fprintf(e.stdout, "reason          %s\n", res.Reason)
	}
	if !res.Timestamp.IsZero() {
		fmt.Fprintf(e.stdout, "timestamp       %d (%s)\n", res.Timestamp.UnixMilli(), res.Timestamp.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(e.stdout, "apns-id         %s\n", res.ApnsID)
	if res.UniqueID != "" {
		fmt.Fprintf(e.stdout, "apns-unique-id  %s\n", res.UniqueID)
	}
	fmt.Fprintf(e.stdout, "latency         %s\n", res.Latency.Round(time.Millisecond))
	if res.Sent() {
		return nil
	}
	x := sim.Explain(res.Reason, envName)
	fmt.Fprintf(e.stdout, "meaning         %s\n", x.Meaning)
	fmt.Fprintf(e.stdout, "fix             %s\n", x.Fix)
	return errFailed()
}

// lintBeforeSend runs the same lint as `pushsim lint` for the target; an
// error-level finding stops the send unless --force.
func (c *sendCmd) lintBeforeSend(e *env, body []byte, topic string) error {
	findings := sim.Lint(body, sim.LintTarget{PushType: c.PushType, Priority: c.Priority, Topic: topic})
	errs := 0
	for _, f := range findings {
		if f.Severity == sim.SeverityInfo {
			continue
		}
		if f.Severity == sim.SeverityError {
			errs++
		}
		fmt.Fprintf(e.stderr, "lint: %s %s (iOS %s): %s\n", f.Severity, f.Rule, f.Versions, f.Message)
	}
	if errs > 0 && !c.Force {
		return usageErr("lint found %d error(s); nothing was sent (use --force to send anyway)", errs)
	}
	return nil
}
