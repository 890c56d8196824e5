package scenarios

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkLibrary runs the whole shipped library, watchdogs included, as
// `pushsim run scenarios/library` does. It reports the virtual time the
// library simulates per second of wall time (virtual-s/wall-s).
func BenchmarkLibrary(b *testing.B) {
	list, err := Load("library")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var virtual time.Duration
	start := time.Now()
	for b.Loop() {
		for _, r := range Run(ctx, list, Options{}) {
			if !r.Passed {
				b.Fatalf("%s failed: %s", r.Name, r.Failure)
			}
			virtual += r.Virtual
		}
	}
	wall := time.Since(start)
	b.ReportMetric(virtual.Seconds()/wall.Seconds(), "virtual-s/wall-s")
	b.ReportMetric(float64(len(list)), "scenarios")
}

// BenchmarkParse parses the largest library file.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("library/fraud-alert.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Parse("fraud-alert.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
