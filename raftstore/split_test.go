package raftstore

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/talus-logs/talus/kv"
)

// TestSplitSingleNode splits a one-node store's range under data: keys stay
// readable, iterators stitch the two ranges, writes spanning the split go to
// both, and everything survives a restart.
func TestSplitSingleNode(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	cfg.InitialSplits = nil
	s := mustOpen(t, cfg)
	commit(t, s, func(b kv.Batch) {
		for _, k := range []string{"a", "f", "k", "p", "u", "z"} {
			_ = b.Set([]byte(k), []byte(k))
		}
		_ = b.Merge([]byte("m"), []byte("1"))
	})
	if err := s.Split([]byte("k")); err != nil {
		t.Fatal(err)
	}
	if err := s.Split([]byte("k")); err != nil { // at a start key: no-op
		t.Fatal(err)
	}
	st := s.Status()
	if len(st.Groups) != 3 { // meta, [ "", k), [k, end)
		t.Fatalf("groups after split: %+v", st.Groups)
	}
	want := "a=a f=f k=k m=1 p=p u=u z=z "
	if got := scan(t, s, nil); got != want {
		t.Fatalf("scan after split: %q", got)
	}
	commit(t, s, func(b kv.Batch) {
		_ = b.Merge([]byte("m"), []byte("2"))
		_ = b.DeleteRange([]byte("e"), []byte("q")) // spans both ranges
	})
	if got := scan(t, s, nil); got != "a=a u=u z=z " {
		t.Fatalf("scan after a write across the split: %q", got)
	}
	if _, err := s.Get([]byte("m")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("m: %v", err)
	}
	commit(t, s, func(b kv.Batch) { _ = b.Merge([]byte("m"), []byte("3")) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, cfg)
	defer s.Close()
	if got := scan(t, s, nil); got != "a=a m=3 u=u z=z " {
		t.Fatalf("scan after restart: %q", got)
	}
	if len(s.Status().Groups) != 3 {
		t.Fatal("the split did not survive the restart")
	}
}

// TestSplitReplicated splits a 3-node group: every replica ends with the
// same two ranges and data, a command proposed to the parent for keys now in
// the child is refused with a RangeMismatchError, and the child elects a
// leader and takes writes.
func TestSplitReplicated(t *testing.T) {
	h := newHarness(t, 31, 3, func(c *Config) { c.InitialSplits = nil })
	defer h.close()
	const gid = firstDataGroupID
	h.stepUntil(300, "a leader", func() bool { return h.leaderOf(gid) != 0 })
	ld := h.leaderOf(gid)
	for i := 0; i < 20; i++ {
		if err := h.write(ld, gid, setOp(fmt.Sprintf("k%02d", i), "v"), 100); err != nil {
			t.Fatal(err)
		}
	}
	d := h.nodes[ld].replica(gid).desc.Load()
	const childID = 1 << 40
	body := append(appendCommandHeader(nil, cmdSplit, h.nodes[ld].nextID()), splitBody(childID, d.Generation, []byte("k10"))...)
	_, id, _, _ := decodeCommandHeader(body)
	split := h.nodes[ld].propose(gid, id, body)
	stale := h.proposeOps(ld, gid, setOp("k15", "late")) // proposed to the parent after the split
	h.stepUntil(200, "the split applies", split.ready)
	if split.err != nil {
		t.Fatal(split.err)
	}
	h.stepUntil(200, "the stale write resolves", stale.ready)
	var rm *RangeMismatchError
	if !errors.As(stale.err, &rm) {
		t.Fatalf("stale write to the parent: %v", stale.err)
	}
	h.stepUntil(500, "the child has a leader", func() bool { return h.leaderOf(childID) != 0 })
	if err := h.write(h.leaderOf(childID), childID, setOp("k15", "new"), 200); err != nil {
		t.Fatal(err)
	}
	h.stepUntil(500, "replicas agree", func() bool {
		for _, id := range h.ids[1:] {
			for _, g := range []uint64{gid, childID} {
				if h.nodes[id].replica(g) == nil || h.dump(id, g) != h.dump(h.ids[0], g) {
					return false
				}
			}
		}
		return true
	})
	if got, want := h.dump(h.ids[0], gid), "k00=v k01=v k02=v k03=v k04=v k05=v k06=v k07=v k08=v k09=v "; got != want {
		t.Fatalf("parent: %q", got)
	}
	if got := h.dump(h.ids[0], childID); got != "k10=v k11=v k12=v k13=v k14=v k15=new k16=v k17=v k18=v k19=v " {
		t.Fatalf("child: %q", got)
	}
}

func splitBody(child, gen uint64, key []byte) []byte {
	var b []byte
	b = appendUint64(b, child)
	b = appendUint64(b, gen)
	b = appendUvarintBytes(b, key)
	return b
}

// TestSplitBySize: a range whose Pebble grows past SplitBytes is split near
// its middle by its leader, without losing anything.
func TestSplitBySize(t *testing.T) {
	cfg := singleNodeConfig(vfs.NewMem())
	cfg.InitialSplits = nil
	cfg.SplitBytes = 128 << 10
	cfg.GroupMemTableSize = 64 << 10
	s := mustOpen(t, cfg)
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000; i += 50 {
		commit(t, s, func(b kv.Batch) {
			for j := i; j < i+50; j++ {
				value := make([]byte, 1000) // random: zstd must not shrink it below SplitBytes
				for k := range value {
					value[k] = byte(rng.Uint32())
				}
				_ = b.Set([]byte(fmt.Sprintf("k%04d", j)), value)
			}
		})
	}
	waitFor(t, 20*time.Second, "a size-triggered split", func() bool { return len(s.Status().Groups) >= 3 })
	it, err := s.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for valid := it.First(); valid; valid = it.Next() {
		if want := fmt.Sprintf("k%04d", count); string(it.Key()) != want {
			t.Fatalf("key %d: %s, want %s", count, it.Key(), want)
		}
		count++
	}
	if err := it.Close(); err != nil || count != 1000 {
		t.Fatalf("%d keys after the split, %v", count, err)
	}
}
