package device

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRender renders arbitrary payload JSON on every device of the
// default fleet in every context: it must never panic, and the buttons
// drawn must respect the context's limit from the capability table.
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "payloads", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `null`, `[]`, `{"aps":[]}`, `{"aps":{"alert":7}}`,
		`{"aps":{"alert":{"loc-key":"FRAUD_ALERT","loc-args":[1,{"x":2}]}}}`,
		`{"aps":{"alert":{"loc-key":"%99999999999$@ %@ %%","loc-args":"x"}}}`,
		`{"aps":{"alert":{"title":"t","action-loc-key":null},"category":"poll","badge":"1"}}`,
		`{"aps":{"content-available":true,"sound":{"critical":1,"name":"a","volume":2}}}`,
	} {
		f.Add([]byte(s))
	}
	fleet := DefaultFleet()
	f.Fuzz(func(t *testing.T, body []byte) {
		p, _ := ParsePayload(body) // a partial payload must render too
		n := Notification{Payload: p}
		for _, d := range fleet {
			a := d.App(DefaultBundleID)
			caps := CapabilitiesOf(d.Version)
			for _, pr := range RenderAll(d, a, n) {
				rule, _ := caps.Rule(pr.Context)
				custom := 0
				for _, b := range pr.Buttons {
					if !b.System {
						custom++
					}
				}
				if custom > rule.MaxActions {
					t.Fatalf("%s %s: %d custom buttons, limit %d", d.Name, pr.Context, custom, rule.MaxActions)
				}
			}
		}
	})
}

// BenchmarkRender renders the fraud alert (localised, 2 actions) in the
// iOS 17 expanded view and the iOS 8 alert.
func BenchmarkRender(b *testing.B) {
	n := loadNotification(b, "fraud_alert.json")
	fleet := DefaultFleet()
	for _, bc := range []struct {
		name string
		d    *Device
		ctx  Context
	}{
		{"ios17-expanded", fleet[7], ContextExpanded},
		{"ios8-alert", fleet[2], ContextAlert},
		{"ios6-alert", fleet[0], ContextAlert},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a := bc.d.App(DefaultBundleID)
			b.ReportAllocs()
			for b.Loop() {
				_ = Render(bc.d, a, n, bc.ctx)
			}
		})
	}
}

// BenchmarkRenderAll renders one payload in every context of one device.
func BenchmarkRenderAll(b *testing.B) {
	n := loadNotification(b, "delivery_reschedule.json")
	d := DefaultFleet()[7]
	a := d.App(DefaultBundleID)
	b.ReportAllocs()
	for b.Loop() {
		_ = RenderAll(d, a, n)
	}
}
