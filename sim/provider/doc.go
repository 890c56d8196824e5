// Package provider is the sending side, not the simulation: the
// sideshow/apns2 client that posts a payload to an APNs endpoint, which is
// fakeapns in simulation and Apple for a real send (the same client path
// in both, DESIGN.md "Decisions").
//
// provider.go is the client (Provider, Request, Response);
// credentials.go loads what a real send needs (a .p8 signing key, a .p12
// or PEM push certificate); realsend.go turns flags and a saved profile
// into a RealTarget; explain.go says what an APNs reason means and how to
// fix it.
package provider
