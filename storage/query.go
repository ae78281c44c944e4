package storage

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage/selector"
)

// Query asks for the newest entries matching Selector within [Start, End]
// (Unix nanoseconds, both inclusive), at most Limit of them.
type Query struct {
	Instance string
	Selector *selector.Query
	Start    int64
	End      int64
	Limit    int
	// Cursor, when set, continues after the last entry of a previous page.
	Cursor *Cursor
	// Prefilter, when set, must accept an entry before it is decoded (after
	// line filters): it lets an aggregation skip most entries cheaply.
	Prefilter func(RawRecord) bool
	// Filter, when set, must also accept an entry (after line filters and
	// Prefilter).
	Filter func(*Entry) bool
}

// Result is one page of entries, newest first. Next is set when more
// entries may follow.
type Result struct {
	Entries []Entry
	Next    *Cursor
}

// MaxLimit bounds one page.
const MaxLimit = 10000

// directMergeMax is the number of matching resources up to which a query
// opens each of them; past it, the query walks the activity table instead,
// which opens resources in order of their newest entry.
const directMergeMax = 256

// ErrBadQuery marks queries that cannot run as given.
var ErrBadQuery = errors.New("storage: bad query")

// Latest returns the newest entries of a query.
func (s *Store) Latest(ctx context.Context, q Query) (*Result, error) {
	if q.Limit <= 0 || q.Limit > MaxLimit {
		return nil, fmt.Errorf("%w: limit %d must be between 1 and %d", ErrBadQuery, q.Limit, MaxLimit)
	}
	if q.Selector == nil {
		q.Selector = &selector.Query{}
	}
	end := q.End
	if q.Cursor != nil && q.Cursor.Timestamp < end {
		end = q.Cursor.Timestamp
	}
	if end < q.Start {
		return &Result{}, nil
	}
	epochs, err := s.epochsIn(q.Instance, q.Start, end)
	if err != nil {
		return nil, err
	}
	it, err := s.kv.NewIter(&kv.IterOptions{
		LowerBound: appendPrefix(nil, TableLogs, q.Instance),
		UpperBound: kv.PrefixEnd(appendPrefix(nil, TableLogs, q.Instance)),
	})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	w := &walk{s: s, q: q, end: end, logs: it, resources: make(map[uint64]*StoredResource)}
	for _, e := range epochs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := w.epoch(ctx, e); err != nil {
			return nil, err
		}
		if w.full() {
			break
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	res := &Result{Entries: w.out}
	if w.full() {
		last := &w.out[len(w.out)-1].Key
		res.Next = &Cursor{Timestamp: last.Timestamp, Zone: last.Zone, Hash: last.Hash, Uniq: last.Uniq, Start: q.Start, HasStart: true}
	}
	return res, nil
}

type epochInfo struct {
	start   int64
	summary epochSummary
}

// epochsIn lists the epochs with entries in [start, end], newest first.
func (s *Store) epochsIn(instance string, start, end int64) ([]epochInfo, error) {
	it, err := s.kv.NewIter(&kv.IterOptions{
		LowerBound: EpochKey(instance, s.EpochStart(end)),
		UpperBound: kv.PrefixEnd(EpochKey(instance, s.EpochStart(start))),
	})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []epochInfo
	off := 1 + len(instance) + 1
	for ok := it.First(); ok; ok = it.Next() {
		es, err := decodeEpochAt(it.Key(), off)
		if err != nil {
			return nil, err
		}
		sum, err := decodeEpochSummary(it.Value())
		if err != nil {
			return nil, fmt.Errorf("epoch %d summary: %w", es, err)
		}
		if sum.maxTime < start || sum.minTime > end {
			continue
		}
		out = append(out, epochInfo{start: es, summary: sum})
	}
	return out, it.Error()
}

// walk is the state of one Latest call.
type walk struct {
	s    *Store
	q    Query
	end  int64
	logs kv.Iterator
	out  []Entry
	// resources caches resource-map reads by hash for this query.
	resources map[uint64]*StoredResource
}

func (w *walk) full() bool { return len(w.out) >= w.q.Limit }

// resource reads a resource from the epoch's resource map (nil if absent).
func (w *walk) resource(epoch int64, hash uint64) (*StoredResource, error) {
	if r, ok := w.resources[hash]; ok {
		return r, nil
	}
	v, err := w.s.kv.Get(AppendResourceKey(nil, w.q.Instance, epoch, hash))
	if errors.Is(err, kv.ErrNotFound) {
		w.resources[hash] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, err := decodeResourceValue(hash, v)
	if err != nil {
		return nil, fmt.Errorf("resource %016x: %w", hash, err)
	}
	w.resources[hash] = r
	return r, nil
}

func (w *walk) epoch(ctx context.Context, e epochInfo) error {
	p, err := w.s.plan(w.q.Instance, e.start, w.q.Selector)
	if err != nil {
		return err
	}
	if p.set != nil && len(p.set) <= directMergeMax {
		return w.direct(ctx, e, p)
	}
	return w.byActivity(ctx, e, p)
}

// matches decides whether a resource of the epoch is selected.
func (w *walk) matches(e epochInfo, p *plan, hash uint64) (bool, error) {
	if p.all {
		return true, nil
	}
	if p.set != nil {
		if _, ok := p.set[hash]; !ok {
			return false, nil
		}
		if p.exact {
			return true, nil
		}
	}
	r, err := w.resource(e.start, hash)
	if err != nil || r == nil {
		return false, err
	}
	return w.q.Selector.MatchesResource(r.Get), nil
}

// direct merges the entries of a small set of resources.
func (w *walk) direct(ctx context.Context, e epochInfo, p *plan) error {
	h := &cursorHeap{}
	for hash := range p.set {
		r, err := w.resource(e.start, hash)
		if err != nil {
			return err
		}
		if r == nil || (!p.exact && !w.q.Selector.MatchesResource(r.Get)) {
			continue
		}
		c := w.newCursor(e.start, r.Zone, hash)
		if err := c.fill(w.logs); err != nil {
			return err
		}
		if c.valid() {
			h.items = append(h.items, c)
		}
	}
	heap.Init(h)
	return w.drain(ctx, h, math.MinInt64)
}

// byActivity walks the epoch's activity chunks newest first and opens each
// selected resource when it can still contribute: a resource not opened yet
// has no entry newer than the newest activity item not taken yet (threshold
// algorithm). A chunk's key carries the newest timestamp of its items, so
// items read from chunks wait in a heap until no unread chunk can hold a
// newer one.
func (w *walk) byActivity(ctx context.Context, e epochInfo, p *plan) error {
	prefix := AppendEpochPrefix(nil, TableActivity, w.q.Instance, e.start)
	act, err := w.s.kv.NewIter(&kv.IterOptions{LowerBound: prefix, UpperBound: kv.PrefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer act.Close()
	h := &cursorHeap{}
	opened := make(map[uint64]bool)
	var pending activityHeap
	var items []activityItem
	ok := act.First()
	for {
		unread := int64(math.MinInt64) // newest timestamp any unread chunk may hold
		if ok {
			if len(act.Key()) < len(prefix)+16 {
				return fmt.Errorf("%w: activity key %x", ErrBadKey, act.Key())
			}
			unread, _ = decodeActivitySuffix(act.Key()[:len(prefix)+16])
		}
		for pending.Len() > 0 && pending[0].ts >= unread {
			it := heap.Pop(&pending).(activityItem)
			bound := min(it.ts, w.end)
			if bound < w.q.Start {
				return w.drain(ctx, h, math.MinInt64) // every resource not opened yet is older than the range
			}
			if err := w.drain(ctx, h, bound); err != nil || w.full() {
				return err
			}
			if opened[it.hash] {
				continue
			}
			opened[it.hash] = true
			sel, err := w.matches(e, p, it.hash)
			if err != nil {
				return err
			}
			if !sel {
				continue
			}
			c := w.newCursor(e.start, it.zone, it.hash)
			if err := c.fill(w.logs); err != nil {
				return err
			}
			if c.valid() {
				heap.Push(h, c)
			}
		}
		if !ok {
			break
		}
		if items, err = appendActivity(items[:0], act.Key(), act.Value(), len(prefix)); err != nil {
			return err
		}
		for _, it := range items {
			heap.Push(&pending, it)
		}
		ok = act.Next()
	}
	if err := act.Error(); err != nil {
		return err
	}
	return w.drain(ctx, h, math.MinInt64)
}

// drain emits entries from the heap while the newest one is newer than
// bound (entries of unopened resources are at most bound).
func (w *walk) drain(ctx context.Context, h *cursorHeap, bound int64) error {
	n := 0
	for h.Len() > 0 && !w.full() {
		c := h.items[0]
		be := &c.buf[c.pos]
		if be.ts <= bound {
			return nil
		}
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := w.consider(c, be); err != nil {
			return err
		}
		c.pos++
		if c.pos == len(c.buf) {
			if err := c.fill(w.logs); err != nil {
				return err
			}
		}
		if c.valid() {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// consider applies the cursor, filters and decoding to one entry.
func (w *walk) consider(c *resCursor, be *bufEntry) error {
	if w.q.Cursor != nil && w.q.Cursor.covers(be.ts, c.zone, c.hash, be.uniq) {
		return nil
	}
	if w.q.Selector.HasRecordFilters() {
		sev, body, err := recordHead(be.val)
		if err != nil {
			return fmt.Errorf("entry %x: %w", be.key, err)
		}
		if !w.q.Selector.MatchesRecord(body, sev) {
			return nil
		}
	}
	if w.q.Prefilter != nil && !w.q.Prefilter(RawRecord{be.val}) {
		return nil
	}
	var e Entry
	if err := decodeRecord(be.val, be.ts, &e); err != nil {
		return fmt.Errorf("entry %x: %w", be.key, err)
	}
	e.Key = LogKey{Instance: w.q.Instance, Zone: c.zone, EpochStart: c.epoch, Hash: c.hash, Timestamp: be.ts, Uniq: be.uniq}
	e.RawKey = be.key
	r, err := w.resource(c.epoch, c.hash)
	if err != nil {
		return err
	}
	if r == nil {
		r = &StoredResource{Hash: c.hash, Zone: c.zone}
	}
	e.Resource = r
	if w.q.Filter != nil && !w.q.Filter(&e) {
		return nil
	}
	w.out = append(w.out, e)
	return nil
}

func (w *walk) newCursor(epoch int64, zone string, hash uint64) *resCursor {
	prefix := AppendLogKeyPrefix(nil, w.q.Instance, zone, epoch, hash)
	c := &resCursor{prefix: prefix, epoch: epoch, zone: zone, hash: hash, minTs: w.q.Start, batch: 4}
	hi := w.end // with a cursor, end is its timestamp and covers() skips what was returned
	if hi >= epoch+int64(w.s.opts.EpochDuration) {
		c.next = prefix
	} else {
		c.next = AppendLogKey(nil, w.q.Instance, zone, epoch, hash, hi, 0)
	}
	return c
}

// resCursor reads one resource's entries of one epoch, newest first, in
// growing batches through the query's shared iterator.
type resCursor struct {
	prefix []byte
	next   []byte // key to seek for the next batch; nil when exhausted
	epoch  int64
	zone   string
	hash   uint64
	minTs  int64
	batch  int
	buf    []bufEntry
	pos    int
	arena  []byte
}

type bufEntry struct {
	key, val   []byte
	klen, vlen int
	ts         int64
	uniq       uint32
}

func (c *resCursor) valid() bool { return c.pos < len(c.buf) }

func (c *resCursor) fill(it kv.Iterator) error {
	c.buf, c.pos, c.arena = c.buf[:0], 0, c.arena[:0]
	if c.next == nil {
		return nil
	}
	ok := it.SeekGE(c.next)
	c.next = nil
	for ; ok; ok = it.Next() {
		k := it.Key()
		if !bytes.HasPrefix(k, c.prefix) || len(k) != len(c.prefix)+12 {
			break
		}
		ts, uniq := logKeyTail(k, c.epoch)
		if ts < c.minTs {
			break
		}
		if len(c.buf) == c.batch {
			c.next = append([]byte(nil), k...)
			break
		}
		v := it.Value()
		c.arena = append(c.arena, k...)
		c.arena = append(c.arena, v...)
		c.buf = append(c.buf, bufEntry{ts: ts, uniq: uniq, klen: len(k), vlen: len(v)})
	}
	if err := it.Error(); err != nil {
		return err
	}
	// Slice the arena only now: it may move while it grows.
	off := 0
	for i := range c.buf {
		kl, vl := c.buf[i].klen, c.buf[i].vlen
		c.buf[i].key = c.arena[off : off+kl : off+kl]
		c.buf[i].val = c.arena[off+kl : off+kl+vl : off+kl+vl]
		off += kl + vl
	}
	if c.batch < 256 {
		c.batch *= 4
	}
	return nil
}

type cursorHeap struct{ items []*resCursor }

func (h *cursorHeap) Len() int { return len(h.items) }
func (h *cursorHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	ea, eb := &a.buf[a.pos], &b.buf[b.pos]
	return entryLess(ea.ts, a.zone, a.hash, ea.uniq, eb.ts, b.zone, b.hash, eb.uniq)
}
func (h *cursorHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *cursorHeap) Push(x any)    { h.items = append(h.items, x.(*resCursor)) }
func (h *cursorHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
