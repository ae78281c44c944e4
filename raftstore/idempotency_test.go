package raftstore

import (
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/talus-logs/talus/kv"
)

// TestIdempotentBatchAppliesOnce commits batches with the same idempotency
// key, spanning three ranges, one after another, at once from several
// goroutines (one part set before the key, the rest after), and after a
// restart: each range applies its part once. A batch without a key, or
// with another key, applies.
func TestIdempotentBatchAppliesOnce(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	s := mustOpen(t, cfg)
	k1, k2 := [16]byte{1}, [16]byte{2}
	send := func(s *Store, key *[16]byte, v string) {
		commit(t, s, func(b kv.Batch) {
			_ = b.Merge([]byte("a"), []byte(v)) // range [, g), before the key is set
			if key != nil {
				b.(kv.IdempotentBatch).SetIdempotencyKey(*key)
			}
			_ = b.Merge([]byte("h"), []byte(v)) // [g, p)
			_ = b.Merge([]byte("z"), []byte(v)) // [p, )
		})
	}
	send(s, &k1, "1")
	send(s, &k1, "1")
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); send(s, &k2, "2") }()
	}
	wg.Wait()
	send(s, nil, "3")
	want := "a=123 h=123 z=123 "
	if got := scan(t, s, nil); got != want {
		t.Fatalf("scan = %q, want %q", got, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, cfg)
	defer s.Close()
	send(s, &k1, "1")
	send(s, &[16]byte{3}, "4")
	if got, want := scan(t, s, nil), "a=1234 h=1234 z=1234 "; got != want {
		t.Fatalf("after a restart: scan = %q, want %q", got, want)
	}
}
