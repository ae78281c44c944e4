package raftstore

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// RangeDescriptor says which key span a group owns and where its replicas are.
// Its encoding (JSON, see encodeDescriptor) is durable.
type RangeDescriptor struct {
	// GroupID identifies the raft group. Never reused.
	GroupID uint64 `json:"group"`
	// StartKey is the first key of the span (inclusive).
	StartKey []byte `json:"start,omitempty"`
	// EndKey is the end of the span (exclusive); empty means the end of the
	// key space.
	EndKey []byte `json:"end,omitempty"`
	// Generation grows with every change of the span or the replicas; of
	// two descriptors of a group, the higher generation wins.
	Generation uint64 `json:"gen"`
	// Replicas lists the group's replicas.
	Replicas []ReplicaDescriptor `json:"replicas"`
	// NextReplicaID is the id the next added replica gets: replica ids
	// are never reused within a group.
	NextReplicaID uint64 `json:"next_replica"`
}

// ReplicaDescriptor places one replica of a group on a node.
type ReplicaDescriptor struct {
	NodeID    uint64 `json:"node"`
	ReplicaID uint64 `json:"replica"`
	// Learner is true while the replica receives the log without voting.
	Learner bool `json:"learner,omitempty"`
}

// descriptorVersion is stored with every encoded descriptor.
const descriptorVersion = 1

type descriptorV1 struct {
	Version int `json:"v"`
	RangeDescriptor
}

func encodeDescriptor(d *RangeDescriptor) []byte {
	b, err := json.Marshal(descriptorV1{Version: descriptorVersion, RangeDescriptor: *d})
	if err != nil {
		panic(fmt.Sprintf("raftstore: cannot encode descriptor: %v", err))
	}
	return b
}

func decodeDescriptor(b []byte) (*RangeDescriptor, error) {
	var d descriptorV1
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("cannot decode range descriptor: %v: %w", err, ErrCorruption)
	}
	if d.Version != descriptorVersion {
		return nil, fmt.Errorf("unknown range descriptor version %d: %w", d.Version, ErrCorruption)
	}
	return &d.RangeDescriptor, nil
}

// ContainsKey reports whether key falls in the descriptor's span.
func (d *RangeDescriptor) ContainsKey(key []byte) bool {
	return bytes.Compare(key, d.StartKey) >= 0 && (len(d.EndKey) == 0 || bytes.Compare(key, d.EndKey) < 0)
}

// replicaOnNode returns the replica on node, if any.
func (d *RangeDescriptor) replicaOnNode(node uint64) (ReplicaDescriptor, bool) {
	for _, r := range d.Replicas {
		if r.NodeID == node {
			return r, true
		}
	}
	return ReplicaDescriptor{}, false
}

// nodeOfReplica returns the node holding replica id, or 0.
func (d *RangeDescriptor) nodeOfReplica(id uint64) uint64 {
	for _, r := range d.Replicas {
		if r.ReplicaID == id {
			return r.NodeID
		}
	}
	return 0
}

func (d *RangeDescriptor) clone() *RangeDescriptor {
	c := *d
	c.StartKey = append([]byte(nil), d.StartKey...)
	c.EndKey = append([]byte(nil), d.EndKey...)
	c.Replicas = append([]ReplicaDescriptor(nil), d.Replicas...)
	return &c
}

// RangeMismatchError is returned when a request reaches a group that does not
// own its key (the directory this node used was stale). Descriptors holds
// what the group knows now; callers refresh their cache and retry.
type RangeMismatchError struct {
	Key         []byte
	Descriptors []*RangeDescriptor
}

func (e *RangeMismatchError) Error() string {
	return fmt.Sprintf("raftstore: key %q is not in the range of the group it was sent to", e.Key)
}
