package rollup

import (
	"bytes"
	"context"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

// records answers a selector the counters cannot narrow (a matcher on a
// resource attribute other than service.name, a line or severity filter):
// it reads the stored records of the matching resources and fingerprints
// each error as the hook did at ingest (fromEntry gives the Record recordOf
// gave). It reads the minutes the range overlaps, as the counters count
// them, so that a selector that matches every resource gives what the
// counters give. Records that cannot be errors are skipped before they are
// decoded; still, its cost is that of reading the matching records, where
// the counters cost one key per fingerprint, service and epoch.
func (q *query) records(ctx context.Context, b *Backend) ([]*group, error) {
	s := b.fps.Get().(*scratch)
	defer b.fps.Put(s)
	const minute = int64(time.Minute)
	byFP := make(map[fingerprint.Fingerprint]*group)
	var order []*group
	var arena groupArena
	var enc []byte
	sq := storage.Query{
		Instance:  q.r.Instance,
		Selector:  q.r.Selector,
		Start:     floorDiv(q.r.Start, minute) * minute,
		End:       floorDiv(q.r.End, minute)*minute + minute - 1,
		Prefilter: b.MayBeError,
		// s.rec holds the Record of the entry Scan hands to the callback
		// next.
		Filter: func(e *storage.Entry) bool { return fromEntry(&s.rec, e) },
	}
	_, err := q.store.Scan(ctx, sq, 0, func(se *storage.ScanEntry) {
		e := se.Entry
		fp := s.f.Fingerprint(&s.rec)
		g := byFP[fp]
		if g == nil {
			g = arena.newGroup(fp)
			byFP[fp] = g
			order = append(order, g)
		}
		ts := e.Key.Timestamp
		service := ""
		if e.Resource != nil {
			service = cutUTF8(e.Resource.Get(attrServiceName), MaxServiceLen)
		}
		id := q.serviceID([]byte(service))
		g.count++
		g.first, g.last = min(g.first, ts), max(g.last, ts)
		g.addService(id, 1)
		bucket := int32((ts - q.origin) / q.step)
		if k := len(g.points) - 1; k >= 0 && g.points[k].bucket == bucket {
			g.points[k].n++
		} else {
			g.points = append(g.points, bucketCount{bucket, 1})
		}
		var tid pcommon.TraceID
		if e.HasTraceID {
			tid = e.TraceID
		}
		enc = appendSample(enc[:0], sampleOf(s, ts, tid))
		if q.betterSample(g, enc, id) {
			g.sample = arena.copyInto(g.sample, enc)
			g.sampleService = id
		}
	})
	if err != nil {
		return nil, err
	}
	// The counters give first and last within the range (inRange).
	for _, g := range order {
		g.first, g.last = max(g.first, q.r.Start), min(g.last, q.r.End)
	}
	return order, nil
}

// betterSample reports whether the encoded sample of an error of service id
// should replace the group's, as the counters choose: one inside the range
// before one outside it (the minutes at its edges), then the earlier, then
// the smaller service name, then the smaller encoding (the counters' merge).
func (q *query) betterSample(g *group, sample []byte, id int32) bool {
	if g.sample == nil {
		return true
	}
	st, gt := sampleTime(sample), sampleTime(g.sample)
	in := func(t int64) bool { return t >= q.r.Start && t <= q.r.End }
	switch {
	case in(st) != in(gt):
		return in(st)
	case st != gt:
		return st < gt
	case id != g.sampleService:
		return q.serviceNames[id] < q.serviceNames[g.sampleService]
	}
	return bytes.Compare(sample, g.sample) < 0
}
