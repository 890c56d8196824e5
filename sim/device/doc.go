// Package device is a simulated iPhone as data, and what it shows.
//
// It is the "device → Render" stretch of the one flow (DESIGN.md): a
// payload that fakeapns accepted and the world routed to a device is
// parsed here (ParsePayload, ReadPayloadFile), localized (Localize) and
// drawn by the pure Render for that device's iOS version, app state,
// permission and registered categories, in every context the version has
// (RenderAll). Nothing here has side effects or a clock.
//
// The files, in the order a newcomer reads them:
//
//   - version.go: Version, an iOS release such as 8.4.
//   - capabilities.go: the one capability table (apns.md section 7.1):
//     per iOS version, which contexts exist, how many buttons each shows,
//     text input, which payload keys it reads, which app delegate methods
//     it calls... Render, lint and the world read only this table; no
//     other code branches on a version number.
//   - model.go: Device, App, Category, Action, the contexts and the
//     Presentation a context draws.
//   - handler.go: the app's scripted code (Handler, Script): what it does
//     with an action identifier, as data; package world runs it.
//   - payload.go, payloadfile.go: the notification payload, parsed the way
//     APNs and iOS read it.
//   - render.go, render_buttons.go, render_localize.go: Render.
//   - defaults.go, fleetfile.go: the default fleet (one device per notable
//     iOS version, an app with the seed use cases' categories) and fleet
//     files in YAML or JSON.
package device
