package fakeapns

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// frameConn is one accepted connection as net/http sees it: TLS is
// terminated here (for the TLS listener), so net/http serves plaintext
// HTTP/2 with prior knowledge on every connection, and every HTTP/2 frame
// passes through Read and Write. This is the frame layer (issue 20): it
// watches frame headers, and, when asked, injects frames (GOAWAY,
// RST_STREAM, SETTINGS), drops frames (a half-dead connection, streams
// beyond a GOAWAY's last-stream-id, the client's ACK of a SETTINGS the
// server never sent), and rewrites a few (GOAWAY debug data, the first
// SETTINGS). Request handling stays in ServeHTTP: a handler that wants a
// frame-level failure marks its response (faultHeader), and Write turns
// the marked HEADERS frame into the failure on that exact stream.
type frameConn struct {
	net.Conn           // the *tls.Conn, or the TCP connection for h2c
	tls      *tls.Conn // nil for h2c
	id       uint64    // 1, 2, … in order of acceptance, per server
	s        *Server

	// h2 is set once the client's preface has been read.
	h2 atomic.Bool
	// idle mirrors the HTTP/2 server's view: no stream open. goingAway is
	// set once an injected GOAWAY is out: the connection then closes as
	// soon as it is idle.
	idle, goingAway atomic.Bool
	rd              readState // the reading goroutine's own

	closeOnce sync.Once
	open      *atomic.Int64 // the server's count of open connections

	wmu sync.Mutex // guards everything below; Write holds it
	ws  frameScanner
	act frameAction // what happens to the rest of the current frame
	// held collects a frame Write rewrites as a whole.
	held []byte
	out  []byte
	// pending are injected frames waiting for a frame boundary.
	pending []byte
	// marked counts responses marked for a frame fault not yet written.
	marked int
	// resets are streams whose HEADERS became RST_STREAM: their other
	// frames are dropped.
	resets map[uint32]bool
	// blackhole drops every frame from now on (a half-dead connection).
	blackhole bool
	// afterStream is a frame to send once stream afterID has ended: the
	// GOAWAY that follows an answer.
	afterStream []byte
	afterID     uint32
	// goneAway is set by an injected GOAWAY: frames of streams above
	// lastID, and the server's own GOAWAYs, are dropped.
	goneAway bool
	lastID   uint32
	// throttled: the first SETTINGS advertises one stream (apns.md#U06).
	throttled    bool
	seenSettings bool
	advertised   uint32
	// early is what advertise asked for before the server's first
	// SETTINGS reached the wire (net/http buffers it, and a handler can
	// answer first); that SETTINGS then carries it instead of 1.
	early uint32
	// settingsQ lists, in order, the SETTINGS frames sent and not yet
	// acknowledged, and whether each was injected here (its ACK is then
	// dropped).
	settingsQ []sentSettings
	// limit is the MAX_CONCURRENT_STREAMS the client last acknowledged, 0
	// before it acknowledged one; a higher value on its way binds at once
	// (the client may have applied it, RFC 9113 section 6.5.3). boundary
	// is how many streams the client had opened when it acknowledged the
	// limit: those it opened not knowing of it. entered and active count
	// this connection's requests, begun and in progress (apns.md#U83).
	limit    uint32
	boundary uint64
	entered  uint64
	active   uint32
	// goAwayWritten is set once a GOAWAY frame has gone out.
	goAwayWritten bool
	// closeAfterWrite asks Write to close the connection once the write
	// in progress, or the next one, is done (see closeWhenFlushed).
	closeAfterWrite bool
	// hangUp asks Write to close at once after this write, for a cut.
	hangUp bool
	// shutWrite asks Write to end the sending half after this write, for
	// a GOAWAY with an error code.
	shutWrite bool
	closed    bool
}

// sentSettings is one SETTINGS frame awaiting its ACK: whether it was
// injected here, and the MAX_CONCURRENT_STREAMS it carried (0: none).
type sentSettings struct {
	injected bool
	streams  uint32
}

type frameAction uint8

const (
	actPass frameAction = iota
	actDrop
	actHold
)

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
		fc := &frameConn{Conn: c, id: s.connIDs.Add(1), open: &s.openConns, s: s, throttled: !s.cfg.Choices.NoStreamThrottle}
		if l.tlsCfg != nil {
			cfg := l.tlsCfg
			if f, _ := s.faults.fire(atHandshake, "", "", "", fc.id); f != nil {
				cfg = failingHandshake(cfg)
			}
			fc.tls = tls.Server(c, cfg)
			fc.Conn = fc.tls
		}
		return fc, nil
	}
}

// failingHandshake is cfg failing every handshake once the ClientHello is
// read: crypto/tls then sends an internal_error alert (FrameTLSHandshake).
func failingHandshake(cfg *tls.Config) *tls.Config {
	cfg = cfg.Clone()
	cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		return nil, errors.New("fakeapns: TLS handshake failure (fault rule)")
	}
	return cfg
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

// readState is the frame layer's view of the client's byte stream.
type readState struct {
	preface prefaceScanner
	fs      frameScanner
	// pend holds the bytes of a frame header cut by the end of a read,
	// kept back until the header is whole.
	pend  [9]byte
	npend int
	// handshook is set once the TLS handshake is known to be complete.
	handshook bool
	// lastStream is the highest stream the client opened; opened counts
	// the streams it opened, in the order of the byte stream.
	lastStream uint32
	opened     uint64
}

// Read passes the client's bytes to net/http. On an HTTP/2 connection it
// drops the client's ACKs of SETTINGS frames the frame layer injected
// (the server never sent them, and would call the ACK a protocol error).
func (c *frameConn) Read(p []byte) (int, error) {
	for {
		if c.rd.npend > 0 && len(p) < len(c.rd.pend) {
			// A kept-back header must be handed on whole. HTTP/2 framers
			// read a frame's 9-byte header in one Read, so this never
			// happens with net/http; it only stops a spin.
			return 0, io.ErrShortBuffer
		}
		k := copy(p, c.rd.pend[:c.rd.npend])
		c.rd.npend = 0
		n, err := c.Conn.Read(p[k:])
		if err != nil && c.tls != nil && !c.rd.handshook {
			c.logHandshake(err)
		}
		n += k
		if n > 0 {
			n = c.filterRead(p[:n])
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// logHandshake reports a failed TLS handshake to Config.ErrorLog, as
// net/http did when it terminated TLS itself.
func (c *frameConn) logHandshake(err error) {
	if c.tls.ConnectionState().HandshakeComplete {
		c.rd.handshook = true
		return
	}
	if errors.Is(err, io.EOF) {
		return // a client that connected and left: not an error
	}
	c.s.logf("http: TLS handshake error from %s: %v", c.RemoteAddr(), err)
}

// filterRead scans p, removing injected-SETTINGS ACKs, and returns how
// many bytes of p to hand on.
func (c *frameConn) filterRead(p []byte) int {
	rd := &c.rd
	i := 0
	if !rd.preface.done {
		before := rd.preface.seen
		if rd.preface.scan(p) {
			c.h2.Store(true)
		}
		if !c.h2.Load() {
			return len(p)
		}
		i = len(clientPreface) - before // the preface's end within p
	}
	n := len(p)
	for i < n {
		fs := &rd.fs
		if fs.left > 0 {
			k := min(fs.left, n-i)
			fs.left -= k
			i += k
			continue
		}
		if n-i < 9 {
			// A header cut by the read: keep it back until it is whole.
			rd.npend = copy(rd.pend[:], p[i:n])
			return i
		}
		h := parseFrameHeader(p[i : i+9])
		if h.typ == frameHeaders && h.streamID&1 == 1 && h.streamID > rd.lastStream {
			rd.lastStream = h.streamID
			rd.opened++
		}
		if h.typ == frameSettings && h.flags&0x1 != 0 && c.ackSettings() {
			copy(p[i:], p[i+9:n]) // an ACK has no payload
			n -= 9
			continue
		}
		fs.left = h.length
		i += 9
	}
	return n
}

// ackSettings takes the client's ACK of the oldest unacknowledged
// SETTINGS and reports whether that one was injected (so the ACK must not
// reach the server).
func (c *frameConn) ackSettings() bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if len(c.settingsQ) == 0 {
		return false
	}
	st := c.settingsQ[0]
	c.settingsQ = c.settingsQ[1:]
	if st.streams != 0 {
		// The streams read before this ACK were opened under the old
		// limit: they are not held to the new one.
		c.limit, c.boundary = st.streams, c.rd.opened
	}
	return st.injected
}

// enter counts a request starting on the connection and reports whether
// its stream exceeds the limit the client was told of (RFC 9113 section
// 5.1.2: a stream error, here REFUSED_STREAM; apns.md#U83). Every enter is
// paired with a leave, which runs before the stream's last frame is
// written, so a client that keeps to the limit is never refused. net/http
// starts handlers in no set order, so the streams opened before the
// client acknowledged the limit are exempt as a count (boundary): a
// client that keeps to the limit waits for them all to end before it
// opens another, and by then all have entered.
func (c *frameConn) enter() (within bool) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.active++
	c.entered++
	if c.limit == 0 || c.entered <= c.boundary {
		return true
	}
	limit := c.limit
	for _, st := range c.settingsQ {
		limit = max(limit, st.streams) // sent, maybe applied, not yet acknowledged
	}
	return c.active <= limit
}

// leave counts a request finished.
func (c *frameConn) leave() {
	c.wmu.Lock()
	c.active--
	c.wmu.Unlock()
}

// Write passes the server's bytes to the client through the frame layer.
func (c *frameConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if !c.h2.Load() || c.closed {
		return c.Conn.Write(p)
	}
	out := c.filterWrite(p)
	var err error
	if len(out) > 0 {
		_, err = c.Conn.Write(out)
	}
	c.afterWrite()
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// afterWrite carries out the closes a write asked for.
func (c *frameConn) afterWrite() {
	if c.goneAway && !c.goingAway.Load() {
		c.goingAway.Store(true)
		if c.idle.Load() {
			c.closeAfterWrite = true
		}
	}
	switch {
	case c.closed:
	case c.hangUp:
		c.closed = true
		closeConnAsync(c.Conn)
	case c.shutWrite:
		// FIN after the GOAWAY, so that the client reads it before the
		// end; the close follows after a grace.
		c.shutWrite, c.closeAfterWrite = false, false
		if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite() // best effort: the close after the grace follows anyway
		}
		c.closeAfter(flushGrace)
	case c.closeAfterWrite:
		c.closed = true
		closeConnAsync(c.Conn)
	}
}

// filterWrite runs p through the frame layer into c.out.
func (c *frameConn) filterWrite(p []byte) []byte {
	out := c.out[:0]
	ws := &c.ws
	for len(p) > 0 {
		if ws.left > 0 {
			k := min(ws.left, len(p))
			switch c.act {
			case actPass:
				out = append(out, p[:k]...)
			case actHold:
				c.held = append(c.held, p[:k]...)
			}
			ws.left -= k
			p = p[k:]
			if ws.left == 0 {
				out = c.endFrame(out)
			}
			continue
		}
		k := copy(ws.hdr[ws.nhdr:], p)
		ws.nhdr += k
		p = p[k:]
		if ws.nhdr < len(ws.hdr) {
			break // kept in ws.hdr until whole
		}
		ws.nhdr = 0
		ws.cur = parseFrameHeader(ws.hdr[:])
		ws.left = ws.cur.length
		c.act = c.decide(ws.cur)
		switch c.act {
		case actPass:
			out = append(out, ws.hdr[:]...)
		case actHold:
			c.held = append(c.held[:0], ws.hdr[:]...)
		}
		if ws.left == 0 {
			out = c.endFrame(out)
		}
	}
	if ws.nhdr == 0 && ws.left == 0 && len(c.pending) > 0 {
		out = append(out, c.pending...)
		c.pending = c.pending[:0]
	}
	c.out = out
	return out
}

// decide is what happens to a frame the server writes, from its header.
func (c *frameConn) decide(h frameHeader) frameAction {
	switch {
	case c.blackhole:
		return actDrop
	case h.typ == frameGoAway:
		if c.goneAway {
			return actDrop // the injected GOAWAY already said it
		}
		c.goAwayWritten = true
		return actHold // debug data may be added (apns.md#T11, U04)
	case c.goneAway && h.streamID > c.lastID:
		return actDrop
	case h.streamID != 0 && c.resets[h.streamID]:
		if h.flags&0x1 != 0 && (h.typ == frameData || h.typ == frameHeaders) { // END_STREAM
			delete(c.resets, h.streamID)
		}
		return actDrop
	case h.typ == frameSettings && h.flags&0x1 == 0:
		return actHold
	case h.typ == frameHeaders && c.marked > 0 && h.flags&0x4 != 0: // END_HEADERS
		return actHold
	}
	return actPass
}

// endFrame finishes a frame: a held one is rewritten into out, and the
// end of a stream may release a frame waiting for it.
func (c *frameConn) endFrame(out []byte) []byte {
	if c.act != actHold {
		if h := c.ws.cur; c.afterStream != nil && h.streamID == c.afterID && h.flags&0x1 != 0 &&
			(h.typ == frameData || h.typ == frameHeaders) {
			out = append(out, c.afterStream...)
			c.afterStream = nil
		}
		return out
	}
	c.act = actPass
	h := c.ws.cur
	f := c.held
	switch h.typ {
	case frameGoAway:
		return append(out, c.rewriteGoAway(f)...)
	case frameSettings:
		return c.rewriteSettings(out, f)
	case frameHeaders:
		return c.rewriteHeaders(out, h, f)
	}
	return append(out, f...)
}

// rewriteGoAway adds Apple's debug data to a GOAWAY of the server's own
// that has none (apns.md#T11): {"reason":"Shutdown"} while the server
// shuts down, {"reason":"IdleTimeout"} for the idle close (apns.md#U04).
func (c *frameConn) rewriteGoAway(f []byte) []byte {
	if len(f) != 9+8 || binary.BigEndian.Uint32(f[13:17]) != uint32(http2.ErrCodeNo) {
		return f
	}
	reason := ReasonIdleTimeout
	if c.s.shuttingDown.Load() {
		reason = ReasonShutdown
	}
	last := binary.BigEndian.Uint32(f[9:13]) & (1<<31 - 1)
	return goAwayFrame(last, http2.ErrCodeNo, reasonJSON(reason))
}

// rewriteSettings notes a SETTINGS frame of the server's, and lowers
// MAX_CONCURRENT_STREAMS to 1 in the first one of a throttled connection
// (apns.md#U06: one stream until the first valid provider token).
func (c *frameConn) rewriteSettings(out, f []byte) []byte {
	first := !c.seenSettings
	c.seenSettings = true
	var sent sentSettings
	if first && c.throttled {
		// Certificate connections start at the configured value (U06).
		if st := c.tlsState(); st != nil && len(st.PeerCertificates) > 0 {
			c.throttled = false
		}
	}
	for i := 9; i+6 <= len(f); i += 6 {
		if binary.BigEndian.Uint16(f[i:]) != uint16(http2.SettingMaxConcurrentStreams) {
			continue
		}
		if first && c.throttled {
			binary.BigEndian.PutUint32(f[i+2:], max(1, c.early))
		}
		if first {
			c.advertised = binary.BigEndian.Uint32(f[i+2:])
		}
		sent.streams = binary.BigEndian.Uint32(f[i+2:])
	}
	c.settingsQ = append(c.settingsQ, sent)
	return append(out, f...)
}

// rewriteHeaders turns a response HEADERS frame marked by faultHeader
// into the frame-level fault it names, on that stream. The server's
// HPACK encoder keeps no dynamic table (MaxEncoderHeaderTableSize 1), so
// each block decodes alone and may be dropped or re-encoded without
// upsetting the client's decoder.
func (c *frameConn) rewriteHeaders(out []byte, h frameHeader, f []byte) []byte {
	frag := f[9:]
	if h.flags&0x8 != 0 { // PADDED
		if len(frag) == 0 || int(frag[0]) >= len(frag) {
			return append(out, f...)
		}
		frag = frag[1 : len(frag)-int(frag[0])]
	}
	if h.flags&0x20 != 0 { // PRIORITY
		if len(frag) < 5 {
			return append(out, f...)
		}
		frag = frag[5:]
	}
	fields, err := hpack.NewDecoder(4096, nil).DecodeFull(frag)
	if err != nil {
		return append(out, f...)
	}
	var mark string
	kept := fields[:0]
	for _, hf := range fields {
		if hf.Name == faultHeader {
			mark = hf.Value
			continue
		}
		kept = append(kept, hf)
	}
	if mark == "" {
		return append(out, f...)
	}
	c.marked--
	ff, err := parseFaultMark(mark)
	if err != nil {
		c.s.logf("fakeapns: frame fault on %s: %v", c.RemoteAddr(), err)
		return append(out, encodeHeaders(h, kept)...)
	}
	id := h.streamID
	end := h.flags&0x1 != 0
	dropStream := func() {
		if !end {
			if c.resets == nil {
				c.resets = map[uint32]bool{}
			}
			c.resets[id] = true
		}
	}
	switch ff.Kind {
	case FrameRSTStream:
		dropStream()
		return append(out, rstStreamFrame(id, ff.code())...)
	case FrameGoAway:
		last := id
		if ff.LastStream != LastStreamThis {
			last = max(id, 2) - 2 // this stream and every later one were not processed
		}
		g := goAwayFrame(last, ff.code(), []byte(ff.debug()))
		c.goneAway, c.lastID, c.goAwayWritten = true, last, true
		if ff.code() != http2.ErrCodeNo {
			c.shutWrite = true
		}
		if last < id {
			dropStream()
			return append(out, g...)
		}
		return c.answerThen(out, h, kept, g)
	case FrameNoPingAck:
		c.blackhole = true // already set by startBlackhole; this stream's answer goes too
		return out
	case FrameClose:
		c.hangUp = true
		return out
	case FrameCloseIdle:
		c.goneAway, c.lastID, c.goAwayWritten = true, id, true
		return c.answerThen(out, h, kept, goAwayFrame(id, http2.ErrCodeNo, reasonJSON(ReasonIdleTimeout)))
	}
	return append(out, encodeHeaders(h, kept)...)
}

// answerThen writes the answer's HEADERS, and then frame g once the
// stream has ended: at once if the HEADERS end it, else after its DATA.
func (c *frameConn) answerThen(out []byte, h frameHeader, kept []hpack.HeaderField, g []byte) []byte {
	out = append(out, encodeHeaders(h, kept)...)
	if h.flags&0x1 != 0 {
		return append(out, g...)
	}
	c.afterStream, c.afterID = g, h.streamID
	return out
}

// startBlackhole makes the connection half-dead from now on: nothing the
// server writes reaches the client (FrameNoPingAck). It starts when the
// fault fires, not when the answer is written, so that a PING the client
// sends after the push gets no ACK.
func (c *frameConn) startBlackhole() {
	c.wmu.Lock()
	c.blackhole = true
	c.wmu.Unlock()
}

// encodeHeaders re-encodes a response without its marker, as literals
// never indexed: the client's HPACK table is left exactly as it was.
func encodeHeaders(h frameHeader, fields []hpack.HeaderField) []byte {
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for _, f := range fields {
		f.Sensitive = true
		_ = enc.WriteField(f) // writes to a bytes.Buffer do not fail
	}
	flags := h.flags &^ (0x8 | 0x20) // no padding or priority in the copy
	return appendFrame(nil, frameHeaders, flags, h.streamID, buf.Bytes())
}

// inject sends a frame of the frame layer's own at the next frame
// boundary of the server's stream of frames.
func (c *frameConn) inject(f []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	if c.ws.nhdr != 0 || c.ws.left != 0 {
		c.pending = append(c.pending, f...)
		return nil
	}
	_, err := c.Conn.Write(f)
	return err
}

// advertise sends SETTINGS_MAX_CONCURRENT_STREAMS = n unless that is
// already the advertised value (apns.md#U06, U33).
func (c *frameConn) advertise(n uint32) {
	c.wmu.Lock()
	if !c.seenSettings && !c.closed {
		c.early = n
		c.wmu.Unlock()
		return
	}
	if c.advertised == n || c.closed {
		c.wmu.Unlock()
		return
	}
	c.advertised = n
	c.settingsQ = append(c.settingsQ, sentSettings{injected: true, streams: n})
	c.wmu.Unlock()
	var p [6]byte
	binary.BigEndian.PutUint16(p[:], uint16(http2.SettingMaxConcurrentStreams))
	binary.BigEndian.PutUint32(p[2:], n)
	if err := c.inject(appendFrame(nil, frameSettings, 0, 0, p[:])); err != nil {
		c.s.logf("fakeapns: SETTINGS to %s: %v", c.RemoteAddr(), err)
	}
}

// mark notes that a response marked for a frame fault is on its way.
func (c *frameConn) mark() {
	c.wmu.Lock()
	c.marked++
	c.wmu.Unlock()
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
	c.closeAfter(flushGrace)
}

// closeAfter closes the connection after d unless it is closed before;
// c.wmu is held.
func (c *frameConn) closeAfter(d time.Duration) {
	time.AfterFunc(d, func() {
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
	cur  frameHeader
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

// appendFrame appends a frame of type typ to b.
func appendFrame(b []byte, typ, flags byte, stream uint32, payload []byte) []byte {
	n := len(payload)
	b = append(b, byte(n>>16), byte(n>>8), byte(n), typ, flags)
	b = binary.BigEndian.AppendUint32(b, stream&(1<<31-1))
	return append(b, payload...)
}

func goAwayFrame(last uint32, code http2.ErrCode, debug []byte) []byte {
	p := binary.BigEndian.AppendUint32(nil, last&(1<<31-1))
	p = binary.BigEndian.AppendUint32(p, uint32(code))
	return appendFrame(nil, frameGoAway, 0, 0, append(p, debug...))
}

func rstStreamFrame(stream uint32, code http2.ErrCode) []byte {
	return appendFrame(nil, frameRSTStream, 0, stream, binary.BigEndian.AppendUint32(nil, uint32(code)))
}

// reasonJSON is GOAWAY debug data in Apple's form (apns.md#T11).
func reasonJSON(r Reason) []byte { return []byte(`{"reason":"` + string(r) + `"}`) }
