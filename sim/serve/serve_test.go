package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/inspect"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
	"github.com/pushsim/pushsim/sim/world"
)

// start runs a server on free loopback ports with its state in dir.
func start(t testing.TB, dir string, mod func(*serve.Config)) *serve.Server {
	t.Helper()
	cfg := serve.Config{Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: dir}
	if mod != nil {
		mod(&cfg)
	}
	s, err := serve.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("serve.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// readInfo reads pushsim.json the way a backend's setup script would.
func readInfo(t testing.TB, dir string) serve.Info {
	t.Helper()
	info, err := serve.ReadInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// tokenOf finds a device's token for the default app in pushsim.json.
func tokenOf(t testing.TB, info serve.Info, name string) string {
	t.Helper()
	for _, d := range info.Devices {
		for _, a := range d.Apps {
			if d.Name == name && a.BundleID == device.DefaultBundleID {
				return a.Token
			}
		}
	}
	t.Fatalf("no device %q in pushsim.json", name)
	return ""
}

// providerFromFiles builds an apns2-based provider from nothing but the
// files serve wrote: the .p8 key, its ids and the CA.
func providerFromFiles(t testing.TB, info serve.Info, url string) *provider.Provider {
	t.Helper()
	key, err := provider.LoadAuthKey(info.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(key.Warnings) > 0 {
		t.Errorf("key file warnings: %v", key.Warnings)
	}
	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("%s holds no certificate", info.CAFile)
	}
	p, err := provider.New(provider.Config{Endpoint: url, RootCAs: roots, Key: key.Private, KeyID: info.KeyID, TeamID: info.TeamID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// apiCall does one request on the API and decodes its JSON answer.
func apiCall(t *testing.T, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer func() {
		if err := res.Body.Close(); err != nil {
			t.Error(err)
		}
	}()
	data, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, url, err, data)
		}
	}
	return res.StatusCode
}

func TestEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	record := filepath.Join(t.TempDir(), "events.jsonl")
	s := start(t, dir, func(c *serve.Config) { c.H2C = "127.0.0.1:0"; c.RecordFile = record })
	info := readInfo(t, dir)
	if diff := cmp.Diff(s.Info, info); diff != "" {
		t.Errorf("pushsim.json differs from the server's Info (-server +file):\n%s", diff)
	}
	if diff := cmp.Diff([]string{s.Development.URL(), s.Production.URL(), s.Development.H2CURL()}, []string{info.APNsURL, info.APNsProductionURL, info.H2CURL}); diff != "" {
		t.Errorf("pushsim.json URLs differ from the servers' (-servers +file):\n%s", diff)
	}
	for _, u := range []string{info.APNsURL, info.APNsProductionURL, info.H2CURL, info.APIURL} {
		if strings.HasSuffix(u, ":0") || u == "" {
			t.Errorf("URL %q is not a bound address", u)
		}
	}
	checkModes(t, dir, info)

	// A backend sends with apns2 through the written files.
	p := providerFromFiles(t, info, info.APNsURL)
	req := provider.Request{Token: tokenOf(t, info, "ios17"), Topic: device.DefaultBundleID, PushType: "alert",
		Payload: []byte(`{"aps":{"alert":{"title":"Lunch poll","body":"Pizza today?"},"category":"poll"}}`)}
	res, err := p.Send(context.Background(), req)
	if err != nil || res.Status != 200 {
		t.Fatalf("send through the written files: %+v, %v", res, err)
	}
	// The same token on the production endpoint gets Apple's answer
	// (apns.md#D03).
	prod := providerFromFiles(t, info, info.APNsProductionURL)
	wrong, err := prod.Send(context.Background(), req)
	if err != nil || wrong.Status != 400 || wrong.Reason != string(fakeapns.ReasonBadDeviceToken) {
		t.Errorf("development token sent to production: %+v, %v; want 400 BadDeviceToken", wrong, err)
	}

	var got struct{ Notifications []inspect.NotificationView }
	apiCall(t, "GET", info.APIURL+"/api/v1/notifications?apns_id="+res.ApnsID, "", &got)
	if len(got.Notifications) != 1 {
		t.Fatalf("GET notifications?apns_id: %d entries", len(got.Notifications))
	}
	n := got.Notifications[0]
	var buttons []string
	for _, pr := range n.Presentations {
		if pr.Context == device.ContextExpanded {
			for _, b := range pr.Buttons {
				buttons = append(buttons, b.ID)
			}
		}
	}
	if n.Device != "ios17" || n.State != world.NotificationShown || n.Auth == nil || n.Auth.Method != fakeapns.AuthToken || !containsAll(buttons, "OK", "NOK") {
		t.Errorf("the notification as the API shows it: device %s, state %s, auth %+v, expanded buttons %v", n.Device, n.State, n.Auth, buttons)
	}

	var tap struct{ Events []world.Event }
	if status := apiCall(t, "POST", info.APIURL+"/api/v1/devices/ios17/notifications/"+res.ApnsID+"/actions", `{"action":"OK"}`, &tap); status != 200 {
		t.Fatalf("tap OK = %d", status)
	}
	if !hasKind(tap.Events, world.EventCompletion) {
		t.Errorf("tap OK: no completion among %+v", tap.Events)
	}
	// Clients hang up first, as a backend would; a connection left open
	// makes the graceful close wait for it (HTTP/2 GOAWAY, then up to 1 s).
	if err := errors.Join(p.Close(), prod.Close()); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The record file has every event, the completion included.
	events := readJSONL(t, record)
	if len(events) == 0 || events[0].Seq != 1 || !hasKind(events, world.EventCompletion) || !hasKind(events, world.EventRejected) {
		t.Errorf("record file: %d events, kinds %v", len(events), kinds(events))
	}
}

func TestRestartReusesFiles(t *testing.T) {
	dir := t.TempDir()
	first := start(t, dir, nil)
	info1 := readInfo(t, dir)
	files := snapshot(t, dir)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := start(t, dir, nil)
	info2 := readInfo(t, dir)
	if diff := cmp.Diff(files, snapshot(t, dir)); diff != "" {
		t.Errorf("credentials changed across a restart (-first +second):\n%s", diff)
	}
	type stable struct{ TeamID, KeyID, KeyFile, CAFile string }
	if diff := cmp.Diff(stable{info1.TeamID, info1.KeyID, info1.KeyFile, info1.CAFile}, stable{info2.TeamID, info2.KeyID, info2.KeyFile, info2.CAFile}); diff != "" {
		t.Errorf("pushsim.json ids changed (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(info1.Devices, info2.Devices); diff != "" {
		t.Errorf("device tokens changed (-first +second):\n%s", diff)
	}
	if len(second.State.Reused) < 4 {
		t.Errorf("reused %v; want the CA, the key and both client certificates", second.State.Reused)
	}
	// A backend configured from the first start still sends.
	res, err := providerFromFiles(t, info1, info2.APNsURL).Send(context.Background(), provider.Request{
		Token: tokenOf(t, info1, "ios10"), Topic: device.DefaultBundleID, Payload: []byte(`{"aps":{"alert":"again"}}`),
	})
	if err != nil || res.Status != 200 {
		t.Errorf("send with the first start's files to the second: %+v, %v", res, err)
	}
}

func TestStartErrors(t *testing.T) {
	busy := start(t, t.TempDir(), nil)
	tests := []struct {
		name string
		cfg  serve.Config
		want string
	}{
		{"bad listen", serve.Config{Listen: "nonsense", API: "127.0.0.1:0"}, "--listen"},
		{"port in use", serve.Config{Listen: "127.0.0.1:0", API: strings.TrimPrefix(busy.Info.APIURL, "http://")}, "API (--api)"},
		{"last port has no next", serve.Config{Listen: "127.0.0.1:65535", API: "127.0.0.1:0"}, "65534"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.StateDir = t.TempDir()
			s, err := serve.Start(context.Background(), tt.cfg)
			if err == nil {
				if cerr := s.Close(); cerr != nil {
					t.Error(cerr)
				}
				t.Fatalf("Start succeeded; want an error mentioning %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func checkModes(t *testing.T, dir string, info serve.Info) {
	t.Helper()
	want := map[string]os.FileMode{dir: 0o700, info.KeyFile: 0o600, filepath.Join(dir, serve.CAKeyFile): 0o600}
	for _, c := range info.ClientCertificates {
		want[c.KeyFile] = 0o600
	}
	for path, mode := range want {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("%s: mode %04o, want %04o", path, got, mode)
		}
	}
}

// snapshot reads every credential file of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == serve.InfoFile {
			continue // holds the ports, which change
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

func readJSONL(t *testing.T, path string) []world.Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []world.Event
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e world.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s: line %d: %v", path, len(out)+1, err)
		}
		out = append(out, e)
	}
	return out
}

func hasKind(events []world.Event, k world.EventKind) bool {
	for _, e := range events {
		if e.Kind == k {
			return true
		}
	}
	return false
}

func kinds(events []world.Event) []world.EventKind {
	out := make([]world.EventKind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}
