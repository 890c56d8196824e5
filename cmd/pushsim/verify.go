package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/verify"
)

// verifyCmd is `pushsim verify`: POST /api/v1/verify for shell-based CI.
type verifyCmd struct {
	API       string `name:"api" placeholder:"URL" env:"PUSHSIM_API_URL" help:"The inspection API of pushsim serve (default: api_url of pushsim.json in --state-dir)."`
	StateDir  string `name:"state-dir" env:"PUSHSIM_STATE_DIR" type:"path" placeholder:"DIR" help:"Where pushsim serve wrote pushsim.json, to find the API."`
	MatchJSON string `name:"match-json" placeholder:"FILE|-" help:"A matcher as POST /api/v1/verify takes it ({\"match\": {...}, \"exactly\": 1}); the flags below add to it."`

	Device      string   `name:"device" short:"d" placeholder:"NAME" help:"Match the token of this device's app (--app, or its first app), looked up on the API."`
	App         string   `name:"app" placeholder:"BUNDLE" help:"With --device: the app whose token to match."`
	Token       string   `name:"token" placeholder:"HEX" help:"Match the device token (case-insensitive)."`
	Topic       string   `name:"topic" placeholder:"BUNDLE" help:"Match apns-topic."`
	PushType    string   `name:"push-type" placeholder:"TYPE" help:"Match apns-push-type (alert, background, ...)."`
	Priority    int      `name:"priority" placeholder:"N" help:"Match apns-priority (1, 5 or 10)."`
	Environment string   `name:"environment" placeholder:"ENV" help:"Match the environment: development or production."`
	Status      int      `name:"status" placeholder:"CODE" help:"Match the HTTP status APNs answered (200, 410, ...)."`
	Reason      string   `name:"reason" placeholder:"REASON" help:"Match Apple's reason (BadDeviceToken, ...)."`
	Accepted    bool     `name:"accepted" help:"Match accepted requests only (no reason)."`
	CollapseID  string   `name:"collapse-id" placeholder:"ID" help:"Match apns-collapse-id."`
	Payload     []string `name:"payload" sep:"none" placeholder:"PTR=JSON" help:"A JSON pointer and the value there (JSON, or else a string), e.g. /aps/category=fraud_alert (repeatable)."`
	Contains    []string `name:"payload-contains" sep:"none" placeholder:"PTR=JSON" help:"A JSON pointer and what the value there contains (substring, array element, sub-object) (repeatable)."`
	Exists      []string `name:"payload-exists" sep:"none" placeholder:"PTR" help:"A JSON pointer that must be present (repeatable)."`
	Absent      []string `name:"payload-absent" sep:"none" placeholder:"PTR" help:"A JSON pointer that must be absent (repeatable)."`

	Exactly string `name:"exactly" placeholder:"N" help:"Exactly N requests match."`
	Minimum string `name:"at-least" placeholder:"N" help:"At least N requests match."`
	Maximum string `name:"at-most" placeholder:"N" help:"At most N requests match."`
	Since   uint64 `name:"since" placeholder:"SEQ" help:"Count only requests after this sequence number (the seq of GET /api/v1/notifications)."`

	JSON    bool          `name:"json" help:"Print the API's JSON answer instead of text."`
	Timeout time.Duration `name:"timeout" default:"10s" help:"How long to wait for the API."`
}

// Run builds the matcher, asks the API and prints the verdict: exit 0
// when the count holds, 1 (near misses printed) when not, 2 for bad
// usage, a bad matcher or an API that cannot be reached (no verdict).
func (c *verifyCmd) Run(e *env) error {
	v, err := c.verification(e.stdin)
	if err != nil {
		return err
	}
	switch {
	case c.Device != "" && v.Match.Token != "":
		return usageErr("verify: --device %s and a token: give one of them", c.Device)
	case c.App != "" && c.Device == "":
		return usageErr("verify: --app needs --device")
	}
	// Check here too, so a bad matcher is a usage error before any I/O.
	if _, err := v.Compile(); err != nil {
		return usageErr("verify: %v", err)
	}
	base, err := c.apiURL()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.ctx, c.Timeout)
	defer cancel()
	client := verify.Client{Base: base}
	if c.Device != "" {
		tok, err := client.DeviceToken(ctx, c.Device, c.App)
		if err != nil {
			return verifyErr(e, err)
		}
		v.Match.Token = tok
	}
	out, data, err := client.Verify(ctx, v)
	if err != nil {
		return verifyErr(e, err)
	}
	if c.JSON {
		_, err = e.stdout.Write(data)
	} else {
		_, err = io.WriteString(e.stdout, out.Text())
	}
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if !out.Holds {
		return errFailed()
	}
	return nil
}

// verifyErr is a usage error (exit 2: no verdict), or the interruption
// itself when the user cancelled while the API was being asked.
func verifyErr(e *env, err error) error {
	var unreachable *verify.UnreachableError
	if errors.As(err, &unreachable) && errors.Is(e.ctx.Err(), context.Canceled) {
		return e.ctx.Err()
	}
	return usageErr("verify: %v", err)
}

// verification is --match-json with the flags added.
func (c *verifyCmd) verification(stdin io.Reader) (verify.Verification, error) {
	var v verify.Verification
	if c.MatchJSON != "" {
		var r io.Reader = stdin
		if c.MatchJSON != "-" {
			f, err := os.Open(c.MatchJSON)
			if err != nil {
				return v, usageErr("verify: --match-json: %v", err)
			}
			defer f.Close()
			r = f
		}
		var err error
		if v, err = verify.Decode(r); err != nil {
			return v, usageErr("verify: --match-json %s: %v", c.MatchJSON, err)
		}
	}
	m := &v.Match
	set := func(dst *string, s string) {
		if s != "" {
			*dst = s
		}
	}
	set(&m.Token, c.Token)
	set(&m.Topic, c.Topic)
	set(&m.PushType, c.PushType)
	set(&m.Environment, c.Environment)
	if c.Priority != 0 {
		m.Priority = c.Priority
	}
	if c.Status != 0 {
		m.Status = c.Status
	}
	if c.Accepted && c.Reason != "" {
		return v, usageErr("verify: --accepted and --reason %s: give one of them", c.Reason)
	}
	if c.Reason != "" {
		m.Reason = &c.Reason
	}
	if c.Accepted {
		none := ""
		m.Reason = &none
	}
	if c.CollapseID != "" {
		m.CollapseID = &c.CollapseID
	}
	if m.Payload == nil && len(c.Payload)+len(c.Contains)+len(c.Exists)+len(c.Absent) > 0 {
		m.Payload = map[string]any{}
	}
	for _, kv := range c.Payload {
		p, val, err := pointerValue("--payload", kv)
		if err != nil {
			return v, err
		}
		m.Payload[p] = map[string]any{"equals": val}
	}
	for _, kv := range c.Contains {
		p, val, err := pointerValue("--payload-contains", kv)
		if err != nil {
			return v, err
		}
		m.Payload[p] = map[string]any{"contains": val}
	}
	for _, p := range c.Exists {
		m.Payload[p] = map[string]any{"exists": true}
	}
	for _, p := range c.Absent {
		m.Payload[p] = map[string]any{"exists": false}
	}
	for _, cnt := range []struct {
		flag, s string
		dst     **int
	}{{"--exactly", c.Exactly, &v.Exactly}, {"--at-least", c.Minimum, &v.Minimum}, {"--at-most", c.Maximum, &v.Maximum}} {
		if cnt.s == "" {
			continue
		}
		n, err := strconv.Atoi(cnt.s)
		if err != nil {
			return v, usageErr("verify: %s %q: expected a whole number", cnt.flag, cnt.s)
		}
		if n < 0 {
			return v, usageErr("verify: %s %d: expected a count of 0 or more", cnt.flag, n)
		}
		// A count flag replaces the count of --match-json.
		v.Exactly, v.Minimum, v.Maximum = nil, nil, nil
		*cnt.dst = &n
	}
	if n := boolCount(c.Exactly != "", c.Minimum != "", c.Maximum != ""); n > 1 {
		return v, usageErr("verify: give one of --exactly, --at-least, --at-most")
	}
	if c.Since != 0 {
		v.Since = c.Since
	}
	return v, nil
}

func boolCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// pointerValue splits "POINTER=VALUE"; VALUE is JSON when it parses as
// JSON, else a string (so /aps/category=poll needs no quotes).
func pointerValue(flag, kv string) (string, any, error) {
	p, raw, ok := strings.Cut(kv, "=")
	if !ok {
		return "", nil, usageErr("verify: %s %q: expected POINTER=VALUE, e.g. /aps/category=fraud_alert", flag, kv)
	}
	var val any
	if err := json.Unmarshal([]byte(raw), &val); err != nil {
		val = raw
	}
	return p, val, nil
}

// apiURL is the API's base URL ending in /api/v1/: --api, or api_url
// from pushsim.json.
func (c *verifyCmd) apiURL() (string, error) {
	u := c.API
	if u == "" {
		dir := c.StateDir
		if dir == "" {
			d, err := serve.DefaultStateDir()
			if err != nil {
				return "", usageErr("verify: no --api and no state directory: %v", err)
			}
			dir = d
		}
		info, err := serve.ReadInfo(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return "", usageErr("verify: no --api, and %v (start pushsim serve, or pass --api URL)", err)
		}
		if err != nil || info.APIURL == "" {
			return "", usageErr("verify: %s has no api_url; pass --api URL", filepath.Join(dir, serve.InfoFile))
		}
		u = info.APIURL
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return "", usageErr("verify: --api %q: expected an http:// URL such as http://127.0.0.1:8081", u)
	}
	u = strings.TrimRight(u, "/")
	u = strings.TrimSuffix(u, strings.TrimRight(inspect.Prefix, "/"))
	return u + inspect.Prefix, nil
}
