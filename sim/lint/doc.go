// Package lint checks a payload against the iOS versions it will reach,
// before it is sent: keys APNs or iOS ignore, buttons a version cannot
// show, text that will be cut, push types and sizes APNs refuses. Every
// finding names its rule, its severity and the versions it concerns, and
// cites apns.md. Version rules come from device's capability table.
//
// Delivery is the hook package world calls on every delivered
// notification, so that lint findings appear in the event log.
package lint
