package serve

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/world"
)

// Info is the content of pushsim.json: where the fake APNs and the API
// listen (the real bound addresses) and the credentials and device tokens
// a backend needs. The field names are fixed; fields may be added.
type Info struct {
	APNsURL           string `json:"apns_url"`
	APNsProductionURL string `json:"apns_production_url"`
	// H2CURL is the cleartext HTTP/2 endpoint, "" when --h2c was not given.
	H2CURL string `json:"h2c_url"`
	APIURL string `json:"api_url"`
	TeamID string `json:"team_id"`
	KeyID  string `json:"key_id"`
	// KeyFile is the absolute path of AuthKey_<KeyID>.p8.
	KeyFile string `json:"key_file"`
	// CAFile is the absolute path of ca.pem, which clients must trust.
	CAFile  string       `json:"ca_file"`
	Devices []InfoDevice `json:"devices"`
	// ClientCertificates are the certificate-auth credentials, by
	// environment.
	ClientCertificates map[fakeapns.Environment]InfoCert `json:"client_certificates"`
	// P12Password opens the .p12 files and the trust store.
	P12Password string `json:"p12_password"`
	// TrustStoreFile is ca.pem as a PKCS#12 trust store, for Java.
	TrustStoreFile string `json:"truststore_file"`
	// TLSNames are the names the served certificate carries besides the
	// loopback addresses and localhost (Apple's hosts among them).
	TLSNames []string `json:"tls_names"`
	StateDir string   `json:"state_dir"`
}

// InfoDevice is one simulated device in pushsim.json.
type InfoDevice struct {
	Name  string    `json:"name"`
	Model string    `json:"model,omitempty"`
	IOS   string    `json:"ios"`
	Apps  []InfoApp `json:"apps"`
}

// InfoApp is one app install in pushsim.json.
type InfoApp struct {
	BundleID    string               `json:"bundle_id"`
	Token       string               `json:"token"`
	Environment fakeapns.Environment `json:"environment"`
}

// InfoCert is one environment's client certificate in pushsim.json.
type InfoCert struct {
	CertFile string `json:"cert_file"`
	KeyFile  string `json:"key_file"`
	// BundleFile is the certificate and key in one PEM (sideshow/apns2's
	// certificate.FromPemFile).
	BundleFile string `json:"bundle_file"`
	// P12File is PKCS#12 in modern encryption; LegacyP12File the same in
	// the legacy one older tools read (buford, Java 8). Both open with
	// Info.P12Password.
	P12File       string   `json:"p12_file"`
	LegacyP12File string   `json:"p12_legacy_file"`
	Topics        []string `json:"topics"`
}

// infoDevices lists the fleet for pushsim.json.
func infoDevices(fleet []world.DeviceView) []InfoDevice {
	out := make([]InfoDevice, 0, len(fleet))
	for _, d := range fleet {
		dev := InfoDevice{Name: d.Name, Model: d.Model, IOS: d.Version.String(), Apps: []InfoApp{}}
		for _, a := range d.Apps {
			env := a.Environment
			if env == "" {
				env = fakeapns.Development
			}
			dev.Apps = append(dev.Apps, InfoApp{BundleID: a.BundleID, Token: a.Token, Environment: env})
		}
		out = append(out, dev)
	}
	return out
}

// ReadInfo reads the pushsim.json that serve wrote into stateDir: what a
// backend's setup script, the load script or pushsim verify start from.
func ReadInfo(stateDir string) (Info, error) {
	var info Info
	path := filepath.Join(stateDir, InfoFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("reading %s: %w", InfoFile, err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// writeInfo writes pushsim.json into the state directory.
func writeInfo(path string, info Info) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return writeFile(path, append(data, '\n'), 0o600)
}
