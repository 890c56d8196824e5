package fakeapns

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
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

// BenchmarkRoundTripH2C compares, over real h2c connections on loopback,
// a bare handler that reads the body and answers 200 with the fake's
// accepted push (the b/a of the load script, in-process).
func BenchmarkRoundTripH2C(b *testing.B) {
	k := fuzzKey(b)
	s, err := Start(b.Context(), Config{H2CAddr: "127.0.0.1:0", Keys: []KeyInfo{k.Info()}, Router: testRouter()})
	if err != nil {
		b.Fatal(err)
	}
	closeAtEnd(b, s)
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}), Protocols: s.h2cSrv.Protocols, HTTP2: s.h2cSrv.HTTP2}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = bare.Serve(ln) }()
	closeAtEnd(b, bare)
	// The fake checks iat against the wall clock here.
	auth := bearer(b, k, time.Now())
	for _, tc := range []struct{ name, url string }{{"bare", "http://" + ln.Addr().String()}, {"fake", s.H2CURL()}} {
		b.Run(tc.name, func(b *testing.B) {
			c, tr := h2Client(nil)
			defer tr.CloseIdleConnections()
			b.ReportAllocs()
			b.SetParallelism(50)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("POST", tc.url+"/3/device/"+tokOK, strings.NewReader(payload))
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
