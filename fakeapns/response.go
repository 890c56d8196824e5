package fakeapns

import (
	"net/http"
	"strconv"
	"time"
)

// respond records the outcome, hands the Record to the Observer, then
// writes Apple's response (apns.md#E01–E05).
func (s *Server) respond(w http.ResponseWriter, q *request, rej *Rejection, check string, start time.Time) {
	rec := Record{
		Environment: s.cfg.Environment,
		ReceivedAt:  q.now,
		RemoteAddr:  q.r.RemoteAddr,
		Method:      q.r.Method,
		Path:        q.r.URL.Path,
		Header:      q.r.Header,
		Payload:     q.body,
		Status:      http.StatusOK,
		ApnsID:      q.n.ApnsID,
	}
	if q.conn.fc != nil {
		rec.Connection = q.conn.fc.id
	}
	if q.frame != nil {
		rec.Frame = q.frame.String()
	}
	if q.routed {
		rec.Notification = &q.n // q is not touched after this
	}
	// apns.md#E05, U09: development only, once authentication passed.
	if s.cfg.Environment == Development && q.authed {
		rec.UniqueID = NewUUID()
	}
	if rej == frameAnswer {
		// No APNs answer: the frame layer fails the stream instead.
		rec.Status, rec.Check = 0, check // "faults", or CheckStreamLimit
	} else if rej != nil {
		rec.Status = rej.Status
		if rec.Status == 0 {
			rec.Status = rej.Reason.Status()
		}
		rec.Reason = rej.Reason
		rec.Check = check
		rec.Detail = rej.Detail
		if rej.Reason.Status() == http.StatusGone {
			rec.Timestamp = rej.Timestamp
		}
	}
	rec.Latency = time.Since(start)
	if s.observer != nil {
		s.observer.Observe(rec)
	}

	h := w.Header()
	q.hv = [3]string{rec.ApnsID, rec.UniqueID, "close"}
	h["Apns-Id"] = q.hv[0:1:1] // apns.md#E04, U08
	if rec.UniqueID != "" {
		h["Apns-Unique-Id"] = q.hv[1:2:2]
	}
	if q.frame != nil {
		q.conn.fc.mark()
		h[faultHeader] = []string{q.frame.markValue()}
		if rej == frameAnswer {
			w.WriteHeader(http.StatusOK) // replaced on the wire
			return
		}
	}
	if q.closeConn {
		// net/http's HTTP/2 server turns this into GOAWAY and a close once
		// the connection's streams are done (apns.md#T11).
		h["Connection"] = q.hv[2:3:3]
	}
	if rej == nil {
		w.WriteHeader(http.StatusOK) // apns.md#E01: no body
		return
	}
	h["Content-Type"] = []string{"application/json"} // apns.md#E02
	w.WriteHeader(rec.Status)
	_, _ = w.Write(errorBody(rec.Reason, rec.Timestamp))
}

// errorBody is {"reason":"..."} plus, for 410, "timestamp" as a bare
// integer of milliseconds (apns.md#E02, E03, E63). Reasons are known
// identifiers, so they need no JSON escaping.
func errorBody(r Reason, ts time.Time) []byte {
	b := make([]byte, 0, 64)
	b = append(b, `{"reason":"`...)
	b = append(b, r...)
	b = append(b, '"')
	if r.Status() == http.StatusGone {
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, ts.UnixMilli(), 10)
	}
	return append(b, '}')
}

// refuseHTTP1 answers an HTTP/1.x request: APNs speaks HTTP/2 only
// (apns.md#T03). The answer is plain text since no APNs reason fits.
func (s *Server) refuseHTTP1(w http.ResponseWriter, r *http.Request, start time.Time) {
	const msg = "fakeapns: APNs speaks HTTP/2 only (apns.md#T03): use ALPN h2 over TLS, or h2c with prior knowledge\n"
	if s.observer != nil {
		s.observer.Observe(Record{
			Environment: s.cfg.Environment,
			ReceivedAt:  s.cfg.Now(),
			RemoteAddr:  r.RemoteAddr,
			Method:      r.Method,
			Path:        r.URL.Path,
			Header:      r.Header,
			Status:      http.StatusHTTPVersionNotSupported,
			Latency:     time.Since(start),
		})
	}
	w.Header().Set("Connection", "close")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusHTTPVersionNotSupported)
	_, _ = w.Write([]byte(msg))
}
