package raftstore

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/tracker"
)

// pendingSync is a sync of a group Pebble's WAL started by maybeTruncate:
// once done is closed (err set), every apply up to applied is durable in g.
type pendingSync struct {
	g       *groupDB
	applied uint64
	done    chan struct{}
	err     error
}

// maybeTruncate makes applies durable and truncates the group's raft log.
// Called with mu held, after Advance.
//
// Group Pebbles write their WAL without fsync, so the log can be cut only
// up to an applied index made durable by a sync of the group's WAL; a crash
// then never needs an entry that is gone. Once Config.LogTruncateBytes of
// entries or Config.LogTruncateEntries entries were applied since the last
// sync, a sync starts in the background (it covers every apply committed
// before it); when it is done, the log is truncated up to the index it made
// durable. A leader also keeps the entries its followers still need, unless
// a follower lags by more than 4 × LogTruncateEntries (it will get a
// snapshot instead).
//
// Truncating every few MiB deletes the entries from the raft-log engine
// while they are still in its memtable, so they are never written to its
// sstables; the group's Pebble flushes when its memtable is full, as the
// one-Pebble store does, and no flush is forced.
func (r *replica) maybeTruncate() error {
	cfg := &r.n.cfg
	synced := false
	if ps := r.syncing; ps != nil {
		select {
		case <-ps.done:
			r.syncing = nil
			if ps.err != nil {
				return fmt.Errorf("cannot sync the WAL of group %d: %w", r.groupID, ps.err)
			}
			if ps.g == r.g && ps.applied > r.durableApplied {
				r.durableApplied = ps.applied
				synced = true
			}
		default:
		}
	}
	if r.syncing == nil && r.applied > r.durableApplied &&
		(r.applied >= r.durableApplied+cfg.LogTruncateEntries || r.unsyncedBytes >= cfg.LogTruncateBytes) {
		r.unsyncedBytes = 0
		ps := &pendingSync{g: r.g, applied: r.applied, done: make(chan struct{})}
		db := r.g.db
		if cfg.manual {
			// Deterministic tests: the sync is done before the next step.
			if err := db.LogData(nil, pebble.Sync); err != nil {
				return fmt.Errorf("cannot sync the WAL of group %d: %w", r.groupID, err)
			}
			r.durableApplied = ps.applied
			synced = true
		} else {
			// The replica holds a reference on g until the sync is done.
			r.g.refs.Add(1)
			r.syncing = ps
			go func() {
				ps.err = db.LogData(nil, pebble.Sync)
				close(ps.done)
				ps.g.release()
				r.n.sched.mark(r.groupID) // truncate on the next round
			}()
		}
	}
	if !synced && r.durableApplied < r.ls.truncIndex+cfg.LogTruncateEntries {
		return nil
	}
	threshold := cfg.LogTruncateEntries
	to := r.durableApplied
	if r.isLead.Load() {
		r.rn.WithProgress(func(id uint64, _ raft.ProgressType, pr tracker.Progress) {
			if id == r.replicaID {
				return
			}
			if pr.Match < to && pr.Match+4*threshold > r.applied {
				to = pr.Match
			}
		})
	}
	if to <= r.ls.truncIndex {
		return nil
	}
	b := r.n.logdb.NewBatch()
	defer b.Close()
	if err := r.ls.stageTruncate(b, to); err != nil {
		return err
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("cannot truncate log of group %d: %w", r.groupID, err)
	}
	r.ls.commitStaged()
	return r.n.collectSegments()
}

// collectSegments deletes the entry log's segments that no group needs any
// more, after making the truncations that freed them durable.
func (n *node) collectSegments() error {
	if !n.elog.hasDead() {
		return nil
	}
	if err := n.logdb.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("cannot sync the raft-log engine: %w", err)
	}
	if err := n.elog.collect(); err != nil {
		return fmt.Errorf("cannot delete entry log segments: %w", err)
	}
	return nil
}
