package fakeapns

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
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

	closeOnce sync.Once
	open      *atomic.Int64 // the listener's count of open connections

	wmu sync.Mutex
	ws  frameScanner
	// goAwayWritten is set once a GOAWAY frame has gone out.
	goAwayWritten bool
	// closeAfterWrite asks Write to close the connection once the write
	// in progress, or the next one, is done (see closeWhenFlushed).
	closeAfterWrite bool
	closed          bool
}

// Close closes the connection once and frees its place under
// Config.MaxConnections.
func (c *frameConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() { c.open.Add(-1) })
	return err
}

// frameListener wraps each accepted connection in a frameConn, with TLS
// when tlsCfg is set, and refuses connections beyond the limit.
type frameListener struct {
	net.Listener
	tlsCfg *tls.Config
	s      *Server
}

func (l *frameListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		s := l.s
		if s.openConns.Add(1) > int64(s.cfg.MaxConnections) {
			s.openConns.Add(-1)
			s.refuseConn(c, l.tlsCfg)
			continue
		}
		fc := &frameConn{Conn: c, id: s.connIDs.Add(1), open: &s.openConns}
		if l.tlsCfg != nil {
			fc.tls = tls.Server(c, l.tlsCfg)
			fc.Conn = fc.tls
		}
		return fc, nil
	}
}

// refuseConn answers a connection over Config.MaxConnections with a clear
// HTTP/2 error instead of a silent reset: SETTINGS, then GOAWAY
// ENHANCE_YOUR_CALM with last-stream-id 0 (no request was processed, so a
// client may retry elsewhere) and debug data in the shape of apns.md#T11
// plus the limit, then close. Apple documents no connection limit; this
// bound protects the fake and the machine it runs on.
func (s *Server) refuseConn(c net.Conn, tlsCfg *tls.Config) {
	s.refuseWG.Go(func() {
		defer func() { _ = c.Close() }() // the peer may be gone already; nothing to report
		// Bounded: a client that never reads must not keep this goroutine.
		if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
			return
		}
		if tlsCfg != nil {
			tc := tls.Server(c, tlsCfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
		}
		debug := fmt.Sprintf(`{"reason":%q,"fakeapns":"at most %d connections (Config.MaxConnections)"}`, ReasonServiceUnavailable, s.cfg.MaxConnections)
		fr := http2.NewFramer(c, nil)
		if fr.WriteSettings() != nil || fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, []byte(debug)) != nil {
			return
		}
		s.logf("fakeapns: refused a connection from %s: %d connections open (Config.MaxConnections)", c.RemoteAddr(), s.cfg.MaxConnections)
		lingerClose(c)
	})
}

// lingerClose ends the sending half, then reads what the client still
// sends until it hangs up (or the deadline passes) before closing: closing
// with unread bytes (the client's preface) makes the kernel send a TCP
// RST, and the client may then lose the frames just written.
func lingerClose(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		if cw.CloseWrite() != nil {
			return
		}
	}
	_, _ = io.Copy(io.Discard, c) // ends at EOF or at the deadline; either is the end
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
