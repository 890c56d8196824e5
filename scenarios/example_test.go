package scenarios_test

import (
	"context"
	"fmt"

	"github.com/pushsim/pushsim/scenarios"
)

// A scenario written in Go's test code: the poll on iOS 7 and iOS 8,
// played on the virtual clock against an in-process fake APNs.
func Example() {
	src := `
name: poll
fleet:
  devices:
    - {name: ios7, ios: "7.1"}
    - {name: ios8, ios: "8.4"}
steps:
  - send: {devices: all, payload: {aps: {alert: "Lunch?", category: poll}}}
  - expect_response: {status: 200}
  - expect_screen: {device: ios7, context: alert, buttons: [Close, View]}
  - expect_screen: {device: ios8, context: alert-options, buttons: [OK, NOK, Close]}
  - tap: {device: ios8, action: OK}
  - expect_events:
      within: 30s
      events: [{kind: action, device: ios8, action: OK}, {kind: completion, device: ios8}]
`
	s, err := scenarios.Parse("poll.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	res := scenarios.RunOne(context.Background(), s, scenarios.Options{})
	fmt.Println(res.Name, res.Passed, res.Virtual)
	// Output:
	// poll true 30s
}
