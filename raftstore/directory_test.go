package raftstore

import (
	"errors"
	"testing"
)

// TestRangesOverlappingNeverShort checks that a directory with a gap (a
// node that has not learned every range yet) is an error, not a shorter
// list of ranges: a scan over it would silently miss the data of the
// ranges it does not know.
func TestRangesOverlappingNeverShort(t *testing.T) {
	d := func(gid uint64, start, end string) *RangeDescriptor {
		var e []byte
		if end != "" {
			e = []byte(end)
		}
		return &RangeDescriptor{GroupID: gid, StartKey: []byte(start), EndKey: e}
	}
	full := &node{id: 3, dir: []*RangeDescriptor{d(1, "", "g"), d(2, "g", "p"), d(3, "p", "")}}
	gap := &node{id: 3, dir: []*RangeDescriptor{d(1, "", "g"), d(3, "p", "")}}
	empty := &node{id: 3}
	for _, tc := range []struct {
		n      *node
		lo, hi string
		want   int // ranges, or -1 for ErrDirectoryIncomplete
	}{
		{full, "", "", 3},
		{full, "h", "i", 1},
		{full, "a", "q", 3},
		{gap, "a", "f", 1},
		{gap, "a", "q", -1},
		{gap, "h", "i", -1},
		{gap, "q", "", 1},
		{empty, "a", "b", -1},
	} {
		var hi []byte
		if tc.hi != "" {
			hi = []byte(tc.hi)
		}
		got, err := tc.n.rangesOverlapping([]byte(tc.lo), hi)
		if tc.want < 0 {
			if !errors.Is(err, ErrDirectoryIncomplete) || !errors.Is(err, ErrGroupNotFound) {
				t.Errorf("[%q, %q) over %d ranges: %d ranges, %v; want ErrDirectoryIncomplete", tc.lo, tc.hi, len(tc.n.dir), len(got), err)
			}
			continue
		}
		if err != nil || len(got) != tc.want {
			t.Errorf("[%q, %q) over %d ranges: %d ranges, %v; want %d", tc.lo, tc.hi, len(tc.n.dir), len(got), err, tc.want)
		}
	}
}
