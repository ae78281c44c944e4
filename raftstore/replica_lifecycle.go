package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	pb "go.etcd.io/raft/v3/raftpb"
)

// Tombstones: | 'x' | groupID (8B BE) | → the highest replica id this node
// held in the group (8B BE). A message to a replica id at or below it never
// recreates the group: replica ids are not reused.
const logTombstonePrefix = 'x'

func tombstoneKey(gid uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{logTombstonePrefix}, gid)
}

// Node addresses learned from peers: | "n/addr/" | nodeID (8B BE) | → address.
const logAddrPrefix = "n/addr/"

func addrKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(logAddrPrefix), id)
}

// persistAddr records a peer's raft address so a restart can reach it.
func (n *node) persistAddr(id uint64, addr string) {
	if err := n.logdb.Set(addrKey(id), []byte(addr), pebble.Sync); err != nil {
		n.logf("cannot record address of node %d: %v", id, err)
	}
}

func (n *node) loadAddrs() (map[uint64]string, error) {
	it, err := n.logdb.NewIter(&pebble.IterOptions{LowerBound: []byte(logAddrPrefix), UpperBound: []byte("n/addr0")})
	if err != nil {
		return nil, err
	}
	out := map[uint64]string{}
	for valid := it.First(); valid; valid = it.Next() {
		k := it.Key()
		if len(k) == len(logAddrPrefix)+8 {
			out[binary.BigEndian.Uint64(k[len(logAddrPrefix):])] = string(it.Value())
		}
	}
	return out, it.Close()
}

// maybeCreateReplica creates an empty replica for a message from a leader
// to a group this node does not hold: this node was just added to the
// group, and the leader will send a snapshot. Returns nil if the message
// must not create one.
func (n *node) maybeCreateReplica(e envelope) *replica {
	switch e.Msg.GetType() {
	case pb.MsgApp, pb.MsgHeartbeat, pb.MsgSnap:
	default:
		return nil
	}
	if n.stopped.Load() {
		return nil
	}
	n.createMu.Lock()
	defer n.createMu.Unlock()
	if r := n.replica(e.GroupID); r != nil {
		return r
	}
	to := e.Msg.GetTo()
	if v, closer, err := n.logdb.Get(tombstoneKey(e.GroupID)); err == nil {
		dead := binary.BigEndian.Uint64(v)
		closer.Close()
		if to <= dead {
			return nil
		}
	} else if !errors.Is(err, pebble.ErrNotFound) {
		n.logf("cannot read tombstone of group %d: %v", e.GroupID, err)
		return nil
	}
	dir := fmt.Sprintf("%d_0", e.GroupID)
	if err := n.registerGroup(e.GroupID, to, dir, nil, 0, 0); err != nil {
		n.logf("cannot create replica %d of group %d: %v", to, e.GroupID, err)
		return nil
	}
	r := n.replica(e.GroupID)
	if r != nil {
		r.notePeer(e.Msg.GetFrom(), e.FromNode)
	}
	return r
}

// destroyReplica deletes a replica that applied its own removal: registry
// entry, raft state and log go in one synced batch with a tombstone, then
// the Pebble is closed and deleted once its readers are done.
func (n *node) destroyReplica(r *replica) {
	n.createMu.Lock()
	defer n.createMu.Unlock()
	n.mu.Lock()
	if n.groups[r.groupID] != r {
		n.mu.Unlock()
		return
	}
	delete(n.groups, r.groupID)
	n.mu.Unlock()
	b := n.logdb.NewBatch()
	defer b.Close()
	gid := r.groupID
	_ = b.Delete(registryKey(gid), nil)
	_ = b.DeleteRange(logGroupKey(gid, 0), logGroupKey(gid+1, 0), nil)
	_ = b.Set(tombstoneKey(gid), binary.BigEndian.AppendUint64(nil, r.replicaID), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		n.setFatal(fmt.Errorf("cannot remove replica of group %d: %w", gid, err))
		return
	}
	n.elog.dropGroup(gid)
	if err := n.collectSegments(); err != nil {
		n.setFatal(err)
		return
	}
	r.mu.Lock()
	r.failPending(fmt.Errorf("group %d: replica removed from this node: %w", gid, ErrGroupNotFound))
	r.mu.Unlock()
	r.swapDB(nil, true)
}
