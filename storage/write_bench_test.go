package storage

import (
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/internal/loadgen"
)

// benchmarkWrite writes batches of 1000 generated records from the given
// number of resources and reports records/s.
func benchmarkWrite(b *testing.B, resources int) {
	s := openTestStore(b, b.TempDir(), Options{Now: time.Now})
	const batch = 1000
	total := b.N * batch
	gen := loadgen.New(loadgen.Config{Seed: 1, Resources: resources, Start: time.Now().Add(-time.Hour), Span: time.Hour, Total: total})
	batches := make([]plog.Logs, b.N)
	for i := range batches {
		batches[i] = gen.Batch(batch)
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Write("default", batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
	// CPU per record (all goroutines, compactions included) is steadier than
	// wall time on a shared machine.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(total), "cpu-µs/record")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkWrite200Resources(b *testing.B)     { benchmarkWrite(b, 200) }
func BenchmarkWriteMillionResources(b *testing.B) { benchmarkWrite(b, 1_000_000) }
