package fakeapns

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// frameConn is one accepted connection as net/http sees it: TLS is
// terminated here (for the TLS listener), so net/http serves plaintext
// HTTP/2 with prior knowledge on every connection, and every HTTP/2 frame
// the server writes passes through Write, where the frame layer can watch
// it. Watching costs a scan of the 9-byte frame headers and nothing else.
type frameConn struct {
	net.Conn           // the *tls.Conn, or the TCP connection for h2c
	tls      *tls.Conn // nil for h2c
	id       uint64    // 1, 2, … in order of acceptance, per server

	// h2 is set once the client's preface has been read.
	h2 atomic.Bool
	rd prefaceScanner

	wmu sync.Mutex
	ws  frameScanner
	// goAwayWritten is set once a GOAWAY frame has gone out.
	goAwayWritten bool
	// closeAfterWrite asks Write to close the connection once the write
	// in progress, or the next one, is done (see closeWhenFlushed).
	closeAfterWrite bool
	closed          bool
}

// frameListener wraps each accepted connection in a frameConn, with TLS
// when tlsCfg is set.
type frameListener struct {
	net.Listener
	tlsCfg *tls.Config
	nextID *atomic.Uint64
}

func (l *frameListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	fc := &frameConn{Conn: c, id: l.nextID.Add(1)}
	if l.tlsCfg != nil {
		fc.tls = tls.Server(c, l.tlsCfg)
		fc.Conn = fc.tls
	}
	return fc, nil
}

// asFrameConn finds the frameConn under a connection net/http hands to a
// hook: the frameConn itself, or the *tls.Conn shell net/http wraps
// around an unencrypted HTTP/2 connection.
func asFrameConn(c net.Conn) *frameConn {
	for range 2 {
		switch v := c.(type) {
		case *frameConn:
			return v
		case *tls.Conn:
			c = v.NetConn()
		default:
			return nil
		}
	}
	return nil
}

// tlsState is the connection's TLS state, nil for h2c.
func (c *frameConn) tlsState() *tls.ConnectionState {
	if c.tls == nil {
		return nil
	}
	st := c.tls.ConnectionState()
	return &st
}

// Read passes the client's bytes to net/http, noting the HTTP/2 preface.
func (c *frameConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.rd.done {
		if c.rd.scan(p[:n]) {
			c.h2.Store(true)
		}
	}
	return n, err
}

// Write passes the server's bytes to the client, watching HTTP/2 frames.
func (c *frameConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.h2.Load() {
		c.ws.scan(p, c.onFrameHeader)
	}
	n, err := c.Conn.Write(p)
	if c.closeAfterWrite && !c.closed {
		c.closed = true
		closeConnAsync(c.Conn)
	}
	return n, err
}

func (c *frameConn) onFrameHeader(h frameHeader) {
	if h.typ == frameGoAway {
		c.goAwayWritten = true
	}
}

// closeWhenFlushed closes the connection after its next write: the
// HTTP/2 server calls the ConnState hook with StateIdle after it has
// buffered a stream's last frame but before flushing it, and after a
// graceful shutdown starts, the GOAWAY is still to be written. If no
// write comes (both were flushed already), the connection is closed after
// a short grace.
func (c *frameConn) closeWhenFlushed() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return
	}
	c.closeAfterWrite = true
	time.AfterFunc(flushGrace, func() {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		if !c.closed {
			c.closed = true
			closeConnAsync(c.Conn)
		}
	})
}

// flushGrace is how long closeWhenFlushed waits for a write that may not
// come. A loopback peer sees no difference; it only bounds Close.
const flushGrace = 50 * time.Millisecond

// HTTP/2 frame types (RFC 9113 section 6).
const (
	frameData         = 0x0
	frameHeaders      = 0x1
	frameRSTStream    = 0x3
	frameSettings     = 0x4
	framePing         = 0x6
	frameGoAway       = 0x7
	frameContinuation = 0x9
)

// frameHeader is the 9-byte header of an HTTP/2 frame.
type frameHeader struct {
	length   int
	typ      byte
	flags    byte
	streamID uint32
}

// frameScanner finds frame headers in a byte stream cut into arbitrary
// pieces, without copying payloads.
type frameScanner struct {
	hdr  [9]byte
	nhdr int // header bytes seen of the current frame
	left int // payload bytes of the current frame still to come
}

// scan walks p, calling on for each frame header completed in it.
func (s *frameScanner) scan(p []byte, on func(frameHeader)) {
	for len(p) > 0 {
		if s.left > 0 {
			k := min(s.left, len(p))
			s.left -= k
			p = p[k:]
			continue
		}
		k := copy(s.hdr[s.nhdr:], p)
		s.nhdr += k
		p = p[k:]
		if s.nhdr < len(s.hdr) {
			return
		}
		s.nhdr = 0
		h := parseFrameHeader(s.hdr[:])
		s.left = h.length
		on(h)
	}
}

func parseFrameHeader(b []byte) frameHeader {
	return frameHeader{
		length:   int(b[0])<<16 | int(b[1])<<8 | int(b[2]),
		typ:      b[3],
		flags:    b[4],
		streamID: (uint32(b[5])<<24 | uint32(b[6])<<16 | uint32(b[7])<<8 | uint32(b[8])) & (1<<31 - 1),
	}
}

// clientPreface opens every HTTP/2 connection (RFC 9113 section 3.4).
const clientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// prefaceScanner tells an HTTP/2 connection from an HTTP/1 one by its
// first bytes.
type prefaceScanner struct {
	seen int
	done bool
}

// scan reports whether the preface has just been completed.
func (s *prefaceScanner) scan(p []byte) bool {
	for _, b := range p {
		if b != clientPreface[s.seen] {
			s.done = true
			return false
		}
		s.seen++
		if s.seen == len(clientPreface) {
			s.done = true
			return true
		}
	}
	return false
}
