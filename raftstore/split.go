package raftstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/cockroachdb/pebble/v2"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// Splits need only the group's own consensus. The leader proposes
// cmdSplit{childGroupID, parentGeneration, key}; every replica applies it at
// the same index i:
//
//  1. it commits and flushes what it applied before i, so the group's
//     Pebble holds exactly the state at i-1;
//  2. unless this node already holds the child (its replica may have been
//     created by the child leader's messages and filled by a snapshot), it
//     takes a checkpoint of the parent restricted to [key, end) (hard
//     links), opens it as the child, deletes the keys below key, writes the
//     child's applied state (index i), ConfState (the parent's: same
//     replicas, same replica ids) and descriptor (generation 1), flushes,
//     and registers the child in the raft-log engine with its log
//     truncated at i (one synced batch: the commit point);
//  3. the parent deletes [key, end) and shrinks its descriptor (generation
//     + 1) in the apply batch that continues after i.
//
// A crash between 2 and 3 replays the split entry: the child exists, so only
// 3 runs again. Commands proposed to the parent before the split and
// applied after it that touch keys at or above key are refused with a
// RangeMismatchError, and the Store retries them on the new ranges.

// opsWithin reports whether every operation of a cmdBatch body lies in d's
// span, and the first key that does not.
func opsWithin(body []byte, d *RangeDescriptor) ([]byte, bool) {
	if d == nil {
		return nil, true
	}
	_, body = splitIdempotency(body)
	for len(body) > 0 {
		op, key, value, tail, err := decodeOp(body)
		if err != nil {
			return nil, true // apply reports the corruption
		}
		body = tail
		if !d.ContainsKey(key) {
			return key, false
		}
		if op == opDeleteRange && len(d.EndKey) > 0 && (len(value) == 0 || bytes.Compare(value, d.EndKey) > 0) {
			return d.EndKey, false
		}
	}
	return nil, true
}

// applySplit applies a cmdSplit at index idx (see above). b holds the
// applies before idx; it is committed here and a new batch returned.
func (r *replica) applySplit(b *pebble.Batch, idx, term uint64, body []byte) (*pebble.Batch, error) {
	if len(body) < 16 {
		return b, fmt.Errorf("short split command: %w", ErrCorruption)
	}
	childID, gen := binary.BigEndian.Uint64(body), binary.BigEndian.Uint64(body[8:])
	key, _, err := decodeBytes(body[16:])
	if err != nil {
		return b, err
	}
	parent := r.desc.Load()
	if parent == nil || parent.Generation != gen || !parent.ContainsKey(key) || bytes.Equal(key, parent.StartKey) || childID <= metaGroupID {
		return b, nil // proposed against another descriptor: a no-op
	}
	n := r.n
	// 1. The state at idx-1, durable.
	if err := b.Set(localAppliedKey, appendAppliedState(nil, idx-1, r.appliedTerm), nil); err != nil {
		return b, err
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return b, err
	}
	b.Close()
	if err := r.g.db.Flush(); err != nil {
		return nil, err
	}
	child := parent.clone()
	child.GroupID, child.StartKey, child.Generation = childID, append([]byte(nil), key...), 1
	// 2. The child, unless the child leader's messages created it here
	// already (it then gets its state by snapshot).
	n.createMu.Lock()
	if n.replica(childID) == nil {
		if err := r.createSplitChild(child, idx, term); err != nil {
			n.createMu.Unlock()
			return nil, err
		}
	}
	n.createMu.Unlock()
	// 3. The parent.
	next := parent.clone()
	next.EndKey = append([]byte(nil), key...)
	next.Generation++
	nb := r.g.db.NewBatch()
	end := userKeysEnd
	if len(parent.EndKey) > 0 {
		end = append([]byte{userKeyPrefix}, parent.EndKey...)
	}
	if err := nb.DeleteRange(append([]byte{userKeyPrefix}, key...), end, nil); err != nil {
		return nb, err
	}
	if err := nb.Set(localDescriptorKey, encodeDescriptor(next), nil); err != nil {
		return nb, err
	}
	r.desc.Store(next)
	n.updateDirectory(next)
	if c := n.replica(childID); c != nil {
		if d := c.desc.Load(); d != nil {
			n.updateDirectory(d)
		}
		if r.isLead.Load() {
			c.enqueue(func(in *inbox) { in.campaign = true })
		}
	}
	return nb, nil
}

// createSplitChild builds and registers the child of a split on this node.
func (r *replica) createSplitChild(child *RangeDescriptor, idx, term uint64) error {
	n := r.n
	fs := n.cfg.FS
	dir := fmt.Sprintf("%d_%d", child.GroupID, idx)
	path := fs.PathJoin(n.cfg.DataDir, groupsDirname, dir)
	if err := fs.RemoveAll(path); err != nil { // a leftover of a crashed attempt
		return err
	}
	span := []pebble.CheckpointSpan{{Start: append([]byte{userKeyPrefix}, child.StartKey...), End: userKeysEnd}}
	if len(child.EndKey) > 0 {
		span[0].End = append([]byte{userKeyPrefix}, child.EndKey...)
	}
	span = append(span, pebble.CheckpointSpan{Start: []byte{localKeyPrefix}, End: []byte{userKeyPrefix}})
	if err := r.g.db.Checkpoint(path, pebble.WithRestrictToSpans(span)); err != nil {
		return fmt.Errorf("cannot checkpoint group %d for split: %w", r.groupID, err)
	}
	db, err := n.openGroupPebble(dir, nil)
	if err != nil {
		return err
	}
	csb, err := proto.Marshal(r.confState)
	if err == nil {
		cb := db.NewBatch()
		// A restricted checkpoint may still surface keys outside its spans.
		_ = cb.DeleteRange([]byte{userKeyPrefix}, append([]byte{userKeyPrefix}, child.StartKey...), nil)
		if len(child.EndKey) > 0 {
			_ = cb.DeleteRange(append([]byte{userKeyPrefix}, child.EndKey...), userKeysEnd, nil)
		}
		_ = cb.DeleteRange(dedupeKey(0, 0), dedupeKey(1<<63, 0), nil)
		_ = cb.Set(localAppliedKey, appendAppliedState(nil, idx, term), nil)
		_ = cb.Set(localConfStateKey, csb, nil)
		_ = cb.Set(localDescriptorKey, encodeDescriptor(child), nil)
		err = cb.Commit(pebble.NoSync)
		cb.Close()
	}
	if err == nil {
		err = db.Flush()
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot build split child %d: %w", child.GroupID, err)
	}
	rd, _ := child.replicaOnNode(n.id)
	hs := &pb.HardState{Term: proto.Uint64(term), Commit: proto.Uint64(idx)}
	return n.registerGroup(child.GroupID, rd.ReplicaID, dir, hs, idx, term)
}

// Split splits the range holding key so that a new range starts at key. It
// returns once the split is applied on this node, which must hold a replica
// of the range. Splitting at a range's start key is a no-op.
func (s *Store) Split(key []byte) error { return s.n.split(key) }

func (n *node) split(key []byte) error {
	d, err := n.lookup(key)
	if err != nil {
		return err
	}
	if bytes.Equal(d.StartKey, key) {
		return nil
	}
	if n.servingReplica(d.GroupID) == nil {
		return fmt.Errorf("raftstore: split range %d on a node that holds it: %w", d.GroupID, ErrGroupNotFound)
	}
	childID := rand.Uint64()>>1 | 1<<32 // random and far above the bootstrap ids
	cmd := appendUvarintBytes(appendUint64(appendUint64(make([]byte, commandHeaderLen), childID), d.Generation), key)
	if err := n.proposeWait(d.GroupID, n.nextID(), cmdSplit, cmd); err != nil {
		return err
	}
	if nd, err := n.lookup(key); err != nil || nd.GroupID != childID {
		return fmt.Errorf("raftstore: range %d changed before the split at %q applied; try again: %w", d.GroupID, key, errSplitRaced)
	}
	return nil
}

var errSplitRaced = errors.New("raftstore: split raced with another change")

func appendUint64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

func appendUvarintBytes(b, v []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// splitKeyOf proposes a key near the middle of a group's data: the largest
// key of the table where the cumulative size of the group's tables (sorted
// by largest key) passes half. (Smallest keys are often the group's local
// keys, written with every apply.) Nil if there is no such key inside d
// other than its start (too few tables).
func splitKeyOf(db *pebble.DB, d *RangeDescriptor) []byte {
	levels, err := db.SSTables()
	if err != nil {
		return nil
	}
	var tables []pebble.SSTableInfo
	var total uint64
	for _, l := range levels {
		for _, t := range l {
			if k := t.Largest.UserKey; len(k) > 0 && k[0] == userKeyPrefix {
				tables = append(tables, t)
				total += t.Size
			}
		}
	}
	sort.Slice(tables, func(i, j int) bool { return bytes.Compare(tables[i].Largest.UserKey, tables[j].Largest.UserKey) < 0 })
	var acc uint64
	for _, t := range tables {
		acc += t.Size
		if acc*2 < total {
			continue
		}
		k := t.Largest.UserKey[1:]
		if d.ContainsKey(k) && !bytes.Equal(k, d.StartKey) {
			return append([]byte(nil), k...)
		}
	}
	return nil
}

// splitCheckPasses is how many replicate-queue passes go by between two
// range size checks.
const splitCheckPasses = 20

// maybeSplit splits a group this node leads once its Pebble passes
// Config.SplitBytes, in the background (one split per group at a time).
//
// Only groups that applied something since their last check are measured
// (Pebble's Metrics is not cheap, and idle groups must cost nothing).
func (n *node) maybeSplit(r *replica, d *RangeDescriptor) {
	if n.cfg.SplitBytes <= 0 || r.groupID == metaGroupID || r.splitting.Load() {
		return
	}
	applied := r.appliedA.Load()
	if r.splitCheckedAt.Swap(applied) == applied {
		return
	}
	g := r.acquireDB()
	if g == nil {
		return
	}
	var key []byte
	if g.db.Metrics().DiskSpaceUsage() >= uint64(n.cfg.SplitBytes) {
		key = splitKeyOf(g.db, d)
	}
	g.release()
	if key == nil {
		return
	}
	r.splitting.Store(true)
	go func() {
		defer r.splitting.Store(false)
		if err := n.split(key); err != nil && !n.stopped.Load() {
			n.logf("splitting range %d at %q: %v", d.GroupID, key, err)
		}
	}()
}
