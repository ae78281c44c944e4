package raftstore

import (
	"fmt"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/tracker"
)

// flushState is what a group Pebble's flushes made durable: the Pebble has
// no WAL, so an apply is durable once a flush wrote it to an sstable.
type flushState struct {
	// seq is the largest sequence number flushed so far.
	seq atomic.Uint64
	// onFlush runs after each flush (on Pebble's goroutine).
	onFlush func()
}

// listener returns the Pebble event listener that keeps fl up to date.
func (fl *flushState) listener() *pebble.EventListener {
	return &pebble.EventListener{FlushEnd: func(info pebble.FlushInfo) {
		if info.Err != nil {
			return
		}
		var seq uint64
		for _, t := range info.Output {
			seq = max(seq, uint64(t.LargestSeqNum))
		}
		for {
			cur := fl.seq.Load()
			if seq <= cur || fl.seq.CompareAndSwap(cur, seq) {
				break
			}
		}
		if fl.onFlush != nil {
			fl.onFlush()
		}
	}}
}

// appliedAt is the last sequence number of an apply batch and the applied
// index it wrote.
type appliedAt struct{ seq, index uint64 }

// maybeTruncate truncates the group's raft log up to the applied index
// made durable in its Pebble. Called with mu held, after Advance.
//
// Group Pebbles have no WAL: an apply is durable once its memtable is
// flushed (flushState), and the log can be cut only up to that, so a crash
// never needs an entry that is gone. The raft log thus doubles as the group
// Pebble's WAL: each entry is written once (entry_log.go). Pebble flushes a
// memtable when it is full (GroupMemTableSize), as the one-Pebble store
// does; a flush is forced only when a group applied LogTruncateEntries
// entries or LogTruncateBytes bytes without one, or when its entries keep an
// old segment of the entry log alive (a group with little traffic). A
// leader also keeps the entries its followers still need, unless a
// follower lags by more than 4 × LogTruncateEntries (it will get a snapshot
// instead).
func (r *replica) maybeTruncate() error {
	cfg := &r.n.cfg
	fl := r.g.flushed.seq.Load()
	advanced := false
	for len(r.applySeqs) > 0 && r.applySeqs[0].seq <= fl {
		if r.applySeqs[0].index > r.durableApplied {
			r.durableApplied = r.applySeqs[0].index
			advanced = true
		}
		r.applySeqs = r.applySeqs[1:]
	}
	if advanced {
		r.flushing = false
		r.unflushedBytes = 0
	}
	if !r.flushing && r.applied > r.durableApplied &&
		(r.applied >= r.durableApplied+cfg.LogTruncateEntries || r.unflushedBytes >= cfg.LogTruncateBytes || r.n.elog.pinsOld(r.groupID)) {
		if cfg.manual {
			// Deterministic tests: the flush is done before the next step.
			if err := r.g.db.Flush(); err != nil {
				return fmt.Errorf("cannot flush group %d: %w", r.groupID, err)
			}
			r.markFlushed()
			advanced = true
		} else {
			if _, err := r.g.db.AsyncFlush(); err != nil {
				return fmt.Errorf("cannot flush group %d: %w", r.groupID, err)
			}
			r.flushing = true
		}
	}
	if !advanced && r.durableApplied < r.ls.truncIndex+cfg.LogTruncateEntries &&
		!(r.n.truncateAll.Load() && r.durableApplied > r.ls.truncIndex) {
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
