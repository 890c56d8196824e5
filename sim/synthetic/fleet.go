package synthetic

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/fakeapns"
)

// DefaultSample is the share of synthetic devices whose notifications are
// rendered and logged on a simulated device: one in a thousand.
const DefaultSample = 0.001

// Config configures New.
type Config struct {
	// Seed derives the tokens; required.
	Seed *Seed
	// Devices is how many synthetic devices exist in each environment:
	// indexes 0 to Devices-1; at most MaxDevices.
	Devices int
	// Sample is the share of devices, in [0, 1], whose notifications reach
	// a real simulated device (rendered and logged).
	Sample float64
	// Unregistered is the share of devices, in [0, 1], whose app is
	// uninstalled: 410 Unregistered with a timestamp (apns.md#E51, D06).
	Unregistered float64
}

// Validate reports the first impossible number, naming the flag a user
// would have set; the seed is New's to check.
func (c Config) Validate() error {
	switch {
	case c.Devices < 0 || c.Devices > MaxDevices:
		return fmt.Errorf("--synthetic %d: want 0 to %d", c.Devices, MaxDevices)
	case !(c.Sample >= 0 && c.Sample <= 1): // also catches NaN
		return fmt.Errorf("--sample %v: want a share from 0 to 1", c.Sample)
	case !(c.Unregistered >= 0 && c.Unregistered <= 1):
		return fmt.Errorf("--unregistered %v: want a share from 0 to 1", c.Unregistered)
	}
	return nil
}

// Fleet is the synthetic devices of one state directory: a Router in
// front of the World's and an Observer in front of the World's. Its only
// memory is its counters. It is safe for concurrent use.
type Fleet struct {
	cfg          Config
	sampleBelow  uint64 // a device is sampled when its draw is below this
	unregBelow   uint64
	requests     atomic.Uint64
	accepted     atomic.Uint64
	unregistered atomic.Uint64
	rejected     atomic.Uint64
	sampled      atomic.Uint64
}

// New validates cfg and returns its fleet.
func New(cfg Config) (*Fleet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Seed == nil {
		return nil, fmt.Errorf("synthetic devices need a seed")
	}
	return &Fleet{cfg: cfg, sampleBelow: threshold(cfg.Sample), unregBelow: threshold(cfg.Unregistered)}, nil
}

// threshold turns a share into a bound on a uniform 32-bit draw.
func threshold(share float64) uint64 { return uint64(math.Round(share * (1 << 32))) }

// Devices is how many synthetic devices there are per environment.
func (f *Fleet) Devices() int { return f.cfg.Devices }

// Seed is the fleet's seed.
func (f *Fleet) Seed() *Seed { return f.cfg.Seed }

// Device is what one synthetic token stands for.
type Device struct {
	Index uint32
	// Sampled devices' notifications are rendered and logged.
	Sampled bool
	// Unregistered devices answer 410 since UnregisteredAt.
	Unregistered   bool
	UnregisteredAt time.Time
}

// Lookup recognises a synthetic token of env: O(1), no memory per device.
func (f *Fleet) Lookup(env fakeapns.Environment, token string) (Device, bool) {
	if f.cfg.Devices == 0 {
		return Device{}, false
	}
	// The index first: a token beyond the fleet (a fleet device's token,
	// a random one) is refused without computing its MAC.
	if index, ok := tokenIndex(token); !ok || uint64(index) >= uint64(f.cfg.Devices) {
		return Device{}, false
	}
	index, mac, ok := f.cfg.Seed.Parse(env, token)
	if !ok {
		return Device{}, false
	}
	// The MAC's bytes are uniform: bytes 28..31, not in the token, draw
	// the sample; bytes 0..3 the uninstall; 4..7 its time.
	d := Device{Index: index}
	d.Sampled = uint64(binary.BigEndian.Uint32(mac[28:32])) < f.sampleBelow
	if uint64(binary.BigEndian.Uint32(mac[0:4])) < f.unregBelow {
		d.Unregistered = true
		// Up to a day before the seed was made: a fixed moment that every
		// replica computes alike (apns.md#U36; E03: the time the token
		// stopped being valid).
		back := time.Duration(binary.BigEndian.Uint32(mac[4:8])%86400) * time.Second
		d.UnregisteredAt = f.cfg.Seed.Created.Add(-back)
	}
	return d, true
}

// alertPushTypes are the push types sent to an app's ordinary device
// token (apns.md#H03, H04, D08; "" is apns2's alert, T16). Synthetic
// tokens are such tokens, like the fleet's.
func alertPushType(t string) bool { return t == "" || t == "alert" || t == "background" }

// Router returns a fakeapns.Router that answers for synthetic tokens and
// hands every other token to next. A synthetic token belongs to whatever
// app the topic names (apns.md#U35: the backend under test brings its
// bundle id), so
// DeviceTokenNotForTopic comes only from a push type that needs a token of
// its own (apns.md#D04, D08); uninstalled devices answer 410 Unregistered
// with their timestamp (apns.md#E51, D06, E03).
func (f *Fleet) Router(next fakeapns.Router) fakeapns.Router {
	return fakeapns.RouterFunc(func(ctx context.Context, n fakeapns.Notification) error {
		d, ok := f.Lookup(n.Environment, n.Token)
		if !ok {
			return next.Route(ctx, n)
		}
		if !alertPushType(n.PushType) {
			return fakeapns.Reject(fakeapns.ReasonDeviceTokenNotForTopic) // apns.md#D04, D08
		}
		if d.Unregistered {
			return &fakeapns.Rejection{Reason: fakeapns.ReasonUnregistered, Timestamp: d.UnregisteredAt}
		}
		return nil
	})
}

// Sink receives the Records of sampled synthetic devices.
type Sink func(fakeapns.Record, Device)

// Observer returns a fakeapns.Observer that counts the Records of
// synthetic tokens, hands the sampled ones to sample (when not nil) and
// every other Record to next. Unsampled synthetic Records go no further:
// at load-test rates they would flood the event log and the request ring.
func (f *Fleet) Observer(next fakeapns.Observer, sample Sink) fakeapns.Observer {
	return fakeapns.ObserverFunc(func(r fakeapns.Record) {
		d, ok := f.recordDevice(r)
		if !ok {
			next.Observe(r)
			return
		}
		f.requests.Add(1)
		switch {
		case r.Accepted():
			f.accepted.Add(1)
		case r.Reason == fakeapns.ReasonUnregistered:
			f.unregistered.Add(1)
		default:
			f.rejected.Add(1)
		}
		if d.Sampled {
			f.sampled.Add(1)
			if sample != nil {
				sample(r, d)
			}
		}
	})
}

// recordDevice finds the synthetic device a Record was sent to, if any.
func (f *Fleet) recordDevice(r fakeapns.Record) (Device, bool) {
	if f.cfg.Devices == 0 {
		return Device{}, false
	}
	token := ""
	if r.Notification != nil {
		token = r.Notification.Token
	} else if t, ok := strings.CutPrefix(r.Path, "/3/device/"); ok {
		token = t
	}
	return f.Lookup(r.Environment, token)
}

// Stats are the synthetic devices' counters since start.
type Stats struct {
	Devices      int     `json:"devices"`
	Sample       float64 `json:"sample"`
	Requests     uint64  `json:"requests"`
	Accepted     uint64  `json:"accepted"`
	Unregistered uint64  `json:"unregistered"`
	Rejected     uint64  `json:"rejected"`
	Sampled      uint64  `json:"sampled"`
}

// Stats returns the counters.
func (f *Fleet) Stats() Stats {
	return Stats{
		Devices: f.cfg.Devices, Sample: f.cfg.Sample,
		Requests: f.requests.Load(), Accepted: f.accepted.Load(), Unregistered: f.unregistered.Load(),
		Rejected: f.rejected.Load(), Sampled: f.sampled.Load(),
	}
}
