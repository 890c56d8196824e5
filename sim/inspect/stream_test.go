package inspect_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pushsim/pushsim/sim/world"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct{ ID, Event, Data string }

// readSSE reads events from r until stop returns true or the stream ends.
func readSSE(t *testing.T, r *bufio.Reader, stop func(sseEvent) bool) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return out
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if cur != (sseEvent{}) {
				out = append(out, cur)
				if stop(cur) {
					return out
				}
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			cur.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.Event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.Data = line[6:]
		}
	}
}

func openStream(t *testing.T, ctx context.Context, url string, lastID string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, ct)
	}
	return res
}

func TestEventStream(t *testing.T) {
	f := newFixture(t)
	f.push(t, f.dev, "ios10", `{"aps":{"alert":"one"}}`)
	first := f.log.Last()

	ctx, cancel := context.WithCancel(context.Background())
	res := openStream(t, ctx, f.url+"events/stream", "")
	r := bufio.NewReader(res.Body)
	got := readSSE(t, r, func(e sseEvent) bool { return e.ID == itoa(first) })
	if len(got) != int(first) || got[0].ID != "1" || got[0].Event != string(world.EventRequest) {
		t.Errorf("stream from the start: %d events (want %d), first of %+v", len(got), first, got)
	}
	f.log.Append(world.Event{Kind: world.EventNote, Message: "poke"})
	got = readSSE(t, r, func(sseEvent) bool { return true })
	if len(got) != 1 || got[0].Event != "note" || !strings.Contains(got[0].Data, `"message":"poke"`) {
		t.Errorf("live event: %+v", got)
	}
	// The client goes away: the handler must notice and return, or the
	// test server's Close in Cleanup would wait for it forever.
	cancel()
	_, _ = io.Copy(io.Discard, res.Body) // ends with the cancellation's error
	if err := res.Body.Close(); err != nil {
		t.Error(err)
	}

	// Resuming with Last-Event-ID skips what was seen.
	res = openStream(t, context.Background(), f.url+"events/stream", itoa(first))
	r = bufio.NewReader(res.Body)
	got = readSSE(t, r, func(sseEvent) bool { return true })
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{itoa(first + 1)}, ids); diff != "" {
		t.Errorf("resumed stream (-want +got):\n%s", diff)
	}
	// Closing the API ends the stream: the body reaches EOF.
	f.api.Close()
	if rest := readSSE(t, r, func(sseEvent) bool { return false }); len(rest) != 0 {
		t.Errorf("events after close: %+v", rest)
	}
	if err := res.Body.Close(); err != nil {
		t.Error(err)
	}
}
