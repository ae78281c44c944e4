package raftstore

import (
	"errors"
	"testing"
)

func setOp(key, value string) []byte { return appendOp(nil, opSet, []byte(key), []byte(value)) }

// TestClusterReplicates: a 3-node cluster elects leaders, replicates writes
// proposed on any node, and every replica ends with the same data.
func TestClusterReplicates(t *testing.T) {
	h := newHarness(t, 1, 3, nil)
	defer h.close()
	for _, gid := range h.groupIDs() {
		h.stepUntil(200, "a leader is elected", func() bool { return h.leaderOf(gid) != 0 })
	}
	var futs []*future
	for i, id := range h.ids {
		futs = append(futs, h.proposeOps(id, 2, setOp("a", string(rune('0'+i)))))
		futs = append(futs, h.proposeOps(id, 3, setOp("x", string(rune('0'+i)))))
	}
	h.stepUntil(100, "every write is applied", func() bool {
		for _, f := range futs {
			if !f.ready() {
				return false
			}
		}
		return true
	})
	for _, f := range futs {
		if f.err != nil {
			t.Fatal(f.err)
		}
	}
	h.converge(200)
	for _, id := range h.ids {
		if _, ok := h.readLocal(id, 2, []byte("a")); !ok {
			t.Fatalf("node %d misses a", id)
		}
	}
}

// TestPartitionMinorityNeverAcknowledges: a write through a leader cut off
// from the majority is never acknowledged; the majority elects a new leader
// and keeps accepting writes; after healing, the old leader's write is
// reported dropped and all replicas agree.
func TestPartitionMinorityNeverAcknowledges(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		h := newHarness(t, seed, 3, nil)
		h.net.maxDelay = 2
		const gid = 2
		h.stepUntil(300, "a leader is elected", func() bool { return h.leaderOf(gid) != 0 })
		old := h.leaderOf(gid)
		var rest []uint64
		for _, id := range h.ids {
			if id != old {
				rest = append(rest, id)
			}
		}
		h.partition([]uint64{old}, rest)
		minority := h.proposeOps(old, gid, setOp("k", "minority"))
		minorityRead := h.nodes[old].readIndex(gid)
		var newLeader uint64
		h.stepUntil(400, "the majority elects a new leader", func() bool {
			newLeader = h.leaderOf(gid)
			for _, id := range rest {
				if newLeader == id {
					return true
				}
			}
			return false
		})
		if err := h.write(rest[0], gid, setOp("k", "majority"), 300); err != nil {
			t.Fatalf("seed %d: majority write: %v", seed, err)
		}
		for i := 0; i < 200; i++ {
			h.step()
			if minority.ready() && minority.err == nil {
				t.Fatalf("seed %d: the minority acknowledged a write", seed)
			}
			if minorityRead.ready() && minorityRead.err == nil {
				t.Fatalf("seed %d: the minority served a linearizable read", seed)
			}
		}
		h.converge(400)
		h.stepUntil(400, "the minority write resolves", minority.ready)
		if minority.err == nil || !(errors.Is(minority.err, ErrProposalDropped) || errors.Is(minority.err, ErrAmbiguousResult)) {
			t.Fatalf("seed %d: minority write: %v", seed, minority.err)
		}
		for _, id := range h.ids {
			if v, _ := h.readLocal(id, gid, []byte("k")); v != "majority" {
				t.Fatalf("seed %d: node %d has k=%q", seed, id, v)
			}
		}
		h.close()
	}
}

// TestIdleGroupsQuiesceAndWakeOnLeaderLoss: idle groups stop ticking on all
// replicas (only node pings flow), and losing the leader's node wakes the
// followers through node liveness so they elect a new leader.
func TestIdleGroupsQuiesceAndWakeOnLeaderLoss(t *testing.T) {
	h := newHarness(t, 11, 3, nil)
	defer h.close()
	// The meta group too: its first election can end late (split votes),
	// and an idle cluster must quiesce it like any other group.
	groups := append([]uint64{metaGroupID}, h.groupIDs()...)
	for _, gid := range groups {
		h.stepUntil(300, "a leader", func() bool { return h.leaderOf(gid) != 0 })
	}
	if err := h.write(1, 2, setOp("a", "1"), 300); err != nil {
		t.Fatal(err)
	}
	allQuiesced := func() bool {
		for _, id := range h.ids {
			for _, gid := range groups {
				if r := h.nodes[id].replica(gid); r == nil || !r.quiesced.Load() {
					return false
				}
			}
		}
		return true
	}
	h.stepUntil(300, "every replica quiesces", allQuiesced)
	for i := 0; i < 10; i++ {
		h.step() // let the responses to the quiesce heartbeats drain
	}
	sent := h.net.sent
	for i := 0; i < 100; i++ {
		h.step()
	}
	// 100 steps, 3 nodes, a ping to each of 2 peers every HeartbeatTicks.
	if got, pings := h.net.sent-sent, 100*3*2/h.cfg.HeartbeatTicks; got > pings || !allQuiesced() {
		t.Fatalf("idle cluster sent %d messages in 100 steps (pings alone: %d), all quiesced: %v", got, pings, allQuiesced())
	}
	old := h.leaderOf(2)
	h.crash(old, 0)
	h.stepUntil(500, "a new leader after losing the old one's node", func() bool {
		ld := h.leaderOf(2)
		return ld != 0 && ld != old
	})
	h.converge(1000)
}
