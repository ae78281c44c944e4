package storage

import (
	"bytes"
	"math/rand"
	"slices"
	"testing"
)

// TestSortEntriesOrdersByKey holds the abbreviated-key sort to plain key
// order, with keys that share long prefixes, differ only past the
// abbreviation, are prefixes of each other, and come from several tables.
func TestSortEntriesOrdersByKey(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 200; round++ {
		var buf []byte
		var es []logEntry
		n := 1 + rng.Intn(300)
		for i := 0; i < n; i++ {
			start := len(buf)
			buf = append(buf, "lprt"[rng.Intn(4)])
			buf = append(buf, "default\x00zone\x00"[:rng.Intn(14)]...)
			for j := rng.Intn(24); j > 0; j-- {
				buf = append(buf, byte(rng.Intn(3))) // few symbols: many ties
			}
			val := len(buf)
			buf = append(buf, byte(i))
			es = append(es, logEntry{key: start, val: val, end: len(buf)})
		}
		order := sortEntries(buf, es, nil)
		keys := make([][]byte, len(order))
		for i, o := range order {
			e := es[o.i]
			keys[i] = buf[e.key:e.val]
		}
		if len(keys) != len(es) {
			t.Fatalf("round %d: %d keys ordered of %d", round, len(keys), len(es))
		}
		if !slices.IsSortedFunc(keys, bytes.Compare) {
			t.Fatalf("round %d: not in key order: %q", round, keys)
		}
	}
}
