package rollup

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/storage"
	"github.com/talus-logs/talus/storage/selector"
)

// discardBatch is a storage.RecordBatch that counts and drops writes.
type discardBatch struct{ merges, bytes int }

func (d *discardBatch) Set(k, v []byte) error { d.bytes += len(k) + len(v); return nil }
func (d *discardBatch) Merge(k, v []byte) error {
	d.merges++
	d.bytes += len(k) + len(v)
	return nil
}

// recordContexts flattens requests into the contexts the store gives the hook.
func recordContexts(lds []plog.Logs) []storage.RecordContext {
	var out []storage.RecordContext
	for _, ld := range lds {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				for k := 0; k < sl.LogRecords().Len(); k++ {
					rec := sl.LogRecords().At(k)
					ts := int64(rec.Timestamp())
					out = append(out, *storage.NewRecordContext("default", ts-ts%int64(time.Hour), ts, nil,
						rl.Resource().Attributes(), rec))
				}
			}
		}
	}
	return out
}

// BenchmarkHook measures the hook's cost per record: on a mix with 5%
// errors, on non-error records only and on error records only.
func BenchmarkHook(b *testing.B) {
	for _, c := range []struct {
		name    string
		errRate float64
	}{{"mix-5pct-errors", 0.05}, {"non-errors", 0}, {"errors", 1}} {
		b.Run(c.name, func(b *testing.B) {
			rcs := recordContexts(batches(generate(11, 20000, time.Hour, c.errRate), 1000))
			r := NewRecorder()
			var d discardBatch
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := r.Hook(&d, &rcs[i%len(rcs)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/record")
			b.ReportMetric(float64(d.merges)/float64(b.N), "merges/record")
			b.ReportMetric(float64(d.bytes)/float64(b.N), "batch-bytes/record")
		})
	}
}

// BenchmarkWritePreAggregated measures Write (Record per record, one Flush
// per 1000-record request) on the 5%-errors mix: the cost per record and the
// operands it leaves per record, to compare with BenchmarkHook's.
func BenchmarkWritePreAggregated(b *testing.B) {
	lds := batches(generate(11, 20000, time.Hour, 0.05), 1000)
	reqs := make([][]storage.RecordContext, len(lds))
	for i, ld := range lds {
		reqs[i] = recordContexts([]plog.Logs{ld})
	}
	r := NewRecorder()
	var d discardBatch
	b.ReportAllocs()
	b.ResetTimer()
	records := 0
	for i := 0; records < b.N; i++ {
		rcs := reqs[i%len(reqs)]
		w := r.NewWrite()
		for j := range rcs {
			w.Record(&rcs[j])
		}
		if err := w.Flush(&d); err != nil {
			b.Fatal(err)
		}
		w.Close()
		records += len(rcs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(records), "ns/record")
	b.ReportMetric(float64(d.merges)/float64(records), "merges/record")
	b.ReportMetric(float64(d.bytes)/float64(records), "batch-bytes/record")
}

// BenchmarkWrite measures storage.Write on real Pebble with and without the
// hook, four concurrent writers of 1000-record requests with 5% errors.
func BenchmarkWrite(b *testing.B) {
	lds := batches(generate(12, 200_000, 2*time.Hour, 0.05), 1000)
	for _, hook := range []bool{false, true} {
		b.Run(fmt.Sprintf("hook=%v", hook), func(b *testing.B) {
			kvs, err := pebblekv.Open(b.TempDir(), &pebblekv.Options{Merger: kv.MergerByTable(allMergers())})
			if err != nil {
				b.Fatal(err)
			}
			defer kvs.Close()
			o := storage.Options{EpochDuration: time.Hour, Now: func() time.Time { return base.Add(3 * time.Hour) }}
			if hook {
				o.OnRecord = NewRecorder().Hook
			}
			st, err := storage.Open(kvs, o)
			if err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.SetParallelism(1) // GOMAXPROCS writers
			cpu0 := processCPU()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := st.Write("default", lds[int(next.Add(1))%len(lds)]); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "records/s")
			// CPU per record (this process, Pebble's goroutines included) is
			// steadier than the rate on a shared machine.
			b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N)/1000, "cpu-ns/record")
		})
	}
}

// processCPU returns the user+system CPU time of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dayOfErrors writes 24 hourly epochs: perHour records an hour, errRate of
// them errors spread over fingerprints (Zipf over fps distinct ones) and
// 16 services.
func dayOfErrors(b *testing.B, perHour, fps int, errRate float64, cacheSize int64) (*testStore, time.Time) {
	end := base.Add(24 * time.Hour)
	s := openStoreCache(b, end.Add(time.Minute), 0, cacheSize)
	rng := rand.New(rand.NewSource(13))
	zipf := rand.NewZipf(rng, 1.1, 4, uint64(fps-1))
	services := make([]string, 16)
	for i := range services {
		services[i] = fmt.Sprintf("service-%02d", i)
	}
	const batch = 1000
	for h := 0; h < 24; h++ {
		for n := 0; n < perHour; n += batch {
			ld := plog.NewLogs()
			for r := 0; r < 20; r++ {
				rl := ld.ResourceLogs().AppendEmpty()
				rl.Resource().Attributes().PutStr("service.name", services[rng.Intn(len(services))])
				rl.Resource().Attributes().PutStr("k8s.pod.name", fmt.Sprintf("pod-%d", rng.Intn(200)))
				recs := rl.ScopeLogs().AppendEmpty().LogRecords()
				for k := 0; k < batch/20; k++ {
					lr := recs.AppendEmpty()
					lr.SetTimestamp(pcommon.Timestamp(base.Add(time.Duration(h)*time.Hour).UnixNano() + rng.Int63n(int64(time.Hour))))
					if rng.Float64() < errRate {
						f := zipf.Uint64()
						lr.SetSeverityNumber(plog.SeverityNumberError)
						lr.Body().SetStr(fmt.Sprintf("operation %d failed after %d retries", f, rng.Intn(9)))
						lr.Attributes().PutStr("error.fingerprint", fmt.Sprintf("fp-%d", f))
						lr.Attributes().PutStr("exception.type", fmt.Sprintf("app.Error%d", f%37))
					} else {
						lr.SetSeverityNumber(plog.SeverityNumberInfo)
						lr.Body().SetStr(fmt.Sprintf("GET /api/orders/%d 200", rng.Intn(1e6)))
					}
				}
			}
			s.write(b, ld)
		}
	}
	return s, end
}

// BenchmarkTop24h measures top errors over a day: 24 epochs of 50,000
// records an hour (1.2 M records, 60,000 errors over 500 fingerprints and
// 16 services). It reports the p50 and p99 of the queries it ran, right
// after ingest (recent counters still in memtables as merge operands) and
// after a compaction, with pebblekv's default block cache and with a
// larger one (the default is taken by the memtables' reservation, see
// docs/errors.md).
//
// The fps=50000 case has a long tail of rare fingerprints (most seen once or
// twice a day), as a weak fingerprint produces: many more groups to sum.
func BenchmarkTop24h(b *testing.B) {
	for _, c := range []struct {
		cache int64
		fps   int
	}{{0, 500}, {512 << 20, 500}, {0, 50000}} {
		b.Run(fmt.Sprintf("cache=%dMiB/fps=%d", c.cache>>20, c.fps), func(b *testing.B) { benchTop24h(b, c.cache, c.fps) })
	}
}

func benchTop24h(b *testing.B, cacheSize int64, fps int) {
	s, end := dayOfErrors(b, 50_000, fps, 0.05, cacheSize)
	start := end.Add(-24 * time.Hour)
	sel, err := selector.Parse(`{service.name="service-03"}`)
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, r api.ErrorsRequest) {
		b.Run(name, func(b *testing.B) {
			r.Instance, r.Start, r.End, r.Limit = "default", start.UnixNano(), end.UnixNano()-1, 20
			lat := make([]time.Duration, 0, b.N)
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				g, err := s.backend.Top(context.Background(), r)
				lat = append(lat, time.Since(t0))
				if err != nil || len(g) == 0 {
					b.Fatalf("%d groups, %v", len(g), err)
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
			// CPU per query (this process; Pebble's goroutines included)
			// does not depend on how busy the machine is.
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/query")
		})
	}
	run("fresh/all", api.ErrorsRequest{})
	run("fresh/service", api.ErrorsRequest{Selector: sel})
	if err := s.kv.Compact(); err != nil {
		b.Fatal(err)
	}
	run("compacted/all", api.ErrorsRequest{})
	run("compacted/service", api.ErrorsRequest{Selector: sel})
}
