package storage

import (
	"cmp"
	"container/heap"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/zeebo/xxh3"
)

// An activity chunk lists the resources one write touched in one epoch, in
// one key (keys.go): with a million resources, a key per resource per write
// made the activity table a fifth of the keys a write inserted. Each item
// is
//
//	| ResourceHash (8B BE) | uvarint MaxTimestamp−Timestamp | uvarint zone length | zone |
//
// in order of newest timestamp first, then hash. The layout is durable
// (format v1).

// activityItem is a resource that wrote entries up to ts.
type activityItem struct {
	ts   int64
	hash uint64
	zone string
}

// addActivityChunks adds one activity chunk per epoch for the resources in
// w.activity.
func (w *write) addActivityChunks() {
	items := w.activity
	slices.SortFunc(items, func(x, y *resourceEpoch) int {
		if c := cmp.Compare(x.epoch, y.epoch); c != 0 {
			return c
		}
		if c := cmp.Compare(y.maxTime, x.maxTime); c != 0 {
			return c
		}
		return cmp.Compare(x.res.Hash, y.res.Hash)
	})
	for len(items) > 0 {
		n := 1
		for n < len(items) && items[n].epoch == items[0].epoch {
			n++
		}
		chunk, maxTs := w.val[:0], items[0].maxTime
		for _, te := range items[:n] {
			chunk = binary.BigEndian.AppendUint64(chunk, te.res.Hash)
			chunk = binary.AppendUvarint(chunk, uint64(maxTs-te.maxTime))
			chunk = appendUvarintString(chunk, te.res.Zone)
		}
		w.val = chunk
		key := AppendActivityChunkKey(w.entryBuf, w.instance, items[0].epoch, maxTs, xxh3.Hash(chunk))
		w.addEntry(key, chunk, false)
		items = items[n:]
	}
}

// appendActivity appends the resources of an activity key and its value
// (a chunk, or one resource in the older layout) to dst. prefixLen is the
// length of the epoch prefix of k.
func appendActivity(dst []activityItem, k, v []byte, prefixLen int) ([]activityItem, error) {
	switch len(k) - prefixLen {
	case 16: // one resource; the value is its zone
		ts, hash := decodeActivitySuffix(k)
		return append(dst, activityItem{ts: ts, hash: hash, zone: string(v)}), nil
	case 17:
		if k[len(k)-1] != activityChunkMark {
			break
		}
		maxTs, _ := decodeActivitySuffix(k[:len(k)-1])
		for len(v) > 0 {
			if len(v) < 8 {
				return dst, fmt.Errorf("%w: activity chunk %x: truncated item", ErrCorrupt, k)
			}
			it := activityItem{hash: binary.BigEndian.Uint64(v)}
			v = v[8:]
			age, n := binary.Uvarint(v)
			if n <= 0 || age > uint64(maxTs)+1<<63 {
				return dst, fmt.Errorf("%w: activity chunk %x: bad timestamp", ErrCorrupt, k)
			}
			it.ts = int64(uint64(maxTs) - age)
			v = v[n:]
			zl, n := binary.Uvarint(v)
			if n <= 0 || zl > uint64(len(v)-n) {
				return dst, fmt.Errorf("%w: activity chunk %x: bad zone", ErrCorrupt, k)
			}
			it.zone = string(v[n : n+int(zl)])
			v = v[n+int(zl):]
			dst = append(dst, it)
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%w: activity key %x", ErrBadKey, k)
}

// activityHeap orders activity items newest first.
type activityHeap []activityItem

func (h activityHeap) Len() int           { return len(h) }
func (h activityHeap) Less(i, j int) bool { return h[i].ts > h[j].ts }
func (h activityHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *activityHeap) Push(x any)        { *h = append(*h, x.(activityItem)) }
func (h *activityHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

var _ heap.Interface = (*activityHeap)(nil)
