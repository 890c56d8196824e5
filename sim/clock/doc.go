// Package clock is the injected time of the simulation: the wall clock
// (Real) for the TUI and "pushsim serve", and a virtual clock (Virtual)
// that scenarios and tests advance by hand, so that a 30-second
// completion-handler watchdog costs microseconds and every run is
// reproducible. Nothing in the simulation reads time.Now or sleeps; it
// asks a Clock.
package clock
