package scenarios

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

// TestMain lets the test binary play a backend's sender for exec steps:
// run with PUSHSIM_TEST_SENDER=1 it sends one push through apns2 with the
// credentials the exec step hands it, as the user's own program would.
func TestMain(m *testing.M) {
	if os.Getenv("PUSHSIM_TEST_SENDER") != "" {
		if err := testSender(); err != nil {
			fmt.Fprintln(os.Stderr, "sender:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testSender sends SEND_PAYLOAD to the token of device SEND_TO with topic
// SEND_TOPIC (PUSHSIM_TOPIC by default).
func testSender() error {
	key, err := provider.LoadAuthKey(os.Getenv("PUSHSIM_KEY_FILE"))
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(os.Getenv("PUSHSIM_CA_FILE"))
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		return errors.New("no certificate in PUSHSIM_CA_FILE")
	}
	p, err := provider.New(provider.Config{Endpoint: os.Getenv("PUSHSIM_APNS_URL"), RootCAs: roots,
		Key: key.Private, KeyID: os.Getenv("PUSHSIM_KEY_ID"), TeamID: os.Getenv("PUSHSIM_TEAM_ID")})
	if err != nil {
		return err
	}
	defer p.Close()
	topic := os.Getenv("SEND_TOPIC")
	if topic == "" {
		topic = os.Getenv("PUSHSIM_TOPIC")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := p.Send(ctx, provider.Request{Token: os.Getenv("PUSHSIM_TOKEN_" + os.Getenv("SEND_TO")), Topic: topic, Payload: []byte(os.Getenv("SEND_PAYLOAD"))})
	if err != nil {
		return err
	}
	fmt.Println(strings.TrimSpace(fmt.Sprint(res.Status, " ", res.Reason)))
	return nil
}

// backendScenario is an exec-driven scenario: the test binary as the
// backend sends a poll and, to the wrong topic, a fraud alert; then
// expect_requests (given) checks what it sent.
func backendScenario(t *testing.T, expect string) *Scenario {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf(`name: backend
fleet:
  devices:
    - {name: ios17, ios: "17.6"}
    - {name: ios15, ios: "15.8"}
steps:
  - exec:
      command: [%[1]q]
      env: {PUSHSIM_TEST_SENDER: "1", SEND_TO: IOS17, SEND_PAYLOAD: '{"aps":{"alert":"Pizza?","category":"poll"}}'}
  - exec:
      command: [%[1]q]
      env: {PUSHSIM_TEST_SENDER: "1", SEND_TO: IOS17, SEND_TOPIC: com.example.other, SEND_PAYLOAD: '{"aps":{"alert":"Card used abroad","category":"fraud_alert"}}'}
  - expect_events:
      events:
        - {kind: exec, status: 0, text: "200"}
        - {kind: exec, status: 0, text: "400 DeviceTokenNotForTopic"}
%s`, self, expect)
	s, err := Parse("backend.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExpectRequestsGreen: counts that hold over what an exec'd backend
// sent pass.
func TestExpectRequestsGreen(t *testing.T) {
	s := backendScenario(t, `  - expect_requests:
      device: ios17
      match: {status: 200, payload: {/aps/category: poll, /aps/alert: {contains: Pizza}}}
      exactly: 1
  - expect_requests:
      match: {payload: {/aps/category: {exists: true}}}
      at_least: 2
  - expect_requests:
      device: ios15
      match: {}
      exactly: 0
  - expect_requests:
      match: {reason: DeviceTokenNotForTopic, topic: com.example.other}
      exactly: 1
      since: 1
`)
	if res := RunOne(context.Background(), s, Options{}); !res.Passed {
		t.Fatalf("failed: %s", res.Failure)
	}
}

// TestExpectRequestsRed: a count that does not hold fails at the step's
// line with the near misses in plain words.
func TestExpectRequestsRed(t *testing.T) {
	s := backendScenario(t, `  - expect_requests:
      device: ios17
      match: {status: 200, payload: {/aps/category: fraud_alert}}
      exactly: 1
`)
	res := RunOne(context.Background(), s, Options{})
	if res.Passed {
		t.Fatal("passed; want a failure")
	}
	want := `backend.yaml:17:5: step 4 (expect_requests): FAIL: want exactly 1 request matching {token d012dc1b…, status 200, /aps/category = fraud_alert}; found 0 among 2 requests
near misses: 2 requests to this token: 1 rejected DeviceTokenNotForTopic, 1 with category poll, not fraud_alert
  seq 2 to ios17: rejected DeviceTokenNotForTopic
  seq 1 to ios17: with category poll, not fraud_alert`
	if diff := cmp.Diff(want, res.Failure.String()); diff != "" {
		t.Errorf("failure (-want +got):\n%s", diff)
	}
}

// TestExpectRequestsParseErrors: a bad matcher is a file:line:col error
// at the key at fault.
func TestExpectRequestsParseErrors(t *testing.T) {
	head := "fleet:\n  devices:\n    - {name: ios17, ios: \"17.6\"}\nsteps:\n  - expect_requests:\n"
	tests := []struct{ name, body, want string }{
		{"bad pointer", "      match:\n        payload:\n          aps/category: x\n      exactly: 1\n",
			`x.yaml:8:11: step 1 (expect_requests): match.payload.aps/category: "aps/category" is not a JSON pointer (RFC 6901): it must be empty or start with /, e.g. /aps/alert/title`},
		{"negative", "      match: {}\n      at_least: -1\n",
			"x.yaml:7:7: step 1 (expect_requests): at_least: -1 is negative; expected a count of 0 or more"},
		{"no count", "      match: {}\n",
			"x.yaml:5:5: step 1 (expect_requests): exactly: missing count: expected one of exactly, at_least or at_most"},
		{"two counts", "      match: {}\n      exactly: 1\n      at_most: 1\n",
			"x.yaml:7:7: step 1 (expect_requests): exactly: more than one count: expected only one of exactly, at_least or at_most"},
		{"device and token", "      device: ios17\n      match: {token: abcd}\n      exactly: 1\n",
			"x.yaml:5:5: step 1 (expect_requests): both device and match.token: expected one of them"},
		{"unknown device", "      device: ios99\n      match: {}\n      exactly: 1\n",
			"x.yaml:5:5: step 1 (expect_requests): unknown device \"ios99\""},
		{"bad priority", "      match: {priority: 3}\n      exactly: 1\n",
			"x.yaml:6:15: step 1 (expect_requests): match.priority: 3: expected 1, 5 or 10 (apns.md#H17)"},
	}
	for _, tc := range tests {
		_, err := Parse("x.yaml", []byte(head+tc.body))
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, err, tc.want)
		}
	}
	// An unknown key inside match is the YAML decoder's strict error, at
	// its line.
	_, err := Parse("x.yaml", []byte(head+"      match: {tokn: abcd}\n      exactly: 1\n"))
	var fe *device.FileError
	if !errors.As(err, &fe) || fe.Line != 6 || !strings.Contains(fe.Msg, "tokn") {
		t.Errorf("unknown match key: %v", err)
	}
}
