// Command sideshow sends one notification with sideshow/apns2 and token
// auth, configured from pushsim.json: only the host and the CA change.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"
)

// info is the part of pushsim.json this program reads.
type info struct {
	APNsURL string `json:"apns_url"`
	KeyFile string `json:"key_file"`
	KeyID   string `json:"key_id"`
	TeamID  string `json:"team_id"`
	CAFile  string `json:"ca_file"`
	Devices []struct {
		Name string `json:"name"`
		Apps []struct {
			BundleID string `json:"bundle_id"`
			Token    string `json:"token"`
		} `json:"apps"`
	} `json:"devices"`
}

func main() {
	path := os.Getenv("PUSHSIM_JSON")
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			log.Fatal(err)
		}
		path = filepath.Join(dir, "pushsim", "pushsim.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var in info
	if err := json.Unmarshal(data, &in); err != nil {
		log.Fatalf("%s: %v", path, err)
	}

	authKey, err := token.AuthKeyFromFile(in.KeyFile)
	if err != nil {
		log.Fatal(err)
	}
	client := apns2.NewTokenClient(&token.Token{AuthKey: authKey, KeyID: in.KeyID, TeamID: in.TeamID})
	client.Host = in.APNsURL // instead of apns2.HostDevelopment

	caPEM, err := os.ReadFile(in.CAFile)
	if err != nil {
		log.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Protocols: new(http.Protocols)}
	transport.Protocols.SetHTTP2(true) // APNs speaks HTTP/2 only
	client.HTTPClient = &http.Client{Transport: transport}

	for _, d := range in.Devices {
		if d.Name != "ios17" {
			continue
		}
		res, err := client.Push(&apns2.Notification{
			DeviceToken: d.Apps[0].Token,
			Topic:       d.Apps[0].BundleID,
			Payload:     []byte(`{"aps":{"alert":"Pizza today?","category":"poll"}}`),
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.StatusCode, res.Reason)
	}
}
