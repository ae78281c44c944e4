package raftstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// harness is a deterministic in-process cluster: nodes run in manual mode
// (no goroutines), a fake network delivers, delays, drops, reorders and
// partitions messages, and crashes lose unsynced writes (vfs.CrashClone).
// One call to step is one unit of logical time: deliver due messages, tick
// every live node once, run every node's workers until idle. The fault
// schedule and the workload come from the seed; etcd raft's election jitter
// uses its own randomness, so a seed fixes the faults, not every election.
type harness struct {
	t     testing.TB
	rng   *rand.Rand
	ids   []uint64
	nodes map[uint64]*node // nil while a node is down
	fs    map[uint64]*vfs.MemFS
	net   *fakeNet
	now   int64
	cfg   Config // template; NodeID and FS are set per node
	// broken is set after a node panicked.
	broken bool
	// pending holds futures a transcript test waits on.
	pending []*future
}

type fakeNet struct {
	h     *harness
	queue []inflight
	// cut holds directional links that drop everything: [from, to].
	cut map[[2]uint64]bool
	// dropPct is the chance in percent that a message is lost.
	dropPct int
	// maxDelay is the largest delivery delay in steps; messages with
	// different delays overtake each other.
	maxDelay int
	// sent counts messages handed to the network, snapshots the
	// snapshots among them.
	sent, snapshots int
}

type inflight struct {
	at  int64
	env envelope
	// snap holds the header and body of a snapshot (env is its MsgSnap).
	snap *[2][]byte
}

type netEndpoint struct {
	net *fakeNet
	id  uint64
}

func (e netEndpoint) send(envs []envelope) {
	f := e.net
	for _, env := range envs {
		f.sent++
		lost := f.cut[[2]uint64{env.FromNode, env.ToNode}] || (f.dropPct > 0 && f.h.rng.IntN(100) < f.dropPct)
		if isSnapshotMsg(env) {
			f.snapshots++
			if lost {
				f.h.nodes[e.id].reportSnapshot(env.GroupID, env.Msg.GetTo(), false)
				continue
			}
			var hdr []byte
			var body bytes.Buffer
			err := f.h.nodes[e.id].writeSnapshot(env, "", func(b []byte) error { hdr = b; return nil }, &body)
			if err != nil {
				f.h.t.Fatalf("writing snapshot: %v", err)
			}
			f.queue = append(f.queue, inflight{at: f.h.now + int64(f.h.rng.IntN(f.maxDelay+1)), env: env, snap: &[2][]byte{hdr, body.Bytes()}})
			continue
		}
		if lost {
			continue
		}
		env.Msg = proto.CloneOf(env.Msg)
		f.queue = append(f.queue, inflight{at: f.h.now + int64(f.h.rng.IntN(f.maxDelay+1)), env: env})
	}
}

// call is not simulated: a forwarded request blocks until raft makes
// progress, which needs the single-goroutine harness to step.
func (netEndpoint) call(context.Context, uint64, []byte) ([]byte, error) { return nil, errNoNetwork }

func (e netEndpoint) nodes() []uint64 { return append([]uint64(nil), e.net.h.ids...) }

func (netEndpoint) close() error { return nil }

func newHarness(t testing.TB, seed uint64, nodes int, tweak func(*Config)) *harness {
	return newHarnessBootstrap(t, seed, nodes, nodes, tweak)
}

// newHarnessBootstrap starts nodes nodes of which the first bootstrap form
// the initial cluster; the others start empty and are added by the
// replicate queue.
func newHarnessBootstrap(t testing.TB, seed uint64, nodes, bootstrap int, tweak func(*Config)) *harness {
	h := &harness{
		t:     t,
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		nodes: map[uint64]*node{},
		fs:    map[uint64]*vfs.MemFS{},
		cfg: Config{
			DataDir:            "d",
			Merger:             appendMerger,
			InitialSplits:      [][]byte{[]byte("m")},
			ElectionTicks:      10,
			HeartbeatTicks:     2,
			LogTruncateEntries: 200,
			CacheSize:          4 << 20,
			GroupMemTableSize:  1 << 20,
			SnapshotRate:       1 << 40,
			manual:             true,
		},
	}
	h.net = &fakeNet{h: h, cut: map[[2]uint64]bool{}}
	if tweak != nil {
		tweak(&h.cfg)
	}
	for i := 1; i <= nodes; i++ {
		h.ids = append(h.ids, uint64(i))
	}
	for _, id := range h.ids {
		h.fs[id] = vfs.NewCrashableMem()
		n := h.open(id)
		if int(id) <= bootstrap {
			if err := n.bootstrapCluster(h.ids[:bootstrap]); err != nil {
				t.Fatal(err)
			}
		}
		h.nodes[id] = n
	}
	return h
}

func (h *harness) open(id uint64) *node {
	h.t.Helper()
	cfg := h.cfg
	cfg.NodeID = id
	cfg.FS = h.fs[id]
	cfg.transport = netEndpoint{net: h.net, id: id}
	cfg.EnsureDefaults()
	n, err := openNode(cfg)
	if err != nil {
		h.t.Fatalf("open node %d: %v", id, err)
	}
	n.idSeq.Store(h.rng.Uint64() &^ (1<<40 - 1)) // deterministic, distinct per incarnation
	return n
}

// step advances logical time by one unit.
func (h *harness) step() {
	h.now++
	var due []inflight
	kept := h.net.queue[:0]
	for _, m := range h.net.queue {
		if m.at <= h.now {
			due = append(due, m)
		} else {
			kept = append(kept, m)
		}
	}
	h.net.queue = kept
	for _, m := range due {
		n := h.nodes[m.env.ToNode]
		if m.snap != nil {
			ok := n != nil && n.receiveSnapshot(m.snap[0], bytes.NewReader(m.snap[1])) == nil
			if src := h.nodes[m.env.FromNode]; src != nil {
				src.reportSnapshot(m.env.GroupID, m.env.Msg.GetTo(), ok)
			}
			continue
		}
		if n != nil {
			n.receive([]envelope{m.env})
		}
	}
	if h.now%20 == 0 {
		for _, id := range h.ids {
			if n := h.nodes[id]; n != nil {
				n.replicateOnce()
			}
		}
	}
	for _, id := range h.ids {
		if n := h.nodes[id]; n != nil {
			n.tick()
		}
	}
	for _, id := range h.ids {
		if n := h.nodes[id]; n != nil {
			h.runNode(id, n)
			if e := n.fatal.Load(); e != nil {
				h.t.Fatalf("node %d: %v", id, *e)
			}
		}
	}
}

// runNode runs node id's workers until idle. A panic (etcd raft panics on a
// broken invariant, such as a lost committed entry) fails the test; the
// harness is then not closed, as the panicking worker held locks.
func (h *harness) runNode(id uint64, n *node) {
	defer func() {
		if p := recover(); p != nil {
			h.broken = true
			h.t.Fatalf("node %d panicked at step %d: %v", id, h.now, p)
		}
	}()
	n.runAll(1000)
}

// crash stops node id, keeping only what it synced (and, with
// unsyncedPct > 0, a random part of the rest).
func (h *harness) crash(id uint64, unsyncedPct int) {
	n := h.nodes[id]
	if n == nil {
		return
	}
	clone := h.fs[id].CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: unsyncedPct, RNG: rand.New(rand.NewPCG(h.rng.Uint64(), 1))})
	_ = n.stop()
	h.nodes[id] = nil
	h.fs[id] = clone
}

func (h *harness) restart(id uint64) {
	if h.nodes[id] != nil {
		return
	}
	h.nodes[id] = h.open(id)
}

func (h *harness) partition(groups ...[]uint64) {
	clear(h.net.cut)
	side := map[uint64]int{}
	for i, g := range groups {
		for _, id := range g {
			side[id] = i
		}
	}
	for _, a := range h.ids {
		for _, b := range h.ids {
			if a != b && side[a] != side[b] {
				h.net.cut[[2]uint64{a, b}] = true
			}
		}
	}
}

func (h *harness) heal() { clear(h.net.cut) }

func (h *harness) close() {
	if h.broken {
		return
	}
	for _, id := range h.ids {
		if n := h.nodes[id]; n != nil {
			_ = n.stop()
			h.nodes[id] = nil
		}
	}
}

// leaderOf returns the node whose replica of gid leads, or 0.
func (h *harness) leaderOf(gid uint64) uint64 {
	for _, id := range h.ids {
		if n := h.nodes[id]; n != nil {
			if r := n.replica(gid); r != nil && r.isLead.Load() {
				return id
			}
		}
	}
	return 0
}

// stepUntil steps until cond holds, failing after max steps.
func (h *harness) stepUntil(max int, what string, cond func() bool) {
	h.t.Helper()
	for i := 0; i < max; i++ {
		if cond() {
			return
		}
		h.step()
	}
	if !cond() {
		h.t.Fatalf("after %d steps: %s", max, what)
	}
}

// voters returns the voters of gid in the descriptor node id holds.
func (h *harness) voters(id, gid uint64) []uint64 {
	var out []uint64
	if n := h.nodes[id]; n != nil {
		if r := n.replica(gid); r != nil {
			if d := r.desc.Load(); d != nil {
				for _, rd := range d.Replicas {
					if !rd.Learner {
						out = append(out, rd.NodeID)
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// proposeOps proposes a cmdBatch body built by add to gid through node id.
func (h *harness) proposeOps(id, gid uint64, ops []byte) *future {
	n := h.nodes[id]
	pid := n.nextID()
	data := append(appendCommandHeader(nil, cmdBatch, pid), ops...)
	return n.propose(gid, pid, data)
}

// write proposes ops to gid through node id and steps until the write is
// applied there, proposing again while raft drops it (as proposeWait does).
// It returns the last error.
func (h *harness) write(id, gid uint64, ops []byte, maxSteps int) error {
	f := h.proposeOps(id, gid, ops)
	for i := 0; i < maxSteps; i++ {
		if f.ready() {
			if !errors.Is(f.err, ErrProposalDropped) || h.nodes[id] == nil {
				return f.err
			}
			f = h.proposeOps(id, gid, ops)
		}
		h.step()
	}
	return fmt.Errorf("no result after %d steps", maxSteps)
}

// proposeSplit proposes splitting gid at key into group child through the
// node leading gid (or node 1).
func (h *harness) proposeSplit(gid uint64, key []byte, child uint64) *future {
	id := h.leaderOf(gid)
	if id == 0 {
		id = h.ids[0]
	}
	n := h.nodes[id]
	if n == nil || n.replica(gid) == nil || n.replica(gid).desc.Load() == nil {
		f := newFuture()
		f.complete(0, ErrGroupNotFound)
		return f
	}
	pid := n.nextID()
	data := append(appendCommandHeader(nil, cmdSplit, pid), splitBody(child, n.replica(gid).desc.Load().Generation, key)...)
	return n.propose(gid, pid, data)
}

// readLocal reads a user key from node id's replica of gid.
func (h *harness) readLocal(id, gid uint64, key []byte) (string, bool) {
	r := h.nodes[id].replica(gid)
	g := r.acquireDB()
	defer g.release()
	v, closer, err := g.db.Get(append([]byte{userKeyPrefix}, key...))
	if err == pebble.ErrNotFound {
		return "", false
	} else if err != nil {
		h.t.Fatal(err)
	}
	defer closer.Close()
	return string(v), true
}

// dump returns a group's user data on node id.
func (h *harness) dump(id, gid uint64) string {
	r := h.nodes[id].replica(gid)
	g := r.acquireDB()
	defer g.release()
	it, err := g.db.NewIter(&pebble.IterOptions{LowerBound: []byte{userKeyPrefix}, UpperBound: userKeysEnd})
	if err != nil {
		h.t.Fatal(err)
	}
	defer it.Close()
	var buf bytes.Buffer
	for valid := it.First(); valid; valid = it.Next() {
		fmt.Fprintf(&buf, "%s=%s ", it.Key()[1:], it.Value())
	}
	return buf.String()
}

// groupIDs returns the data groups (the initial ones and any split off
// them that a node knows), sorted.
func (h *harness) groupIDs() []uint64 {
	var out []uint64
	for _, d := range initialDescriptors(&h.cfg, h.ids[:1]) {
		out = append(out, d.GroupID)
	}
	for _, id := range h.ids {
		if n := h.nodes[id]; n != nil && n.replica(1<<40) != nil {
			out = append(out, 1<<40)
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// converge heals the network, restarts every node and steps until every
// replica of every group applied the same index and holds the same data.
func (h *harness) converge(max int) {
	h.t.Helper()
	h.heal()
	h.net.dropPct = 0
	for _, id := range h.ids {
		h.restart(id)
	}
	h.stepUntil(max, "replicas converge", func() bool {
		for _, gid := range h.groupIDs() {
			var applied uint64
			var data string
			for i, id := range h.ids {
				r := h.nodes[id].replica(gid)
				if r == nil {
					return false
				}
				r.mu.Lock()
				a, c := r.applied, r.ls.hs.GetCommit()
				r.mu.Unlock()
				if a != c || h.leaderOf(gid) == 0 {
					return false
				}
				d := h.dump(id, gid)
				if i == 0 {
					applied, data = a, d
				} else if a != applied || d != data {
					return false
				}
			}
		}
		return true
	})
}

var _ = pb.MsgApp
