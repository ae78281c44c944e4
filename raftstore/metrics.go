package raftstore

import "sync/atomic"

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
}

// nodeMetrics holds the live counters behind Metrics.
type nodeMetrics struct {
	entriesApplied, proposalsDropped, proposalsAmbiguous  atomic.Uint64
	snapsSent, snapsReceived, snapsFailed, snapBytesRecvd atomic.Uint64
	forwarded                                             atomic.Uint64
}

// Metrics returns the node's counters. Safe for concurrent use.
func (s *Store) Metrics() Metrics {
	n := s.n
	m := &n.metrics
	return Metrics{
		RaftLogSyncs:          n.syncs.Load(),
		EntriesApplied:        m.entriesApplied.Load(),
		ProposalsDropped:      m.proposalsDropped.Load(),
		ProposalsAmbiguous:    m.proposalsAmbiguous.Load(),
		SnapshotsSent:         m.snapsSent.Load(),
		SnapshotsReceived:     m.snapsReceived.Load(),
		SnapshotsFailed:       m.snapsFailed.Load(),
		SnapshotBytesReceived: m.snapBytesRecvd.Load(),
		ForwardedRequests:     m.forwarded.Load(),
	}
}

// Err returns the storage error that made this node stop serving, or nil:
// for a health check.
func (s *Store) Err() error {
	if e := s.n.fatal.Load(); e != nil {
		return *e
	}
	return nil
}
