package fakeapns

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestHTTP1Refused checks that HTTP/1.1 gets a clear refusal on both
// listeners (apns.md#T03), and that TLS offers only h2 (apns.md#T04).
func TestHTTP1Refused(t *testing.T) {
	f := newFixture(t)
	tlsCfg := f.ts.ClientTLSConfig()
	tlsCfg.NextProtos = []string{"http/1.1"}
	tr := &http.Transport{TLSClientConfig: tlsCfg}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	type got struct {
		Status int
		Says   bool
	}
	var gs []got
	for _, base := range []string{f.ts.URL(), f.ts.H2CURL()} {
		resp, err := c.Post(base+"/3/device/"+tokOK, "application/json", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		if cerr := resp.Body.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, got{resp.StatusCode, strings.Contains(string(b), "HTTP/2 only")})
	}
	want := []got{{505, true}, {505, true}}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}

	conn, err := tls.Dial("tcp", strings.TrimPrefix(f.ts.URL(), "https://"), &tls.Config{RootCAs: f.ts.CertPool(), NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, conn)
	if p := conn.ConnectionState().NegotiatedProtocol; p != "h2" {
		t.Errorf("ALPN chose %q, want h2", p)
	}
}

// TestRecords checks what the Observer sees, for an accepted and a
// rejected request.
func TestRecords(t *testing.T) {
	f := newFixture(t)
	c, tr := h2Client(f.ts.ClientTLSConfig())
	defer tr.CloseIdleConnections()
	const id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	h := f.header(t, map[string][]string{"apns-id": {id}, "apns-priority": {"5"}, "apns-expiration": {"2000000000"}, "apns-collapse-id": {"c1"}})
	send(t, c, f.ts.URL(), "POST", "/3/device/"+tokOK, h, payload)
	// The same bearer: a new one on this connection would be
	// TooManyProviderTokenUpdates (apns.md#U20).
	send(t, c, f.ts.URL(), "POST", "/3/device/"+tokOK, f.header(t, map[string][]string{"apns-id": {id}, "apns-priority": {"3"}, "authorization": h["Authorization"]}), payload)
	got := []Record{<-f.records, <-f.records}
	k := f.ts.Key
	n := &Notification{
		ApnsID: id, Token: tokOK, Topic: topic, PushType: "alert", Priority: 5,
		Expiration: time.Unix(2000000000, 0).UTC(), ExpirationSet: true, CollapseID: "c1", Payload: []byte(payload),
		Environment: Development, Auth: Identity{Method: AuthToken, TeamID: k.TeamID, KeyID: k.KeyID},
		ReceivedAt: epoch,
	}
	want := []Record{
		{Environment: Development, ReceivedAt: epoch, Method: "POST", Path: "/3/device/" + tokOK, Payload: []byte(payload), Status: 200, ApnsID: id, Connection: 1, Notification: n},
		{Environment: Development, ReceivedAt: epoch, Method: "POST", Path: "/3/device/" + tokOK, Payload: []byte(payload), Status: 400, Reason: ReasonBadPriority, Check: "headers", ApnsID: id, Connection: 1},
	}
	opts := cmp.Options{
		cmpopts.IgnoreFields(Record{}, "RemoteAddr", "Header", "Latency", "UniqueID"),
	}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	for _, r := range got {
		if r.UniqueID == "" || r.Header.Get("apns-topic") != topic {
			t.Errorf("record lacks unique id or headers: %+v", r)
		}
	}
}

// TestCloseDrains checks that Close lets an in-flight request finish
// (apns.md#T11: GOAWAY, not a cut).
func TestCloseDrains(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	router := RouterFunc(func(ctx context.Context, n Notification) error {
		close(arrived)
		<-release
		return nil
	})
	f := newFixture(t, func(c *Config) { c.Router = router })
	c, tr := h2Client(f.ts.ClientTLSConfig())
	defer tr.CloseIdleConnections()
	type sent struct {
		res rawResult
		err error
	}
	done := make(chan sent)
	h := f.header(t, nil)
	go func() {
		res, err := trySend(t.Context(), c, f.ts.URL(), "POST", "/3/device/"+tokOK, h, payload)
		done <- sent{res, err}
	}()
	<-arrived
	closed := make(chan error)
	go func() { closed <- f.ts.Close() }()
	close(release)
	if got := <-done; got.err != nil || got.res.Status != 200 {
		t.Errorf("in-flight request got %d, %v; want 200", got.res.Status, got.err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := f.ts.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestContextCancelStops checks that cancelling Start's context stops the
// server, and that Listener is used when given.
func TestContextCancelStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	s, err := Start(ctx, Config{Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.URL(), "https://"+ln.Addr().String(); got != want {
		t.Errorf("URL %q, want %q", got, want)
	}
	cancel()
	if err := s.Close(); err != nil { // waits for the cancel-triggered close
		t.Fatal(err)
	}
	if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Errorf("still accepting after cancel (and closing that connection: %v)", conn.Close())
	}
}

// TestConfigErrors checks bad configurations fail with clear errors.
func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"environment", Config{Environment: "staging"}, "unknown environment"},
		{"negative", Config{MaxPayload: -1}, "negative MaxPayload"},
		{"choice", Config{Choices: Choices{TopicSuffixReason: "Nope"}}, "not an APNs reason"},
		{"key", Config{Keys: []KeyInfo{{KeyID: "K"}}}, "empty team id"},
		{"fault", Config{Faults: []FaultRule{{Reason: "Nope"}}}, "unknown reason"},
		{"addr", Config{Addr: "256.0.0.1:99999"}, "listen"},
	}
	for _, tc := range tests {
		s, err := Start(t.Context(), tc.cfg)
		if err == nil {
			if err := s.Close(); err != nil {
				t.Errorf("%s: close: %v", tc.name, err)
			}
			t.Errorf("%s: Start accepted %+v", tc.name, tc.cfg)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q lacks %q", tc.name, err, tc.want)
		}
	}
}

// TestNoGoroutineLeak checks that a server and its clients leave no
// goroutine behind once closed. It waits for goroutines to finish exiting,
// but asserts nothing about how long that takes.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := Start(t.Context(), Config{H2CAddr: "127.0.0.1:0", Router: testRouter()})
	if err != nil {
		t.Fatal(err)
	}
	key, err := GenerateSigningKey("", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterKey(key.Info()); err != nil {
		t.Fatal(err)
	}
	client := s.APNS2Client(key)
	for range 3 {
		if _, err := client.PushWithContext(t.Context(), alert(tokOK)); err != nil {
			t.Fatal(err)
		}
	}
	c, tr := h2Client(nil)
	send(t, c, s.H2CURL(), "POST", "/3/device/"+tokOK, http.Header{}, payload)
	client.CloseIdleConnections()
	tr.CloseIdleConnections()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after := runtime.NumGoroutine()
	for i := 0; i < 200 && after > before; i++ {
		time.Sleep(10 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after Close:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
