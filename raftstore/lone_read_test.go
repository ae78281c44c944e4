package raftstore

import (
	"fmt"
	"testing"
)

// TestLoneVoterReads checks when reads skip the read index: only while a
// replica is the leader and only voter of its group and has applied an
// entry of its term, so that every acknowledged write is in its Pebble
// whenever a read may skip. Through a crash and restart (the acknowledged
// writes were in memtables and are applied again from the raft log), and
// while two more nodes join: once a group has more than one voter, no
// replica skips.
func TestLoneVoterReads(t *testing.T) {
	h := newHarnessBootstrap(t, 7, 3, 1, func(c *Config) { c.GroupMemTableSize = 64 << 20 })
	defer h.close()
	gids := h.groupIDs()
	h.stepUntil(300, "the lone voter may skip read indexes", func() bool {
		r := h.nodes[1].replica(gids[0])
		return r != nil && r.lone.Load()
	})
	acked := map[string]string{}
	for i := 0; i < 20; i++ {
		k, v := fmt.Sprintf("a%02d", i), fmt.Sprintf("v%d", i)
		if err := h.write(1, gids[0], setOp(k, v), 100); err != nil {
			t.Fatalf("write %s: %v", k, err)
		}
		acked[k] = v
	}
	// check fails if a replica may skip the read index while an
	// acknowledged write is not in its Pebble, or while its group has
	// more than one voter.
	check := func(when string) {
		t.Helper()
		for _, id := range h.ids {
			n := h.nodes[id]
			if n == nil {
				continue
			}
			r := n.replica(gids[0])
			if r == nil || !r.lone.Load() {
				continue
			}
			r.mu.Lock()
			voters := len(r.confState.GetVoters())
			r.mu.Unlock()
			if voters != 1 {
				t.Fatalf("%s: node %d skips read indexes with %d voters", when, id, voters)
			}
			for k, v := range acked {
				if got, ok := h.readLocal(id, gids[0], []byte(k)); !ok || got != v {
					t.Fatalf("%s: node %d skips read indexes but reads %s = %q, %v", when, id, k, got, ok)
				}
			}
		}
	}
	check("after the writes")
	h.crash(1, 0)
	h.restart(1)
	if r := h.nodes[1].replica(gids[0]); r.lone.Load() {
		t.Fatal("a restarted replica skips read indexes before it leads")
	}
	sawLone := false
	h.stepUntil(300, "the restarted lone voter may skip read indexes", func() bool {
		check("after the restart")
		sawLone = h.nodes[1].replica(gids[0]).lone.Load()
		return sawLone
	})
	// Let the replicate queue add nodes 2 and 3 as voters.
	h.stepUntil(3000, "three voters", func() bool {
		check("while nodes join")
		return len(h.voters(1, gids[0])) == 3
	})
	for i := 0; i < 50; i++ {
		h.step()
		check("with three voters")
	}
	for _, id := range h.ids {
		if r := h.nodes[id].replica(gids[0]); r != nil && r.lone.Load() {
			t.Fatalf("node %d skips read indexes in a 3-voter group", id)
		}
	}
}
