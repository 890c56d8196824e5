package fakeapns

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// nopWriter is the cheapest ResponseWriter, so the benchmarks measure the
// handler, not a recorder.
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(s int)           { w.status = s }

// benchRequest is a valid alert push on one connection.
func benchRequest(b *testing.B, k *SigningKey) (*http.Request, *bytes.Reader) {
	body := bytes.NewReader([]byte(payload))
	r := &http.Request{
		Method: "POST", URL: &url.URL{Path: "/3/device/" + tokOK}, ProtoMajor: 2,
		Header: http.Header{
			"Authorization":  {bearer(b, k, epoch)},
			"Apns-Topic":     {topic},
			"Apns-Push-Type": {"alert"},
			"Apns-Id":        {"123e4567-e89b-12d3-a456-426614174000"},
		},
		Body: io.NopCloser(body), ContentLength: int64(len(payload)),
	}
	return r.WithContext(connContext(context.Background(), nil)), body
}

// BenchmarkHandler is one accepted request through the whole handler:
// JWT (cached), validation, routing, the Record, the response.
func BenchmarkHandler(b *testing.B) {
	s, k := fuzzServer(b)
	r, body := benchRequest(b, k)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		body.Seek(0, io.SeekStart)
		clear(w.h)
		s.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkValidate is steps 5–7 of apns.md#U01 on an authenticated
// request: headers, body, token format.
func BenchmarkValidate(b *testing.B) {
	s, k := fuzzServer(b)
	r, _ := benchRequest(b, k)
	body := []byte(payload)
	b.ReportAllocs()
	for b.Loop() {
		q := request{r: r, body: body, apnsIDValid: true, key: k.Info()}
		q.n.Token, q.n.Topic, q.n.PushType = tokOK, topic, "alert"
		if rej := s.checkHeaders(&q); rej != nil {
			b.Fatal(rej)
		}
		if rej := s.checkBody(&q); rej != nil {
			b.Fatal(rej)
		}
		if rej := s.checkToken(&q); rej != nil {
			b.Fatal(rej)
		}
	}
}

// BenchmarkJWTVerifyUncached is a full ES256 verification of a new token.
func BenchmarkJWTVerifyUncached(b *testing.B) {
	s, k := fuzzServer(b)
	raw := bearer(b, k, epoch)[len("bearer "):]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verifyJWT(s.parser, raw, s.lookupKey); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJWTVerifyCached is step 4 of apns.md#U01 for a token already
// verified on this connection: the hot path.
func BenchmarkJWTVerifyCached(b *testing.B) {
	s, k := fuzzServer(b)
	r, _ := benchRequest(b, k)
	cs := connFrom(r.Context())
	b.ReportAllocs()
	for b.Loop() {
		q := request{r: r, conn: cs, now: epoch}
		if rej := s.checkAuth(&q); rej != nil {
			b.Fatal(rej)
		}
	}
}

// BenchmarkRoundTrip measures accepted pushes over real connections on
// loopback, 50 at a time from Go's HTTP/2 client, over h2c and TLS: a bare
// handler that reads the body and answers 200 (the b/a of the load
// script, in-process), the fake as it was before the frame layer
// ("netHTTP": net/http alone), and the fake with the frame layer and no
// frame fault ("frames"). The frame layer's cost is frames/netHTTP. Wall
// time per push swings with other load on the machine; cpu-ns/op, the
// process's CPU time (client and server) per push, is steadier.
func BenchmarkRoundTrip(b *testing.B) {
	k := fuzzKey(b)
	start := func(noFrames bool) *Server {
		s, err := Start(b.Context(), Config{H2CAddr: "127.0.0.1:0", Keys: []KeyInfo{k.Info()}, Router: testRouter(), noFrameLayer: noFrames})
		if err != nil {
			b.Fatal(err)
		}
		closeAtEnd(b, s)
		return s
	}
	withFrames, without := start(false), start(true)
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}), Protocols: without.h2cSrv.Protocols, HTTP2: without.h2cSrv.HTTP2}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = bare.Serve(ln) }()
	closeAtEnd(b, bare)
	// The fake checks iat against the wall clock here.
	auth := bearer(b, k, time.Now())
	type target struct{ name, url string }
	for _, tr := range []struct {
		name    string
		tls     bool
		targets []target
	}{
		{"h2c", false, []target{{"bare", "http://" + ln.Addr().String()}, {"netHTTP", without.H2CURL()}, {"frames", withFrames.H2CURL()}}},
		{"tls", true, []target{{"netHTTP", without.URL()}, {"frames", withFrames.URL()}}},
	} {
		for _, tg := range tr.targets {
			b.Run(tr.name+"/"+tg.name, func(b *testing.B) {
				var tlsCfg *tls.Config
				if tr.tls {
					tlsCfg = withFrames.ClientTLSConfig() // one CA per server: trust both
					tlsCfg.RootCAs.AddCert(without.CA().Certificate())
				}
				c, t := h2Client(tlsCfg)
				defer t.CloseIdleConnections()
				b.ReportAllocs()
				b.SetParallelism(50)
				cpu0 := cpuTime(b)
				defer func() { b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op") }()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest("POST", tg.url+"/3/device/"+tokOK, strings.NewReader(payload))
						req.Header = http.Header{"Authorization": {auth}, "Apns-Topic": {topic}, "Apns-Push-Type": {"alert"}}
						resp, err := c.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						if err := resp.Body.Close(); err != nil {
							b.Error(err)
							return
						}
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkCloseIdleClient is a server's whole life with a client that
// keeps its idle connection open (as apns2 does): Start, one push, Close.
// Close must not wait for the client to hang up (issue 17 point 11).
func BenchmarkCloseIdleClient(b *testing.B) {
	key := fuzzKey(b)
	for b.Loop() {
		s, err := Start(b.Context(), Config{Keys: []KeyInfo{key.Info()}, Router: testRouter()})
		if err != nil {
			b.Fatal(err)
		}
		client := s.APNS2Client(key)
		if _, err := client.PushWithContext(b.Context(), alert(tokOK)); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		client.CloseIdleConnections()
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stubConn feeds a fixed byte stream to Read, over and over, and
// discards writes: the frame layer alone, without a network.
type stubConn struct {
	net.Conn
	in  []byte
	off int
}

func (c *stubConn) Read(p []byte) (int, error) {
	n := copy(p, c.in[c.off:])
	c.off = (c.off + n) % len(c.in)
	return n, nil
}

func (c *stubConn) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkFrameLayer is the frame layer's work for one accepted push with
// no frame fault active: the request's HEADERS and DATA through Read, the
// answer's HEADERS through Write. Compare with BenchmarkHandler and the
// round trip: this is what the frame layer adds to each push.
func BenchmarkFrameLayer(b *testing.B) {
	var req, resp, block bytes.Buffer
	fr := http2.NewFramer(&req, nil)
	enc := hpack.NewEncoder(&block)
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "https"}, {":path", "/3/device/" + tokOK}, {":authority", "apns"},
		{"authorization", "bearer " + strings.Repeat("x", 180)}, {"apns-topic", topic}, {"apns-push-type", "alert"}} {
		if err := enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]}); err != nil {
			b.Fatal(err)
		}
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes(), EndHeaders: true}); err != nil {
		b.Fatal(err)
	}
	if err := fr.WriteData(1, true, []byte(payload)); err != nil {
		b.Fatal(err)
	}
	block.Reset()
	for _, f := range [][2]string{{":status", "200"}, {"apns-id", NewUUID()}, {"apns-unique-id", NewUUID()}} {
		if err := enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1], Sensitive: true}); err != nil {
			b.Fatal(err)
		}
	}
	if err := http2.NewFramer(&resp, nil).WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: true}); err != nil {
		b.Fatal(err)
	}
	s, _ := fuzzServer(b)
	c := &frameConn{Conn: &stubConn{in: req.Bytes()}, s: s, seenSettings: true}
	c.h2.Store(true)
	c.rd.preface.done = true
	buf := make([]byte, 4096)
	out := resp.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if n, err := c.Read(buf[:req.Len()]); err != nil || n != req.Len() {
			b.Fatalf("read %d, %v", n, err)
		}
		if _, err := c.Write(out); err != nil {
			b.Fatal(err)
		}
	}
}
