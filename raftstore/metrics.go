package raftstore

import (
	"math"
	"sync/atomic"
	"time"
)

// Metrics are cumulative counters of one node since it opened, for the
// Prometheus endpoint. Read them with Store.Metrics.
type Metrics struct {
	// RaftLogSyncs counts fsynced raft-log batches (one per worker round
	// that persisted something durable).
	RaftLogSyncs uint64
	// EntriesApplied counts raft entries applied to group Pebbles.
	EntriesApplied uint64
	// ProposalsDropped and ProposalsAmbiguous count writes that failed as
	// not applied or with an unknown outcome.
	ProposalsDropped, ProposalsAmbiguous uint64
	// SnapshotsSent, SnapshotsReceived and SnapshotsFailed count snapshot
	// streams; SnapshotBytesReceived their file bytes.
	SnapshotsSent, SnapshotsReceived, SnapshotsFailed, SnapshotBytesReceived uint64
	// ForwardedRequests counts requests sent to other nodes because this
	// node holds no replica of the range.
	ForwardedRequests uint64

	// WriteSeconds is the time a write (Batch.Commit) takes from proposal
	// to applied; RoundSeconds the time of each worker round that made
	// something durable (persisting, both syncs and the applies that run
	// beside them); EntryLogSyncSeconds each fdatasync of the entry log.
	WriteSeconds, RoundSeconds, EntryLogSyncSeconds Histogram

	// Groups is the number of replicas on this node; Pebble sums the
	// group Pebbles' figures (L0Sublevels is the largest).
	Groups int
	Pebble PebbleMetrics
}

// PebbleMetrics sums the figures of a node's group Pebbles.
type PebbleMetrics struct {
	// L0Sublevels is the largest read amplification of L0 over the groups.
	L0Sublevels int
	// CompactionDebtBytes estimates the bytes compactions have yet to
	// write; MemtableBytes is the memory the memtables hold.
	CompactionDebtBytes, MemtableBytes uint64
	// Flushes, Compactions count completed flushes and compactions;
	// FlushedBytes, CompactedBytes the bytes they wrote.
	Flushes, Compactions, FlushedBytes, CompactedBytes uint64
}

// Histogram is a cumulative latency histogram: Counts[i] observations
// took at most Bounds[i] seconds; Count and Sum cover all of them.
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
	Sum    float64
}

// histogramBounds are the upper bounds of latencyHistogram's buckets, in
// seconds: 100 µs to ~13 s, doubling.
var histogramBounds = func() []float64 {
	b := make([]float64, 18)
	for i := range b {
		b[i] = 100e-6 * math.Pow(2, float64(i))
	}
	return b
}()

// latencyHistogram counts durations into histogramBounds without locks.
type latencyHistogram struct {
	counts [19]atomic.Uint64 // the last one is +Inf
	sumNS  atomic.Uint64
}

func (h *latencyHistogram) observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(histogramBounds) && s > histogramBounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNS.Add(uint64(max(d, 0)))
}

func (h *latencyHistogram) snapshot() Histogram {
	out := Histogram{Bounds: histogramBounds, Counts: make([]uint64, len(histogramBounds))}
	for i := range h.counts {
		out.Count += h.counts[i].Load()
		if i < len(out.Counts) {
			out.Counts[i] = out.Count
		}
	}
	out.Sum = float64(h.sumNS.Load()) / 1e9
	return out
}

// nodeMetrics holds the live counters behind Metrics.
type nodeMetrics struct {
	entriesApplied, proposalsDropped, proposalsAmbiguous  atomic.Uint64
	snapsSent, snapsReceived, snapsFailed, snapBytesRecvd atomic.Uint64
	forwarded                                             atomic.Uint64
	writes, rounds, entryLogSyncs                         latencyHistogram
}

// Metrics returns the node's counters. Safe for concurrent use.
func (s *Store) Metrics() Metrics {
	n := s.n
	m := &n.metrics
	out := Metrics{
		RaftLogSyncs:          n.syncs.Load(),
		EntriesApplied:        m.entriesApplied.Load(),
		ProposalsDropped:      m.proposalsDropped.Load(),
		ProposalsAmbiguous:    m.proposalsAmbiguous.Load(),
		SnapshotsSent:         m.snapsSent.Load(),
		SnapshotsReceived:     m.snapsReceived.Load(),
		SnapshotsFailed:       m.snapsFailed.Load(),
		SnapshotBytesReceived: m.snapBytesRecvd.Load(),
		ForwardedRequests:     m.forwarded.Load(),
		WriteSeconds:          m.writes.snapshot(),
		RoundSeconds:          m.rounds.snapshot(),
		EntryLogSyncSeconds:   m.entryLogSyncs.snapshot(),
	}
	for _, r := range n.replicas() {
		out.Groups++
		g := r.acquireDB()
		if g == nil {
			continue
		}
		pm := g.db.Metrics()
		g.release()
		p := &out.Pebble
		p.L0Sublevels = max(p.L0Sublevels, int(pm.Levels[0].Sublevels))
		p.CompactionDebtBytes += pm.Compact.EstimatedDebt
		p.MemtableBytes += pm.MemTable.Size
		p.Flushes += uint64(pm.Flush.Count)
		p.Compactions += uint64(pm.Compact.Count)
		for l := range pm.Levels {
			if l == 0 {
				p.FlushedBytes += pm.Levels[l].TableBytesFlushed
			}
			p.CompactedBytes += pm.Levels[l].TableBytesCompacted
		}
	}
	return out
}

// Err returns the storage error that made this node stop serving, or nil:
// for a health check.
func (s *Store) Err() error {
	if e := s.n.fatal.Load(); e != nil {
		return *e
	}
	return nil
}
