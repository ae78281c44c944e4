package main

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/raftstore"
)

// raftCollector exports the multi-Raft store's counters (raftstore.Metrics)
// on /metrics. It reads them at scrape time, so raftstore needs no
// Prometheus dependency.
type raftCollector struct {
	store atomic.Pointer[raftstore.Store]
}

var (
	raftMetrics     raftCollector
	raftMetricsOnce sync.Once
)

// exportRaftMetrics makes /metrics show s's figures when s is the
// multi-Raft store (the one-Pebble baseline has none); stop ends that.
func exportRaftMetrics(s kv.Store) (stop func()) {
	rs, ok := s.(*raftstore.Store)
	if !ok {
		return func() {}
	}
	raftMetricsOnce.Do(func() { metrics.Registry.MustRegister(&raftMetrics) })
	raftMetrics.store.Store(rs)
	return func() { raftMetrics.store.CompareAndSwap(rs, nil) }
}

func raftDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("talus_raft_"+name, help, nil, nil)
}

var (
	raftCounters = []struct {
		desc *prometheus.Desc
		get  func(*raftstore.Metrics) uint64
	}{
		{raftDesc("log_syncs_total", "Worker rounds whose raft state was fsynced."), func(m *raftstore.Metrics) uint64 { return m.RaftLogSyncs }},
		{raftDesc("entries_applied_total", "Raft entries applied to group Pebbles."), func(m *raftstore.Metrics) uint64 { return m.EntriesApplied }},
		{raftDesc("proposals_dropped_total", "Writes that failed as not applied."), func(m *raftstore.Metrics) uint64 { return m.ProposalsDropped }},
		{raftDesc("proposals_ambiguous_total", "Writes that failed with an unknown outcome."), func(m *raftstore.Metrics) uint64 { return m.ProposalsAmbiguous }},
		{raftDesc("snapshots_sent_total", "Snapshot streams sent."), func(m *raftstore.Metrics) uint64 { return m.SnapshotsSent }},
		{raftDesc("snapshots_received_total", "Snapshot streams received."), func(m *raftstore.Metrics) uint64 { return m.SnapshotsReceived }},
		{raftDesc("snapshots_failed_total", "Snapshot streams that failed."), func(m *raftstore.Metrics) uint64 { return m.SnapshotsFailed }},
		{raftDesc("snapshot_received_bytes_total", "File bytes of received snapshots."), func(m *raftstore.Metrics) uint64 { return m.SnapshotBytesReceived }},
		{raftDesc("forwarded_requests_total", "Requests sent to the node holding the range."), func(m *raftstore.Metrics) uint64 { return m.ForwardedRequests }},
		{raftDesc("pebble_flushes_total", "Memtable flushes of the group Pebbles."), func(m *raftstore.Metrics) uint64 { return m.Pebble.Flushes }},
		{raftDesc("pebble_compactions_total", "Compactions of the group Pebbles."), func(m *raftstore.Metrics) uint64 { return m.Pebble.Compactions }},
		{raftDesc("pebble_flushed_bytes_total", "Bytes the group Pebbles' flushes wrote."), func(m *raftstore.Metrics) uint64 { return m.Pebble.FlushedBytes }},
		{raftDesc("pebble_compacted_bytes_total", "Bytes the group Pebbles' compactions wrote."), func(m *raftstore.Metrics) uint64 { return m.Pebble.CompactedBytes }},
	}
	raftGauges = []struct {
		desc *prometheus.Desc
		get  func(*raftstore.Metrics) float64
	}{
		{raftDesc("groups", "Raft groups (ranges) with a replica on this node."), func(m *raftstore.Metrics) float64 { return float64(m.Groups) }},
		{raftDesc("pebble_l0_sublevels", "Largest L0 read amplification over the group Pebbles."), func(m *raftstore.Metrics) float64 { return float64(m.Pebble.L0Sublevels) }},
		{raftDesc("pebble_compaction_debt_bytes", "Estimated bytes the group Pebbles' compactions have yet to write."), func(m *raftstore.Metrics) float64 { return float64(m.Pebble.CompactionDebtBytes) }},
		{raftDesc("pebble_memtable_bytes", "Memory held by the group Pebbles' memtables."), func(m *raftstore.Metrics) float64 { return float64(m.Pebble.MemtableBytes) }},
	}
	raftHistograms = []struct {
		desc *prometheus.Desc
		get  func(*raftstore.Metrics) *raftstore.Histogram
	}{
		{raftDesc("write_duration_seconds", "Time a write takes from proposal to applied (acknowledgeable)."), func(m *raftstore.Metrics) *raftstore.Histogram { return &m.WriteSeconds }},
		{raftDesc("round_duration_seconds", "Worker rounds that persisted something durable: both syncs and the applies beside them."), func(m *raftstore.Metrics) *raftstore.Histogram { return &m.RoundSeconds }},
		{raftDesc("entry_log_sync_duration_seconds", "fdatasync of the entry log."), func(m *raftstore.Metrics) *raftstore.Histogram { return &m.EntryLogSyncSeconds }},
	}
)

// Describe implements prometheus.Collector.
func (c *raftCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, x := range raftCounters {
		ch <- x.desc
	}
	for _, x := range raftGauges {
		ch <- x.desc
	}
	for _, x := range raftHistograms {
		ch <- x.desc
	}
}

// Collect implements prometheus.Collector.
func (c *raftCollector) Collect(ch chan<- prometheus.Metric) {
	rs := c.store.Load()
	if rs == nil {
		return
	}
	m := rs.Metrics()
	for _, x := range raftCounters {
		ch <- prometheus.MustNewConstMetric(x.desc, prometheus.CounterValue, float64(x.get(&m)))
	}
	for _, x := range raftGauges {
		ch <- prometheus.MustNewConstMetric(x.desc, prometheus.GaugeValue, x.get(&m))
	}
	for _, x := range raftHistograms {
		h := x.get(&m)
		buckets := make(map[float64]uint64, len(h.Bounds))
		for i, b := range h.Bounds {
			buckets[b] = h.Counts[i]
		}
		ch <- prometheus.MustNewConstHistogram(x.desc, h.Count, h.Sum, buckets)
	}
}
