package raftstore

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"go.etcd.io/raft/v3"
)

// Status is a snapshot of what this node knows about the cluster, for
// `talus cluster status`. It reflects this node's view: groups it holds a
// replica of, and the nodes it has addresses for.
type Status struct {
	NodeID   uint64
	RaftAddr string // "" for a single node without network
	Nodes    []NodeStatus
	Groups   []GroupStatus
}

// NodeStatus is one known node.
type NodeStatus struct {
	NodeID uint64
	Addr   string
	// Live is true if the node was heard from within an election timeout
	// (always true for this node); Dead once it has not been heard from for
	// Config.DeadNodeTimeout (its replicas are then replaced).
	Live, Dead bool
	// DiskBytes is the node's data on disk (group Pebbles, raft log): this
	// node's measured now, another's as its last liveness ping reported
	// it (0 until one did).
	DiskBytes uint64
}

// GroupStatus is this node's view of one group.
type GroupStatus struct {
	GroupID uint64
	// Meta is true for the meta group, which holds the range directory and
	// no user keys.
	Meta     bool
	StartKey []byte
	EndKey   []byte // empty: end of the key space
	// Generation of the descriptor (grows with every membership change).
	Generation uint64
	// LeaderNode is the node of the leader this replica knows, 0 if none.
	LeaderNode uint64
	// IsLeader is true when this node's replica leads.
	IsLeader bool
	Term     uint64
	// CommitIndex and AppliedIndex are this replica's.
	CommitIndex  uint64
	AppliedIndex uint64
	// Bytes is the disk usage of this replica's Pebble.
	Bytes uint64
	// ReplicationFactor is the number of voters wanted (Config.Replication,
	// else Config.ReplicationFactor); the meta group's is its voter cap.
	ReplicationFactor int
	Replicas          []ReplicaStatus
}

// ReplicaStatus is one replica of a group.
type ReplicaStatus struct {
	NodeID    uint64
	ReplicaID uint64
	Learner   bool
	// Match is the highest log index known replicated there; only the
	// leader knows it (0 elsewhere).
	Match uint64
	// Lag is how many entries the replica is behind the leader's last
	// index (leader's view; 0 elsewhere).
	Lag uint64
}

// Status returns this node's view of the cluster. It is safe to call
// concurrently with everything else.
func (s *Store) Status() Status {
	n := s.n
	st := Status{NodeID: n.id}
	if t, ok := n.trans.(*grpcTransport); ok {
		st.RaftAddr = t.addr
		for id, a := range t.knownAddrs() {
			ns := NodeStatus{NodeID: id, Addr: a, Live: n.isLive(id), Dead: n.isDead(id)}
			if id == n.id {
				ns.DiskBytes = n.measureDisk()
			} else {
				n.liveMu.Lock()
				ns.DiskBytes = n.peerDisk[id]
				n.liveMu.Unlock()
			}
			st.Nodes = append(st.Nodes, ns)
		}
	} else {
		st.Nodes = []NodeStatus{{NodeID: n.id, Live: true, DiskBytes: n.measureDisk()}}
	}
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].NodeID < st.Nodes[j].NodeID })
	for _, r := range n.replicas() {
		st.Groups = append(st.Groups, r.status())
	}
	sort.Slice(st.Groups, func(i, j int) bool { return st.Groups[i].GroupID < st.Groups[j].GroupID })
	return st
}

func (r *replica) status() GroupStatus {
	gs := GroupStatus{GroupID: r.groupID, Meta: r.groupID == metaGroupID}
	d := r.desc.Load()
	r.mu.Lock()
	rs := r.rn.Status()
	gs.AppliedIndex = r.applied
	last := r.ls.lastIndex
	r.mu.Unlock()
	gs.Term, gs.CommitIndex = rs.GetTerm(), rs.GetCommit()
	gs.IsLeader = rs.RaftState == raft.StateLeader
	if g := r.acquireDB(); g != nil {
		gs.Bytes = g.db.Metrics().DiskSpaceUsage()
		g.release()
	}
	if d == nil {
		return gs
	}
	gs.StartKey, gs.EndKey, gs.Generation = d.StartKey, d.EndKey, d.Generation
	gs.ReplicationFactor = r.n.cfg.replicationOf(d)
	if gs.Meta {
		gs.ReplicationFactor = metaVoters
	}
	gs.LeaderNode = d.nodeOfReplica(rs.Lead)
	for _, rd := range d.Replicas {
		x := ReplicaStatus{NodeID: rd.NodeID, ReplicaID: rd.ReplicaID, Learner: rd.Learner}
		if pr, ok := rs.Progress[rd.ReplicaID]; ok {
			x.Match = pr.Match
			if last > pr.Match {
				x.Lag = last - pr.Match
			}
		}
		gs.Replicas = append(gs.Replicas, x)
	}
	return gs
}

// WriteTo writes the status as the text table `talus cluster status` shows.
func (st Status) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "node %d", st.NodeID)
	if st.RaftAddr != "" {
		fmt.Fprintf(&b, " (raft %s)", st.RaftAddr)
	}
	b.WriteString("\n\nNODE\tADDRESS\tSTATE\tDISK\n")
	for _, n := range st.Nodes {
		state := "live"
		switch {
		case n.Dead:
			state = "dead"
		case !n.Live:
			state = "unreachable"
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\t%d\n", n.NodeID, n.Addr, state, n.DiskBytes)
	}
	b.WriteString("\nGROUP\tSPAN\tRF\tLEADER\tREPLICAS\tAPPLIED\tLAG\tBYTES\n")
	for _, g := range st.Groups {
		span := fmt.Sprintf("[%q, %q)", g.StartKey, g.EndKey)
		if g.Meta {
			span = "meta"
		} else if len(g.EndKey) == 0 {
			span = fmt.Sprintf("[%q, end)", g.StartKey)
		}
		var reps []string
		var lag uint64
		for _, r := range g.Replicas {
			s := fmt.Sprintf("n%d", r.NodeID)
			if r.Learner {
				s += "(learner)"
			}
			reps = append(reps, s)
			lag = max(lag, r.Lag)
		}
		leader := "-"
		if g.LeaderNode != 0 {
			leader = fmt.Sprintf("n%d", g.LeaderNode)
		}
		fmt.Fprintf(&b, "%d\t%s\t%d\t%s\t%s\t%d\t%d\t%d\n", g.GroupID, span, g.ReplicationFactor, leader, strings.Join(reps, ","), g.AppliedIndex, lag, g.Bytes)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	n, err := io.WriteString(tw, b.String())
	if err == nil {
		err = tw.Flush()
	}
	return int64(n), err
}
