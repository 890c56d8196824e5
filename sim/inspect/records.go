package inspect

import (
	"strings"
	"sync"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/world"
)

// DefaultRecords is how many requests a Records store keeps when given a
// capacity <= 0.
const DefaultRecords = 1000

// Records is a bounded store of what the fake APNs servers saw, accepted
// and rejected: a fakeapns.Observer to chain after the World. It keeps the
// newest requests; older ones are dropped. Safe for concurrent use.
type Records struct {
	mu    sync.Mutex
	ring  []Entry
	cap   int
	start int
	last  uint64
	floor uint64 // entries up to this Seq were cleared, not missed

	world *world.World // names the device and app of each token; may be nil
}

// owner is the device and app a token belongs to.
type owner struct{ device, app string }

// Entry is one stored request with the device and app its token belongs
// to (empty for a token no device has).
type Entry struct {
	Seq    uint64
	Record fakeapns.Record
	Device string
	App    string
}

// NewRecords returns an empty store of at most capacity requests. The
// world, when not nil, names the device and app of each token when the
// store is listed (apps can be installed while the server runs).
func NewRecords(capacity int, w *world.World) *Records {
	if capacity <= 0 {
		capacity = DefaultRecords
	}
	return &Records{cap: capacity, world: w}
}

// Observe implements fakeapns.Observer. It copies nothing but the Record
// value and does no I/O, as Observers must.
func (s *Records) Observe(r fakeapns.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last++
	e := Entry{Seq: s.last, Record: r}
	if len(s.ring) < s.cap {
		s.ring = append(s.ring, e)
		return
	}
	s.ring[s.start] = e
	s.start = (s.start + 1) % s.cap
}

// Filter selects entries; empty fields match everything.
type Filter struct {
	Device string
	Token  string
	ApnsID string
}

// List returns the stored entries that match f, oldest first, each with
// the device and app its token belongs to now.
func (s *Records) List(f Filter) []Entry {
	tok := strings.ToLower(f.Token)
	owners := s.owners()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Entry, 0, len(s.ring))
	for i := range s.ring {
		e := s.ring[(s.start+i)%len(s.ring)]
		o := owners[recordToken(e.Record)]
		e.Device, e.App = o.device, o.app
		switch {
		case f.Device != "" && e.Device != f.Device,
			tok != "" && recordToken(e.Record) != tok,
			f.ApnsID != "" && !strings.EqualFold(e.Record.ApnsID, f.ApnsID):
			continue
		}
		out = append(out, e)
	}
	return out
}

// owners maps each lower-case token of the world to its device and app.
func (s *Records) owners() map[string]owner {
	out := map[string]owner{}
	if s.world == nil {
		return out
	}
	for _, d := range s.world.Devices() {
		for _, app := range d.Apps {
			if app.Token != "" {
				out[strings.ToLower(app.Token)] = owner{device: d.Name, app: app.BundleID}
			}
		}
	}
	return out
}

// Clear forgets every stored request; sequence numbers keep growing.
func (s *Records) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.ring)
	s.ring, s.start = s.ring[:0], 0
	s.floor = s.last
}

// Missed is how many requests after since the store dropped to make room
// (not those a Clear removed): a client paging with since learns it lost
// some.
func (s *Records) Missed(since uint64) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	oldest := s.last + 1
	if len(s.ring) > 0 {
		oldest = s.ring[s.start].Seq
	}
	from := max(since, s.floor)
	if oldest <= from+1 {
		return 0
	}
	return oldest - 1 - from
}

// recordToken is the device token of a request: from the Notification
// when validation got that far, else from the :path (apns.md#T05),
// lower-cased (apns.md#U17).
func recordToken(r fakeapns.Record) string {
	if r.Notification != nil {
		return strings.ToLower(r.Notification.Token)
	}
	if t, ok := strings.CutPrefix(r.Path, "/3/device/"); ok {
		return strings.ToLower(t)
	}
	return ""
}
