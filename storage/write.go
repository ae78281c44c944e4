package storage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zeebo/xxh3"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/kv"
)

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

// Write stores the records of logs under instance, as WriteOTLP does: it
// marshals logs to OTLP protobuf and writes that, so that pdata callers and
// the receiver share one write path. Values may nest deeper than the OTLP
// unmarshaler would take; their records are rejected (MaxValueDepth), not
// the request.
func (s *Store) Write(instance string, logs plog.Logs) (WriteResult, error) {
	req, err := (&plog.ProtoMarshaler{}).MarshalLogs(logs)
	if err != nil {
		return WriteResult{}, fmt.Errorf("storage: encode logs: %w", err)
	}
	return s.writeOTLP(instance, req, math.MaxInt)
}

// WriteOTLP stores the records of req, an OTLP ExportLogsServiceRequest in
// protobuf, under instance and returns after the batch is durable. It reads
// the request's bytes directly (otlp_wire.go), without a pdata tree. A
// request pdata would not decode is refused with an error marked
// ErrMalformed, and nothing is written. Records that cannot be stored
// (timestamp out of range, values nested too deeply) are counted in
// WriteResult and skipped; the rest are written atomically. Writing the same
// request again rewrites the same keys. req must not change during the call;
// nothing keeps it afterwards.
func (s *Store) WriteOTLP(instance string, req []byte) (WriteResult, error) {
	return s.writeOTLP(instance, req, wireRecursionLimit)
}

func (s *Store) writeOTLP(instance string, req []byte, depthLimit int) (WriteResult, error) {
	if err := validateRequestDepth(req, depthLimit); err != nil {
		return WriteResult{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if instance == "" || ValidateName("instance", instance) != nil {
		return WriteResult{}, fmt.Errorf("%w: %q (1–64 printable bytes)", ErrInvalidInstance, instance)
	}
	w := s.newWrite(instance)
	defer w.close()
	// The same export sent again (its acknowledgement lost) is the same
	// bytes: a store that can skips the repeated batch (kv.IdempotentBatch),
	// which would count its errors again and store again its records that
	// took their time from the server's clock.
	if ib, ok := w.b.(kv.IdempotentBatch); ok {
		ib.SetIdempotencyKey(xxh3.Hash128Seed(req, xxh3.HashString(instance)).Bytes())
	}
	for rl := range fieldsOf(req, fReqResourceLogs) {
		if err := w.resourceLogs(rl); err != nil {
			return WriteResult{}, err
		}
	}
	return w.commit()
}

// logEntry is a write of the batch (a log entry or, with merge, an index
// operand): its key is entryBuf[key:val], its value entryBuf[val:end].
type logEntry struct {
	key, val, end int
	merge         bool
}

// sortKey orders entry i of a write without reading its key (sortEntries):
// small, so that the sort moves 24 bytes per swap.
type sortKey struct {
	abbrev    [2]uint64
	i, prefix int32
}

// sortEntries returns the order of es by key, in order (reused). The keys
// of one table share a long prefix (instance, zone, epoch), and comparing
// it again and again took more time than the rest of the sort: each key is
// abbreviated to its table byte and the 15 bytes after its table's common
// prefix, and only equal abbreviations compare the keys.
func sortEntries(buf []byte, es []logEntry, order []sortKey, scratch *[]sortKey) []sortKey {
	var first [256]int32 // 1 + index of a key of the table
	var common [256]int
	for i, e := range es {
		k := buf[e.key:e.val]
		t := k[0]
		if first[t] == 0 {
			first[t], common[t] = int32(i+1), len(k)
			continue
		}
		f := es[first[t]-1]
		common[t] = commonPrefixLen(buf[f.key:f.key+common[t]], k)
	}
	order = order[:0]
	for i, e := range es {
		k := buf[e.key:e.val]
		p := common[k[0]]
		var a [16]byte
		copy(a[1:], k[p:])
		a[0] = k[0]
		order = append(order, sortKey{
			abbrev: [2]uint64{binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(a[8:])},
			i:      int32(i), prefix: int32(p),
		})
	}
	compare := func(x, y sortKey) int {
		if c := cmp.Compare(x.abbrev[0], y.abbrev[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(x.abbrev[1], y.abbrev[1]); c != 0 {
			return c
		}
		// Same table, so same prefix length.
		ex, ey := &es[x.i], &es[y.i]
		return bytes.Compare(buf[ex.key+int(x.prefix):ex.val], buf[ey.key+int(y.prefix):ey.val])
	}
	if len(order) < 64 || !concatRuns(order, scratch, compare) {
		slices.SortFunc(order, compare)
	}
	return order
}

// concatRuns sorts order run by run and reports whether it could. A run is
// a stretch of entries with the same first abbreviation: the records of a
// resource come together in a request, so a run is usually one resource's
// entries and the runs do not overlap, and sorting each run and then the
// runs costs less than sorting everything. When runs overlap (a resource
// in two places of a request), or there are many, it returns false,
// leaving order a permutation of what it was.
func concatRuns(order []sortKey, scratch *[]sortKey, compare func(x, y sortKey) int) bool {
	type run struct{ start, end int }
	var runs [256]run
	n := 0
	for i := 0; i < len(order); {
		if n == len(runs) {
			return false
		}
		j := i + 1
		for j < len(order) && order[j].abbrev[0] == order[i].abbrev[0] {
			j++
		}
		runs[n] = run{i, j}
		n++
		i = j
	}
	rs := runs[:n]
	for _, r := range rs {
		slices.SortFunc(order[r.start:r.end], compare)
	}
	slices.SortFunc(rs, func(a, b run) int { return compare(order[a.start], order[b.start]) })
	for i := 1; i < len(rs); i++ {
		if compare(order[rs[i-1].end-1], order[rs[i].start]) >= 0 {
			return false
		}
	}
	out := (*scratch)[:0]
	for _, r := range rs {
		out = append(out, order[r.start:r.end]...)
	}
	copy(order, out)
	*scratch = out
	return true
}

func commonPrefixLen(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// write is the state of one WriteOTLP. Its buffers and maps are reused
// (writePool).
type write struct {
	s                     *Store
	instance              string
	now, minTime, maxTime int64
	res                   WriteResult
	b                     kv.Batch
	key, val              []byte
	touched               map[[2]uint64]*resourceEpoch
	epochs                map[int64]*epochSummary
	seen                  map[[3]uint64]uint32
	lastTE                *resourceEpoch
	activity              []*resourceEpoch
	order, orderScratch   []sortKey
	lastES                *epochSummary
	wh                    WriteHook
	hooks                 bool
	rc                    RecordContext

	resChunks [][]byte
	// entries are the write's log entries, keys and values in entryBuf.
	entries  []logEntry
	entryBuf []byte

	attrs, sorted []attrKV
	scope         scopeView
	rec           recordView
}

var writePool = sync.Pool{New: func() any {
	return &write{
		touched: make(map[[2]uint64]*resourceEpoch),
		epochs:  make(map[int64]*epochSummary),
		seen:    make(map[[3]uint64]uint32),
	}
}}

func (s *Store) newWrite(instance string) *write {
	w := writePool.Get().(*write)
	w.s, w.instance = s, instance
	w.now = s.opts.Now().UnixNano()
	w.minTime = 0
	if s.opts.Retention > 0 {
		w.minTime = s.EpochStart(w.now - int64(s.opts.Retention))
	}
	w.maxTime = w.now + int64(s.opts.MaxFuture)
	w.b = s.kv.NewBatch()
	w.rc.Instance = instance
	if s.opts.NewWriteHook != nil {
		w.wh = s.opts.NewWriteHook()
	}
	w.hooks = w.wh != nil || s.opts.OnRecord != nil
	return w
}

func (w *write) close() {
	if w.wh != nil {
		w.wh.Close()
	}
	w.b.Close()
	clear(w.touched)
	clear(w.epochs)
	clear(w.seen)
	clear(w.resChunks)
	clear(w.activity)
	clear(w.attrs)
	clear(w.sorted)
	clear(w.scope.attrs)
	clear(w.rec.attrs)
	*w = write{
		touched: w.touched, epochs: w.epochs, seen: w.seen, key: w.key[:0], val: w.val[:0], activity: w.activity[:0], order: w.order[:0], orderScratch: w.orderScratch[:0],
		resChunks: w.resChunks[:0], entries: w.entries[:0], entryBuf: w.entryBuf[:0], attrs: w.attrs[:0], sorted: w.sorted[:0],
		scope: scopeView{attrs: w.scope.attrs[:0], enc: w.scope.enc[:0]}, rec: recordView{attrs: w.rec.attrs[:0]},
		rc: RecordContext{scratch: w.rc.scratch[:0]},
	}
	if cap(w.entryBuf) > 16<<20 {
		w.entryBuf, w.entries = nil, nil // a huge request's buffers are not kept
	}
	writePool.Put(w)
}

func (w *write) reject(n int, why string) {
	if w.res.Rejected == 0 {
		w.res.RejectReason = why
	}
	w.res.Rejected += n
}

// resourceLogs writes the records of one ResourceLogs message.
func (w *write) resourceLogs(rl []byte) error {
	w.resChunks = w.resChunks[:0]
	hasScopeLogs := false
	rd := wireReader{b: rl}
	for rd.next() {
		f := &rd.f
		switch f.num {
		case fRLResource:
			w.resChunks = append(w.resChunks, f.b)
		case fRLScopeLogs:
			hasScopeLogs = true
		}
	}
	scopeLogs := fRLScopeLogs
	if !hasScopeLogs {
		scopeLogs = fRLDeprecatedScopeLogs // as pdata migrates it
	}
	w.attrs = w.attrs[:0]
	for _, c := range w.resChunks {
		w.attrs = appendResourceAttrs(w.attrs, c)
	}
	r, err := newResource(w.attrs, w.s.opts.NodeZone, &w.sorted)
	if err != nil {
		n := 0
		for sl := range fieldsOf(rl, scopeLogs) {
			n += countFields(sl, fSLLogRecords)
		}
		w.reject(n, fmt.Sprintf("resource attributes: %v", err))
		return nil
	}
	w.rc.Resource, w.rc.resource, w.rc.resourceAttrs, w.rc.resAttrsOK = r, w.resChunks, w.attrs, false
	for sl := range fieldsOf(rl, scopeLogs) {
		w.scope.read(sl)
		for rec := range fieldsOf(sl, fSLLogRecords) {
			if err := w.record(rec, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// record writes one LogRecord message of resource r.
func (w *write) record(b []byte, r *Resource) error {
	rv := &w.rec
	rv.read(b)
	ts := int64(rv.time)
	if ts == 0 { // the OTLP data model: no event time → the observed time
		ts = int64(rv.observed)
	}
	if ts == 0 {
		ts = w.now
	}
	if w.timeRejected(ts) {
		return nil
	}
	var err error
	w.val, err = appendRecord(w.val[:0], rv, &w.scope, ts)
	if err != nil {
		w.reject(1, fmt.Sprintf("record: %v", err))
		return nil
	}
	var rc *RecordContext
	if w.hooks {
		rc = &w.rc
		rc.SeverityNumber, rc.SeverityText = rv.severity, rv.severityText
		rc.record, rc.view = b, rv
	}
	return w.store(r, ts, rc)
}

// timeRejected checks ts against the retention and MaxFuture and rejects
// the record when it is out of range.
func (w *write) timeRejected(ts int64) bool {
	if ts < w.minTime || ts < 0 {
		w.reject(1, fmt.Sprintf("timestamp %s is older than the retention (%s)", time.Unix(0, ts).UTC().Format(time.RFC3339), w.s.opts.Retention))
		return true
	}
	if ts > w.maxTime {
		w.reject(1, fmt.Sprintf("timestamp %s is more than %s in the future", time.Unix(0, ts).UTC().Format(time.RFC3339), w.s.opts.MaxFuture))
		return true
	}
	return false
}

// store adds the record encoded in w.val, of resource r at ts, to the
// batch, shows it to the hooks through rc (nil without hooks; the caller
// fills its record fields) and notes its resource and epoch for the index.
func (w *write) store(r *Resource, ts int64, rc *RecordContext) error {
	val := w.val
	epoch := w.s.EpochStart(ts)
	content := xxh3.Hash(val)
	id := [3]uint64{r.Hash, uint64(ts), content}
	occ := w.seen[id]
	w.seen[id] = occ + 1
	uniq := uint32(content>>32) ^ uint32(content) ^ (occ * 0x9e3779b1)
	// The entry goes to the batch at commit, in key order (logEntries).
	start := len(w.entryBuf)
	w.entryBuf = AppendLogKey(w.entryBuf, w.instance, r.Zone, epoch, r.Hash, ts, uniq)
	w.entryBuf = append(w.entryBuf, val...)
	w.entries = append(w.entries, logEntry{key: start, val: len(w.entryBuf) - len(val), end: len(w.entryBuf)})
	if rc != nil {
		rc.EpochStart, rc.Timestamp = epoch, ts
		if w.s.opts.OnRecord != nil {
			if err := w.s.opts.OnRecord(w.b, rc); err != nil {
				return err
			}
		}
		if w.wh != nil {
			w.wh.Record(rc)
		}
	}
	w.res.Accepted++
	w.res.Bytes += len(val)
	// Records of a resource come together: the previous record's entries
	// usually serve, without the map lookups.
	te := w.lastTE
	if te == nil || te.res != r || te.epoch != epoch {
		te = w.touched[[2]uint64{uint64(epoch), r.Hash}]
		if te == nil {
			te = &resourceEpoch{epoch: epoch, res: r, maxTime: ts}
			w.touched[[2]uint64{uint64(epoch), r.Hash}] = te
		}
		w.lastTE = te
		es := w.epochs[epoch]
		if es == nil {
			es = &epochSummary{minTime: ts, maxTime: ts}
			w.epochs[epoch] = es
		}
		es.add(ts, r.Zone)
		w.lastES = es
	}
	te.maxTime = max(te.maxTime, ts)
	w.lastES.minTime = min(w.lastES.minTime, ts)
	w.lastES.maxTime = max(w.lastES.maxTime, ts)
	return nil
}

// commit adds the index entries of the write and commits the batch.
func (w *write) commit() (WriteResult, error) {
	res, s, instance, b := w.res, w.s, w.instance, w.b
	if res.Accepted == 0 {
		return res, nil
	}
	var newlyIndexed []indexedKey
	s.indexMu.Lock()
	for _, te := range w.touched {
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
	key := w.key
	for k, te := range w.touched {
		if indexSet[k] {
			w.addEntry(AppendResourceKey(w.entryBuf, instance, te.epoch, te.res.Hash), resourceValue(te.res), false)
			if postings == nil {
				postings = make(map[string][]uint64)
			}
			for _, p := range te.res.Postings() {
				key = AppendPostingKey(key[:0], instance, te.epoch, p[0], postingValue(p[1]))
				postings[string(key)] = append(postings[string(key)], te.res.Hash)
			}
		}
		w.activity = append(w.activity, te)
	}
	w.addActivityChunks()
	w.key = key
	for pk, hashes := range postings {
		w.addEntry(append(w.entryBuf, pk...), appendPostingSet(w.val[:0], hashes), true)
	}
	for epoch, es := range w.epochs {
		w.addEntry(append(w.entryBuf, EpochKey(instance, epoch)...), es.encode(), true)
	}
	// Pebble inserts a batch into its memtable in batch order, starting each
	// search from the previous key's place: keys in ascending order cost
	// far less than keys spread over the memtable (a request's resources,
	// each newest first; the index keys of many resources, each at its
	// hash).
	buf := w.entryBuf
	w.order = sortEntries(buf, w.entries, w.order, &w.orderScratch)
	for _, o := range w.order {
		e := &w.entries[o.i]
		var err error
		if e.merge {
			err = b.Merge(buf[e.key:e.val], buf[e.val:e.end])
		} else {
			err = b.Set(buf[e.key:e.val], buf[e.val:e.end])
		}
		if err != nil {
			return WriteResult{}, fmt.Errorf("batch: %w", err)
		}
	}
	if w.wh != nil {
		if err := w.wh.Finish(b); err != nil {
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

// addEntry adds an index write whose key was just appended to entryBuf
// (entryBuf is buf): the value follows it there.
func (w *write) addEntry(buf, val []byte, merge bool) {
	start := len(w.entryBuf)
	w.entryBuf = append(buf, val...)
	w.entries = append(w.entries, logEntry{key: start, val: len(buf), end: len(w.entryBuf), merge: merge})
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
