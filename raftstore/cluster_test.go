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
