package raftstore

import (
	"fmt"
	"testing"
	"time"
)

// TestJoinByLearnerSnapshotPromote: a one-node cluster with data grows to
// three voters per group: the leader adds each new node as a learner, the
// learner gets a snapshot (the bootstrap log is truncated), catches up and
// is promoted. Writes go on during the changes and end up everywhere.
func TestJoinByLearnerSnapshotPromote(t *testing.T) {
	h := newHarnessBootstrap(t, 7, 3, 1, nil)
	defer h.close()
	for _, gid := range h.groupIDs() {
		h.stepUntil(100, "the first node leads", func() bool { return h.leaderOf(gid) == 1 })
	}
	for i := 0; i < 20; i++ {
		if err := h.write(1, 2, setOp(fmt.Sprintf("k%02d", i), "v"), 50); err != nil {
			t.Fatal(err)
		}
	}
	for _, gid := range h.groupIDs() {
		h.stepUntil(2000, "three voters everywhere", func() bool {
			for _, id := range h.ids {
				if fmt.Sprint(h.voters(id, gid)) != "[1 2 3]" {
					return false
				}
			}
			return true
		})
	}
	if h.net.snapshots == 0 {
		t.Fatal("no snapshot was sent")
	}
	t.Logf("three voters after %d steps, %d snapshots", h.now, h.net.snapshots)
	for i := 20; i < 30; i++ {
		if err := h.write(h.ids[i%3], 2, setOp(fmt.Sprintf("k%02d", i), "v"), 300); err != nil {
			t.Fatal(err)
		}
	}
	h.converge(500)
	for _, id := range h.ids {
		for _, k := range []string{"k00", "k19", "k29"} {
			if _, ok := h.readLocal(id, 2, []byte(k)); !ok {
				t.Fatalf("node %d misses %s", id, k)
			}
		}
	}
}

// TestLaggingFollowerGetsSnapshot: a follower that was down while the leader
// truncated its log past it catches up by snapshot, and a crash right after
// installing one loses nothing.
func TestLaggingFollowerGetsSnapshot(t *testing.T) {
	h := newHarness(t, 3, 3, func(c *Config) { c.LogTruncateEntries = 10 })
	defer h.close()
	const gid = 2
	h.stepUntil(300, "a leader", func() bool { return h.leaderOf(gid) != 0 })
	down := h.ids[0]
	if down == h.leaderOf(gid) {
		down = h.ids[1]
	}
	h.crash(down, 0)
	up := h.ids[2]
	if up == down {
		up = h.ids[0]
	}
	for i := 0; i < 80; i++ {
		if err := h.write(up, gid, setOp(fmt.Sprintf("k%02d", i), "v"), 300); err != nil {
			t.Fatal(err)
		}
	}
	before := h.net.snapshots
	h.restart(down)
	h.converge(1000)
	if h.net.snapshots == before {
		t.Fatal("the lagging follower caught up without a snapshot; the test did not test snapshots")
	}
	t.Logf("caught up by %d snapshots, step %d", h.net.snapshots-before, h.now)
	h.crash(down, 0)
	h.converge(1000)
	if got := h.dump(down, gid); got != h.dump(up, gid) {
		t.Fatalf("after crash: %s", got)
	}
}

// TestRemoveAndReaddNeverReusesReplicaID: a removed replica is destroyed on
// its node; the replicate queue re-adds the node with a new replica id.
func TestRemoveAndReaddNeverReusesReplicaID(t *testing.T) {
	h := newHarness(t, 5, 3, nil)
	defer h.close()
	const gid = 2
	h.stepUntil(300, "a leader", func() bool { return h.leaderOf(gid) != 0 })
	ld := h.leaderOf(gid)
	victim := h.ids[0]
	if victim == ld {
		victim = h.ids[1]
	}
	r := h.nodes[ld].replica(gid)
	old, _ := r.desc.Load().replicaOnNode(victim)
	cc := removeChange(r.desc.Load(), victim)
	r.enqueue(func(in *inbox) { in.confChanges = append(in.confChanges, cc) })
	h.stepUntil(200, "the victim's replica is destroyed", func() bool { return h.nodes[victim].replica(gid) == nil })
	h.stepUntil(2000, "the victim is back as a voter", func() bool {
		rd, ok := h.nodes[ld].replica(gid).desc.Load().replicaOnNode(victim)
		return ok && !rd.Learner
	})
	rd, _ := h.nodes[ld].replica(gid).desc.Load().replicaOnNode(victim)
	if rd.ReplicaID <= old.ReplicaID {
		t.Fatalf("replica id %d reused or lowered (was %d)", rd.ReplicaID, old.ReplicaID)
	}
	h.converge(500)
}

// TestMetaDirectoryReachesEveryNode: with four nodes and three replicas per
// data group, the meta group reaches every node, and a node without a
// replica of a group still knows its current descriptor (generation
// included) from its meta replica.
func TestMetaDirectoryReachesEveryNode(t *testing.T) {
	h := newHarnessBootstrap(t, 9, 4, 1, nil)
	defer h.close()
	h.stepUntil(3000, "every data group has 3 voters and every node a meta replica", func() bool {
		for _, id := range h.ids {
			if h.nodes[id].replica(metaGroupID) == nil {
				return false
			}
		}
		for _, gid := range h.groupIDs() {
			ld := h.leaderOf(gid)
			if ld == 0 || len(h.voters(ld, gid)) != 3 {
				return false
			}
		}
		return true
	})
	for _, gid := range h.groupIDs() {
		ld := h.leaderOf(gid)
		want := h.nodes[ld].replica(gid).desc.Load()
		h.stepUntil(500, fmt.Sprintf("every node's directory has group %d at generation %d", gid, want.Generation), func() bool {
			for _, id := range h.ids {
				d, err := h.nodes[id].descriptor(gid)
				if err != nil || d.Generation != want.Generation || len(d.Replicas) != 3 {
					return false
				}
			}
			return true
		})
	}
	var outsider uint64
	for _, id := range h.ids {
		if h.nodes[id].replica(2) == nil {
			outsider = id
		}
	}
	if outsider == 0 {
		t.Fatal("every node holds group 2; the test needs one that does not")
	}
	t.Logf("node %d holds no replica of group 2 and knows its descriptor from the meta group", outsider)
}

// TestDeadNodeIsReplaced: with four nodes and three replicas per group, a
// node that stays down longer than DeadNodeTimeout has its replicas
// replaced on the spare node (added first, then the dead one removed), and
// writes go on.
func TestDeadNodeIsReplaced(t *testing.T) {
	h := newHarnessBootstrap(t, 13, 4, 1, func(c *Config) { c.DeadNodeTimeout = 5 * time.Second }) // 50 ticks
	defer h.close()
	const gid = 2
	h.stepUntil(3000, "three voters", func() bool {
		ld := h.leaderOf(gid)
		return ld != 0 && len(h.voters(ld, gid)) == 3
	})
	if err := h.write(h.leaderOf(gid), gid, setOp("a", "1"), 300); err != nil {
		t.Fatal(err)
	}
	victim := h.voters(h.leaderOf(gid), gid)[0]
	if victim == h.leaderOf(gid) {
		victim = h.voters(h.leaderOf(gid), gid)[1]
	}
	h.crash(victim, 0)
	var want string
	for _, id := range h.ids {
		if id != victim {
			want += fmt.Sprint(id)
		}
	}
	h.stepUntil(3000, "the dead node's replica is replaced", func() bool {
		ld := h.leaderOf(gid)
		if ld == 0 {
			return false
		}
		var got string
		for _, id := range h.voters(ld, gid) {
			got += fmt.Sprint(id)
		}
		d := h.nodes[ld].replica(gid).desc.Load()
		return got == want && len(d.Replicas) == 3
	})
	if err := h.write(h.leaderOf(gid), gid, setOp("b", "2"), 300); err != nil {
		t.Fatal(err)
	}
	h.stepUntil(500, "the new replica has all data", func() bool {
		for _, id := range h.ids {
			if id == victim {
				continue
			}
			if v, ok := h.readLocal(id, gid, []byte("b")); !ok || v != "2" {
				return false
			}
			if v, ok := h.readLocal(id, gid, []byte("a")); !ok || v != "1" {
				return false
			}
		}
		return true
	})
}

// TestReplicationPerRange: Config.Replication gives ranges their own
// factor: with three nodes the range starting at "m" (factor 1) stays on
// the bootstrap node while the other gets three voters; lowering a factor
// removes voters (never the leader) down to it.
func TestReplicationPerRange(t *testing.T) {
	h := newHarnessBootstrap(t, 17, 3, 1, func(c *Config) { c.Replication = map[string]int{"m": 1} })
	defer h.close()
	lo, hi := h.groupIDs()[0], h.groupIDs()[1]
	if d := h.nodes[1].replica(hi).desc.Load(); string(d.StartKey) != "m" {
		t.Fatalf("group %d starts at %q, want m", hi, d.StartKey)
	}
	h.stepUntil(3000, "three voters in the default range", func() bool {
		ld := h.leaderOf(lo)
		return ld != 0 && fmt.Sprint(h.voters(ld, lo)) == "[1 2 3]"
	})
	for i := 0; i < 200; i++ {
		h.step()
	}
	if got := fmt.Sprint(h.voters(1, hi)); got != "[1]" {
		t.Fatalf("range at m (factor 1) has voters %s, want [1]", got)
	}
	if d := h.nodes[1].replica(hi).desc.Load(); len(d.Replicas) != 1 {
		t.Fatalf("range at m has replicas %+v, want only node 1's", d.Replicas)
	}
	for _, id := range h.ids {
		h.nodes[id].cfg.Replication = map[string]int{"": 2, "m": 1}
	}
	h.stepUntil(3000, "two voters in the default range", func() bool {
		ld := h.leaderOf(lo)
		return ld != 0 && len(h.voters(ld, lo)) == 2 && len(h.nodes[ld].replica(lo).desc.Load().Replicas) == 2
	})
	if err := h.write(h.leaderOf(lo), lo, setOp("a", "1"), 300); err != nil {
		t.Fatal(err)
	}
	if err := h.write(1, hi, setOp("x", "1"), 300); err != nil {
		t.Fatal(err)
	}
}
