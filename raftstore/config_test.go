package raftstore

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	f := func(c Config, want string) {
		t.Helper()
		c.EnsureDefaults()
		err := c.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Fatalf("Validate() = %q, want %q", got, want)
		}
	}
	f(Config{NodeID: 1}, "")
	f(Config{}, "") // a bootstrapping node defaults to id 1
	f(Config{Join: []string{"h:1"}, RaftAddr: "h:2"}, "NodeID must be set (> 0, unique in the cluster) to join a cluster")
	f(Config{NodeID: 1, HeartbeatTicks: 10, ElectionTicks: 10},
		"ElectionTicks (10) must be greater than HeartbeatTicks (10)")
	f(Config{NodeID: 1, DeadNodeTimeout: 500 * time.Millisecond},
		"DeadNodeTimeout (500ms) must be at least an election timeout (10 × 100ms)")
	f(Config{NodeID: 1, ReplicationFactor: 9, Workers: 100},
		"ReplicationFactor (9) must be between 1 and 7\nWorkers (100) must be between 1 and 64")
	f(Config{NodeID: 1, Join: []string{"h:1"}}, "RaftAddr must be set to join a cluster")
	f(Config{NodeID: 1, InitialSplits: [][]byte{[]byte("b"), []byte("a"), {}}},
		"InitialSplits must be sorted and distinct (entry 1)\nInitialSplits must be sorted and distinct (entry 2)\nInitialSplits[2] is empty; the first group always starts at the empty key")
	// Every problem at once.
	f(Config{Join: []string{"h:1"}, ElectionTicks: 1, HeartbeatTicks: 1, DeadNodeTimeout: time.Millisecond},
		"NodeID must be set (> 0, unique in the cluster) to join a cluster\nElectionTicks (1) must be greater than HeartbeatTicks (1)\nDeadNodeTimeout (1ms) must be at least an election timeout (1 × 100ms)\nRaftAddr must be set to join a cluster")
}

func TestReplicationOf(t *testing.T) {
	c := Config{ReplicationFactor: 3, Replication: map[string]int{"l": 1, "lx": 2, "": 5}}
	for start, want := range map[string]int{"": 5, "a": 5, "l": 1, "l\x00": 1, "lx": 2, "lxy": 2} {
		if got := c.replicationOf(&RangeDescriptor{StartKey: []byte(start)}); got != want {
			t.Errorf("start %q: factor %d, want %d", start, got, want)
		}
	}
	c.Replication = nil
	if got := c.replicationOf(&RangeDescriptor{StartKey: []byte("l")}); got != 3 {
		t.Errorf("no map: %d, want 3", got)
	}
	c = Config{Replication: map[string]int{"l": 0}}
	c.EnsureDefaults()
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `Replication["l"] (0) must be between 1 and 7`) {
		t.Errorf("Validate: %v", err)
	}
}
