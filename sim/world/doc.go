// Package world is the running simulation: a fleet of devices that
// receive notifications, show them, and are tapped.
//
// It is the "router → device → tap → handler → clock" stretch of the one
// flow (DESIGN.md). A World is fakeapns' Router: router.go turns a device
// token into a device and app, or into Apple's reason (unknown token,
// uninstalled app, wrong environment or topic). deliver.go then hands the
// notification to the device (package device renders it) and wakes or
// launches the app. interact.go is the user: a tap on a button or the
// body, a dismissal, typed text; it runs the app's Handler script and
// calls its completion handler after a delay, never or twice, and
// webhook.go fires the script's webhook. The watchdog that ends an app
// whose handler never completes runs on the injected clock (package
// clock). state.go changes devices and apps (lock, app state, permission,
// install, uninstall).
//
// A push to a simulated device is delivered in two phases (prepare.go):
// it is parsed, linted and rendered where it arrives outside the World's
// lock, on an immutable snapshot of the device that every change drops;
// the lock is held only to change state and append the events. The other
// contexts of a notification are rendered when someone looks (a tap, the
// API, the TUI), from the device as it was when the notification arrived.
//
// Every step appends an Event to one ordered, bounded EventLog
// (eventlog.go), the only way state is observed: the TUI, the scenario
// runner, the inspection API and the JSONL export all read it.
package world
