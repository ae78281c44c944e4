package storage

import (
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/internal/loadgen"
	"github.com/talus-logs/talus/kv"
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

// discardKV is a kv.Store whose batches drop their writes: the write path's
// own cost, without Pebble's.
type discardKV struct{ memKV }

type discardBatch struct{ memBatch }

func (s *discardKV) NewBatch() kv.Batch         { return &discardBatch{} }
func (b *discardBatch) Set(k, v []byte) error   { return nil }
func (b *discardBatch) Merge(k, v []byte) error { return nil }
func (b *discardBatch) Commit(bool) error       { return nil }

// BenchmarkWriteOTLPDecode measures WriteOTLP without a KV: validation,
// decoding, encoding and index bookkeeping, per record.
func BenchmarkWriteOTLPDecode(b *testing.B) {
	d := &discardKV{memKV: *newMemKV()}
	d.m[string(metaEpochKey)] = []byte("3600000000000")
	s, err := Open(d, Options{Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	gen := loadgen.New(loadgen.Config{Seed: 1, Resources: 200, Start: time.Now().Add(-time.Hour), Span: time.Hour, Total: 20000})
	var reqs [][]byte
	for i := 0; i < 20; i++ {
		reqs = append(reqs, pdataRequest(b, gen.Batch(1000)))
	}
	b.Run("validate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := validateRequest(reqs[i%len(reqs)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
	b.Run("pdata-unmarshal", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(reqs[i%len(reqs)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.WriteOTLP("default", reqs[i%len(reqs)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
}
