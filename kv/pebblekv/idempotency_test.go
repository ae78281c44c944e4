package pebblekv

import (
	"sync"
	"testing"
	"time"

	"github.com/talus-logs/talus/kv"
)

func addOne(t *testing.T, s *Store, key *[16]byte) {
	t.Helper()
	b := s.NewBatch()
	defer b.Close()
	if err := b.Merge([]byte("count"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if key != nil {
		b.(kv.IdempotentBatch).SetIdempotencyKey(*key)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, s *Store) string {
	t.Helper()
	v, err := s.Get([]byte("count"))
	if err != nil {
		t.Fatal(err)
	}
	return string(v)
}

// TestIdempotentBatchAppliesOnce commits the same keyed batch again, at
// once from many goroutines, and after a restart: it applies once. Past the
// dedupe window the key is forgotten.
func TestIdempotentBatchAppliesOnce(t *testing.T) {
	dir := t.TempDir()
	clock := time.Unix(1_800_000_000, 0)
	open := func() *Store {
		s, err := Open(dir, &Options{Merger: sum})
		if err != nil {
			t.Fatal(err)
		}
		s.idem.now = func() time.Time { return clock }
		return s
	}
	s := open()
	k1, k2 := [16]byte{1}, [16]byte{2}
	addOne(t, s, &k1)
	addOne(t, s, &k1)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); addOne(t, s, &k2) }()
	}
	wg.Wait()
	addOne(t, s, nil) // no key: always applied
	if got := count(t, s); got != "3" {
		t.Fatalf("count = %s after k1 twice, k2 eight times and one unkeyed batch; want 3", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(idemWindow * time.Second) // the previous window is still checked
	s = open()
	defer s.Close()
	addOne(t, s, &k1)
	if got := count(t, s); got != "3" {
		t.Fatalf("count = %s: k1 applied again after a restart in the next window", got)
	}
	clock = clock.Add(2 * idemWindow * time.Second)
	addOne(t, s, &k1)
	if got := count(t, s); got != "4" {
		t.Fatalf("count = %s: k1 not applied two windows later", got)
	}
	if _, err := s.Get(idemKey(uint64(clock.Unix())/idemWindow-3, k1)); err != kv.ErrNotFound {
		t.Fatalf("record of an old window still there: %v", err)
	}
}
