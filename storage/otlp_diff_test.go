package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/talus-logs/talus/internal/loadgen"
	"github.com/talus-logs/talus/kv"
)

// The streaming write path (WriteOTLP) against the pdata path it replaced
// (refWrite, pdata_reference_test.go): the same request bytes must give the
// same WriteResult, the same stored keys and values (merges applied), and
// the same view of every accepted record to hooks, or be refused by both.

// memKV is a kv.Store on a map, applying merges at commit: enough for
// writes, and cheap enough to open twice per fuzz input.
type memKV struct {
	mu     sync.Mutex
	m      map[string][]byte
	merger kv.Merger
}

func newMemKV() *memKV {
	return &memKV{m: make(map[string][]byte), merger: kv.MergerByTable(Mergers())}
}

type memOp struct {
	merge      bool
	key, value []byte
}

type memBatch struct {
	s   *memKV
	ops []memOp
}

func (s *memKV) NewBatch() kv.Batch { return &memBatch{s: s} }
func (s *memKV) NewIter(*kv.IterOptions) (kv.Iterator, error) {
	return nil, errors.New("memKV: no iterators")
}
func (s *memKV) Get(key []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[string(key)]
	if !ok {
		return nil, kv.ErrNotFound
	}
	return bytes.Clone(v), nil
}
func (s *memKV) DiskUsage() uint64 { return 0 }
func (s *memKV) Close() error      { return nil }

func (b *memBatch) Set(k, v []byte) error {
	b.ops = append(b.ops, memOp{false, bytes.Clone(k), bytes.Clone(v)})
	return nil
}
func (b *memBatch) Merge(k, v []byte) error {
	b.ops = append(b.ops, memOp{true, bytes.Clone(k), bytes.Clone(v)})
	return nil
}
func (b *memBatch) Delete([]byte) error              { return errors.New("memKV: no deletes") }
func (b *memBatch) DeleteRange([]byte, []byte) error { return errors.New("memKV: no deletes") }
func (b *memBatch) Count() uint32                    { return uint32(len(b.ops)) }
func (b *memBatch) Len() int                         { return 0 }
func (b *memBatch) Close() error                     { return nil }
func (b *memBatch) Commit(bool) error {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, op := range b.ops {
		old, ok := s.m[string(op.key)]
		if op.merge && ok {
			v, err := s.merger(op.key, old, op.value)
			if err != nil {
				return err
			}
			s.m[string(op.key)] = v
			continue
		}
		s.m[string(op.key)] = op.value
	}
	return nil
}

// hookLog records what hooks see of every accepted record, decoding each
// record and resource whole, as a hook that needs them does.
type hookLog struct{ lines *[]string }

func (h hookLog) line(rc *RecordContext) string {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rc.ResourceAttributes().CopyTo(rl.Resource().Attributes())
	rc.LogRecord().CopyTo(rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	b, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		return "marshal: " + err.Error()
	}
	var views strings.Builder
	for i := 0; i < rc.NumAttributes(); i++ {
		k, v := rc.Attribute(i)
		fmt.Fprintf(&views, "%q=%s ", k, valueView(v))
	}
	fmt.Fprintf(&views, "body=%s trace=%x", valueView(rc.Body()), rc.TraceID())
	for _, k := range []string{"service.name", "telemetry.sdk.language", "dup"} {
		v, ok := rc.ResourceAttribute(k)
		fmt.Fprintf(&views, " res[%s]=%v:%s", k, ok, valueView(v))
	}
	return fmt.Sprintf("%s %d %d %016x %q sev=%d %q %s %x", rc.Instance, rc.EpochStart, rc.Timestamp,
		rc.Resource.Hash, rc.Resource.Zone, rc.SeverityNumber, rc.SeverityText, views.String(), b)
}

// valueView renders what a Value's accessors return.
func valueView(v Value) string {
	return fmt.Sprintf("%s(%q,%v,%d,%x,%x)", v.Type(), v.Str(), v.Bool(), v.Int(), math.Float64bits(v.Double()), v.Bytes())
}

func (h hookLog) Record(rc *RecordContext) { *h.lines = append(*h.lines, "write "+h.line(rc)) }
func (h hookLog) Finish(b RecordBatch) error {
	return b.Set([]byte{TableMeta, 'h'}, []byte("finished"))
}
func (h hookLog) Close() {}

// diffSide is one store and what its hooks saw.
type diffSide struct {
	kv    *memKV
	s     *Store
	lines []string
}

func newDiffSide(t testing.TB) *diffSide {
	d := &diffSide{kv: newMemKV()}
	h := hookLog{&d.lines}
	s, err := Open(d.kv, Options{
		NodeZone:  "node-zone",
		Retention: 48 * time.Hour,
		Now:       func() time.Time { return t0.Add(3 * time.Hour) },
		OnRecord: func(b RecordBatch, rc *RecordContext) error {
			d.lines = append(d.lines, "hook "+h.line(rc))
			return nil
		},
		NewWriteHook: func() WriteHook { return h },
	})
	if err != nil {
		t.Fatal(err)
	}
	d.s = s
	return d
}

// diffWrite writes req both ways and fails t on any difference. It reports
// whether pdata accepted the request.
func diffWrite(t testing.TB, req []byte) bool {
	t.Helper()
	stream, ref := newDiffSide(t), newDiffSide(t)
	gotRes, gotErr := stream.s.WriteOTLP("default", req)
	ereq := plogotlp.NewExportRequest()
	if err := ereq.UnmarshalProto(req); err != nil {
		if !errors.Is(gotErr, ErrMalformed) {
			t.Fatalf("pdata refuses the request (%v); WriteOTLP = %+v, %v", err, gotRes, gotErr)
		}
		if len(stream.kv.m) != 1 || len(stream.lines) != 0 { // the epoch duration only
			t.Fatalf("malformed request wrote %d keys, hooks saw %d records", len(stream.kv.m)-1, len(stream.lines))
		}
		return false
	}
	if gotErr != nil {
		t.Fatalf("pdata accepts the request; WriteOTLP = %v", gotErr)
	}
	wantRes, wantErr := ref.s.refWrite("default", ereq.Logs())
	if wantErr != nil {
		t.Fatalf("reference write: %v", wantErr)
	}
	if gotRes != wantRes {
		t.Fatalf("WriteResult = %+v, reference %+v", gotRes, wantRes)
	}
	if !equalKV(t, stream.kv.m, ref.kv.m) {
		t.FailNow()
	}
	if strings.Join(stream.lines, "\n") != strings.Join(ref.lines, "\n") {
		for i := 0; i < max(len(stream.lines), len(ref.lines)); i++ {
			var a, b string
			if i < len(stream.lines) {
				a = stream.lines[i]
			}
			if i < len(ref.lines) {
				b = ref.lines[i]
			}
			if a != b {
				t.Fatalf("hook call %d:\nstreaming %s\nreference %s", i, a, b)
			}
		}
	}
	return true
}

func equalKV(t testing.TB, got, want map[string][]byte) bool {
	t.Helper()
	keys := make(map[string]bool)
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	ok := true
	for _, k := range sorted {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok:
			t.Errorf("streaming lacks key %q (value %x)", k, w)
			ok = false
		case !wok:
			t.Errorf("streaming has extra key %q (value %x)", k, g)
			ok = false
		case !bytes.Equal(g, w):
			t.Errorf("key %q: streaming %x, reference %x", k, g, w)
			ok = false
		}
	}
	return ok
}

// Protobuf builders for requests pdata would not write.
func pbBytes(num protowire.Number, fields ...[]byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, bytes.Join(fields, nil))
}
func pbStr(num protowire.Number, s string) []byte { return pbBytes(num, []byte(s)) }
func pbVarint(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}
func pbFixed64(num protowire.Number, v uint64) []byte {
	return protowire.AppendFixed64(protowire.AppendTag(nil, num, protowire.Fixed64Type), v)
}
func pbFixed32(num protowire.Number, v uint32) []byte {
	return protowire.AppendFixed32(protowire.AppendTag(nil, num, protowire.Fixed32Type), v)
}
func pbKV(key string, value ...[]byte) []byte {
	return bytes.Join([][]byte{pbStr(fKVKey, key), pbBytes(fKVValue, value...)}, nil)
}
func pbStrValue(s string) []byte { return pbStr(fAVString, s) }

// unknownFields holds one unknown field of each wire type, a group among
// them, to be skipped. (pdata refuses a group that ends its message, hence
// the field after it.)
var unknownFields = bytes.Join([][]byte{
	pbVarint(99, 7), pbFixed64(98, 1), pbFixed32(97, 2), pbStr(96, "x"),
	protowire.AppendTag(nil, 95, protowire.StartGroupType), protowire.AppendTag(nil, 95, protowire.EndGroupType),
	pbVarint(94, 1),
}, nil)

func pdataRequest(t testing.TB, ld plog.Logs) []byte {
	b, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffCorpus is the differential test's requests, also the fuzz seeds.
func diffCorpus(t testing.TB) [][]byte {
	var out [][]byte
	gen := loadgen.New(loadgen.Config{Seed: 3, Resources: 50, Start: t0, Span: time.Hour, Total: 3000, ErrorRate: 0.2})
	for i := 0; i < 3; i++ {
		out = append(out, pdataRequest(t, gen.Batch(1000)))
	}

	// Edge cases pdata can build.
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	ra := rl.Resource().Attributes()
	ra.PutStr("service.name", "svc\xff")
	ra.PutStr("cloud.availability_zone", "bad\tzone")
	ra.PutStr("cloud.region", "eu-west-1")
	ra.PutInt("pid", -5)
	ra.PutDouble("nan", math.NaN())
	ra.PutDouble("negzero", math.Copysign(0, -1))
	ra.PutEmptyBytes("raw").FromRaw([]byte{0, 1, 0xff})
	ra.PutEmpty("nothing")
	ra.PutBool("ok", true)
	ra.PutEmptyMap("nested").PutStr("a", "b")
	ra.PutEmptySlice("list").AppendEmpty().SetInt(1)
	ra.PutStr(strings.Repeat("k", 200), strings.Repeat("v", 300))
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("scope\xfe")
	sl.Scope().SetVersion("1")
	sl.Scope().Attributes().PutStr("s", "t")
	recs := sl.LogRecords()
	r := recs.AppendEmpty() // no times
	r.Body().SetStr("")
	r = recs.AppendEmpty() // observed only
	r.SetObservedTimestamp(pcommon.Timestamp(t0.UnixNano() + 7))
	r.SetSeverityNumber(17)
	r.SetSeverityText("ERROR")
	r.Attributes().PutStr("exception.type", "E\xc3")
	r = recs.AppendEmpty()
	r.SetTimestamp(pcommon.Timestamp(t0.UnixNano()))
	r.SetSeverityNumber(-3)
	r.SetSeverityText("weird\x80")
	m := r.Body().SetEmptyMap()
	m.PutStr("message", "hello")
	m.PutDouble("inf", math.Inf(1))
	r.Attributes().PutStr("dup", "1")
	r.Attributes().PutStr("dup", "2")
	r.Attributes().PutEmptyBytes("empty")
	r.SetTraceID(pcommon.TraceID{})
	r.SetSpanID(pcommon.SpanID{1})
	r.SetFlags(0xffffffff)
	r.SetDroppedAttributesCount(9)
	r.SetEventName("ev")
	dup := recs.AppendEmpty() // the same record twice: two keys
	r.CopyTo(dup)
	r = recs.AppendEmpty() // too old, too new
	r.SetTimestamp(pcommon.Timestamp(t0.Add(-72 * time.Hour).UnixNano()))
	r = recs.AppendEmpty()
	r.SetTimestamp(pcommon.Timestamp(t0.Add(72 * time.Hour).UnixNano()))
	r = recs.AppendEmpty() // too deep for the store, not for the wire
	r.SetTimestamp(pcommon.Timestamp(t0.UnixNano() + 1))
	deep := r.Attributes().PutEmptyMap("deep")
	for i := 0; i < 31; i++ {
		deep = deep.PutEmptyMap("d")
	}
	r = recs.AppendEmpty() // as deep as the store takes
	r.SetTimestamp(pcommon.Timestamp(t0.UnixNano() + 2))
	deep = r.Attributes().PutEmptyMap("deep")
	for i := 0; i < 30; i++ {
		deep = deep.PutEmptyMap("d")
	}
	arr := r.Body().SetEmptySlice()
	for i := 0; i < 3; i++ {
		arr = arr.AppendEmpty().SetEmptySlice()
	}
	rl2 := ld.ResourceLogs().AppendEmpty() // a resource too deep: all its records rejected
	deep = rl2.Resource().Attributes().PutEmptyMap("deep")
	for i := 0; i < 32; i++ {
		deep = deep.PutEmptyMap("d")
	}
	rl2.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("lost")
	rl3 := ld.ResourceLogs().AppendEmpty() // no attributes: the node's zone
	rl3.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().SetTimestamp(pcommon.Timestamp(t0.UnixNano() + 3))
	out = append(out, pdataRequest(t, ld))

	// Edge cases only the wire has.
	ts := pbFixed64(fLRTime, uint64(t0.UnixNano()+11))
	rec := bytes.Join([][]byte{
		ts, unknownFields,
		pbBytes(fLRBody, pbStrValue("first")), pbBytes(fLRBody, pbVarint(fAVInt, 5)), pbBytes(fLRBody, unknownFields),
		pbBytes(fLRAttributes, pbKV("a", pbStrValue("x")), pbStr(fKVKey, "b"), pbBytes(fKVValue, pbVarint(fAVBool, 2))),
		pbBytes(fLRAttributes, pbKV("exception.message", pbStrValue("m"), pbVarint(fAVStrIdx, 3)), pbVarint(fKVKeyStrIdx, 1)),
		pbBytes(fLRAttributes, pbKV("", pbBytes(fAVKvlist, pbBytes(fListValues, pbKV("x", pbBytes(fAVArray)))))),
		pbBytes(fLRTraceID, bytes.Repeat([]byte{1}, 16)), pbBytes(fLRTraceID),
		pbBytes(fLRSpanID, bytes.Repeat([]byte{2}, 8)),
		pbVarint(fLRSeverity, 1<<40|21), pbStr(fLRSeverityText, "FATAL"),
		pbFixed32(fLRFlags, 1), pbFixed64(fLRObserved, 0),
	}, nil)
	resource := pbBytes(fRLResource, pbBytes(fResAttributes, pbKV("service.name", pbStrValue("a"))), unknownFields)
	resource2 := pbBytes(fRLResource, pbBytes(fResAttributes, pbKV("service.name", pbStrValue("b"))),
		pbBytes(fResAttributes, pbKV("cloud.availability_zone", pbStrValue("az-1"))), pbVarint(fResDropped, 3))
	scope := pbBytes(fSLScope, pbStr(fScopeName, "n1"), pbBytes(fScopeAttributes, pbKV("s", pbStrValue("1"))))
	scope2 := pbBytes(fSLScope, pbStr(fScopeName, "n2"), pbStr(fScopeVersion, "v"))
	out = append(out,
		// Repeated singular messages merge; unknown fields are skipped.
		pbBytes(fReqResourceLogs, resource, pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, rec), scope, pbBytes(fSLLogRecords, rec), scope2), resource2),
		// The deprecated scope logs stand in when there are no others, and only then.
		pbBytes(fReqResourceLogs, resource, pbBytes(fRLDeprecatedScopeLogs, pbBytes(fSLLogRecords, rec))),
		pbBytes(fReqResourceLogs, resource, pbBytes(fRLDeprecatedScopeLogs, pbBytes(fSLLogRecords, rec)), pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, ts))),
		// Empty messages.
		nil, pbBytes(fReqResourceLogs), pbBytes(fReqResourceLogs, pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords))),
		// Malformed: truncated, wrong wire types, bad ids, too deep.
		pbBytes(fReqResourceLogs, resource)[:10],
		pbVarint(fReqResourceLogs, 1),
		pbBytes(fReqResourceLogs, pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, pbVarint(fLRTime, 1)))),
		pbBytes(fReqResourceLogs, pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, pbBytes(fLRTraceID, []byte{1, 2, 3})))),
		pbBytes(fReqResourceLogs, pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, pbBytes(fLRBody, nestedArrays(60))))),
		pbBytes(fReqResourceLogs, pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, pbBytes(fLRBody, nestedArrays(45))))),
		protowire.AppendTag(nil, 5, protowire.EndGroupType),
	)
	return out
}

// nestedArrays is an AnyValue holding n arrays, one in the other.
func nestedArrays(n int) []byte {
	v := pbStrValue("leaf")
	for i := 0; i < n; i++ {
		v = pbBytes(fAVArray, pbBytes(fListValues, v))
	}
	return v
}

func TestWriteOTLPMatchesPdataPath(t *testing.T) {
	accepted := 0
	for i, req := range diffCorpus(t) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if diffWrite(t, req) {
				accepted++
			} else {
				t.Logf("refused: %x", req)
			}
		})
	}
	if accepted < 10 {
		t.Fatalf("only %d requests accepted; the corpus lost its point", accepted)
	}
}

// FuzzWriteOTLP feeds the same bytes to both paths. Run it with
// go test ./storage -run XXX -fuzz FuzzWriteOTLP.
func FuzzWriteOTLP(f *testing.F) {
	for _, req := range diffCorpus(f) {
		f.Add(req)
	}
	f.Fuzz(func(t *testing.T, req []byte) {
		diffWrite(t, req)
	})
}

// TestResourceWithRepeatedKeysReadsBack writes a resource that repeats an
// attribute key (the canonical form counts both, stores the first) and
// reads it back through the resource map.
func TestResourceWithRepeatedKeysReadsBack(t *testing.T) {
	s := openTestStore(t, t.TempDir(), Options{})
	req := pbBytes(fReqResourceLogs,
		pbBytes(fRLResource,
			pbBytes(fResAttributes, pbKV("service.name", pbStrValue("first"))),
			pbBytes(fResAttributes, pbKV("service.name", pbStrValue("second"))),
			pbBytes(fResAttributes, pbKV("k8s.pod.name", pbStrValue("p")))),
		pbBytes(fRLScopeLogs, pbBytes(fSLLogRecords, pbFixed64(fLRTime, uint64(t0.UnixNano())), pbBytes(fLRBody, pbStrValue("hello")))))
	if res, err := s.WriteOTLP("default", req); err != nil || res.Accepted != 1 {
		t.Fatalf("WriteOTLP = %+v, %v", res, err)
	}
	r, err := s.Latest(context.Background(), Query{Instance: "default", Limit: 10, Start: t0.Add(-time.Hour).UnixNano(), End: t0.Add(time.Hour).UnixNano()})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Entries) != 1 || r.Entries[0].Resource == nil || r.Entries[0].Resource.Get("service.name") != "first" {
		t.Fatalf("entries = %+v", r.Entries)
	}
}
