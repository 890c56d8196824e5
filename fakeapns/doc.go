// Package fakeapns is a fake Apple Push Notification service: the HTTP/2
// provider API (POST /3/device/{token}) answering every request with
// Apple's status code and reason string, as gathered in
// shared/reference/apns.md, whose row ids the code cites (apns.md#E11).
//
// It speaks HTTP/2 over TLS (ALPN h2, certificates from its own CA) and
// h2c with prior knowledge; it authenticates with ES256 provider tokens
// (JWT) or client certificates; it hands each accepted notification to a
// Router and every request, accepted or not, to an Observer; and fault
// rules make it fail on purpose.
//
// In a Go test it is one line, like net/http/httptest:
//
//	func TestPush(t *testing.T) {
//		srv := fakeapns.NewServer(t) // closed by t.Cleanup
//		token := srv.AddToken("", "com.example.app")
//		resp, err := srv.Client().Push(&apns2.Notification{DeviceToken: token, Topic: "com.example.app", Payload: payload})
//		...
//	}
//
// NewServer takes an optional Config for anything else (a Router, an
// Observer, a clock, h2c, fault rules); outside a test, pass a nil t and
// close the server yourself. Close returns as soon as in-flight requests
// are answered, whether or not the clients close their connections.
//
// Below the answers, a frame layer sits between each connection and
// net/http's HTTP/2 server (TLS ends before net/http): it sends Apple's
// GOAWAY debug data ({"reason":"Shutdown"} on Close, apns.md#T11),
// advertises SETTINGS_MAX_CONCURRENT_STREAMS the way APNs does (1 until a
// push succeeds, 1 again after a rejected push: apns.md#U06), and carries
// out a FaultRule's FrameFault: GOAWAY with any error code and
// last-stream-id, RST_STREAM, a half-dead connection, a cut, an idle
// close, a failed TLS handshake. Handlers mark their response; the frame
// layer turns the marked HEADERS frame into the failure on that stream.
//
// The order in which a request's problems are found is one table,
// checkOrder (apns.md#U01); the fake's other choices where Apple is silent
// are in Choices.
package fakeapns
