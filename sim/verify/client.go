package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Client asks the inspection API of pushsim serve (POST verify, GET
// devices/NAME), as `pushsim verify` does from a shell.
type Client struct {
	// Base is the API's URL ending in /api/v1/.
	Base string
	// HTTP performs the requests; nil means http.DefaultClient.
	HTTP *http.Client
}

// UnreachableError is an API that could not be asked at all; Err is the
// transport's error (a cancelled context among them).
type UnreachableError struct {
	Base string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the API at %s: %v (is pushsim serve running?)", e.Base, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

func (c Client) do(req *http.Request) (*http.Response, error) {
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, &UnreachableError{Base: c.Base, Err: err}
	}
	return res, nil
}

// Verify posts v and returns the verdict and the API's JSON answer as
// sent. A request that could not be asked, or an answer without a
// verdict, is an error (no verdict either way).
func (c Client) Verify(ctx context.Context, v Verification) (Result, []byte, error) {
	var out Result
	body, err := json.Marshal(v)
	if err != nil {
		return out, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"verify", bytes.NewReader(body))
	if err != nil {
		return out, nil, fmt.Errorf("--api %q: %w", c.Base, err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.do(req)
	if err != nil {
		return out, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return out, nil, fmt.Errorf("reading the answer of %s: %w", c.Base, err)
	}
	switch res.StatusCode {
	case http.StatusOK, http.StatusConflict:
		if err := json.Unmarshal(data, &out); err != nil {
			return out, nil, fmt.Errorf("%s answered %d with no verdict: %w", c.Base, res.StatusCode, err)
		}
		return out, data, nil
	}
	var apiErr struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(data, &apiErr) == nil && apiErr.Error != "" {
		return out, nil, fmt.Errorf("%s", apiErr.Error)
	}
	return out, nil, fmt.Errorf("%s answered %s", c.Base, res.Status)
}

// DeviceToken asks for the token of the device's app: app's, or the
// device's first app when app is "".
func (c Client) DeviceToken(ctx context.Context, device, app string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"devices/"+url.PathEscape(device), nil)
	if err != nil {
		return "", fmt.Errorf("--device %q: %w", device, err)
	}
	res, err := c.do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var d struct {
		Error string `json:"error"`
		Apps  []struct {
			BundleID string `json:"bundle_id"`
			Token    string `json:"token"`
		} `json:"apps"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 4<<20)).Decode(&d); err != nil {
		return "", fmt.Errorf("reading device %s from %s: %w", device, c.Base, err)
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("--device: %s", d.Error)
	}
	for _, a := range d.Apps {
		if app == "" || a.BundleID == app {
			return a.Token, nil
		}
	}
	if app != "" {
		return "", fmt.Errorf("device %s has no app %q", device, app)
	}
	return "", fmt.Errorf("device %s has no apps", device)
}
