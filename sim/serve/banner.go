package serve

import (
	"fmt"
	"io"
	"strings"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// SamplePayload is the notification of the banner's curl command: the
// poll of seed 000, whose category has the buttons OK and NOK.
const SamplePayload = `{"aps":{"alert":{"title":"Lunch poll","body":"Pizza today?"},"category":"poll"}}`

// Banner writes the short text "pushsim serve" prints on stderr: the URLs,
// the state directory, and a curl command that sends a valid
// notification, plus the commands that show it and tap OK.
func (s *Server) Banner(w io.Writer) {
	i := s.Info
	var b strings.Builder
	fmt.Fprintf(&b, "pushsim serve: fake APNs and inspection API are up\n")
	fmt.Fprintf(&b, "  development APNs  %s  (stands for api.sandbox.push.apple.com)\n", i.APNsURL)
	fmt.Fprintf(&b, "  production APNs   %s  (stands for api.push.apple.com)\n", i.APNsProductionURL)
	if i.H2CURL != "" {
		fmt.Fprintf(&b, "  development h2c   %s\n", i.H2CURL)
	}
	fmt.Fprintf(&b, "  API               %s/api/v1/  (OpenAPI: %s/api/v1/openapi.json)\n", i.APIURL, i.APIURL)
	fmt.Fprintf(&b, "  state dir         %s\n", i.StateDir)
	fmt.Fprintf(&b, "                    pushsim.json, ca.pem, %s (key id %s, team id %s)\n", shortName(i.KeyFile), i.KeyID, i.TeamID)
	if s.appleHosts {
		s.appleHostsHelp(&b)
	}
	dev, app, ok := s.sampleTarget()
	if ok {
		cert := s.State.Certs[fakeapns.Development]
		fmt.Fprintf(&b, "\nSend a notification to %s (iOS %s) with the development client certificate:\n", dev.Name, dev.Version)
		fmt.Fprintf(&b, "  curl -sS -w '%%{http_code}\\n' --http2 --cacert %s --cert %s --key %s \\\n", shellQuote(i.CAFile), shellQuote(cert.CertFile), shellQuote(cert.KeyFile))
		fmt.Fprintf(&b, "    -H 'apns-topic: %s' -H 'apns-push-type: alert' \\\n", app.BundleID)
		fmt.Fprintf(&b, "    -d %s \\\n", shellQuote(SamplePayload))
		fmt.Fprintf(&b, "    %s/3/device/%s\n", i.APNsURL, app.Token)
		fmt.Fprintf(&b, "See what each device shows, then tap OK:\n")
		auth := ""
		if s.apiToken {
			// The banner never prints the secret itself.
			auth = `-H "Authorization: Bearer $PUSHSIM_API_TOKEN" `
		}
		fmt.Fprintf(&b, "  curl -s %s%s/api/v1/notifications\n", auth, i.APIURL)
		fmt.Fprintf(&b, "  curl -s %s--json '{\"action\":\"OK\"}' %s/api/v1/devices/%s/notifications/latest/actions\n", auth, i.APIURL, dev.Name)
	}
	fmt.Fprintf(&b, "Device tokens: %s (or GET %s/api/v1/devices). Ctrl-C stops.\n", shortName(s.State.Path(InfoFile)), i.APIURL)
	_, _ = io.WriteString(w, b.String())
}

// sampleTarget picks the device for the banner's example: unlocked
// before locked, the default app before others, then the newest iOS
// version, so that the poll shows its buttons.
func (s *Server) sampleTarget() (world.DeviceView, *device.App, bool) {
	var (
		best    world.DeviceView
		bestApp *device.App
	)
	for _, d := range s.World.Devices() {
		a := developmentApp(d)
		if a != nil && (bestApp == nil || beats(d, a, best, bestApp)) {
			best, bestApp = d, a
		}
	}
	return best, bestApp, bestApp != nil
}

// developmentApp is the device's default app, else its first app,
// installed for development with a token; nil when there is none.
func developmentApp(d world.DeviceView) *device.App {
	var first *device.App
	for _, a := range d.Apps {
		if a.Uninstalled || a.Token == "" || (a.Environment != "" && a.Environment != fakeapns.Development) {
			continue
		}
		if a.BundleID == device.DefaultBundleID {
			return a
		}
		if first == nil {
			first = a
		}
	}
	return first
}

// beats reports whether device d with app a makes a better example than
// e with b.
func beats(d world.DeviceView, a *device.App, e world.DeviceView, b *device.App) bool {
	if d.Locked != e.Locked {
		return !d.Locked
	}
	if ad, bd := a.BundleID == device.DefaultBundleID, b.BundleID == device.DefaultBundleID; ad != bd {
		return ad
	}
	return d.Version.Compare(e.Version) > 0 // the newest device reads best
}

// shortName is the last element of a path.
func shortName(path string) string { return path[strings.LastIndexAny(path, `/\`)+1:] }

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-:+=@,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// appleHostsHelp prints what --apple-hosts needs from the user: the
// /etc/hosts lines and how each runtime is told to trust ca.pem.
func (s *Server) appleHostsHelp(b *strings.Builder) {
	i := s.Info
	host := func(addr string) string { return addr[:strings.LastIndexByte(addr, ':')] }
	fmt.Fprintf(b, "\nApple's hosts (--apple-hosts): add to /etc/hosts (remove them afterwards):\n")
	fmt.Fprintf(b, "  %s api.sandbox.push.apple.com api.development.push.apple.com\n", host(AppleHostsDevelopment))
	fmt.Fprintf(b, "  %s api.push.apple.com\n", host(AppleHostsProduction))
	fmt.Fprintf(b, "and make the client trust %s (the CA is name-constrained to these hosts and loopback):\n", i.CAFile)
	fmt.Fprintf(b, "  Go:    SSL_CERT_FILE=%s\n", shellQuote(i.CAFile))
	fmt.Fprintf(b, "  Node:  NODE_EXTRA_CA_CERTS=%s\n", shellQuote(i.CAFile))
	fmt.Fprintf(b, "  Java:  -Djavax.net.ssl.trustStore=%s -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=<p12_password in pushsim.json>\n", shellQuote(i.TrustStoreFile))
	fmt.Fprintf(b, "  curl:  --cacert %s (or CURL_CA_BUNDLE)\n", shellQuote(i.CAFile))
}
