package raftstore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/talus-logs/talus/kv"
)

// appendMerger concatenates operands, so merge order is visible.
func appendMerger(_, older, newer []byte) ([]byte, error) {
	return append(append([]byte(nil), older...), newer...), nil
}

func singleNodeConfig(fs vfs.FS) Config {
	return Config{
		NodeID:        1,
		DataDir:       "d",
		FS:            fs,
		Merger:        appendMerger,
		InitialSplits: [][]byte{[]byte("g"), []byte("p")},
		TickInterval:  10 * time.Millisecond,
		CacheSize:     8 << 20,
	}
}

func mustOpen(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func commit(t testing.TB, s kv.Store, f func(b kv.Batch)) {
	t.Helper()
	b := s.NewBatch()
	defer b.Close()
	f(b)
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
}

func scan(t testing.TB, s kv.Store, o *kv.IterOptions) string {
	t.Helper()
	it, err := s.NewIter(o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for valid := it.First(); valid; valid = it.Next() {
		fmt.Fprintf(&buf, "%s=%s ", it.Key(), it.Value())
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestStoreSingleNode(t *testing.T) {
	fs := vfs.NewMem()
	s := mustOpen(t, singleNodeConfig(fs))
	commit(t, s, func(b kv.Batch) {
		for _, k := range []string{"a", "f", "g", "h", "o", "p", "z"} {
			_ = b.Set([]byte(k), []byte(k+"1"))
		}
		_ = b.Merge([]byte("m"), []byte("x"))
	})
	commit(t, s, func(b kv.Batch) {
		_ = b.Merge([]byte("m"), []byte("y"))
		_ = b.Delete([]byte("a"))
		_ = b.DeleteRange([]byte("f"), []byte("h")) // spans two ranges
	})
	if got, want := scan(t, s, nil), "h=h1 m=xy o=o1 p=p1 z=z1 "; got != want {
		t.Fatalf("scan: got %q, want %q", got, want)
	}
	if got, want := scan(t, s, &kv.IterOptions{LowerBound: []byte("i"), UpperBound: []byte("q")}), "m=xy o=o1 p=p1 "; got != want {
		t.Fatalf("bounded scan: got %q, want %q", got, want)
	}
	if _, err := s.Get([]byte("a")); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
	if v, err := s.Get([]byte("m")); err != nil || string(v) != "xy" {
		t.Fatalf("get m: %q %v", v, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart: everything committed is still there and writes go on.
	s = mustOpen(t, singleNodeConfig(fs))
	if got, want := scan(t, s, nil), "h=h1 m=xy o=o1 p=p1 z=z1 "; got != want {
		t.Fatalf("scan after restart: got %q, want %q", got, want)
	}
	commit(t, s, func(b kv.Batch) { _ = b.Merge([]byte("m"), []byte("z")) })
	if v, err := s.Get([]byte("m")); err != nil || string(v) != "xyz" {
		t.Fatalf("get m after restart: %q %v", v, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIteratorStitching(t *testing.T) {
	s := mustOpen(t, singleNodeConfig(vfs.NewMem()))
	defer s.Close()
	keys := []string{"a", "b", "f", "g", "gg", "o", "p", "q", "zz"}
	commit(t, s, func(b kv.Batch) {
		for _, k := range keys {
			_ = b.Set([]byte(k), []byte("v"))
		}
	})
	it, err := s.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var back []string
	for valid := it.Last(); valid; valid = it.Prev() {
		back = append(back, string(it.Key()))
	}
	if fmt.Sprint(back) != "[zz q p o gg g f b a]" {
		t.Fatalf("reverse: %v", back)
	}
	f := func(seek string, ge bool, want string) {
		t.Helper()
		var ok bool
		if ge {
			ok = it.SeekGE([]byte(seek))
		} else {
			ok = it.SeekLT([]byte(seek))
		}
		got := "<none>"
		if ok {
			got = string(it.Key())
		}
		if got != want {
			t.Fatalf("seek(%q, ge=%v) = %s, want %s", seek, ge, got, want)
		}
	}
	f("c", true, "f")
	f("c", false, "b")
	f("g", true, "g")
	f("g", false, "f")
	f("h", true, "o")
	f("p", false, "o")
	f("zzz", true, "<none>")
	f("a", false, "<none>")
	f("", true, "a")
	// Moving across a range boundary in both directions.
	it.SeekGE([]byte("f"))
	if !it.Next() || string(it.Key()) != "g" || !it.Prev() || string(it.Key()) != "f" {
		t.Fatal("next/prev across a range boundary")
	}
}

func TestOversizedBatchRefused(t *testing.T) {
	s := mustOpen(t, singleNodeConfig(vfs.NewMem()))
	defer s.Close()
	b := s.NewBatch()
	defer b.Close()
	_ = b.Set([]byte("a"), make([]byte, maxCommandBytes+1))
	if err := b.Commit(true); err == nil || !strings.Contains(err.Error(), "commit smaller batches") {
		t.Fatalf("oversized batch: %v", err)
	}
}

func TestStatusSingleNode(t *testing.T) {
	s := mustOpen(t, singleNodeConfig(vfs.NewMem()))
	defer s.Close()
	commit(t, s, func(b kv.Batch) { _ = b.Set([]byte("a"), []byte("1")) })
	st := s.Status()
	if len(st.Groups) != 4 || !st.Groups[0].Meta || len(st.Nodes) != 1 || !st.Nodes[0].Live {
		t.Fatalf("status: %+v", st)
	}
	for _, g := range st.Groups {
		if g.LeaderNode != 1 || !g.IsLeader || len(g.Replicas) != 1 {
			t.Fatalf("group: %+v", g)
		}
	}
	if m := s.Metrics(); m.EntriesApplied == 0 || m.RaftLogSyncs == 0 || s.Err() != nil {
		t.Fatalf("metrics: %+v, err %v", m, s.Err())
	}
	var buf strings.Builder
	if _, err := st.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"node 1", "GROUP", "meta", `["", "g")`, `["p", end)`, "n1"} {
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("status text lacks %q:\n%s", want, buf.String())
		}
	}
}

// The parts of a batch over several ranges are all queued before the worker
// wakes, so one round persists them with one fsync (woken by the first
// part, a worker could take it alone and sync the others in a second round).
func TestBatchOverRangesOneFsync(t *testing.T) {
	s := mustOpen(t, singleNodeConfig(vfs.NewMem()))
	defer s.Close()
	for _, k := range []string{"a", "h", "q"} { // every range has its leader
		commit(t, s, func(b kv.Batch) { _ = b.Set([]byte(k), []byte("0")) })
	}
	const batches = 100
	before := s.n.syncs.Load()
	for i := 0; i < batches; i++ {
		commit(t, s, func(b kv.Batch) {
			for _, k := range []string{"a", "h", "q"} { // one key in each of the three ranges
				_ = b.Set([]byte(k), []byte(fmt.Sprint(i)))
			}
		})
	}
	// A few rounds of the groups' own (elections settling, the meta group
	// learning the descriptors) may sync beside them: 100–105 fsyncs here,
	// and 118–154 when each part was proposed from its own goroutine.
	if got := s.n.syncs.Load() - before; got > batches+batches/10 {
		t.Fatalf("%d fsyncs for %d batches over three ranges; want about one each", got, batches)
	}
}
