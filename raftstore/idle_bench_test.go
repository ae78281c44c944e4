package raftstore

import (
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdleGroups measures the CPU a node spends on idle groups: it
// opens a single node with 1,000 groups (one Pebble each), writes once to
// every group, then measures process CPU over an idle period. The bar is
// 5% of one core. Run with -benchtime=1x.
func BenchmarkIdleGroups(b *testing.B) {
	const groups = 1000
	var splits [][]byte
	for i := 1; i < groups; i++ {
		splits = append(splits, []byte(fmt.Sprintf("g%04d", i)))
	}
	s, err := Open(Config{NodeID: 1, DataDir: b.TempDir(), InitialSplits: splits, CacheSize: 64 << 20, GroupMemTableSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < groups; i++ {
		bt := s.NewBatch()
		_ = bt.Set([]byte(fmt.Sprintf("g%04d/k", i)), []byte("v"))
		if err := bt.Commit(true); err != nil {
			b.Fatal(err)
		}
		bt.Close()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p := os.Getenv("RAFTSTORE_IDLE_PROFILE"); p != "" {
			f, err := os.Create(p)
			if err != nil {
				b.Fatal(err)
			}
			_ = pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
		start, cpu0 := time.Now(), cpuTime()
		time.Sleep(5 * time.Second) // the measured idle period
		busy := float64(cpuTime()-cpu0) / float64(time.Since(start))
		b.ReportMetric(100*busy, "%core-idle")
	}
}
