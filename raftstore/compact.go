package raftstore

import (
	"context"
	"fmt"
	"time"
)

// Compact flushes and fully compacts the user keys of every group Pebble
// on this node, one group after another: bytes on disk settle to what the
// data needs (an operator's or a benchmark's "after compaction"). It is
// local to the node: run it on each node of a cluster. Long; ctx stops it
// between groups.
func (s *Store) Compact(ctx context.Context) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	s.n.mu.RLock()
	reps := make([]*replica, 0, len(s.n.groups))
	for _, r := range s.n.groups {
		reps = append(reps, r)
	}
	s.n.mu.RUnlock()
	for _, r := range reps {
		if err := ctx.Err(); err != nil {
			return err
		}
		g := r.acquireDB()
		if g == nil {
			continue // removed or closing
		}
		err := g.db.Flush()
		if err == nil {
			err = g.db.Compact(ctx, []byte{userKeyPrefix}, userKeysEnd, true)
		}
		g.release()
		if err != nil {
			return fmt.Errorf("compact group %d: %w", r.groupID, err)
		}
	}
	// Every apply is now in an sstable, so the raft log (the groups' WAL)
	// can go: start a new entry-log segment and let every group truncate
	// (each flush woke its group), then wait a little for the old segments
	// to be deleted, so that bytes on disk settle too.
	if s.n.elog == nil {
		return nil
	}
	if err := s.n.elog.rotate(); err != nil {
		return err
	}
	s.n.truncateAll.Store(true)
	defer s.n.truncateAll.Store(false)
	for _, r := range reps {
		s.n.sched.mark(r.groupID)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// A segment freed before the rotation waits for the next
		// truncation to be deleted: delete it here.
		if err := s.n.collectSegments(); err != nil {
			return err
		}
		if s.n.elog.oldSegments() == 0 || !time.Now().Before(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
