package raftstore

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/talus-logs/talus/kv"
)

func grpcConfig(id uint64, join []string) Config {
	return Config{
		NodeID:         id,
		DataDir:        "d",
		FS:             vfs.NewMem(),
		RaftAddr:       "127.0.0.1:0",
		Join:           join,
		Merger:         appendMerger,
		InitialSplits:  [][]byte{[]byte("m")},
		TickInterval:   5 * time.Millisecond,
		ElectionTicks:  20,
		HeartbeatTicks: 2,
		CacheSize:      8 << 20,
	}
}

// waitFor polls cond until it holds or the deadline passes. The cluster
// runs on real timers here, so there is no logical clock to step.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fullyReplicated reports whether every group s holds has three voters.
func fullyReplicated(s *Store, groups int) bool {
	st := s.Status()
	if len(st.Groups) != groups {
		return false
	}
	for _, g := range st.Groups {
		voters := 0
		for _, r := range g.Replicas {
			if !r.Learner {
				voters++
			}
		}
		if voters != 3 {
			return false
		}
	}
	return true
}

// grpcCluster opens node 1, runs before (if any) on it, then joins nodes
// 2..n through it. The stores are closed at the end of the test (a nil
// entry was closed by the test).
func grpcCluster(t *testing.T, n int, before func(*Store)) []*Store {
	stores := []*Store{mustOpen(t, grpcConfig(1, nil))}
	t.Cleanup(func() {
		for _, s := range stores {
			if s != nil {
				s.Close()
			}
		}
	})
	if before != nil {
		before(stores[0])
	}
	for id := uint64(2); id <= uint64(n); id++ {
		stores = append(stores, mustOpen(t, grpcConfig(id, []string{stores[0].RaftAddr()})))
	}
	return stores
}

// TestGRPCClusterSurvivesLosingANode forms a 3-node cluster over gRPC on
// 127.0.0.1 by joining, replicates writes, loses a node and keeps serving
// linearizable reads and writes on the other two.
func TestGRPCClusterSurvivesLosingANode(t *testing.T) {
	stores := grpcCluster(t, 3, func(s1 *Store) {
		commit(t, s1, func(b kv.Batch) { _ = b.Set([]byte("a"), []byte("1")); _ = b.Set([]byte("x"), []byte("1")) })
	})
	for _, s := range stores {
		waitFor(t, 20*time.Second, fmt.Sprintf("node %d to hold 3 groups (meta and 2 data) with 3 voters", s.n.id), func() bool { return fullyReplicated(s, 3) })
	}
	commit(t, stores[1], func(b kv.Batch) { _ = b.Merge([]byte("a"), []byte("2")); _ = b.Merge([]byte("x"), []byte("2")) })
	for _, s := range stores {
		for _, k := range []string{"a", "x"} {
			if v, err := s.Get([]byte(k)); err != nil || string(v) != "12" {
				t.Fatalf("node %d: %s = %q, %v", s.n.id, k, v, err)
			}
		}
	}
	st := stores[0].Status()
	if len(st.Nodes) != 3 || len(st.Groups) != 3 || !st.Groups[0].Meta || st.Groups[1].LeaderNode == 0 {
		t.Fatalf("status: %+v", st)
	}
	for _, ns := range st.Nodes {
		if !ns.Live || ns.Dead || ns.Addr == "" {
			t.Fatalf("node status: %+v", ns)
		}
	}
	for _, g := range st.Groups {
		if g.AppliedIndex == 0 || g.CommitIndex < g.AppliedIndex || len(g.Replicas) != 3 {
			t.Fatalf("group status: %+v", g)
		}
	}

	// Lose node 1 (it led every group at first).
	if err := stores[0].Close(); err != nil {
		t.Fatal(err)
	}
	stores[0] = nil
	commit(t, stores[2], func(b kv.Batch) { _ = b.Merge([]byte("a"), []byte("3")); _ = b.Set([]byte("z"), []byte("9")) })
	for _, s := range stores[1:] {
		if v, err := s.Get([]byte("a")); err != nil || string(v) != "123" {
			t.Fatalf("node %d after losing node 1: a = %q, %v", s.n.id, v, err)
		}
		if got := scan(t, s, nil); got != "a=123 x=12 z=9 " {
			t.Fatalf("node %d scan: %q", s.n.id, got)
		}
	}
	if _, err := stores[1].Get([]byte("nope")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatal(err)
	}
}

// TestGRPCForwardingFromNodeWithoutReplica: in a 4-node cluster with three
// replicas per group, the fourth node holds only the meta group; its writes,
// gets and scans are forwarded to nodes holding the ranges, also after one
// of them is lost.
func TestGRPCForwardingFromNodeWithoutReplica(t *testing.T) {
	stores := grpcCluster(t, 3, nil)
	for _, s := range stores {
		waitFor(t, 20*time.Second, "3 voters everywhere", func() bool { return fullyReplicated(s, 3) })
	}
	s4 := mustOpen(t, grpcConfig(4, []string{stores[0].RaftAddr()}))
	defer s4.Close()
	waitFor(t, 20*time.Second, "node 4 to learn the directory", func() bool {
		for _, gid := range []uint64{2, 3} {
			d, err := s4.n.descriptor(gid)
			if err != nil || len(d.Replicas) != 3 {
				return false
			}
		}
		return s4.n.replica(metaGroupID) != nil
	})
	if s4.n.replica(2) != nil || s4.n.replica(3) != nil {
		t.Fatal("node 4 holds a data replica; the test needs it not to")
	}
	if m := s4.Metrics(); m.SnapshotsReceived == 0 {
		t.Fatalf("node 4 got its meta replica without a snapshot? %+v", m)
	}
	commit(t, s4, func(b kv.Batch) { _ = b.Set([]byte("a"), []byte("1")); _ = b.Merge([]byte("x"), []byte("1")) })
	if v, err := s4.Get([]byte("x")); err != nil || string(v) != "1" {
		t.Fatalf("forwarded get: %q, %v", v, err)
	}
	if v, err := stores[1].Get([]byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("node 2 get: %q, %v", v, err)
	}
	if _, err := s4.Get([]byte("nope")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("forwarded get of a missing key: %v", err)
	}
	commit(t, stores[2], func(b kv.Batch) { _ = b.Set([]byte("b"), []byte("2")); _ = b.Set([]byte("y"), []byte("3")) })
	if got := scan(t, s4, nil); got != "a=1 b=2 x=1 y=3 " {
		t.Fatalf("iterator over ranges held elsewhere: %q", got)
	}
	if got := scan(t, s4, &kv.IterOptions{LowerBound: []byte("b"), UpperBound: []byte("y")}); got != "b=2 x=1 " {
		t.Fatalf("bounded iterator over ranges held elsewhere: %q", got)
	}
	if err := stores[0].Close(); err != nil {
		t.Fatal(err)
	}
	stores[0] = nil
	commit(t, s4, func(b kv.Batch) { _ = b.Merge([]byte("x"), []byte("2")) })
	if v, err := s4.Get([]byte("x")); err != nil || string(v) != "12" {
		t.Fatalf("forwarded get after losing node 1: %q, %v", v, err)
	}
	if m := s4.Metrics(); m.ForwardedRequests < 5 {
		t.Fatalf("forwarded requests not counted: %+v", m)
	}
}
