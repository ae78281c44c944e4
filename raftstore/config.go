package raftstore

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/talus-logs/talus/kv"
)

// Config configures Open. Zero values mean the defaults given on each field;
// EnsureDefaults fills them and Validate checks the result.
type Config struct {
	// NodeID identifies this node in the cluster: > 0, unique, and never
	// reused for another node (a node's data dir remembers it). Required to
	// join; a node that bootstraps (no Join) defaults to 1.
	NodeID uint64
	// DataDir holds the raft-log engine and the groups' Pebbles. The default
	// is "./data".
	DataDir string
	// RaftAddr is the host:port the raft transport listens on and that other
	// nodes dial. Empty means no network: a single-node store.
	RaftAddr string
	// Join lists raft addresses of nodes of an existing cluster. Empty means
	// this node bootstraps a new cluster (or restarts the one in DataDir).
	Join []string
	// Merger combines Merge operands (see kv.Merger). Nil keeps the newest
	// operand. Every node of a cluster must use the same Merger.
	Merger kv.Merger
	// ReplicationFactor is the number of voters per group once enough nodes
	// have joined. The default is 3.
	ReplicationFactor int
	// Replication sets the replication factor of some ranges by a prefix of
	// their start key (the longest matching prefix wins), for example one
	// per table byte. Other ranges, and the meta group, ignore it. Every node
	// of a cluster should use the same map: the leader of a range applies
	// its own (it adds replicas up to the factor and removes voters above
	// it).
	Replication map[string]int
	// InitialSplits are the start keys of the groups created at bootstrap
	// besides the one starting at the empty key, for example one per table
	// byte. The default is none: one group for the whole key space.
	InitialSplits [][]byte

	// TickInterval is the duration of one raft tick. The default is 100ms.
	TickInterval time.Duration
	// HeartbeatTicks is the raft heartbeat interval in ticks. The default is 2.
	HeartbeatTicks int
	// ElectionTicks is the raft election timeout in ticks; it must exceed
	// HeartbeatTicks (etcd suggests 10×). The default is 10.
	ElectionTicks int
	// Workers is the number of goroutines that drive groups and persist
	// their Ready output, each with one raft-log fsync per round. The
	// default is 1: on two cores, `talus bench --store default` ingested
	// ~7% less with 2 workers (624k vs 577k records/s, two runs each).
	Workers int
	// ProposalTimeout bounds how long Commit waits for a write to be
	// applied, and a read for its read index. The default is 10s.
	ProposalTimeout time.Duration
	// DirectoryWait is how long a read or write waits when this node's copy
	// of the range directory does not place its keys yet (the node joined a
	// moment ago): the directory fills in as the node's meta replica
	// catches up. Zero fails at once with ErrDirectoryIncomplete; talus
	// server sets it. Either way a read never returns fewer ranges than
	// its span covers.
	DirectoryWait time.Duration
	// LogTruncateEntries is how many entries a group applies without a
	// flush of its Pebble before it forces one (the raft log is truncated
	// only up to an applied index a flush made durable: log_truncate.go).
	// The default is 10000: a busy group's Pebble flushes by itself first
	// (full memtable), so this only bounds the log to replay. A leader
	// sends a snapshot to a follower lagging by more than 4× this.
	LogTruncateEntries uint64
	// LogTruncateBytes is how many bytes of entries a group applies
	// without a flush of its Pebble before it forces one, whichever of this
	// and LogTruncateEntries comes first. The default is 256 MiB: a busy
	// group's Pebble flushes by itself when its memtable is full
	// (GroupMemTableSize), so this only bounds the log to replay.
	LogTruncateBytes int64
	// CacheSize is the block cache shared by all Pebbles of the node, in
	// bytes. The default is 256 MiB. Pebble reserves memtables out of the
	// cache, so the node's cache holds four group memtables
	// (GroupMemTableSize) more; memtables beyond those shrink the blocks
	// cached.
	CacheSize int64
	// GroupMemTableSize is the memtable size of each group's Pebble in
	// bytes. The default is 64 MiB.
	GroupMemTableSize uint64
	// SplitBytes is the size of a range's Pebble past which its leader
	// splits it near the middle. The default is 512 MiB; negative disables
	// automatic splits.
	SplitBytes int64
	// DeadNodeTimeout is how long a node must be unheard of before the
	// leaders replace its replicas on live nodes and remove them. The
	// default is 5 minutes.
	DeadNodeTimeout time.Duration
	// SettleAfter is how long the node must have applied no write before
	// it settles the groups written since (settle.go): flush, compact their
	// recent span into the bottom level and drop the raft log they no
	// longer need, so bytes on disk settle without 'talus cluster compact'.
	// The default is 30s; negative disables it.
	SettleAfter time.Duration
	// SnapshotRate limits the bytes per second of one snapshot stream. The
	// default is 32 MiB/s.
	SnapshotRate int64

	// FS is the filesystem of DataDir. Nil means the operating system's.
	// Tests pass vfs.NewCrashableMem().
	FS vfs.FS

	// transport, if set, replaces the network transport (tests).
	transport transport
	// manual makes the node start no goroutines: the caller ticks it and
	// runs its workers (deterministic tests).
	manual bool
	// entrySegmentBytes, if set, replaces entrySegmentBytes (tests).
	entrySegmentBytes int64
}

// EnsureDefaults fills the zero fields of c with their defaults.
func (c *Config) EnsureDefaults() {
	if c.NodeID == 0 && len(c.Join) == 0 {
		c.NodeID = 1
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = 3
	}
	if c.TickInterval == 0 {
		c.TickInterval = 100 * time.Millisecond
	}
	if c.HeartbeatTicks == 0 {
		c.HeartbeatTicks = 2
	}
	if c.ElectionTicks == 0 {
		c.ElectionTicks = 10
	}
	if c.Workers == 0 {
		c.Workers = 1
	}
	if c.ProposalTimeout == 0 {
		c.ProposalTimeout = 10 * time.Second
	}
	if c.LogTruncateEntries == 0 {
		c.LogTruncateEntries = 10000
	}
	if c.LogTruncateBytes == 0 {
		c.LogTruncateBytes = 256 << 20
	}
	if c.CacheSize == 0 {
		c.CacheSize = 256 << 20
	}
	if c.GroupMemTableSize == 0 {
		c.GroupMemTableSize = 64 << 20
	}
	if c.SplitBytes == 0 {
		c.SplitBytes = 512 << 20
	}
	if c.DeadNodeTimeout == 0 {
		c.DeadNodeTimeout = 5 * time.Minute
	}
	if c.SettleAfter == 0 {
		c.SettleAfter = 30 * time.Second
	}
	if c.SnapshotRate == 0 {
		c.SnapshotRate = 32 << 20
	}
	if c.FS == nil {
		c.FS = vfs.Default
	}
}

// Validate reports every problem of c at once. Call it after EnsureDefaults.
func (c *Config) Validate() error {
	var errs []error
	if c.NodeID == 0 {
		errs = append(errs, errors.New("NodeID must be set (> 0, unique in the cluster) to join a cluster"))
	}
	if c.ElectionTicks <= c.HeartbeatTicks {
		errs = append(errs, fmt.Errorf("ElectionTicks (%d) must be greater than HeartbeatTicks (%d)", c.ElectionTicks, c.HeartbeatTicks))
	}
	if c.DeadNodeTimeout < time.Duration(c.ElectionTicks)*c.TickInterval {
		errs = append(errs, fmt.Errorf("DeadNodeTimeout (%v) must be at least an election timeout (%d × %v)", c.DeadNodeTimeout, c.ElectionTicks, c.TickInterval))
	}
	if c.ReplicationFactor < 1 || c.ReplicationFactor > 7 {
		errs = append(errs, fmt.Errorf("ReplicationFactor (%d) must be between 1 and 7", c.ReplicationFactor))
	}
	for p, rf := range c.Replication {
		if rf < 1 || rf > 7 {
			errs = append(errs, fmt.Errorf("Replication[%q] (%d) must be between 1 and 7", p, rf))
		}
	}
	if c.Workers < 1 || c.Workers > 64 {
		errs = append(errs, fmt.Errorf("Workers (%d) must be between 1 and 64", c.Workers))
	}
	if len(c.Join) > 0 && c.RaftAddr == "" && c.transport == nil {
		errs = append(errs, errors.New("RaftAddr must be set to join a cluster"))
	}
	for i := 1; i < len(c.InitialSplits); i++ {
		if string(c.InitialSplits[i-1]) >= string(c.InitialSplits[i]) {
			errs = append(errs, fmt.Errorf("InitialSplits must be sorted and distinct (entry %d)", i))
		}
	}
	for i, s := range c.InitialSplits {
		if len(s) == 0 {
			errs = append(errs, fmt.Errorf("InitialSplits[%d] is empty; the first group always starts at the empty key", i))
		}
	}
	return errors.Join(errs...)
}

// replicationOf returns the number of voters wanted for the range d: the
// Replication entry with the longest prefix of its start key, else
// ReplicationFactor.
func (c *Config) replicationOf(d *RangeDescriptor) int {
	rf, best := c.ReplicationFactor, -1
	for p, v := range c.Replication {
		if len(p) > best && bytes.HasPrefix(d.StartKey, []byte(p)) {
			rf, best = v, len(p)
		}
	}
	return rf
}
