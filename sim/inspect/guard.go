package inspect

import (
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// guard stands in front of every route. The API changes state that a
// developer's machine trusts (taps fire webhooks, faults break a running
// backend), so a web page the developer visits must not reach it:
//
//   - Host must be the address the request arrived on, a loopback address,
//     "localhost" or a configured name: a DNS-rebinding page reaches the
//     API under its own host name and is refused (403).
//   - With a token, every request needs "Authorization: Bearer TOKEN" (401).
//   - A state-changing request (POST, PATCH, PUT) needs
//     Content-Type: application/json, which no HTML form can send and
//     fetch can send cross-site only after a preflight the API never
//     grants (415); one carrying an Origin must come from the API's own
//     origin (403). DELETE carries no body and cannot be sent cross-site
//     without a preflight, so only its Origin is checked.
//
// It answers the refusal and returns false, or returns true to go on.
func (a *API) guard(w http.ResponseWriter, r *http.Request) bool {
	if !a.hostAllowed(r, r.Host) {
		writeError(w, http.StatusForbidden, fmt.Sprintf(
			"Host %q is not this API's address, localhost or a name given with --api-name: refused (DNS rebinding protection)", r.Host))
		return false
	}
	if a.token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(a.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pushsim"`)
			writeError(w, http.StatusUnauthorized, "this API needs Authorization: Bearer <the --api-token of pushsim serve>")
			return false
		}
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
		writeError(w, http.StatusForbidden, fmt.Sprintf(
			"Origin %q is not this API (http://%s): state changes are refused from other web pages", origin, r.Host))
		return false
	}
	if r.Method == http.MethodDelete {
		return true
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf(
			"%s needs Content-Type: application/json (got %q); with curl: --json '{...}'", r.Method, r.Header.Get("Content-Type")))
		return false
	}
	return true
}

// hostAllowed reports whether hostport (a Host header, or the host of an
// Origin) names this API: an IP literal that is loopback or the address
// the request came in on (an IP cannot be rebound), "localhost", or one
// of the configured names. An empty Host (HTTP/1.0) has nothing to check.
func (a *API) hostAllowed(r *http.Request, hostport string) bool {
	if hostport == "" {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return true
		}
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		tcp, ok := local.(*net.TCPAddr)
		return ok && tcp.IP.Equal(ip)
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	for _, n := range a.names {
		if strings.EqualFold(host, n) {
			return true
		}
	}
	return false
}

// sameOrigin reports whether origin is the API's own origin, the scheme
// and host:port the request was sent to.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // "null" (a sandboxed page, a file) and the like
	}
	return strings.EqualFold(u.Host, host)
}
