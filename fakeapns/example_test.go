package fakeapns_test

import (
	"context"
	"fmt"
	"log"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/sideshow/apns2"
)

// A fake APNs on a random loopback port, a registered signing key, a
// device token, and a push through the real apns2 client.
func Example() {
	const token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	key, err := fakeapns.GenerateSigningKey("", "")
	if err != nil {
		log.Fatal(err)
	}
	router := fakeapns.NewMemoryRouter()
	router.Add(token, "com.example.app", fakeapns.Development)
	srv, err := fakeapns.Start(context.Background(), fakeapns.Config{
		Router: router,
		Keys:   []fakeapns.KeyInfo{key.Info()},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client := srv.APNS2Client(key)
	defer client.CloseIdleConnections() // before srv.Close: no GOAWAY wait
	for _, tok := range []string{token, "ffff0000ffff0000ffff0000ffff0000"} {
		resp, err := client.Push(&apns2.Notification{
			DeviceToken: tok,
			Topic:       "com.example.app",
			Payload:     []byte(`{"aps":{"alert":"Hello","category":"INVITE"}}`),
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d sent=%v reason=%q\n", resp.StatusCode, resp.Sent(), resp.Reason)
	}
	// Output:
	// 200 sent=true reason=""
	// 400 sent=false reason="BadDeviceToken"
}
