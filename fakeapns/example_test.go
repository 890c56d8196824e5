package fakeapns_test

import (
	"fmt"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/sideshow/apns2"
)

// A fake APNs in one line, a device token, and a push through the real
// apns2 client. In a test, pass t instead of nil: a failure then fails
// the test and t.Cleanup closes the server.
func Example() {
	srv := fakeapns.NewServer(nil)
	defer func() {
		if err := srv.Close(); err != nil {
			fmt.Println("close:", err)
		}
	}()
	token := srv.AddToken("", "com.example.app")

	for _, tok := range []string{token, "ffff0000ffff0000ffff0000ffff0000"} {
		resp, err := srv.Client().Push(&apns2.Notification{
			DeviceToken: tok,
			Topic:       "com.example.app",
			Payload:     []byte(`{"aps":{"alert":"Hello"}}`),
		})
		if err != nil {
			fmt.Println("push:", err)
			return
		}
		fmt.Printf("%d sent=%v reason=%q\n", resp.StatusCode, resp.Sent(), resp.Reason)
	}
	// Output:
	// 200 sent=true reason=""
	// 400 sent=false reason="BadDeviceToken"
}
