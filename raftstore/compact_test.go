package raftstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
	for i := 0; i < 20; i++ {
		commit(t, s, func(b kv.Batch) {
			for _, k := range []string{"a", "h", "z"} {
				_ = b.Set([]byte(fmt.Sprintf("%s%03d", k, i)), []byte(strings.Repeat("v", 1000)))
			}
		})
	}
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
