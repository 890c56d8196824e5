package serve_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"

	"github.com/pushsim/pushsim/sim/serve"
)

// Example_apns2 is the README's Go snippet: an apns2 client configured
// from pushsim.json, changed only in its host and the CA it trusts.
func Example_apns2() {
	dir, err := os.MkdirTemp("", "pushsim-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	srv, err := serve.Start(context.Background(), serve.Config{Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	info := srv.Info // what a backend reads from pushsim.json

	authKey, err := token.AuthKeyFromFile(info.KeyFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := apns2.NewTokenClient(&token.Token{AuthKey: authKey, KeyID: info.KeyID, TeamID: info.TeamID})
	client.Host = info.APNsURL // instead of apns2.HostDevelopment

	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Protocols: new(http.Protocols)}
	transport.Protocols.SetHTTP2(true) // APNs speaks HTTP/2 only (apns.md#T03)
	defer transport.CloseIdleConnections()
	client.HTTPClient = &http.Client{Transport: transport}

	res, err := client.Push(&apns2.Notification{
		DeviceToken: info.Devices[0].Apps[0].Token,
		Topic:       "com.pushsim.demo",
		Payload:     []byte(`{"aps":{"alert":"Pizza today?","category":"poll"}}`),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.StatusCode, res.Sent())
	// Output: 200 true
}
