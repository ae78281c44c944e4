package raftstore

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

// snapshot implements logStorage.snapshot.
func (r *replica) snapshot() (*pb.Snapshot, error) {
	return nil, raft.ErrSnapshotTemporarilyUnavailable
}

// applySnapshot installs an incoming snapshot.
func (r *replica) applySnapshot(b *pebble.Batch, snap *pb.Snapshot) error {
	return fmt.Errorf("group %d: snapshots are not supported yet", r.groupID)
}

// maybeCreateReplica creates a replica for a message to a group this node
// does not hold yet.
func (n *node) maybeCreateReplica(e envelope) {}
