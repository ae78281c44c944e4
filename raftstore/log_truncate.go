package raftstore

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/tracker"
)

// pendingFlush is a flush of a group's Pebble started by maybeTruncate:
// once done is closed, every apply up to applied is durable in g.
type pendingFlush struct {
	g       *groupDB
	applied uint64
	done    <-chan struct{}
}

// maybeTruncate makes applies durable and truncates the group's raft log.
// Called with mu held, after Advance.
//
// Group Pebbles run without a WAL, so the log can be cut only up to an
// applied index made durable by a flush of the group's Pebble; a crash then
// never needs an entry that is gone. Once Config.LogTruncateBytes of
// entries or Config.LogTruncateEntries entries were applied since the last
// flush, a flush starts in the background (AsyncFlush rotates the memtable
// at once: every apply so far is in what it writes); when it has finished,
// the log is truncated up to the index it made durable. A leader also keeps
// the entries its followers still need, unless a follower lags by more than
// 4 × LogTruncateEntries (it will get a snapshot instead).
//
// Flushing by bytes rather than per entry count keeps the group's L0 files
// large (few L0→Lbase compactions), and truncating soon after the flush
// deletes the entries from the raft-log engine while they are still in its
// memtable, so they are never written to its sstables.
func (r *replica) maybeTruncate() error {
	cfg := &r.n.cfg
	flushed := false
	if pf := r.flushing; pf != nil {
		select {
		case <-pf.done:
			r.flushing = nil
			if pf.g == r.g && pf.applied > r.durableApplied {
				r.durableApplied = pf.applied
				flushed = true
			}
		default:
		}
	}
	if r.flushing == nil && r.applied > r.durableApplied &&
		(r.applied >= r.durableApplied+cfg.LogTruncateEntries || r.unflushedBytes >= cfg.LogTruncateBytes) {
		done, err := r.g.db.AsyncFlush()
		if err != nil {
			return fmt.Errorf("cannot flush group %d: %w", r.groupID, err)
		}
		r.unflushedBytes = 0
		pf := &pendingFlush{g: r.g, applied: r.applied, done: done}
		if cfg.manual {
			// Deterministic tests: the flush is done before the next step.
			<-done
			r.durableApplied = pf.applied
			flushed = true
		} else {
			r.flushing = pf
			go func() {
				<-done
				r.n.sched.mark(r.groupID) // truncate on the next round
			}()
		}
	}
	if !flushed && r.durableApplied < r.ls.truncIndex+cfg.LogTruncateEntries {
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
	return nil
}
