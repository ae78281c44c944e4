package raftstore

import (
	"context"

	pb "go.etcd.io/raft/v3/raftpb"
)

// envelope is one raft message of one group, addressed node to node.
// Group 0 carries the node-level liveness ping (quiesce.go).
type envelope struct {
	GroupID  uint64
	FromNode uint64
	ToNode   uint64
	Msg      *pb.Message
	// Quiesce marks a leader's last heartbeat before its group goes idle.
	Quiesce bool
}

// transport carries envelopes between nodes. send must not block on the
// network: it queues, and a message that cannot be delivered is dropped
// (raft retransmits). Implementations deliver to the receiving node's
// node.receive.
type transport interface {
	send(envs []envelope)
	// nodes returns the ids of the nodes this one knows (itself included).
	nodes() []uint64
	// call sends a forwarded request to node to and returns its answer
	// (forward.go).
	call(ctx context.Context, to uint64, req []byte) ([]byte, error)
	close() error
}

// loopbackTransport is the transport of a single-node store: a one-voter
// group sends no messages, and anything addressed elsewhere is dropped.
type loopbackTransport struct{ n *node }

func (t loopbackTransport) send(envs []envelope) {
	var local []envelope
	for _, e := range envs {
		if e.ToNode == t.n.id {
			local = append(local, e)
		}
	}
	if len(local) > 0 {
		t.n.receive(local)
	}
}

func (t loopbackTransport) nodes() []uint64 { return []uint64{t.n.id} }

func (loopbackTransport) call(context.Context, uint64, []byte) ([]byte, error) {
	return nil, errNoNetwork
}

func (loopbackTransport) close() error { return nil }
