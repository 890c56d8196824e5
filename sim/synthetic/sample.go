package synthetic

import (
	"fmt"
	"sync"

	"github.com/pushsim/pushsim/fakeapns"
	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/world"
)

// SampleDeviceName is the simulated device that shows the sampled
// synthetic devices' notifications.
const SampleDeviceName = "synthetic-sample"

// SampleDevice is the device to add to the fleet for the sampled
// notifications: a current iPhone, unlocked, with no apps until the
// first sampled notification of each topic installs one.
func SampleDevice() *device.Device {
	return &device.Device{Name: SampleDeviceName, Model: "iPhone 16", Version: device.MustVersion("18.2")}
}

// WorldSink delivers the sampled Records to the sample device of w
// through next (the World's own observer, and whatever else watches
// fleet requests), as though the sample device had sent the token: the
// notification is rendered, linted and logged like any other. The app
// named by the topic is installed on first use.
func WorldSink(w *world.World, next fakeapns.Observer) Sink {
	var installed sync.Map // topic → token on the sample device
	return func(r fakeapns.Record, d Device) {
		if r.Notification == nil {
			// Refused before routing (authentication, headers…): the
			// World logs the rejection under the synthetic token.
			next.Observe(r)
			return
		}
		n := *r.Notification
		tok, ok := installed.Load(n.Topic)
		if !ok {
			t := device.DeviceToken(SampleDeviceName, n.Topic)
			// An error means the app is there already (another request
			// won the race) or the topic is no bundle id; either way the
			// World says what became of the notification.
			_ = w.Install(SampleDeviceName, device.App{BundleID: n.Topic, Environment: n.Environment, Token: t})
			tok, _ = installed.LoadOrStore(n.Topic, t)
		}
		w.Log().Append(world.Event{Kind: world.EventNote, Device: SampleDeviceName, App: n.Topic, ApnsID: r.ApnsID, Token: n.Token,
			Message: fmt.Sprintf("synthetic device #%d (sampled) stands for the rest: shown on %s", d.Index, SampleDeviceName)})
		n.Token = tok.(string)
		r.Notification = &n
		r.Path = "/3/device/" + n.Token
		next.Observe(r)
	}
}
