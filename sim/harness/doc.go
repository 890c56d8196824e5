// Package harness wires the whole flow in one process: a fakeapns server
// on loopback whose Router and Observer is a world.World, a fresh ES256
// key registered with it, and a provider.Provider that sends through
// apns2 with that key. The TUI, "pushsim send", the scenario runner and
// end-to-end tests start one.
package harness
