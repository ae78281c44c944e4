package raftstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/talus-logs/talus/kv"
)

// TestCompactDropsTheRaftLog compacts a node that wrote to every range: the
// data stays, and the entry log keeps no segment but a fresh active one
// (the raft log is the groups' WAL; after a full flush nothing needs it).
func TestCompactDropsTheRaftLog(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	s := mustOpen(t, cfg)
	defer s.Close()
	writeToEveryRange(t, s, 0, 20)
	segs := func() []string {
		names, err := fs.List(fs.PathJoin(cfg.DataDir, "raftentries"))
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	before := segs()
	if err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := segs()
	if len(after) != 1 || (len(before) == 1 && after[0] == before[0]) {
		t.Fatalf("entry log segments before %v, after Compact %v: want one new active segment", before, after)
	}
	if got := strings.Count(scan(t, s, nil), "="); got != 60 {
		t.Fatalf("%d keys after Compact, want 60", got)
	}
}

// TestCloseDropsTheRaftLog: a clean close flushes every group, so the raft
// entries it wrote are no longer needed: only a new, empty segment stays,
// and a reopened store still has every key.
func TestCloseDropsTheRaftLog(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	s := mustOpen(t, cfg)
	writeToEveryRange(t, s, 0, 20)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	dir := fs.PathJoin(cfg.DataDir, "raftentries")
	names, err := fs.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var bytes int64
	for _, name := range names {
		st, err := fs.Stat(fs.PathJoin(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		bytes += st.Size()
	}
	// 60 KiB of values went through the log; what stays is headers.
	if len(names) != 1 || bytes > 4096 {
		t.Fatalf("after Close the entry log holds %d bytes in %v, want one nearly empty segment", bytes, names)
	}
	s = mustOpen(t, cfg)
	defer s.Close()
	if got := strings.Count(scan(t, s, nil), "="); got != 60 {
		t.Fatalf("%d keys after reopening, want 60", got)
	}
}

// TestIdleNodeSettles: once a node applied no write for SettleAfter, the
// groups it wrote have nothing above the bottom level and the raft log is
// gone, without a Compact; every key is still there.
func TestIdleNodeSettles(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	cfg.SettleAfter = 100 * time.Millisecond
	cfg.entrySegmentBytes = 16 << 10
	s := mustOpen(t, cfg)
	defer s.Close()
	for i := 0; i < 60; i += 20 {
		writeToEveryRange(t, s, i, i+20)
		// Some sstables above the bottom level to settle.
		for _, r := range s.n.replicas() {
			if g := r.acquireDB(); g != nil {
				_ = g.db.Flush()
				g.release()
			}
		}
	}
	upper := func() (files int) {
		for _, r := range s.n.replicas() {
			g := r.acquireDB()
			if g == nil {
				continue
			}
			levels, err := g.db.SSTables()
			g.release()
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range levels[:len(levels)-1] {
				files += len(l)
			}
		}
		return files
	}
	if upper() == 0 {
		t.Fatal("no sstables above the bottom level before settling: the test proves nothing")
	}
	deadline := time.Now().Add(20 * time.Second)
	for upper() > 0 || s.n.elog.oldSegments() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("not settled after 20s: %d sstables above the bottom level, %d old entry-log segments", upper(), s.n.elog.oldSegments())
		}
		time.Sleep(20 * time.Millisecond) // polling an observable state, bounded by the deadline
	}
	if got := strings.Count(scan(t, s, nil), "="); got != 180 {
		t.Fatalf("%d keys after settling, want 180", got)
	}
}

// writeToEveryRange commits batches from..to-1, each a 1 KB value under
// "a", "h" and "z" (both ranges of singleNodeConfig).
func writeToEveryRange(t *testing.T, s *Store, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		commit(t, s, func(b kv.Batch) {
			for _, k := range []string{"a", "h", "z"} {
				_ = b.Set([]byte(fmt.Sprintf("%s%03d", k, i)), []byte(strings.Repeat("v", 1000)))
			}
		})
	}
}
