package raftstore

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/tracker"
)

// maybeTruncate truncates the group's raft log once more than
// Config.LogTruncateEntries applied entries sit in it. Called with mu held,
// after Advance.
//
// The log is cut only up to an applied index that is durable in the group's
// Pebble (group Pebbles run without a WAL; a flush makes every earlier
// apply durable), so a crash never needs an entry that is gone. A leader also keeps the
// entries its followers still need, unless a follower lags by more than
// 4 × LogTruncateEntries (it will get a snapshot instead).
func (r *replica) maybeTruncate() error {
	threshold := r.n.cfg.LogTruncateEntries
	if r.applied < r.ls.truncIndex+threshold {
		return nil
	}
	err := r.g.db.Flush()
	if err != nil {
		return fmt.Errorf("cannot sync group %d: %w", r.groupID, err)
	}
	r.durableApplied = r.applied
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
