package fakeapns

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// dialFramer opens a raw HTTP/2 connection to base (https:// or http://),
// sends the preface and an empty SETTINGS, and returns the framer.
func dialFramer(t *testing.T, ts *TestServer, base string) *rawConn {
	t.Helper()
	scheme, addr, _ := strings.Cut(base, "://")
	var conn net.Conn
	var err error
	if scheme == "https" {
		conn, err = tls.Dial("tcp", addr, ts.ClientTLSConfig())
	} else {
		conn, err = net.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close() // the server may have closed it first: these tests provoke that
	})
	// Only so that a broken server fails the test instead of hanging it;
	// nothing is asserted about time.
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	c := &rawConn{conn: conn, fr: fr}
	// Wait for the server's SETTINGS before any request, as clients do:
	// the frames then follow one order (the throttle's first SETTINGS is
	// on the wire before a push can change it, apns.md#U06).
	c.pending = c.frames(t, func(line string) bool { return strings.HasPrefix(line, "SETTINGS ") || strings.HasPrefix(line, "END") })
	return c
}

// post opens stream id with a push to token, authorised by auth.
func (c *rawConn) post(t *testing.T, id uint32, token, auth string) {
	t.Helper()
	c.open(t, id, token, auth, false)
	if err := c.fr.WriteData(id, true, []byte(payload)); err != nil {
		t.Fatal(err)
	}
}

// open sends the HEADERS of a push to token on stream id, ending the
// stream there (no body) when end is set.
func (c *rawConn) open(t *testing.T, id uint32, token, auth string, end bool) {
	t.Helper()
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for _, f := range [][2]string{
		{":method", "POST"}, {":scheme", "https"}, {":path", "/3/device/" + token}, {":authority", "apns"},
		{"authorization", auth}, {"apns-topic", topic}, {"apns-push-type", "alert"},
	} {
		if err := enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: buf.Bytes(), EndHeaders: true, EndStream: end}); err != nil {
		t.Fatal(err)
	}
}

// frames reads frames until stop says so, or the connection ends, and
// describes each on one line (SETTINGS ACKs, WINDOW_UPDATEs and PINGs
// are answered or skipped, not described).
func (c *rawConn) frames(t *testing.T, stop func(line string) bool) []string {
	t.Helper()
	var out []string
	for len(c.pending) > 0 {
		line := c.pending[0]
		c.pending = c.pending[1:]
		out = append(out, line)
		if stop(line) {
			return out
		}
	}
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			return append(out, "END "+endOf(err))
		}
		line := describeFrame(f)
		if line == "" {
			if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
				if err := c.fr.WriteSettingsAck(); err != nil {
					return append(out, "END "+endOf(err))
				}
			}
			continue
		}
		out = append(out, line)
		if stop(line) {
			return out
		}
	}
}

func endOf(err error) string {
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return "timeout"
	}
	return "EOF"
}

// describeFrame is a frame's type and the fields the tests assert, or ""
// for frames they ignore.
func describeFrame(f http2.Frame) string {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			return ""
		}
		var vals []string
		_ = f.ForeachSetting(func(s http2.Setting) error {
			if s.ID == http2.SettingMaxConcurrentStreams {
				vals = append(vals, fmt.Sprintf("MAX_CONCURRENT_STREAMS=%d", s.Val))
			}
			return nil
		})
		if len(vals) == 0 {
			return ""
		}
		return "SETTINGS " + strings.Join(vals, " ")
	case *http2.GoAwayFrame:
		return fmt.Sprintf("GOAWAY %s last=%d debug=%s", f.ErrCode, f.LastStreamID, f.DebugData())
	case *http2.RSTStreamFrame:
		return fmt.Sprintf("RST_STREAM stream=%d %s", f.StreamID, f.ErrCode)
	case *http2.MetaHeadersFrame:
		return fmt.Sprintf("HEADERS stream=%d :status=%s", f.StreamID, f.PseudoValue("status"))
	case *http2.DataFrame:
		if len(f.Data()) == 0 {
			return ""
		}
		return fmt.Sprintf("DATA stream=%d %s", f.StreamID, f.Data())
	case *http2.PingFrame:
		if f.IsAck() {
			return fmt.Sprintf("PING ACK %x", f.Data)
		}
	}
	return ""
}

// TestConnectionLimit checks Config.MaxConnections over TLS and h2c: the
// connection over the limit gets a clear GOAWAY, and a place freed is
// taken again (issue 16 point 6).
func TestConnectionLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxConnections = 1 })
	for _, base := range []string{f.ts.URL(), f.ts.H2CURL()} {
		first := dialFramer(t, f.ts, base)
		first.post(t, 1, tokOK, f.header(t, nil).Get("authorization"))
		first.frames(t, func(l string) bool { return strings.HasPrefix(l, "HEADERS") })
		over := dialFramer(t, f.ts, base)
		got := over.frames(t, func(l string) bool { return strings.HasPrefix(l, "GOAWAY") })
		want := []string{`GOAWAY ENHANCE_YOUR_CALM last=0 debug={"reason":"ServiceUnavailable","fakeapns":"at most 1 connections (Config.MaxConnections)"}`}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: connection over the limit (-want +got)\n%s", base, diff)
		}
		if err := first.conn.Close(); err != nil {
			t.Fatal(err)
		}
		// The server notices the close on its own goroutine: retry,
		// bounded in count, until the place is free.
		var last []string
		for i := 0; ; i++ {
			c := dialFramer(t, f.ts, base)
			c.post(t, 1, tokOK, f.header(t, nil).Get("authorization"))
			last = c.frames(t, func(l string) bool { return strings.HasPrefix(l, "HEADERS") || strings.HasPrefix(l, "GOAWAY") })
			if err := c.conn.Close(); err != nil {
				t.Fatal(err)
			}
			last = last[len(last)-1:] // the SETTINGS before are not the point
			if last[0] == "HEADERS stream=1 :status=200" || i == 100 {
				t.Logf("%s: served after %d refusals", base, i)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if diff := cmp.Diff([]string{"HEADERS stream=1 :status=200"}, last); diff != "" {
			t.Errorf("%s: after the first connection closed (-want +got)\n%s", base, diff)
		}
		for i := 0; f.ts.openConns.Load() != 0; i++ { // wait for that connection to be gone too
			if i == 100 {
				t.Fatalf("%s: %d connections still open", base, f.ts.openConns.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestStreamLimit checks Config.MaxConcurrentStreams over TLS and h2c: a
// stream over the limit gets RST_STREAM REFUSED_STREAM while the first is
// in flight, which then completes (issue 16 point 6).
func TestStreamLimit(t *testing.T) {
	hold := make(chan struct{})
	router := testRouter()
	f := newFixture(t, func(c *Config) {
		c.MaxConcurrentStreams = 1
		c.Router = RouterFunc(func(ctx context.Context, n Notification) error {
			select {
			case <-hold:
			case <-ctx.Done():
			}
			return router.Route(ctx, n)
		})
	})
	auth := f.header(t, nil).Get("authorization")
	for _, base := range []string{f.ts.URL(), f.ts.H2CURL()} {
		hold = make(chan struct{})
		c := dialFramer(t, f.ts, base)
		// Read the server's SETTINGS and acknowledge them first: a server
		// may treat excess streams before that as a protocol error.
		got := c.frames(t, func(l string) bool { return strings.HasPrefix(l, "SETTINGS") })
		c.post(t, 1, tokOK, auth)
		c.open(t, 3, tokOK, auth, true)
		got = append(got, c.frames(t, func(l string) bool { return strings.HasPrefix(l, "RST_STREAM") })...)
		close(hold)
		got = append(got, c.frames(t, func(l string) bool { return strings.HasPrefix(l, "HEADERS") })...)
		want := []string{
			"SETTINGS MAX_CONCURRENT_STREAMS=1",
			"RST_STREAM stream=3 REFUSED_STREAM",
			"HEADERS stream=1 :status=200",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got)\n%s", base, diff)
		}
	}
}
