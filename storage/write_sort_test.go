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
		order := sortEntries(buf, es, nil, new([]sortKey))
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

// TestSortEntriesRuns holds the linear path for writes made of resources'
// runs (each oldest first, so descending keys) to key order, and its
// fallback when runs overlap: a resource in two places of a request, or
// records out of time order.
func TestSortEntriesRuns(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	var scratch []sortKey
	for round := 0; round < 300; round++ {
		var buf []byte
		var es []logEntry
		add := func(res byte, ts uint16) {
			start := len(buf)
			buf = append(buf, "l\x00default\x00\x00"...)
			// A resource's keys share the 8-byte hash after the prefix.
			buf = append(buf, res, 0, 0, 0, 0, 0, 0, 7, 0xff-byte(ts>>8), 0xff-byte(ts))
			val := len(buf)
			buf = append(buf, 'v')
			es = append(es, logEntry{key: start, val: val, end: len(buf)})
		}
		for r := rng.Intn(40); r > 0; r-- {
			res := byte(rng.Intn(40)) // repeats make overlapping runs
			ts := uint16(rng.Intn(1000))
			for n := rng.Intn(30); n > 0; n-- {
				add(res, ts)
				ts += uint16(1 + rng.Intn(3))
				if rng.Intn(50) == 0 {
					ts -= 2 // out of time order
				}
			}
		}
		if len(es) == 0 {
			continue
		}
		order := sortEntries(buf, es, nil, &scratch)
		keys := make([][]byte, len(order))
		seen := make(map[int32]bool)
		for i, o := range order {
			seen[o.i] = true
			keys[i] = buf[es[o.i].key:es[o.i].val]
		}
		if len(seen) != len(es) || !slices.IsSortedFunc(keys, bytes.Compare) {
			t.Fatalf("round %d: %d of %d entries, sorted %v", round, len(seen), len(es), slices.IsSortedFunc(keys, bytes.Compare))
		}
	}
}
