package tui

import (
	"fmt"
	"strings"
)

// Template is a starting payload for the composer: a seed use case.
type Template struct {
	Name     string
	PushType string
	Priority int
	Body     string
}

// Text is the editor text for t: its headers, a blank line, the body.
func (t Template) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "push-type: %s\npriority: %d\ntopic: com.pushsim.demo\ncollapse-id:\nexpiration:\n\n", t.PushType, t.Priority)
	b.WriteString(t.Body)
	return b.String()
}

// Templates are the seeds' use cases (shared/seeds), the default app's
// categories (device.DefaultCategories). The first is the default. Each call
// returns a fresh slice.
func Templates() []Template {
	return []Template{
		{Name: "poll", PushType: "alert", Priority: 10, Body: `{
  "aps": {
    "alert": "Lunch poll: pizza today?",
    "category": "poll"
  }
}`},
		{Name: "fraud alert", PushType: "alert", Priority: 10, Body: `{
  "aps": {
    "alert": {
      "title": "Card activity",
      "body": "Card ending 4242 was charged $912.00 at ACME. Was it you?"
    },
    "category": "fraud_alert",
    "sound": "default"
  },
  "txn": "T-1001"
}`},
		{Name: "payment reminder", PushType: "alert", Priority: 10, Body: `{
  "aps": {
    "alert": {
      "loc-key": "PAY_REMINDER",
      "loc-args": ["$40.00", "Friday"],
      "action-loc-key": "PAY"
    },
    "category": "payment_reminder",
    "badge": 1
  }
}`},
		{Name: "delivery reschedule", PushType: "alert", Priority: 10, Body: `{
  "aps": {
    "alert": {
      "title": "Delivery today",
      "body": "Your parcel arrives between 2pm and 4pm. Not home?"
    },
    "category": "delivery_reschedule"
  }
}`},
		{Name: "chat reply", PushType: "alert", Priority: 10, Body: `{
  "aps": {
    "alert": {
      "title": "Anna",
      "subtitle": "Support chat",
      "body": "Is there anything else I can help with?"
    },
    "category": "chat_message",
    "thread-id": "chat-42"
  }
}`},
		{Name: "legacy OK only", PushType: "alert", Priority: 10, Body: `{
  "aps": {
    "alert": {
      "body": "Your order shipped.",
      "action-loc-key": null
    }
  }
}`},
		{Name: "silent", PushType: "background", Priority: 5, Body: `{
  "aps": {
    "content-available": 1
  },
  "sync": "inbox"
}`},
	}
}
