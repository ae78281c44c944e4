package storage

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeebo/xxh3"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// RecordContext describes one accepted record to a RecordHook. Its fields
// are valid only during the call.
type RecordContext struct {
	Instance      string
	EpochStart    int64
	Timestamp     int64
	Resource      *Resource
	ResourceAttrs pcommon.Map
	Scope         pcommon.InstrumentationScope
	Record        plog.LogRecord
}

// RecordHook adds writes of its own for a record to the batch. An error
// fails the whole write.
type RecordHook func(b RecordBatch, rc *RecordContext) error

// WriteHook aggregates the records of one write: Record is called for every
// accepted record, then Finish once with the write's batch before it
// commits, then Close, also when the write fails. Record must not keep rc
// (it is reused), but what rc points into (the request) stays valid until
// Finish. A WriteHook belongs to one write.
type WriteHook interface {
	Record(rc *RecordContext)
	Finish(b RecordBatch) error
	Close()
}

// RecordBatch is the part of kv.Batch a hook may use.
type RecordBatch interface {
	Set(key, value []byte) error
	Merge(key, value []byte) error
}

// WriteResult reports what a write stored.
type WriteResult struct {
	Accepted int
	Rejected int
	// RejectReason describes the first rejected record, for partial_success.
	RejectReason string
	// Bytes is the size of the encoded records written.
	Bytes int
}

// ErrInvalidInstance marks a bad instance name.
var ErrInvalidInstance = errors.New("storage: invalid instance name")

type resourceEpoch struct {
	epoch   int64
	res     *Resource
	maxTime int64
}

// Write stores the records of logs under instance and returns after the
// batch is durable. Records that cannot be stored (timestamp out of range,
// values nested too deeply) are counted in WriteResult and skipped; the rest
// are written atomically. Writing the same request again rewrites the same
// keys.
func (s *Store) Write(instance string, logs plog.Logs) (WriteResult, error) {
	var res WriteResult
	if instance == "" || ValidateName("instance", instance) != nil {
		return res, fmt.Errorf("%w: %q (1–64 printable bytes)", ErrInvalidInstance, instance)
	}
	now := s.opts.Now().UnixNano()
	minTime := int64(0)
	if s.opts.Retention > 0 {
		minTime = s.EpochStart(now - int64(s.opts.Retention))
	}
	maxTime := now + int64(s.opts.MaxFuture)
	reject := func(n int, why string) {
		if res.Rejected == 0 {
			res.RejectReason = why
		}
		res.Rejected += n
	}

	b := s.kv.NewBatch()
	defer b.Close()
	var (
		key, val []byte
		touched  = make(map[[2]uint64]*resourceEpoch)
		epochs   = make(map[int64]*epochSummary)
		seen     map[[3]uint64]uint32
		rc       RecordContext
		lastTE   *resourceEpoch
		lastES   *epochSummary
	)
	rc.Instance = instance
	var wh WriteHook
	if s.opts.NewWriteHook != nil {
		wh = s.opts.NewWriteHook()
		defer wh.Close()
	}
	rls := logs.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		r, err := NewResource(rl.Resource().Attributes(), s.opts.NodeZone)
		if err != nil {
			reject(countRecords(rl), fmt.Sprintf("resource attributes: %v", err))
			continue
		}
		rc.Resource, rc.ResourceAttrs = r, rl.Resource().Attributes()
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			rc.Scope = sl.Scope()
			recs := sl.LogRecords()
			for k := 0; k < recs.Len(); k++ {
				rec := recs.At(k)
				ts := int64(rec.Timestamp())
				if ts == 0 { // the OTLP data model: no event time → the observed time
					ts = int64(rec.ObservedTimestamp())
				}
				if ts == 0 {
					ts = now
				}
				if ts < minTime || ts < 0 {
					reject(1, fmt.Sprintf("timestamp %s is older than the retention (%s)", time.Unix(0, ts).UTC().Format(time.RFC3339), s.opts.Retention))
					continue
				}
				if ts > maxTime {
					reject(1, fmt.Sprintf("timestamp %s is more than %s in the future", time.Unix(0, ts).UTC().Format(time.RFC3339), s.opts.MaxFuture))
					continue
				}
				val, err = appendRecord(val[:0], rec, sl.Scope(), ts)
				if err != nil {
					reject(1, fmt.Sprintf("record: %v", err))
					continue
				}
				epoch := s.EpochStart(ts)
				content := xxh3.Hash(val)
				if seen == nil {
					seen = make(map[[3]uint64]uint32, recs.Len())
				}
				id := [3]uint64{r.Hash, uint64(ts), content}
				occ := seen[id]
				seen[id] = occ + 1
				uniq := uint32(content>>32) ^ uint32(content) ^ (occ * 0x9e3779b1)
				key = AppendLogKey(key[:0], instance, r.Zone, epoch, r.Hash, ts, uniq)
				if err := b.Set(key, val); err != nil {
					return WriteResult{}, fmt.Errorf("batch: %w", err)
				}
				rc.EpochStart, rc.Timestamp, rc.Record = epoch, ts, rec
				if s.opts.OnRecord != nil {
					if err := s.opts.OnRecord(b, &rc); err != nil {
						return WriteResult{}, err
					}
				}
				if wh != nil {
					wh.Record(&rc)
				}
				res.Accepted++
				res.Bytes += len(val)
				// Records of a resource come together: the previous record's
				// entries usually serve, without the map lookups.
				te := lastTE
				if te == nil || te.res != r || te.epoch != epoch {
					te = touched[[2]uint64{uint64(epoch), r.Hash}]
					if te == nil {
						te = &resourceEpoch{epoch: epoch, res: r, maxTime: ts}
						touched[[2]uint64{uint64(epoch), r.Hash}] = te
					}
					lastTE = te
					es := epochs[epoch]
					if es == nil {
						es = &epochSummary{minTime: ts, maxTime: ts}
						epochs[epoch] = es
					}
					es.add(ts, r.Zone)
					lastES = es
				}
				te.maxTime = max(te.maxTime, ts)
				lastES.minTime = min(lastES.minTime, ts)
				lastES.maxTime = max(lastES.maxTime, ts)
			}
		}
	}
	if res.Accepted == 0 {
		return res, nil
	}

	var newlyIndexed []indexedKey
	s.indexMu.Lock()
	for _, te := range touched {
		ik := indexedKey{instance, te.epoch, te.res.Hash}
		if _, ok := s.indexed[ik]; !ok {
			newlyIndexed = append(newlyIndexed, ik)
		}
	}
	s.indexMu.Unlock()
	indexSet := make(map[[2]uint64]bool, len(newlyIndexed))
	for _, ik := range newlyIndexed {
		indexSet[[2]uint64{uint64(ik.epoch), ik.hash}] = true
	}
	// New resources share most attribute values (service, namespace,
	// region): their postings are grouped into one operand per value.
	var postings map[string][]uint64
	for k, te := range touched {
		if indexSet[k] {
			key = AppendResourceKey(key[:0], instance, te.epoch, te.res.Hash)
			if err := b.Set(key, resourceValue(te.res)); err != nil {
				return WriteResult{}, err
			}
			if postings == nil {
				postings = make(map[string][]uint64)
			}
			for _, p := range te.res.Postings {
				key = AppendPostingKey(key[:0], instance, te.epoch, p[0], postingValue(p[1]))
				postings[string(key)] = append(postings[string(key)], te.res.Hash)
			}
		}
		key = AppendActivityKey(key[:0], instance, te.epoch, te.maxTime, te.res.Hash)
		if err := b.Set(key, []byte(te.res.Zone)); err != nil {
			return WriteResult{}, err
		}
	}
	for pk, hashes := range postings {
		if err := b.Merge([]byte(pk), appendPostingSet(nil, hashes)); err != nil {
			return WriteResult{}, err
		}
	}
	for epoch, es := range epochs {
		if err := b.Merge(EpochKey(instance, epoch), es.encode()); err != nil {
			return WriteResult{}, err
		}
	}
	if wh != nil {
		if err := wh.Finish(b); err != nil {
			return WriteResult{}, err
		}
	}
	if err := b.Commit(true); err != nil {
		return WriteResult{}, fmt.Errorf("commit %d records: %w", res.Accepted, err)
	}
	if len(newlyIndexed) > 0 {
		s.indexMu.Lock()
		if len(s.indexed)+len(newlyIndexed) > maxIndexedCache {
			s.indexed = make(map[indexedKey]struct{})
		}
		for _, ik := range newlyIndexed {
			s.indexed[ik] = struct{}{}
		}
		s.indexMu.Unlock()
	}
	return res, nil
}

// postingValue truncates long attribute values; a truncated value ends in
// 0xff, a byte UTF-8 never uses, so it cannot equal a real value.
func postingValue(v string) string {
	if len(v) <= MaxPostingValue {
		return v
	}
	return v[:MaxPostingValue] + "\xff"
}

func isTruncatedPosting(v string) bool {
	return strings.HasSuffix(v, "\xff") && len(v) == MaxPostingValue+1
}

func countRecords(rl plog.ResourceLogs) int {
	n := 0
	for j := 0; j < rl.ScopeLogs().Len(); j++ {
		n += rl.ScopeLogs().At(j).LogRecords().Len()
	}
	return n
}
