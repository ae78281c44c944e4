package raftstore

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// Settling an idle node. While a node ingests, its groups' recent writes sit
// in memtables and in the upper levels of their Pebbles (fast, lightly
// compressed), and the raft log keeps the entries not yet flushed: the data
// dir holds up to three entry-log segments and about 1.2× the bytes the
// data needs once compacted. Nothing would ever settle that if writes
// stopped. So once the node has applied no write for Config.SettleAfter, it
// does for each group written since its last settle what a compaction would:
// flush, compact the span its upper levels hold into the bottom level, and
// let the raft log go. It costs one rewrite of the recent span per idle
// period, never of the whole store; the compaction is skipped when the
// bottom files the span overlaps hold more than settleMaxRewrite times the
// recent bytes.

// settleMaxRewrite bounds a settle's compaction: the bottom-level bytes it
// rewrites at most this many times the bytes it moves down.
const settleMaxRewrite = 4

// settleCheckEvery is how often the node looks for groups to settle.
const settleCheckEvery = time.Second

// noteWrite records that a write was applied now.
func (n *node) noteWrite() { n.lastWrite.Store(time.Now().UnixNano()) }

// settleLoop settles the node's groups whenever it is idle. It runs until
// the node stops.
func (n *node) settleLoop() {
	t := time.NewTicker(settleCheckEvery)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-n.stopc
		cancel()
	}()
	for {
		select {
		case <-n.stopc:
			return
		case <-t.C:
		}
		if time.Since(time.Unix(0, n.lastWrite.Load())) < n.cfg.SettleAfter {
			continue
		}
		if err := n.settle(ctx); err != nil && ctx.Err() == nil {
			quietLogger{}.Errorf("raftstore: cannot settle idle groups: %v", err)
		}
	}
}

// settle flushes and compacts the groups written since their last settle,
// and drops the raft log they no longer need.
func (n *node) settle(ctx context.Context) error {
	var dirty []*replica
	for _, r := range n.replicas() {
		r.mu.Lock()
		applied := r.applied
		r.mu.Unlock()
		if applied > r.settledAt.Load() {
			dirty = append(dirty, r)
		}
	}
	if len(dirty) == 0 {
		// Segments freed by the last settle's truncations.
		return n.collectSegments()
	}
	// A new segment first, so that the one written until now can go too
	// once every group truncated.
	if err := n.elog.rotate(); err != nil {
		return err
	}
	for _, r := range dirty {
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Since(time.Unix(0, n.lastWrite.Load())) < n.cfg.SettleAfter {
			return nil // writes came back: settle at the next idle period
		}
		if err := n.settleGroup(ctx, r); err != nil {
			return err
		}
	}
	return n.collectSegments()
}

// settleGroup flushes group r's Pebble and compacts what its levels above
// the bottom hold into the bottom level.
func (n *node) settleGroup(ctx context.Context, r *replica) error {
	g := r.acquireDB()
	if g == nil {
		return nil // removed or closing
	}
	defer g.release()
	r.mu.Lock()
	applied := r.applied
	r.mu.Unlock()
	if err := g.db.Flush(); err != nil {
		return fmt.Errorf("flush group %d: %w", r.groupID, err)
	}
	// The flush marked the group for its worker, which truncates its log.
	levels, err := g.db.SSTables()
	if err != nil {
		return fmt.Errorf("list sstables of group %d: %w", r.groupID, err)
	}
	var lo, hi []byte
	var upper, bottom uint64
	for _, files := range levels[:len(levels)-1] {
		for _, f := range files {
			upper += f.Size
			if lo == nil || bytes.Compare(f.Smallest.UserKey, lo) < 0 {
				lo = f.Smallest.UserKey
			}
			if hi == nil || bytes.Compare(f.Largest.UserKey, hi) > 0 {
				hi = f.Largest.UserKey
			}
		}
	}
	if lo == nil {
		r.settledAt.Store(applied)
		return nil
	}
	for _, f := range levels[len(levels)-1] {
		if bytes.Compare(f.Largest.UserKey, lo) >= 0 && bytes.Compare(f.Smallest.UserKey, hi) <= 0 {
			bottom += f.Size
		}
	}
	// Compacting rewrites the bottom files the span overlaps. When they
	// hold far more than the upper levels (a large store idle between
	// bursts), that costs more than it saves: leave the upper levels to
	// Pebble's own compactions.
	if bottom <= settleMaxRewrite*upper {
		// The span holds the group's local keys (applied state) too.
		if err := g.db.Compact(ctx, lo, append(append([]byte(nil), hi...), 0), false); err != nil {
			return fmt.Errorf("compact group %d: %w", r.groupID, err)
		}
	}
	r.settledAt.Store(applied)
	return nil
}
