package raftstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/sstable/block"
	"github.com/cockroachdb/pebble/v2/vfs"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/talus-logs/talus/kv/pebblekv"
)

// node is one process's raft machinery: the raft-log engine, the replicas it
// holds, the workers that drive them and the transport.
type node struct {
	id    uint64
	cfg   Config
	logdb *pebble.DB
	// elog holds the entries the raft-log engine points to.
	elog  *entryLog
	cache *pebble.Cache
	// compactions schedules the compactions of all group Pebbles.
	compactions *compactionPool
	merger      *pebble.Merger
	trans       transport
	sched       *scheduler
	// truncateAll asks every group to truncate its log up to what its
	// Pebble made durable, however little that is (Store.Compact).
	truncateAll atomic.Bool

	mu sync.RWMutex
	// groups holds the replicas on this node. Guarded by mu.
	groups map[uint64]*replica
	// dir is the range directory: descriptors sorted by StartKey, from
	// this node's replicas and its meta replica, the higher generation
	// winning. Guarded by mu.
	dir []*RangeDescriptor
	// metaGen is the generation of each group's descriptor the meta group
	// holds, as applied here. Guarded by mu.
	metaGen map[uint64]uint64
	// fwdHint is the node that last served a forwarded request per group.
	// Guarded by mu.
	fwdHint map[uint64]uint64

	// snapMu guards outSnaps, the checkpoints kept for sending.
	snapMu   sync.Mutex
	outSnaps map[snapKey]*outSnap
	// createMu serializes creating and destroying replicas.
	createMu sync.Mutex

	// liveMu guards lastHeard: the node tick at which each peer node was
	// last heard from (quiesce.go).
	liveMu    sync.Mutex
	lastHeard map[uint64]uint64
	// peerDisk holds the disk bytes each peer node last reported in its
	// liveness pings (guarded by liveMu); diskBytes is this node's, as
	// last measured (quiesce.go: diskReportEvery).
	peerDisk  map[uint64]uint64
	diskBytes atomic.Uint64
	// lastWrite is when a write was last applied here, in Unix
	// nanoseconds (settle.go).
	lastWrite atomic.Int64
	ticks     atomic.Uint64

	// replicatePasses counts replicate-queue passes (membership.go).
	replicatePasses atomic.Uint64
	// syncs counts fsynced raft-log commits (benchmarks report fsyncs/op).
	syncs atomic.Uint64
	// metrics are the other counters of Store.Metrics.
	metrics nodeMetrics

	// trace, if set (tests), receives the steps of the Ready loop in order.
	trace func(format string, args ...interface{})

	idSeq atomic.Uint64
	// rounds pools the entry log rounds of runReadies (*entryRound).
	rounds sync.Pool
	// partSizes holds, by group, the size of the last batch part
	// committed to it: the initial capacity of the next (store.go).
	partSizes sync.Map
	stopped   atomic.Bool
	stopc     chan struct{}
	wg        sync.WaitGroup
	// fatal holds the first storage error a worker met; the node stops
	// serving then.
	fatal atomic.Pointer[error]
}

// openNode opens the node's raft-log engine and every group it holds. It
// starts no goroutines (see start).
func openNode(cfg Config) (*node, error) {
	n := &node{
		id:     cfg.NodeID,
		cfg:    cfg,
		groups: map[uint64]*replica{},
		sched:  newScheduler(cfg.Workers),
		stopc:  make(chan struct{}),

		outSnaps:  map[snapKey]*outSnap{},
		metaGen:   map[uint64]uint64{},
		fwdHint:   map[uint64]uint64{},
		lastHeard: map[uint64]uint64{},
		peerDisk:  map[uint64]uint64{},
	}
	n.rounds.New = func() any { return &entryRound{} }
	// Proposal and read ids: random high bits per incarnation, so that ids
	// in a log replayed after a restart never match new ones.
	n.idSeq.Store(rand.Uint64() &^ (1<<40 - 1))
	fs := cfg.FS
	if err := fs.MkdirAll(fs.PathJoin(cfg.DataDir, groupsDirname), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create data dir %s: %w", cfg.DataDir, err)
	}
	for _, d := range []string{fs.PathDir(cfg.DataDir), cfg.DataDir} {
		if err := syncDir(fs, d); err != nil {
			return nil, err
		}
	}
	if err := n.cleanSnapshotDirs(); err != nil {
		return nil, err
	}
	// Pebble reserves every memtable's size out of the block cache. Busy
	// group Pebbles (logs, resources, postings, activity) each hold a full
	// memtable while ingesting, and with the cache at CacheSize alone they
	// left no room for blocks: after a sustained ingest every query
	// decompressed the same bottom-level blocks again (latest 100 of
	// everything took 15 ms over 1M resources, 2 ms after a restart).
	n.cache = pebble.NewCache(cfg.CacheSize + memtableAllowance*int64(cfg.GroupMemTableSize))
	n.compactions = newCompactionPool(2)
	n.merger = groupMerger(cfg)
	lo := &pebble.Options{
		FS:                 fs,
		Cache:              n.cache,
		MemTableSize:       raftLogMemTableSize,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             quietLogger{},
	}
	// Entry pointers are short-lived: do not compress them.
	for i := range lo.Levels {
		lo.Levels[i].Compression = func() *block.CompressionProfile { return block.NoCompression }
	}
	logdb, err := pebble.Open(fs.PathJoin(cfg.DataDir, raftLogDirname), lo)
	if err != nil {
		n.cache.Unref()
		return nil, fmt.Errorf("cannot open raft-log engine in %s: %w", cfg.DataDir, err)
	}
	n.logdb = logdb
	if n.elog, err = openEntryLog(fs, fs.PathJoin(cfg.DataDir, raftEntriesDir)); err != nil {
		n.closeStorage()
		return nil, err
	}
	if cfg.entrySegmentBytes > 0 {
		n.elog.segmentBytes = cfg.entrySegmentBytes
	}
	if err := n.checkIdent(); err != nil {
		n.closeStorage()
		return nil, err
	}
	if err := n.loadGroups(); err != nil {
		n.closeStorage()
		return nil, err
	}
	n.elog.collectUnreferenced()
	if err := n.collectSegments(); err != nil {
		n.closeStorage()
		return nil, err
	}
	switch {
	case cfg.transport != nil:
		n.trans = cfg.transport
	case cfg.RaftAddr != "":
		t, err := newGRPCTransport(n, cfg.RaftAddr)
		if err != nil {
			n.closeStorage()
			return nil, err
		}
		n.trans = t
		addrs, err := n.loadAddrs()
		if err != nil {
			t.close()
			n.closeStorage()
			return nil, err
		}
		for id, a := range addrs {
			t.setAddr(id, a)
		}
	default:
		n.trans = loopbackTransport{n: n}
	}
	return n, nil
}

// memtableAllowance is how many group memtables the node's cache holds
// beyond CacheSize (Pebble reserves memtables out of the block cache).
const memtableAllowance = 4

// raftLogMemTableSize is the memtable size of the raft-log engine. It holds
// HardStates and 21-byte pointers to entries (the entries are in the entry
// log), so a small one is enough.
const raftLogMemTableSize = 8 << 20

// groupMerger adapts the configured kv.Merger to user keys stored behind
// userKeyPrefix.
func groupMerger(cfg Config) *pebble.Merger {
	m := cfg.Merger
	if m == nil {
		m = func(_, _, newer []byte) ([]byte, error) { return append([]byte(nil), newer...), nil }
	}
	pm := pebblekv.NewMerger(func(key, older, newer []byte) ([]byte, error) {
		if len(key) > 0 && key[0] == userKeyPrefix {
			key = key[1:]
		}
		return m(key, older, newer)
	})
	pm.Name = groupPebbleMerge
	return pm
}

// openGroupPebble opens a group's Pebble; fl (nil: none) follows its
// flushes.
func (n *node) openGroupPebble(dir string, fl *flushState) (*pebble.DB, error) {
	o := &pebble.Options{
		FS:    noPreallocFS{n.cfg.FS},
		Cache: n.cache,
		// Memtables start at 256 KiB and double up to this size, so idle
		// groups stay small.
		MemTableSize:                n.cfg.GroupMemTableSize,
		MemTableStopWritesThreshold: 4,
		// Every flush of the log layout overlaps the whole current epoch,
		// so each L0 compaction rewrites all of Lbase that holds it. A
		// range splits at SplitBytes, so its Pebble stays two-level: L0
		// compacts straight into the bottom level (LBaseMaxBytes above the
		// split size keeps Lbase there), and only after 16 sublevels
		// gather. Against 8 sublevels into L5: 2.67 instead of 2.89 µs of
		// server CPU per record and write amplification 2.4 instead of 3.5
		// in `talus bench --store default` (medians of four interleaved
		// pairs at 3M records), same bytes on disk and query latencies.
		L0CompactionThreshold:      16,
		L0CompactionFileThreshold:  2000,
		L0StopWritesThreshold:      48,
		LBaseMaxBytes:              max(64<<20, 2*n.cfg.SplitBytes),
		CompactionConcurrencyRange: func() (int, int) { return 1, 1 },
		Merger:                     n.merger,
		FormatMajorVersion:         pebble.FormatNewest,
		Logger:                     quietLogger{},
		// No WAL: the raft log is the group's WAL. It is truncated only
		// up to an applied index a flush made durable (log_truncate.go),
		// and applies after it are replayed from it after a crash.
		DisableWAL: true,
	}
	if fl != nil {
		o.EventListener = fl.listener()
	}
	// Block sizes and compression per level as in the one-Pebble store.
	pebblekv.ApplyLevelSettings(o)
	o.Experimental.CompactionScheduler = n.compactions.newScheduler()
	db, err := pebble.Open(n.cfg.FS.PathJoin(n.cfg.DataDir, groupsDirname, dir), o)
	if err != nil {
		return nil, fmt.Errorf("cannot open group pebble %s: %w", dir, err)
	}
	// Make the new directory's entry durable before anything refers to it.
	if err := syncDir(n.cfg.FS, n.cfg.FS.PathJoin(n.cfg.DataDir, groupsDirname)); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// syncDir fsyncs a directory, making the entries created in it durable.
func syncDir(fs vfs.FS, dir string) error {
	if dir == "" {
		dir = "."
	}
	f, err := fs.OpenDir(dir)
	if err != nil {
		return fmt.Errorf("cannot open dir %s to sync it: %w", dir, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot sync dir %s: %w", dir, err)
	}
	return nil
}

// checkIdent makes sure the data dir belongs to this node id.
func (n *node) checkIdent() error {
	v, closer, err := n.logdb.Get([]byte(logNodeIdentKey))
	if errors.Is(err, pebble.ErrNotFound) {
		return n.logdb.Set([]byte(logNodeIdentKey), binary.BigEndian.AppendUint64(nil, n.id), pebble.Sync)
	} else if err != nil {
		return err
	}
	defer closer.Close()
	if len(v) != 8 {
		return fmt.Errorf("node identity has %d bytes: %w", len(v), ErrCorruption)
	}
	if got := binary.BigEndian.Uint64(v); got != n.id {
		return fmt.Errorf("data dir %s belongs to node %d, not %d; use its node id or another dir", n.cfg.DataDir, got, n.id)
	}
	return nil
}

func registryKey(gid uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{logRegistryPrefix}, gid)
}

// loadGroups opens every group of the registry.
func (n *node) loadGroups() error {
	it, err := n.logdb.NewIter(&pebble.IterOptions{
		LowerBound: []byte{logRegistryPrefix},
		UpperBound: []byte{logRegistryPrefix + 1},
	})
	if err != nil {
		return err
	}
	type entry struct {
		gid, rid uint64
		dir      string
	}
	var ents []entry
	for valid := it.First(); valid; valid = it.Next() {
		k, v := it.Key(), it.Value()
		if len(k) != 9 || len(v) < 8 {
			it.Close()
			return fmt.Errorf("bad registry entry %x: %w", k, ErrCorruption)
		}
		ents = append(ents, entry{binary.BigEndian.Uint64(k[1:]), binary.BigEndian.Uint64(v), string(v[8:])})
	}
	if err := it.Close(); err != nil {
		return err
	}
	used := map[string]bool{}
	for _, e := range ents {
		r, err := n.openReplica(e.gid, e.rid, e.dir)
		if err != nil {
			return err
		}
		n.addReplica(r)
		used[e.dir] = true
	}
	if r := n.replica(metaGroupID); r != nil {
		if err := n.loadMetaDirectory(r.g.db); err != nil {
			return err
		}
	}
	// Directories no registry entry names are leftovers: a snapshot renamed
	// in but never committed, or a removed replica.
	fs := n.cfg.FS
	names, err := fs.List(fs.PathJoin(n.cfg.DataDir, groupsDirname))
	if err != nil {
		return err
	}
	for _, name := range names {
		if !used[name] {
			if err := fs.RemoveAll(fs.PathJoin(n.cfg.DataDir, groupsDirname, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (n *node) addReplica(r *replica) {
	n.mu.Lock()
	n.groups[r.groupID] = r
	n.mu.Unlock()
	// A reopened replica may have committed entries to apply again.
	n.sched.mark(r.groupID)
	if d := r.desc.Load(); d != nil {
		n.updateDirectory(d)
	}
}

// updateDirectory installs d in the range directory unless a newer
// descriptor of the same group is there.
func (n *node) updateDirectory(d *RangeDescriptor) {
	if d.GroupID == metaGroupID {
		return // the meta group owns no keys
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, cur := range n.dir {
		if cur.GroupID == d.GroupID {
			if cur.Generation <= d.Generation {
				n.dir[i] = d
			}
			return
		}
	}
	n.dir = append(n.dir, d)
	sort.Slice(n.dir, func(i, j int) bool { return bytes.Compare(n.dir[i].StartKey, n.dir[j].StartKey) < 0 })
}

// lookup returns the descriptor of the range holding key.
func (n *node) lookup(key []byte) (*RangeDescriptor, error) {
	return waitForDirectory(n, func() (*RangeDescriptor, error) { return n.lookupNow(key) })
}

func (n *node) lookupNow(key []byte) (*RangeDescriptor, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	i := sort.Search(len(n.dir), func(i int) bool { return bytes.Compare(n.dir[i].StartKey, key) > 0 }) - 1
	if len(n.dir) == 0 {
		return nil, fmt.Errorf("raftstore: node %d has not received the range directory yet (joining): %w", n.id, ErrDirectoryIncomplete)
	}
	if i < 0 || !n.dir[i].ContainsKey(key) {
		return nil, fmt.Errorf("raftstore: node %d knows no range holding key %q: %w", n.id, key, ErrDirectoryIncomplete)
	}
	return n.dir[i], nil
}

// waitForDirectory calls f until it does not fail with
// ErrDirectoryIncomplete, for at most Config.DirectoryWait: the directory
// of a node that joined a moment ago fills in as its meta replica catches
// up, and a read or write should wait for that rather than fail (or,
// worse, find nothing).
func waitForDirectory[T any](n *node, f func() (T, error)) (T, error) {
	v, err := f()
	if !errors.Is(err, ErrDirectoryIncomplete) || n.cfg.DirectoryWait <= 0 {
		return v, err
	}
	deadline := time.Now().Add(n.cfg.DirectoryWait)
	backoff := time.Millisecond
	for time.Now().Before(deadline) && !n.stopped.Load() {
		time.Sleep(backoff)
		backoff = min(2*backoff, 50*time.Millisecond)
		if v, err = f(); !errors.Is(err, ErrDirectoryIncomplete) {
			return v, err
		}
	}
	return v, err
}

// rangesOverlapping returns the descriptors overlapping [lo, hi) in key
// order (hi nil: the end of the key space). A node that joined a moment
// ago may not know every range yet: a directory that does not cover
// [lo, hi) without gaps is an error (ErrDirectoryIncomplete), never a
// shorter answer, which would read as missing data.
func (n *node) rangesOverlapping(lo, hi []byte) ([]*RangeDescriptor, error) {
	return waitForDirectory(n, func() ([]*RangeDescriptor, error) { return n.rangesOverlappingNow(lo, hi) })
}

func (n *node) rangesOverlappingNow(lo, hi []byte) ([]*RangeDescriptor, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []*RangeDescriptor
	next := lo // the first key not covered yet
	for _, d := range n.dir {
		if len(d.EndKey) > 0 && bytes.Compare(d.EndKey, lo) <= 0 {
			continue
		}
		if hi != nil && bytes.Compare(d.StartKey, hi) >= 0 {
			break
		}
		if bytes.Compare(d.StartKey, next) > 0 {
			return nil, fmt.Errorf("node %d knows no range holding %q: %w", n.id, next, ErrDirectoryIncomplete)
		}
		out = append(out, d)
		if len(d.EndKey) == 0 {
			return out, nil
		}
		next = d.EndKey
	}
	if hi == nil || bytes.Compare(next, hi) < 0 {
		return nil, fmt.Errorf("node %d knows no range holding %q: %w", n.id, next, ErrDirectoryIncomplete)
	}
	return out, nil
}

func (n *node) replica(gid uint64) *replica {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.groups[gid]
}

func (n *node) nextID() uint64 { return n.idSeq.Add(1) }

// bootstrapGroup creates group d on this node with the bootstrap state:
// voters are d's non-learner replicas, the log truncated at bootstrapIndex.
// Every initial replica of a group is bootstrapped identically.
func (n *node) bootstrapGroup(d *RangeDescriptor, directory []*RangeDescriptor) error {
	rd, ok := d.replicaOnNode(n.id)
	if !ok {
		return fmt.Errorf("node %d is not a replica of group %d", n.id, d.GroupID)
	}
	cs := &pb.ConfState{}
	for _, r := range d.Replicas {
		if r.Learner {
			cs.Learners = append(cs.Learners, r.ReplicaID)
		} else {
			cs.Voters = append(cs.Voters, r.ReplicaID)
		}
	}
	dir := fmt.Sprintf("%d_%d", d.GroupID, bootstrapIndex)
	db, err := n.openGroupPebble(dir, nil)
	if err != nil {
		return err
	}
	csb, err := proto.Marshal(cs)
	if err != nil {
		db.Close()
		return err
	}
	b := db.NewBatch()
	_ = b.Set(localAppliedKey, appendAppliedState(nil, bootstrapIndex, bootstrapTerm), nil)
	_ = b.Set(localConfStateKey, csb, nil)
	_ = b.Set(localDescriptorKey, encodeDescriptor(d), nil)
	for _, dd := range directory {
		_ = b.Set(metaDescKey(dd.GroupID), encodeDescriptor(dd), nil)
	}
	err = b.Commit(pebble.NoSync)
	b.Close()
	if err == nil {
		err = db.Flush() // no WAL: the bootstrap state is durable once flushed
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot bootstrap group %d: %w", d.GroupID, err)
	}
	return n.registerGroup(d.GroupID, rd.ReplicaID, dir, &pb.HardState{Term: proto.Uint64(bootstrapTerm), Commit: proto.Uint64(bootstrapIndex)}, bootstrapIndex, bootstrapTerm)
}

// registerGroup records a group in the raft-log engine (synced) and opens it.
func (n *node) registerGroup(gid, rid uint64, dir string, hs *pb.HardState, truncIndex, truncTerm uint64) error {
	b := n.logdb.NewBatch()
	defer b.Close()
	if hs != nil {
		v, err := proto.Marshal(hs)
		if err != nil {
			return err
		}
		_ = b.Set(logGroupKey(gid, logHardSuffix), v, nil)
	}
	_ = b.Set(logGroupKey(gid, logTruncSuffix), appendAppliedState(nil, truncIndex, truncTerm), nil)
	_ = b.Set(registryKey(gid), append(binary.BigEndian.AppendUint64(nil, rid), dir...), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("cannot register group %d: %w", gid, err)
	}
	r, err := n.openReplica(gid, rid, dir)
	if err != nil {
		return err
	}
	n.addReplica(r)
	n.sched.mark(gid)
	return nil
}

// receive queues incoming messages for their groups.
func (n *node) receive(envs []envelope) {
	for _, e := range envs {
		if e.FromNode != 0 {
			n.noteAlive(e.FromNode)
		}
		if e.GroupID == 0 {
			// A liveness ping; it carries the sender's disk bytes.
			if d := e.Msg.GetCommit(); d != 0 && e.FromNode != 0 {
				n.liveMu.Lock()
				n.peerDisk[e.FromNode] = d
				n.liveMu.Unlock()
			}
			continue
		}
		r := n.replica(e.GroupID)
		if r == nil {
			if r = n.maybeCreateReplica(e); r == nil {
				continue
			}
		}
		m := e.Msg
		if e.Quiesce {
			r.enqueue(func(in *inbox) { in.msgs = append(in.msgs, m); in.quiesceFrom = m.GetFrom() })
		} else {
			if m.GetType() != pb.MsgHeartbeatResp {
				r.wake()
			}
			r.enqueue(func(in *inbox) { in.msgs = append(in.msgs, m) })
		}
		if e.FromNode != 0 && m.GetFrom() != 0 {
			r.notePeer(m.GetFrom(), e.FromNode)
		}
	}
}

// replicas returns the replicas on this node, in no particular order.
func (n *node) replicas() []*replica {
	n.mu.RLock()
	defer n.mu.RUnlock()
	rs := make([]*replica, 0, len(n.groups))
	for _, r := range n.groups {
		rs = append(rs, r)
	}
	return rs
}

// tick advances the clock of every group that is not quiesced by one tick,
// and runs the node-level liveness check.
func (n *node) tick() {
	for _, r := range n.replicas() {
		if !r.quiesced.Load() {
			r.enqueue(func(in *inbox) { in.ticks++ })
		}
	}
	n.livenessTick()
}

// processShard runs one round for the dirty groups of shard i and reports
// whether there was any.
func (n *node) processShard(i int) bool {
	ids := n.sched.shards[i].take()
	if len(ids) == 0 {
		return false
	}
	if err := n.processGroups(ids); err != nil {
		n.setFatal(err)
	}
	return true
}

func (n *node) setFatal(err error) {
	if n.fatal.CompareAndSwap(nil, &err) {
		fmt.Printf("raftstore: node %d stops serving after a storage error: %v\n", n.id, err)
	}
}

// processGroups is one round of the Ready loop for groups ids (see doc.go):
// drain inboxes, persist every Ready in one raft-log batch and one fsync,
// then send, apply and Advance.
func (n *node) processGroups(ids []uint64) error {
	if n.fatal.Load() != nil {
		return nil
	}
	var ws []work
	for _, id := range ids {
		r := n.replica(id)
		if r == nil {
			continue
		}
		r.mu.Lock()
		r.drainInbox()
		if !r.rn.HasReady() {
			// A flush of an idle group's Pebble (Store.Compact, or one
			// forced because its entries pin an old segment) lets its log
			// be truncated without a Ready.
			err := r.maybeTruncate()
			r.mu.Unlock()
			if err != nil {
				return err
			}
			continue
		}
		ws = append(ws, work{r: r, rd: r.rn.Ready()})
	}
	// A group's next Ready right after Advance, before its inbox is drained
	// again, holds what the previous one made possible (for a lone voter:
	// committing and applying the entries it just persisted). Handling it
	// at once, without new proposals that would need an fsync first, keeps
	// a write's latency at one fsync.
	for pass := 0; len(ws) > 0; pass++ {
		next, err := n.runReadies(ws, pass+1 < maxReadyPasses)
		if err != nil {
			return err
		}
		ws = next
	}
	return nil
}

// maxReadyPasses bounds the Readies handled per group per round.
const maxReadyPasses = 3

type work struct {
	r  *replica
	rd raft.Ready
	// early is set when rd's messages went out before rd was persisted.
	early bool
}

// runReadies persists the Readies of ws (groups locked by the caller) in one
// raft-log batch, then sends, applies and advances. With again, groups that
// have another Ready stay locked and are returned with it; the others are
// unlocked.
func (n *node) runReadies(ws []work, again bool) (next []work, err error) {
	unlocked := 0
	defer func() {
		if err != nil {
			for _, w := range ws[unlocked:] {
				w.r.mu.Unlock()
			}
			for _, w := range next {
				w.r.mu.Unlock()
			}
			next = nil
		}
	}()
	var early []envelope
	for i := range ws {
		if ws[i].r.leaderMaySendEarly(&ws[i].rd) {
			ws[i].early = true
			early = append(early, ws[i].r.envelopes(ws[i].rd.Messages)...)
		}
	}
	if len(early) > 0 {
		n.send(early, "send before persisting")
	}
	b := n.logdb.NewBatch()
	defer b.Close()
	er := n.rounds.Get().(*entryRound)
	defer func() { er.reset(); n.rounds.Put(er) }()
	sync := false
	for i := range ws {
		if err := ws[i].r.stage(b, er, &ws[i].rd); err != nil {
			return nil, err
		}
		// A snapshot switches the group's Pebble directory: that must be
		// durable before the old directory goes (raft does not set
		// MustSync for a snapshot alone).
		sync = sync || ws[i].rd.MustSync || !raft.IsEmptySnap(ws[i].rd.Snapshot)
	}
	// The round's entries go to the entry log with one write; the
	// raft-log batch gets the pointers to them.
	var seg *entrySegment
	if len(er.recs) > 0 {
		var base int64
		var err error
		if seg, base, err = n.elog.write(er); err != nil {
			return nil, err
		}
		var ptr [entryPointerLen]byte
		for _, rec := range er.recs {
			if err := b.Set(logEntryKey(rec.gid, rec.index), appendEntryPointer(ptr[:0], seg.seq, base+rec.off, rec.n), nil); err != nil {
				return nil, err
			}
		}
		sync = true // raft asks for it whenever there are entries
	}
	opts := pebble.NoSync
	if sync {
		opts = pebble.Sync
	}
	if n.trace != nil {
		for i := range ws {
			n.traceReady(ws[i].r.groupID, &ws[i].rd)
		}
		if b.Empty() {
			n.trace("commit raft-log batch: nothing to write")
		} else {
			n.trace("commit raft-log batch: %d groups, sync=%v", len(ws), sync)
		}
	}
	if !b.Empty() && sync {
		roundStart := time.Now()
		// While the fsync runs, apply the committed entries that earlier
		// batches made durable (a lone voter's entries of the previous
		// round, say): the next round's fsync need not wait for applies.
		if err := n.logdb.ApplyNoSyncWait(b, pebble.Sync); err != nil {
			return nil, fmt.Errorf("cannot persist raft state: %w", err)
		}
		// The entry log's fdatasync runs beside the raft-log engine's.
		var segSync chan error
		if seg != nil {
			if n.cfg.manual {
				if err := n.elog.sync(seg); err != nil {
					return nil, err
				}
			} else {
				segSync = make(chan error, 1)
				go func() {
					start := time.Now()
					err := n.elog.sync(seg)
					n.metrics.entryLogSyncs.observe(time.Since(start))
					segSync <- err
				}()
			}
		}
		// Let both syncs start before the applies: ApplyNoSyncWait woke
		// Pebble's WAL writer and segSync is a new goroutine, both queued
		// on this P, where they would wait until the applies are done and
		// the worker blocks in SyncWait (unless the other P is idle, which
		// under ingest it rarely is). That made a round last the applies
		// plus the syncs instead of the longer of the two.
		runtime.Gosched()
		var applyErr error
		for i := range ws {
			if applyErr = ws[i].r.applyDurable(&ws[i].rd); applyErr != nil {
				break
			}
		}
		err := b.SyncWait()
		if segSync != nil {
			if serr := <-segSync; err == nil {
				err = serr
			}
		}
		if err != nil {
			return nil, fmt.Errorf("cannot persist raft state: %w", err)
		}
		if applyErr != nil {
			return nil, applyErr
		}
		n.syncs.Add(1)
		n.metrics.rounds.observe(time.Since(roundStart))
		if n.trace != nil {
			n.trace("fsync done")
		}
	} else if !b.Empty() {
		if err := b.Commit(opts); err != nil {
			return nil, fmt.Errorf("cannot persist raft state: %w", err)
		}
	}
	var out []envelope
	for i := range ws {
		w := &ws[i]
		envs, err := w.r.afterPersist(&w.rd, w.early)
		out = append(out, envs...)
		if err != nil {
			return nil, err
		}
		w.r.rn.Advance(w.rd)
		if n.trace != nil {
			n.trace("advance g%d", w.r.groupID)
		}
		if err := w.r.maybeTruncate(); err != nil {
			return nil, err
		}
		unlocked++ // from here on, w.r is ours to unlock or pass on
		// The group's next Ready is handled at once unless new proposals
		// or messages wait: then the next round persists them and applies
		// this Ready's follow-up during their fsync (applyDurable).
		if again && w.r.rn.HasReady() && !w.r.inboxHasWrites() {
			next = append(next, work{r: w.r, rd: w.r.rn.Ready()})
			continue
		}
		out = append(out, w.r.maybeQuiesce()...)
		more := w.r.rn.HasReady() || len(w.r.unissuedReads) > 0
		removed := w.r.removed
		w.r.mu.Unlock()
		if removed {
			defer n.destroyReplica(w.r)
		} else if more {
			n.sched.mark(w.r.groupID)
		}
	}
	if len(out) > 0 {
		n.send(out, "send")
	}
	return next, nil
}

// send hands envelopes to the transport (and to the trace, as what).
func (n *node) send(envs []envelope, what string) {
	if n.trace != nil {
		for _, e := range envs {
			n.trace("%s g%d n%d→n%d %s", what, e.GroupID, e.FromNode, e.ToNode, raft.DescribeMessage(e.Msg, nil))
		}
	}
	n.trans.send(envs)
}

// traceReady describes what a Ready asks to persist.
func (n *node) traceReady(gid uint64, rd *raft.Ready) {
	var parts []string
	if rd.HardState != nil && !raft.IsEmptyHardState(rd.HardState) {
		parts = append(parts, "hs="+raft.DescribeHardState(rd.HardState))
	}
	if len(rd.Entries) > 0 {
		parts = append(parts, fmt.Sprintf("entries=[%d..%d]", rd.Entries[0].GetIndex(), rd.Entries[len(rd.Entries)-1].GetIndex()))
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		parts = append(parts, fmt.Sprintf("snapshot=%d", rd.Snapshot.GetMetadata().GetIndex()))
	}
	if len(rd.CommittedEntries) > 0 {
		parts = append(parts, fmt.Sprintf("committed=[%d..%d]", rd.CommittedEntries[0].GetIndex(), rd.CommittedEntries[len(rd.CommittedEntries)-1].GetIndex()))
	}
	if len(rd.Messages) > 0 {
		parts = append(parts, fmt.Sprintf("msgs=%d", len(rd.Messages)))
	}
	n.trace("ready g%d: %s mustSync=%v", gid, strings.Join(parts, " "), rd.MustSync)
}

// runAll processes every shard until no group has work left, at most
// maxRounds rounds. It is the manual (test) driver; it reports whether
// anything ran.
func (n *node) runAll(maxRounds int) bool {
	any := false
	for round := 0; round < maxRounds; round++ {
		did := false
		for i := range n.sched.shards {
			if n.processShard(i) {
				did = true
			}
		}
		if !did {
			return any
		}
		any = true
	}
	return any
}

// replicateEveryTicks is how often the replicate queue runs (membership.go).
const replicateEveryTicks = 5

// start launches the workers and the ticker.
func (n *node) start() {
	for i := range n.sched.shards {
		n.wg.Add(1)
		go func(i int) {
			defer n.wg.Done()
			sh := n.sched.shards[i]
			for {
				select {
				case <-n.stopc:
					return
				case <-sh.wake:
				}
				// Rounds follow each other without yielding: the next
				// round carries what arrived during this one's syncs
				// (group commit). A runtime.Gosched here, meant to let
				// the writers this round answered queue their next batch
				// first, put the worker at the back of the global run
				// queue: under ingest it waited there 15% of the time (a
				// 2 s runtime trace of `talus bench --store default`),
				// and every write waited with it.
				for n.processShard(i) {
				}
			}
		}(i)
	}
	if n.cfg.SettleAfter > 0 {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.settleLoop()
		}()
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		t := time.NewTicker(n.cfg.TickInterval)
		defer t.Stop()
		for ticks := 1; ; ticks++ {
			select {
			case <-n.stopc:
				return
			case <-t.C:
				n.tick()
				if ticks%replicateEveryTicks == 0 {
					n.replicateOnce()
					n.gcOutSnaps(outSnapMaxAge)
				}
			}
		}
	}()
}

// stop stops the goroutines and closes storage.
func (n *node) stop() error {
	if n.stopped.Swap(true) {
		return ErrStopped
	}
	close(n.stopc)
	n.wg.Wait()
	err := n.trans.close()
	n.mu.Lock()
	for _, r := range n.groups {
		r.mu.Lock()
		r.failPending(ErrStopped)
		r.mu.Unlock()
	}
	n.mu.Unlock()
	if cerr := n.closeStorage(); err == nil {
		err = cerr
	}
	return err
}

func (n *node) closeStorage() error {
	var errs []error
	// The flushes below make every apply durable, so the raft log (the
	// groups' WAL) is no longer needed up to there. Starting a new
	// segment first lets every old one go once the groups truncate: a
	// stopped node's data dir then holds no raft entries it does not
	// need (it held up to three 64 MiB segments), and a restart replays
	// nothing.
	truncate := n.elog != nil && n.logdb != nil
	if truncate {
		if err := n.elog.rotate(); err != nil {
			errs = append(errs, err)
			truncate = false
		}
	}
	n.truncateAll.Store(truncate)
	n.mu.Lock()
	for _, r := range n.groups {
		// Without a WAL, a close would drop the memtable: flush it so a
		// restart does not replay the log since the last flush.
		if r.g != nil {
			if err := r.g.db.Flush(); err != nil {
				errs = append(errs, err)
			} else if truncate {
				r.mu.Lock()
				r.markFlushed()
				if err := r.maybeTruncate(); err != nil {
					errs = append(errs, err)
				}
				r.mu.Unlock()
			}
		}
		r.swapDB(nil, false)
	}
	n.mu.Unlock()
	n.truncateAll.Store(false)
	if n.logdb != nil {
		errs = append(errs, n.logdb.Close())
	}
	if n.elog != nil {
		errs = append(errs, n.elog.close())
	}
	if n.cache != nil {
		n.cache.Unref()
		n.cache = nil
	}
	if n.compactions != nil {
		n.compactions.stop()
		n.compactions = nil
	}
	return errors.Join(errs...)
}
