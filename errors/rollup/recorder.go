package rollup

import (
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

// Recorder counts error records at ingest. Its Hook is a storage.RecordHook:
// pass it as storage.Options.OnRecord, so that the counters commit in the
// same batch as the entries they count.
//
// A Recorder is safe for concurrent use: the store calls the hook from
// concurrent writes. Its only state is a cache of the samples already
// written (see Hook); losing it (a restart, or the reset at
// maxSampleCache) only makes operands carry samples again. Use one Recorder
// per store.
type Recorder struct {
	scratch sync.Pool // *scratch; one per hook call, returned before the call ends
	samples sampleCache
}

// NewRecorder returns a Recorder.
func NewRecorder() *Recorder {
	r := &Recorder{}
	r.scratch.New = func() any { return new(scratch) }
	for i := range r.samples.shards {
		r.samples.shards[i].m = make(map[sampleKey]int64)
	}
	return r
}

// scratch is the per-call state of Hook. A scratch taken from the pool is
// used by one call and put back before it returns; nothing keeps a
// reference to its buffers (the batch copies key and value).
type scratch struct {
	f   fingerprint.Fingerprinter
	rec fingerprint.Record
	key []byte
	val []byte
}

// Hook is the storage.RecordHook. For an error record (fingerprint.IsError)
// it computes the v1 fingerprint and merges a one-error operand into the
// counter of (epoch, fingerprint, service.name). Other records cost a look
// at their severity and attributes and no allocation (recordOf).
//
// Operands are per record, not per write: storage.RecordHook has no
// end-of-write call in which a write's errors could be summed (see doc.go).
// They stay small (about 25 bytes) because the sample, the only large part,
// is sent only while it may be the earliest: the Recorder remembers the
// earliest sample time it has written per counter and leaves the sample out
// of later errors.
func (r *Recorder) Hook(b storage.RecordBatch, rc *storage.RecordContext) error {
	s := r.scratch.Get().(*scratch)
	defer r.scratch.Put(s)
	isError, service := recordOf(&s.rec, rc)
	if !isError {
		return nil
	}
	fp := s.f.Fingerprint(&s.rec)
	service = cutUTF8(service, MaxServiceLen)
	var sample *Sample
	if r.samples.claim(sampleKey{rc.Instance, rc.EpochStart, fp.Hash, service}, rc.Timestamp) {
		sample = sampleOf(s, rc.Timestamp, rc.TraceID())
	}
	s.key = AppendKey(s.key[:0], rc.Instance, rc.EpochStart, fp, service)
	s.val = appendOperand(s.val[:0], rc.Timestamp, minuteOf(rc.Timestamp, rc.EpochStart), sample)
	return b.Merge(s.key, s.val)
}

// sampleOf builds the sample of the record in s.rec, stored at ts.
func sampleOf(s *scratch, ts int64, tid pcommon.TraceID) *Sample {
	_, ex := s.f.Explain(&s.rec)
	smp := &Sample{Time: ts, ExceptionType: s.rec.ExceptionType, Template: ex.Template}
	smp.Message = s.rec.ExceptionMessage
	if smp.Message == "" {
		smp.Message = s.rec.Body
	}
	smp.Message = cutUTF8(smp.Message, maxSampleStr)
	smp.Template = cutUTF8(smp.Template, maxSampleStr)
	if !tid.IsEmpty() {
		smp.TraceID, smp.HasTraceID = tid, true
	}
	return smp
}

// maxSampleCache bounds the sample cache (about 100 bytes an entry, so
// about 6 MiB): past it, a shard starts over, which only makes operands carry
// samples again. It needs to hold the counters being written to (the recent
// epochs' fingerprints × services), not every counter ever written.
const maxSampleCache = 1 << 16

const sampleShards = 16

// sampleCache remembers, per counter, the earliest sample time written.
type sampleCache struct {
	shards [sampleShards]struct {
		mu sync.Mutex
		// m maps a counter to its earliest written sample time. It must be
		// accessed under mu.
		m map[sampleKey]int64
	}
}

type sampleKey struct {
	instance string
	epoch    int64
	fp       uint64
	service  string
}

// claim reports whether an error at ts must carry its sample: when no
// sample at or before ts is known to be written. An error at the same time
// as the known sample carries its own too, because the merge breaks the tie
// by the sample's bytes.
//
// The cache is updated before the write commits. If that write then fails,
// the counter may lack a sample until a restart or an earlier error; counts
// are not affected.
func (c *sampleCache) claim(k sampleKey, ts int64) bool {
	sh := &c.shards[(k.fp^uint64(k.epoch))%sampleShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old, ok := sh.m[k]; ok {
		if ts > old {
			return false
		}
		sh.m[k] = ts
		return true
	}
	if len(sh.m) >= maxSampleCache/sampleShards {
		clear(sh.m)
	}
	k.instance, k.service = strings.Clone(k.instance), strings.Clone(k.service)
	sh.m[k] = ts
	return true
}
