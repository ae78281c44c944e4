package rollup

import (
	"slices"
	"sync"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

// Write sums the errors of one write per counter, so that the write merges
// one operand per counter instead of one per error record. It is the cheap
// path, used through storage.Options.NewWriteHook (cmd/talus wires it):
//
//  1. w := recorder.NewWrite()
//  2. w.Record(rc) for every accepted record;
//  3. w.Flush(b) once, before the batch commits, then w.Close().
//
// A Write is not safe for concurrent use; the Recorder is, so concurrent
// writes each take their own Write. Record reads the store's views of the
// request (recordOf), keeps nothing of rc itself, and keeps strings that
// point into the request only until Flush, which the store calls before the
// write ends.
type Write struct {
	r *Recorder
	s *scratch
	// pending holds the counters of this write, in order of first error.
	pending []*pendingCounter
	byKey   map[pendingKey]*pendingCounter
	free    []*pendingCounter // reset counters kept for the next write
}

type pendingKey struct {
	instance string
	epoch    int64
	fp       fingerprint.Fingerprint
	service  string
}

type pendingCounter struct {
	key     pendingKey
	c       Counter
	sample  Sample
	ordered bool // c.Trend is ascending (errors arrived in time order)
}

var writePool = sync.Pool{New: func() any { return &Write{byKey: make(map[pendingKey]*pendingCounter)} }}

// NewWrite returns a Write for one write to the store. Close it after Flush.
func (r *Recorder) NewWrite() *Write {
	w := writePool.Get().(*Write)
	w.r = r
	w.s = r.scratch.Get().(*scratch)
	return w
}

// Record adds one accepted record; it writes nothing.
func (w *Write) Record(rc *storage.RecordContext) {
	s := w.s
	isError, service := recordOf(&s.rec, rc)
	if !isError {
		return
	}
	fp := s.f.Fingerprint(&s.rec)
	service = cutUTF8(service, MaxServiceLen)
	k := pendingKey{rc.Instance, rc.EpochStart, fp, service}
	p := w.byKey[k]
	if p == nil {
		p = w.newPending(k, rc.Timestamp)
	}
	c := &p.c
	c.Count++
	c.First, c.Last = min(c.First, rc.Timestamp), max(c.Last, rc.Timestamp)
	m := minuteOf(rc.Timestamp, rc.EpochStart)
	switch n := len(c.Trend); {
	case n > 0 && c.Trend[n-1].Minute == m:
		c.Trend[n-1].Count++
	default:
		if n > 0 && c.Trend[n-1].Minute > m {
			p.ordered = false
		}
		c.Trend = append(c.Trend, Bucket{m, 1})
	}
	if w.r.samples.claim(sampleKey{rc.Instance, rc.EpochStart, fp.Hash, service}, rc.Timestamp) {
		smp := sampleOf(s, rc.Timestamp, rc.TraceID())
		if c.Sample == nil || smp.Time < c.Sample.Time ||
			smp.Time == c.Sample.Time && string(appendSample(nil, smp)) < string(appendSample(nil, c.Sample)) {
			p.sample = *smp
			c.Sample = &p.sample
		}
	}
}

func (w *Write) newPending(k pendingKey, ts int64) *pendingCounter {
	var p *pendingCounter
	if n := len(w.free); n > 0 {
		p, w.free = w.free[n-1], w.free[:n-1]
	} else {
		p = new(pendingCounter)
	}
	p.key, p.ordered = k, true
	p.c = Counter{First: ts, Last: ts, Trend: p.c.Trend[:0]}
	w.byKey[k] = p
	w.pending = append(w.pending, p)
	return p
}

// Flush merges one operand per counter into b and empties w.
func (w *Write) Flush(b storage.RecordBatch) error {
	s := w.s
	for _, p := range w.pending {
		if !p.ordered {
			t := p.c.Trend
			slices.SortFunc(t, func(x, y Bucket) int { return int(x.Minute) - int(y.Minute) })
			out := t[:1]
			for _, bk := range t[1:] {
				if last := &out[len(out)-1]; last.Minute == bk.Minute {
					last.Count += bk.Count
				} else {
					out = append(out, bk)
				}
			}
			p.c.Trend = out
		}
		s.key = AppendKey(s.key[:0], p.key.instance, p.key.epoch, p.key.fp, p.key.service)
		s.val = AppendCounter(s.val[:0], &p.c)
		if err := b.Merge(s.key, s.val); err != nil {
			return err
		}
	}
	w.reset()
	return nil
}

func (w *Write) reset() {
	for _, p := range w.pending {
		p.key, p.c.Sample, p.sample = pendingKey{}, nil, Sample{}
		w.free = append(w.free, p)
	}
	w.pending = w.pending[:0]
	clear(w.byKey)
}

// Close returns w to a pool; w must not be used afterwards.
func (w *Write) Close() {
	w.reset()
	w.r.scratch.Put(w.s)
	w.r, w.s = nil, nil
	writePool.Put(w)
}
