package fakeapns

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestRateLimit checks the optional per-token limit (apns.md#U22, E54).
func TestRateLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RateLimit = RateLimit{Pushes: 2, Window: time.Minute} })
	c, tr := h2Client(f.ts.ClientTLSConfig())
	defer tr.CloseIdleConnections()
	h := f.header(t, nil)
	push := func(token string) result {
		return send(t, c, f.ts.URL(), "POST", "/3/device/"+token, h, payload).result
	}
	var got []result
	for range 3 {
		got = append(got, push(tokOK))
	}
	got = append(got, push(tokVoIP)) // another token has its own budget (DeviceTokenNotForTopic here)
	f.clock.Advance(time.Minute)
	got = append(got, push(tokOK))
	want := []result{
		{Status: 200}, {Status: 200}, {Status: 429, Reason: ReasonTooManyRequests},
		{Status: 400, Reason: ReasonDeviceTokenNotForTopic},
		{Status: 200},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// rawConn is a hand-driven h2c connection for frames no client library
// sends.
type rawConn struct {
	conn net.Conn
	fr   *http2.Framer
	// pending are frames dialFramer read while it waited for the
	// server's first SETTINGS; frames returns them first.
	pending []string
}

func dialRaw(t *testing.T, h2cURL string) *rawConn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(h2cURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, conn)
	// A deadline only so that a broken server fails the test instead of
	// hanging it; nothing is asserted about time.
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return &rawConn{conn: conn, fr: fr}
}

// until reads frames until one ends the stream or the connection, and
// describes it.
func (c *rawConn) until() string {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "EOF"
			}
			return "error: " + err.Error()
		}
		switch f := f.(type) {
		case *http2.RSTStreamFrame:
			return "RST_STREAM " + f.ErrCode.String()
		case *http2.GoAwayFrame:
			return "GOAWAY " + f.ErrCode.String()
		case *http2.HeadersFrame:
			return "HEADERS"
		}
	}
}

// TestBrokenHTTP2 checks that malformed HTTP/2 gets a protocol error, not
// an APNs reason and not a crash (apns.md#H21), and that the server keeps
// serving.
func TestBrokenHTTP2(t *testing.T) {
	f := newFixture(t)
	headers := func(fields ...string) []byte {
		var buf bytes.Buffer
		enc := hpack.NewEncoder(&buf)
		for i := 0; i+1 < len(fields); i += 2 {
			if err := enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]}); err != nil {
				t.Fatal(err)
			}
		}
		return buf.Bytes()
	}
	base := []string{":method", "POST", ":scheme", "http", ":path", "/3/device/" + tokOK, ":authority", "apns"}
	tests := []struct {
		id    string
		write func(c *rawConn) error
		want  string
	}{
		{"H21 uppercase name", func(c *rawConn) error {
			return c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: headers(append(base, "Apns-Topic", topic)...), EndStream: true, EndHeaders: true})
		}, "RST_STREAM PROTOCOL_ERROR"},
		{"garbage HPACK", func(c *rawConn) error {
			return c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: []byte{0xff, 0xff, 0xff, 0xff}, EndStream: true, EndHeaders: true})
		}, "GOAWAY COMPRESSION_ERROR"},
		{"oversized frame", func(c *rawConn) error {
			_, err := c.conn.Write([]byte{0xff, 0xff, 0xff, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1})
			return err
		}, "GOAWAY FRAME_SIZE_ERROR"},
		{"even stream id", func(c *rawConn) error {
			return c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 2, BlockFragment: headers(base...), EndStream: true, EndHeaders: true})
		}, "GOAWAY PROTOCOL_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			c := dialRaw(t, f.ts.H2CURL())
			if err := tc.write(c); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, c.until()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	// Still serving.
	cl, tr := h2Client(nil)
	defer tr.CloseIdleConnections()
	if got := send(t, cl, f.ts.H2CURL(), "POST", "/3/device/"+tokOK, f.header(t, nil), payload).Status; got != 200 {
		t.Errorf("after broken frames: status %d, want 200", got)
	}
}

// TestIdleTimeoutGoAway checks the optional idle close (apns.md#U04): an
// idle connection gets GOAWAY. The test waits for the frame; it asserts
// nothing about when it comes.
func TestIdleTimeoutGoAway(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.IdleTimeout = 20 * time.Millisecond })
	c := dialRaw(t, f.ts.H2CURL())
	if got := c.until(); got != "GOAWAY NO_ERROR" && got != "EOF" {
		t.Errorf("idle connection got %q, want GOAWAY NO_ERROR or EOF", got)
	}
}
