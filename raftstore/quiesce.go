package raftstore

import (
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
)

// Quiescence and node liveness. An idle group should cost nothing, so a
// leader whose followers all hold its whole log, with everything committed
// and applied and nothing waiting, stops ticking and sends each follower a
// last heartbeat marked quiesce; a follower that receives it from its
// leader, with everything committed, stops ticking too. Any proposal, read
// or message (other than a heartbeat response) wakes the group.
//
// A quiesced follower no longer notices a dead leader through raft, so
// liveness moves to the node level (coalesced heartbeats): every
// HeartbeatTicks each node sends one ping per peer node (group 0), and a
// quiesced replica that has a replica on a node not heard from for
// ElectionTicks wakes up, so raft's own timeouts (elections, CheckQuorum)
// take over.

// maybeQuiesce quiesces an idle leader and returns the quiesce heartbeats
// for its followers. Called with mu held, after Advance.
func (r *replica) maybeQuiesce() []envelope {
	if r.quiesced.Load() || r.removed || len(r.proposals) > 0 || len(r.readBatches) > 0 ||
		len(r.readWaiting) > 0 || len(r.unissuedReads) > 0 || r.rn.HasReady() || r.desc.Load() == nil {
		return nil
	}
	bs := r.rn.BasicStatus()
	last := r.ls.lastIndex
	if bs.RaftState != raft.StateLeader || bs.GetCommit() != last || r.applied != last || bs.LeadTransferee != 0 {
		return nil
	}
	caughtUp := true
	var followers []uint64
	r.rn.WithProgress(func(id uint64, _ raft.ProgressType, pr tracker.Progress) {
		if pr.Match != last {
			caughtUp = false
		}
		if id != r.replicaID {
			followers = append(followers, id)
		}
	})
	if !caughtUp {
		return nil
	}
	r.quiesced.Store(true)
	envs := make([]envelope, 0, len(followers))
	for _, id := range followers {
		to := r.nodeOf(id)
		if to == 0 {
			continue
		}
		m := &pb.Message{
			Type: pb.MsgHeartbeat.Enum(), To: new(id), From: new(r.replicaID),
			Term: new(bs.GetTerm()), Commit: new(last),
		}
		envs = append(envs, envelope{GroupID: r.groupID, FromNode: r.n.id, ToNode: to, Msg: m, Quiesce: true})
	}
	return envs
}

// maybeQuiesceFollower quiesces a follower after a quiesce heartbeat from
// its leader, if everything it holds is committed. Called with mu held.
func (r *replica) maybeQuiesceFollower(from uint64) {
	bs := r.rn.BasicStatus()
	if bs.Lead == from && bs.RaftState == raft.StateFollower && bs.GetCommit() >= r.ls.lastIndex && len(r.proposals) == 0 {
		r.quiesced.Store(true)
	}
}

// wake unquiesces the group.
func (r *replica) wake() { r.quiesced.Store(false) }

// noteAlive records that node id was heard from. A node heard from for the
// first time, or again after it was considered down (a restart), wakes the
// quiesced groups this node leads with a replica there: the leader's
// heartbeats tell a restarted follower who leads.
func (n *node) noteAlive(id uint64) {
	now := n.ticks.Load()
	n.liveMu.Lock()
	last, known := n.lastHeard[id]
	n.lastHeard[id] = now
	n.liveMu.Unlock()
	if known && last+uint64(n.cfg.ElectionTicks) >= now {
		return
	}
	for _, r := range n.replicas() {
		if !r.quiesced.Load() || !r.isLead.Load() {
			continue
		}
		if d := r.desc.Load(); d != nil {
			if _, ok := d.replicaOnNode(id); ok {
				r.wake()
				n.sched.mark(r.groupID)
			}
		}
	}
}

// diskReportEvery is how many ticks apart the node measures its disk
// bytes, which its pings report to the other nodes (cluster status).
const diskReportEvery = 100

// measureDisk returns the bytes of this node's data on disk: its group
// Pebbles, the raft-log engine and the entry log.
func (n *node) measureDisk() uint64 {
	var b uint64
	for _, r := range n.replicas() {
		if g := r.acquireDB(); g != nil {
			b += g.db.Metrics().DiskSpaceUsage()
			g.release()
		}
	}
	if n.logdb != nil {
		b += n.logdb.Metrics().DiskSpaceUsage()
	}
	if n.elog != nil {
		b += n.elog.diskUsage()
	}
	return b
}

// livenessTick sends this node's pings and wakes quiesced groups that have
// a replica on a node not heard from lately. Called once per tick.
func (n *node) livenessTick() {
	now := n.ticks.Add(1)
	nodes := n.trans.nodes()
	if now%diskReportEvery == 1 {
		n.diskBytes.Store(n.measureDisk())
	}
	if now%uint64(n.cfg.HeartbeatTicks) == 0 {
		var pings []envelope
		disk := n.diskBytes.Load()
		for _, id := range nodes {
			if id != n.id {
				// Commit carries the disk bytes (cluster status); raft
				// never sees group 0 messages.
				pings = append(pings, envelope{FromNode: n.id, ToNode: id, Msg: &pb.Message{Commit: new(disk)}})
			}
		}
		if len(pings) > 0 {
			n.trans.send(pings)
		}
	}
	down := map[uint64]bool{}
	n.liveMu.Lock()
	for _, id := range nodes {
		if id != n.id && n.lastHeard[id]+uint64(n.cfg.ElectionTicks) < now {
			down[id] = true
		}
	}
	n.liveMu.Unlock()
	if len(down) == 0 {
		return
	}
	for _, r := range n.replicas() {
		if !r.quiesced.Load() {
			continue
		}
		if d := r.desc.Load(); d != nil {
			for _, rd := range d.Replicas {
				if down[rd.NodeID] {
					r.wake()
					n.sched.mark(r.groupID)
					break
				}
			}
		}
	}
}

// isLive reports whether node id was heard from within ElectionTicks (this
// node is always live).
func (n *node) isLive(id uint64) bool {
	if id == n.id {
		return true
	}
	now := n.ticks.Load()
	n.liveMu.Lock()
	last, ok := n.lastHeard[id]
	n.liveMu.Unlock()
	return ok && last+uint64(n.cfg.ElectionTicks) >= now
}

// isDead reports whether node id has not been heard from for
// Config.DeadNodeTimeout (counted from this node's start if never heard).
func (n *node) isDead(id uint64) bool {
	if id == n.id {
		return false
	}
	limit := uint64(n.cfg.DeadNodeTimeout / n.cfg.TickInterval)
	now := n.ticks.Load()
	n.liveMu.Lock()
	last := n.lastHeard[id]
	n.liveMu.Unlock()
	return last+limit < now
}
