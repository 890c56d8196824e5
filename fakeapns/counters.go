package fakeapns

import (
	"net"
	"net/http"
	"sync/atomic"
)

// Counters are live counts of what servers are doing, for metrics (GitHub
// issue 18). Set Config.Counters to have a server keep them; servers may
// share one. All fields are safe for concurrent use.
type Counters struct {
	// Conns is the connections open now.
	Conns atomic.Int64
	// Streams is the requests (HTTP/2 streams) being handled now.
	Streams atomic.Int64
	// JWTVerifications counts provider tokens whose signature was checked.
	JWTVerifications atomic.Uint64
	// JWTCacheHits counts requests whose token was already verified.
	JWTCacheHits atomic.Uint64
}

// connState is an http.Server.ConnState hook counting open connections.
func (c *Counters) connState(_ net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		c.Conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		c.Conns.Add(-1)
	}
}
