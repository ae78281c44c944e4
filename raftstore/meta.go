package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// The meta group (group 1) holds the range directory: the descriptor of
// every data group, under local keys of its Pebble
//
//	| localKeyPrefix | 'D' | groupID (8B BE) | → encoded RangeDescriptor
//
// It has up to metaVoters voters; every other node holds it as a learner, so
// every node has the whole directory locally and routes from it (a cache:
// it may be stale, and a request that reaches a node without the group gets
// a RangeMismatchError carrying what that node knows, then retries).
//
// A data group's leader reports its descriptor to the meta group after every
// change (replicate queue, cmdDescriptor); apply keeps the higher generation.
const (
	metaGroupID = 1
	metaVoters  = 5
)

func metaDescKey(gid uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{localKeyPrefix, 'D'}, gid)
}

// metaDescriptor returns the meta group's initial descriptor for a cluster
// of nodes: the first metaVoters are voters, the rest learners.
func metaDescriptor(nodes []uint64) *RangeDescriptor {
	d := &RangeDescriptor{GroupID: metaGroupID, Generation: 1}
	for i, id := range nodes {
		d.Replicas = append(d.Replicas, ReplicaDescriptor{NodeID: id, ReplicaID: uint64(i + 1), Learner: i >= metaVoters})
	}
	d.NextReplicaID = uint64(len(nodes) + 1)
	return d
}

// applyMetaDescriptor applies a cmdDescriptor body in the meta group's
// apply batch b, keeping the higher generation, and returns the descriptor
// the meta group holds for that group afterwards (the caller notes it once b
// commits).
// inBatch holds the generations written earlier in the same batch.
func applyMetaDescriptor(db *pebble.DB, b *pebble.Batch, body []byte, inBatch map[uint64]uint64) (*RangeDescriptor, error) {
	d, err := decodeDescriptor(body)
	if err != nil {
		return nil, err
	}
	if d.GroupID == metaGroupID {
		return nil, nil
	}
	if g, ok := inBatch[d.GroupID]; ok {
		if g >= d.Generation {
			return nil, nil
		}
		inBatch[d.GroupID] = d.Generation
		return d, b.Set(metaDescKey(d.GroupID), body, nil)
	}
	v, closer, err := db.Get(metaDescKey(d.GroupID))
	if err == nil {
		cur, derr := decodeDescriptor(v)
		closer.Close()
		if derr != nil {
			return nil, derr
		}
		if cur.Generation >= d.Generation {
			return cur, nil
		}
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return nil, err
	}
	inBatch[d.GroupID] = d.Generation
	return d, b.Set(metaDescKey(d.GroupID), body, nil)
}

// loadMetaDirectory installs every descriptor of the meta group's Pebble in
// the node's directory. Called with the meta replica's Pebble current.
func (n *node) loadMetaDirectory(db *pebble.DB) error {
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{localKeyPrefix, 'D'}, UpperBound: []byte{localKeyPrefix, 'D' + 1}})
	if err != nil {
		return err
	}
	for valid := it.First(); valid; valid = it.Next() {
		d, err := decodeDescriptor(it.Value())
		if err != nil {
			it.Close()
			return err
		}
		n.noteMetaDescriptor(d)
	}
	return it.Close()
}

// noteMetaDescriptor records that the meta group holds d.
func (n *node) noteMetaDescriptor(d *RangeDescriptor) {
	n.mu.Lock()
	if n.metaGen[d.GroupID] < d.Generation {
		n.metaGen[d.GroupID] = d.Generation
	}
	n.mu.Unlock()
	n.updateDirectory(d)
}

// reportDescriptor proposes d to the meta group if the meta group does not
// have this generation yet. The outcome is not awaited: the replicate queue
// reports again until the meta group has it.
func (n *node) reportDescriptor(d *RangeDescriptor) {
	n.mu.RLock()
	known := n.metaGen[d.GroupID]
	n.mu.RUnlock()
	if known >= d.Generation || n.replica(metaGroupID) == nil {
		return
	}
	id := n.nextID()
	data := append(appendCommandHeader(nil, cmdDescriptor, id), encodeDescriptor(d)...)
	n.propose(metaGroupID, id, data)
}

// descriptor returns the directory's descriptor of group gid.
func (n *node) descriptor(gid uint64) (*RangeDescriptor, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, d := range n.dir {
		if d.GroupID == gid {
			return d, nil
		}
	}
	return nil, fmt.Errorf("group %d: %w", gid, ErrGroupNotFound)
}

// hasDirectory reports whether this node knows at least one range.
func (n *node) hasDirectory() bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return len(n.dir) > 0
}
