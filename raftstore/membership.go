package raftstore

import (
	"sort"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
)

// Membership. The leader of each group runs the replicate queue: while the
// group has fewer voters than Config.ReplicationFactor and a known node
// holds no replica, it adds one there as a learner (a ConfChangeV2 carrying
// the next descriptor, with a fresh replica id from NextReplicaID; ids are
// never reused). The learner is created empty on its node by the leader's
// first message and receives a snapshot. Once it has caught up with the
// commit index, the leader promotes it to voter with a second ConfChangeV2.
// One change per group is in flight at a time: a change proposed against a
// descriptor generation that moved on is refused at apply. The meta group
// gets up to metaVoters voters and a learner on every other node. Leaders
// also report their group's descriptor to the meta group until it has it.

// replicateOnce runs one pass of the replicate queue over the groups this
// node leads.
func (n *node) replicateOnce() {
	// Range sizes are checked every splitCheckPasses passes (every 10 s
	// with the default tick).
	checkSizes := n.replicatePasses.Add(1)%splitCheckPasses == 0
	nodes := n.trans.nodes()
	sort.Slice(nodes, func(i, j int) bool { return nodes[i] < nodes[j] })
	for _, r := range n.replicas() {
		if !r.isLead.Load() {
			continue
		}
		d := r.desc.Load()
		if d == nil {
			continue
		}
		r.mu.Lock()
		if r.removed {
			r.mu.Unlock()
			continue
		}
		st := r.rn.Status()
		r.mu.Unlock()
		if st.RaftState != raft.StateLeader {
			continue
		}
		if r.groupID != metaGroupID {
			n.reportDescriptor(d)
			if checkSizes && !n.cfg.manual {
				n.maybeSplit(r, d)
			}
		}
		p := membershipPolicy{rf: n.cfg.replicationOf(d), live: n.isLive, dead: n.isDead, leader: st.ID}
		if r.groupID == metaGroupID {
			p.rf, p.learnersEverywhere = metaVoters, true
		}
		if cc := nextMembershipChange(d, st, nodes, p); cc != nil {
			r.wake()
			r.enqueue(func(in *inbox) { in.confChanges = append(in.confChanges, cc) })
		}
	}
}

// membershipPolicy is what the replicate queue needs to know about a group
// and the cluster.
type membershipPolicy struct {
	// rf is the number of live voters wanted.
	rf int
	// learnersEverywhere adds a learner on every live node without a
	// replica (the meta group).
	learnersEverywhere bool
	// live reports nodes heard from lately; dead reports nodes not heard
	// from for Config.DeadNodeTimeout.
	live, dead func(node uint64) bool
	// leader is the replica id of the leader (never removed for being
	// above rf: it would have to hand over leadership first).
	leader uint64
}

// nextMembershipChange returns the change the replicate queue proposes for
// a group with descriptor d, or nil, in this order:
//
//  1. promote a caught-up learner while the group has fewer than rf live
//     voters (wait while the learner catches up);
//  2. add a learner on a live node without a replica while live voters < rf
//     (a dead node's voter is replaced before it is removed), or always
//     with learnersEverywhere;
//  3. remove a replica on a dead node once enough live voters remain;
//  4. without learnersEverywhere, remove a learner while live voters are
//     at least rf, and a voter (not the leader; the highest node id first)
//     while they are more than rf (a node not heard from lately first,
//     then the highest node id): the factor was lowered.
func nextMembershipChange(d *RangeDescriptor, st raft.Status, nodes []uint64, p membershipPolicy) *pb.ConfChangeV2 {
	liveVoters := 0
	for _, rd := range d.Replicas {
		if !rd.Learner && !p.dead(rd.NodeID) {
			liveVoters++
		}
	}
	if liveVoters < p.rf {
		for _, rd := range d.Replicas {
			if !rd.Learner || p.dead(rd.NodeID) {
				continue
			}
			pr, ok := st.Progress[rd.ReplicaID]
			if !ok || pr.State != tracker.StateReplicate || pr.Match < st.GetCommit() {
				return nil // wait for the learner to catch up
			}
			next := d.clone()
			next.Generation++
			for i := range next.Replicas {
				if next.Replicas[i].ReplicaID == rd.ReplicaID {
					next.Replicas[i].Learner = false
				}
			}
			return confChange(pb.ConfChangeAddNode, rd.ReplicaID, next)
		}
	}
	if liveVoters < p.rf || p.learnersEverywhere {
		for _, id := range nodes {
			if _, ok := d.replicaOnNode(id); ok || !p.live(id) {
				continue
			}
			next := d.clone()
			next.Generation++
			rid := next.NextReplicaID
			next.NextReplicaID++
			next.Replicas = append(next.Replicas, ReplicaDescriptor{NodeID: id, ReplicaID: rid, Learner: true})
			return confChange(pb.ConfChangeAddLearnerNode, rid, next)
		}
	}
	// Remove replicas on dead nodes: learners at once, voters only while
	// as many live voters as wanted remain (or no live node can replace
	// them, and removing still leaves a live majority).
	for _, rd := range d.Replicas {
		if !p.dead(rd.NodeID) {
			continue
		}
		if rd.Learner || liveVoters >= p.rf {
			return removeChange(d, rd.NodeID)
		}
	}
	if p.learnersEverywhere || liveVoters < p.rf {
		return nil
	}
	for i := len(d.Replicas) - 1; i >= 0; i-- {
		rd := d.Replicas[i]
		if rd.Learner {
			return removeChange(d, rd.NodeID)
		}
	}
	if liveVoters > p.rf {
		var victim *ReplicaDescriptor
		for i := range d.Replicas {
			rd := &d.Replicas[i]
			if rd.Learner || rd.ReplicaID == p.leader {
				continue
			}
			// Prefer a node not heard from lately, then the highest id.
			if victim == nil || (!p.live(rd.NodeID) && p.live(victim.NodeID)) ||
				(p.live(rd.NodeID) == p.live(victim.NodeID) && rd.NodeID > victim.NodeID) {
				victim = rd
			}
		}
		if victim != nil {
			return removeChange(d, victim.NodeID)
		}
	}
	return nil
}

// removeChange returns the change removing node's replica from d, or nil.
func removeChange(d *RangeDescriptor, node uint64) *pb.ConfChangeV2 {
	rd, ok := d.replicaOnNode(node)
	if !ok {
		return nil
	}
	next := d.clone()
	next.Generation++
	next.Replicas = next.Replicas[:0]
	for _, x := range d.Replicas {
		if x.NodeID != node {
			next.Replicas = append(next.Replicas, x)
		}
	}
	return confChange(pb.ConfChangeRemoveNode, rd.ReplicaID, next)
}

func confChange(t pb.ConfChangeType, rid uint64, next *RangeDescriptor) *pb.ConfChangeV2 {
	return &pb.ConfChangeV2{
		Changes: []*pb.ConfChangeSingle{{Type: t.Enum(), NodeId: &rid}},
		Context: encodeDescriptor(next),
	}
}
