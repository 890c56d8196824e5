package world_test

import (
	"context"
	"fmt"
	"time"

	"github.com/pushsim/pushsim/sim/clock"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// A scenario in miniature: push to an iOS 9 device, reply from the
// notification, and let a handler that never completes meet the watchdog
// on a virtual clock.
func Example() {
	fleet := device.DefaultFleet()
	fleet[3].Apps[0].Handler.Actions = map[string]device.Script{"REPLY": {Complete: device.CompleteNever}}
	clock := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	w := world.New(world.Config{Fleet: fleet, Clock: clock})
	defer w.Close()

	ctx := context.Background()
	body := []byte(`{"aps":{"alert":"Agent: are you there?","category":"chat_message"}}`)
	if _, err := w.DeliverPayload(ctx, "ios9", device.DefaultBundleID, body); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := w.Tap(ctx, "ios9", "", "REPLY", "yes"); err != nil {
		fmt.Println(err)
		return
	}
	clock.Advance(time.Minute)
	events, _ := w.Log().Since(0, 0)
	for _, e := range events {
		fmt.Printf("%2d %-10s %s\n", e.Seq, e.Kind, e.Message)
	}
	// Output:
	//  1 delivered  delivered to com.pushsim.demo on ios9 (iOS 9.3) (injected like simctl push, apns.md#S06)
	//  2 presented  shown as banner: "Agent: are you there?" buttons [REPLY MARK_READ]
	//  3 action     app told "REPLY" via application:handleActionWithIdentifier:forRemoteNotification:withResponseInfo:completionHandler:, typed text "yes" in responseInfo[UIUserNotificationActionResponseTypedTextKey] (apns.md#V34)
	//  4 watchdog   completion handler never called within 30s; app suspended/killed (0x8badf00d) (apns.md#C02, C05)
	//  5 app_state  com.pushsim.demo: background → not-running (killed by the watchdog (0x8badf00d))
}
