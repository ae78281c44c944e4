package storage

import (
	"testing"

	"github.com/talus-logs/talus/kv"
)

// TestActivityOlderLayoutStillRead rewrites the activity chunks of a store
// as the one-key-per-resource layout that stores written before chunks
// have, and checks that queries still answer exactly.
func TestActivityOlderLayoutStillRead(t *testing.T) {
	s := openTestStore(t, t.TempDir(), Options{})
	recs := writeRandomRecs(t, s, 2, 1200, 400, 300)
	prefix := appendPrefix(nil, TableActivity, "default")
	it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: prefix, UpperBound: kv.PrefixEnd(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	b := s.kv.NewBatch()
	defer b.Close()
	chunks, items := 0, 0
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		epochPrefixLen := len(prefix) + 8
		got, err := appendActivity(nil, k, it.Value(), epochPrefixLen)
		if err != nil || len(k) != epochPrefixLen+17 {
			t.Fatalf("activity key %x: %v", k, err)
		}
		chunks++
		items += len(got)
		epoch := int64(^uint64(0) ^ beUint64(k[len(prefix):]))
		for _, a := range got {
			if err := b.Set(AppendActivityKey(nil, "default", epoch, a.ts, a.hash), []byte(a.zone)); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Delete(k); err != nil {
			t.Fatal(err)
		}
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if chunks == 0 || items <= chunks {
		t.Fatalf("%d chunks with %d items: want several resources per chunk", chunks, items)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	checkQueries(t, s, recs, 13, 100, 5000)
}

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b[:8] {
		v = v<<8 | uint64(c)
	}
	return v
}

// FuzzActivityChunk feeds arbitrary chunk values to the decoder: it must
// return items or an error, never panic or loop.
func FuzzActivityChunk(f *testing.F) {
	f.Add(AppendActivityChunkKey(nil, "default", 0, 1000, 1), []byte{0, 0, 0, 0, 0, 0, 0, 1, 5, 1, 'z'})
	f.Add(AppendActivityKey(nil, "default", 0, 1000, 1), []byte("zone"))
	f.Fuzz(func(t *testing.T, k, v []byte) {
		prefixLen := len(AppendEpochPrefix(nil, TableActivity, "default", 0))
		if len(k) < prefixLen {
			return
		}
		items, err := appendActivity(nil, k, v, prefixLen)
		if err == nil && len(k)-prefixLen == 17 && len(items) > len(v)/10+1 {
			t.Fatalf("%d items from a %d-byte chunk", len(items), len(v))
		}
	})
}
