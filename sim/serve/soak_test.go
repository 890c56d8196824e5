package serve_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
	"github.com/pushsim/pushsim/sim/serve"
)

// soakMix is one round of what a busy user does to "pushsim serve": valid
// pushes, rejected ones (unknown token, bad payload), API polling (lists,
// a short long poll) and an event stream opened, read and left.
type soakMix struct {
	s   *serve.Server
	p   *provider.Provider
	api string
	tok string
	sse int64 // events read from streams
}

func (m *soakMix) round(tb testing.TB, i int) {
	ctx := context.Background()
	send := func(token, payload string) {
		res, err := m.p.Send(ctx, provider.Request{Token: token, Topic: device.DefaultBundleID, Payload: []byte(payload)})
		if err != nil {
			tb.Errorf("send: %v", err)
			return
		}
		_ = res
	}
	send(m.tok, fmt.Sprintf(`{"aps":{"alert":{"title":"soak","body":"round %d"},"category":"poll"}}`, i))
	send("00"+m.tok[2:], `{"aps":{"alert":"nobody"}}`)               // BadDeviceToken
	send(m.tok, `{"aps":{"alert":"`+strings.Repeat("x", 4200)+`"}}`) // PayloadTooLarge
	for _, path := range []string{"notifications", "events?since=0&limit=50", "devices", "events?since=18446744073709551615&wait=5ms"} {
		res, err := http.Get(m.api + "/api/v1/" + path)
		if err != nil {
			tb.Errorf("GET %s: %v", path, err)
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if i%5 == 0 {
		sctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		req, _ := http.NewRequestWithContext(sctx, "GET", m.api+"/api/v1/events/stream?since=0", nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			r := bufio.NewReader(res.Body)
			for n := 0; n < 20; n++ {
				if _, err := r.ReadString('\n'); err != nil {
					break
				}
				atomic.AddInt64(&m.sse, 1)
			}
			res.Body.Close()
		}
		cancel()
	}
}

// memSnapshot is the heap in use and the goroutines, after a GC.
type memSnapshot struct {
	heap       uint64
	goroutines int
}

func memNow() memSnapshot {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSnapshot{heap: ms.HeapAlloc, goroutines: runtime.NumGoroutine()}
}

// settle waits up to 5 s for goroutines to drop to at most want.
func settle(want int) memSnapshot {
	var s memSnapshot
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s = memNow()
		if s.goroutines <= want || time.Now().After(deadline) {
			return s
		}
	}
}

// soak runs the mix from several clients at once for d (or rounds rounds
// per client when rounds > 0) against a server whose rings were filled
// first, and checks that heap and goroutines come back to where they were
// after the warm-up, and to where they were before the server, after
// Close.
func soak(tb testing.TB, d time.Duration, rounds int) {
	before := memNow()
	dir := tb.TempDir()
	s, err := serve.Start(context.Background(), serve.Config{Listen: "127.0.0.1:0", API: "127.0.0.1:0", StateDir: dir, Records: 200, LogSize: 500})
	if err != nil {
		tb.Fatal(err)
	}
	info := readInfo(tb, dir)
	newMix := func() *soakMix {
		p := providerFromFiles(tb, info, info.APNsURL)
		return &soakMix{s: s, p: p, api: info.APIURL, tok: tokenOf(tb, info, "ios17")}
	}
	warm := newMix()
	for i := range 80 { // 240 requests, more than the 200 kept records, and more than 500 events: the rings are full
		warm.round(tb, i)
	}
	warm.p.Close()
	http.DefaultClient.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond) // the warm-up's connections finish closing
	base := memNow()

	const clients = 4
	var wg sync.WaitGroup
	var done atomic.Int64
	deadline := time.Now().Add(d)
	for c := range clients {
		wg.Go(func() {
			m := newMix()
			defer m.p.Close()
			for i := 0; ; i++ {
				if rounds > 0 && i >= rounds || rounds == 0 && time.Now().After(deadline) {
					return
				}
				m.round(tb, c*1_000_000+i)
				done.Add(1)
			}
		})
	}
	wg.Wait()
	http.DefaultClient.CloseIdleConnections()
	after := settle(base.goroutines)
	tb.Logf("soak: %d rounds by %d clients; heap %d KB → %d KB, goroutines %d → %d (before the server: %d KB, %d)",
		done.Load(), clients, base.heap>>10, after.heap>>10, base.goroutines, after.goroutines, before.heap>>10, before.goroutines)
	if after.goroutines > base.goroutines {
		tb.Errorf("goroutines after the soak: %d, after the warm-up: %d", after.goroutines, base.goroutines)
	}
	// The rings were full after the warm-up: what the soak adds must not
	// stay. Some slack for allocator and TLS session caches.
	if after.heap > base.heap+base.heap/2+4<<20 {
		tb.Errorf("heap after the soak: %d KB, after the warm-up: %d KB", after.heap>>10, base.heap>>10)
	}
	if err := s.Close(); err != nil {
		tb.Errorf("Close: %v", err)
	}
	end := settle(before.goroutines)
	if end.goroutines > before.goroutines {
		tb.Errorf("goroutines after Close: %d, before the server: %d", end.goroutines, before.goroutines)
	}
}

// TestSoak runs the soak for PUSHSIM_SOAK (a duration, e.g. 10m for the
// long local run), 2 s by default so that CI runs it on every change.
func TestSoak(t *testing.T) {
	d := 2 * time.Second
	if v := os.Getenv("PUSHSIM_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("PUSHSIM_SOAK=%q: %v", v, err)
		}
	}
	soak(t, d, 0)
}

// BenchmarkSoak runs b.N rounds of the mix per client.
func BenchmarkSoak(b *testing.B) {
	soak(b, 0, b.N)
}
