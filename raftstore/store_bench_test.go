package raftstore

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
)

// benchRecords is the write workload shared by the store benchmarks: batches
// of log-like records (a 32-byte key in one table, a 200-byte value),
// committed by several writers at once as the receiver does.
const (
	benchBatchRecords = 64
	benchValueBytes   = 200
	benchWriters      = 8
)

func benchWrite(b *testing.B, s kv.Store, syncCommit bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	value := make([]byte, benchValueBytes)
	for i := range value {
		value[i] = byte('a' + rng.IntN(26))
	}
	var seq atomic.Uint64
	b.SetBytes(benchBatchRecords * (32 + benchValueBytes))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	var errOnce sync.Once
	var firstErr error
	// Each writer keeps its own commit latencies; they are merged once the
	// writers are done, for the p50/p99 a client waits for an acknowledgement.
	lat := make([][]time.Duration, benchWriters)
	for w := 0; w < benchWriters; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := make([]byte, 32)
			for next.Add(1) <= int64(b.N) {
				batch := s.NewBatch()
				for r := 0; r < benchBatchRecords; r++ {
					key[0] = 'L'
					binary.BigEndian.PutUint64(key[1:], seq.Add(1)*0x9e3779b97f4a7c15)
					_ = batch.Set(key, value)
				}
				t0 := time.Now()
				if err := batch.Commit(syncCommit); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
				lat[w] = append(lat[w], time.Since(t0))
				batch.Close()
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	b.ReportMetric(float64(b.N*benchBatchRecords)/el.Seconds(), "records/s")
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-commit-ms")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-commit-ms")
	}
	if rs, ok := s.(*Store); ok {
		b.ReportMetric(float64(rs.n.syncs.Load())/float64(b.N), "fsyncs/op")
	}
}

// BenchmarkWriteSingleNode compares the write throughput of a one-node
// raftstore (one group per table split, every commit replicated through its
// raft log) with raw pebblekv committing with sync, on the same records and
// the operating system's filesystem.
func BenchmarkWriteSingleNode(b *testing.B) {
	b.Run("pebblekv-sync", func(b *testing.B) {
		s, err := pebblekv.Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchWrite(b, s, true)
	})
	for _, groups := range []int{1, 4} {
		b.Run(fmt.Sprintf("raftstore-groups=%d", groups), func(b *testing.B) {
			var splits [][]byte
			for i := 1; i < groups; i++ {
				splits = append(splits, []byte{'L', byte(256 * i / groups)})
			}
			s, err := Open(Config{NodeID: 1, DataDir: b.TempDir(), InitialSplits: splits})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchWrite(b, s, true)
		})
	}
}

// BenchmarkWriteRF3 measures write throughput of a 3-node cluster in one
// process, talking gRPC over 127.0.0.1, each node on its own temp dir (real
// fsyncs). Writers commit through the node that leads the group.
func BenchmarkWriteRF3(b *testing.B) {
	var stores []*Store
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	for id := uint64(1); id <= 3; id++ {
		cfg := Config{NodeID: id, DataDir: b.TempDir(), RaftAddr: "127.0.0.1:0", TickInterval: 20 * time.Millisecond}
		if id > 1 {
			cfg.Join = []string{stores[0].RaftAddr()}
		}
		s, err := Open(cfg)
		if err != nil {
			b.Fatal(err)
		}
		stores = append(stores, s)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !fullyReplicated(stores[0], 2) {
		if time.Now().After(deadline) {
			b.Fatal("cluster did not form")
		}
		time.Sleep(10 * time.Millisecond)
	}
	benchWrite(b, stores[0], true)
}
