package storage

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"google.golang.org/protobuf/encoding/protowire"
)

// RecordContext describes one accepted record to a hook. It is a view of the
// request being written: its strings and Values point into the request, and
// it is valid only during the call (the store reuses it for the next
// record). The accessors read what the store has already decoded; LogRecord
// and ResourceAttributes decode pdata, at pdata's cost, for what the views
// do not cover.
type RecordContext struct {
	Instance   string
	EpochStart int64
	Timestamp  int64
	Resource   *Resource
	// SeverityNumber and SeverityText are the record's, as sent.
	SeverityNumber int32
	SeverityText   string

	// view is the record as the store read it; record its LogRecord message
	// and resource the Resource messages of its ResourceLogs (repeats
	// merge), all in the request; resourceAttrs the resource's attributes.
	view          *recordView
	record        []byte
	resource      [][]byte
	resourceAttrs []attrKV
	scratch       []byte
	// resAttrs caches ResourceAttributes when resAttrsOK.
	resAttrs   pcommon.Map
	resAttrsOK bool
}

// NewRecordContext returns the context a write would give a record its
// caller holds as pdata (for benchmarks and tests of hooks). It marshals
// the record, so it costs what a request would.
func NewRecordContext(instance string, epochStart, ts int64, r *Resource, resource pcommon.Map, rec plog.LogRecord) *RecordContext {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	resource.CopyTo(rl.Resource().Attributes())
	rec.CopyTo(rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
	req, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		panic("storage: marshal a record: " + err.Error())
	}
	rc := &RecordContext{Instance: instance, EpochStart: epochStart, Timestamp: ts, Resource: r, view: new(recordView)}
	for rlb := range fieldsOf(req, fReqResourceLogs) {
		for res := range fieldsOf(rlb, fRLResource) {
			rc.resource = append(rc.resource, res)
			rc.resourceAttrs = appendResourceAttrs(rc.resourceAttrs, res)
		}
		for sl := range fieldsOf(rlb, fRLScopeLogs) {
			for b := range fieldsOf(sl, fSLLogRecords) {
				rc.record = b
				rc.view.read(b)
			}
		}
	}
	rc.SeverityNumber, rc.SeverityText = rc.view.severity, rc.view.severityText
	return rc
}

// Value is a view of an attribute or body value in the request: a string
// or bytes value points into it.
type Value struct{ a anyValue }

// Type returns the value's type as pdata names it (a profiles string-table
// index is ValueTypeEmpty, as in pdata).
func (v Value) Type() pcommon.ValueType {
	switch v.a.kind {
	case fAVString:
		return pcommon.ValueTypeStr
	case fAVBool:
		return pcommon.ValueTypeBool
	case fAVInt:
		return pcommon.ValueTypeInt
	case fAVDouble:
		return pcommon.ValueTypeDouble
	case fAVBytes:
		return pcommon.ValueTypeBytes
	case fAVArray:
		return pcommon.ValueTypeSlice
	case fAVKvlist:
		return pcommon.ValueTypeMap
	}
	return pcommon.ValueTypeEmpty
}

// Str returns a string value as sent (not made valid UTF-8); "" for others.
func (v Value) Str() string {
	if v.a.kind != fAVString {
		return ""
	}
	return bstr(v.a.b)
}

// Bool, Int, Double and Bytes return the value of their type, the zero
// value for others.
func (v Value) Bool() bool {
	return v.a.kind == fAVBool && v.a.v != 0
}

func (v Value) Int() int64 {
	if v.a.kind != fAVInt {
		return 0
	}
	return int64(v.a.v)
}

func (v Value) Double() float64 {
	if v.a.kind != fAVDouble {
		return 0
	}
	return math.Float64frombits(v.a.v)
}

func (v Value) Bytes() []byte {
	if v.a.kind != fAVBytes {
		return nil
	}
	return v.a.b
}

// NumAttributes returns the number of the record's attributes, repeats
// included.
func (rc *RecordContext) NumAttributes() int { return len(rc.view.attrs) }

// Attribute returns the record's i-th attribute as sent (the key not made
// valid UTF-8), in the request's order.
func (rc *RecordContext) Attribute(i int) (string, Value) {
	a := &rc.view.attrs[i]
	return a.key, Value{a.val}
}

// Body returns the record's body.
func (rc *RecordContext) Body() Value { return Value{rc.view.body} }

// TraceID returns the record's trace id (zero when it has none).
func (rc *RecordContext) TraceID() pcommon.TraceID {
	var tid pcommon.TraceID
	copy(tid[:], rc.view.traceID)
	return tid
}

// ResourceAttribute returns the first attribute of the record's resource
// named key, as pcommon.Map.Get finds it.
func (rc *RecordContext) ResourceAttribute(key string) (Value, bool) {
	for i := range rc.resourceAttrs {
		if rc.resourceAttrs[i].key == key {
			return Value{rc.resourceAttrs[i].val}, true
		}
	}
	return Value{}, false
}

// LogRecord decodes the record from the request into pdata, exactly as
// pdata decodes it there. The result is the caller's; it allocates about as
// much as the record has fields.
func (rc *RecordContext) LogRecord() plog.LogRecord {
	// LogsData{resource_logs: [{scope_logs: [{log_records: [record]}]}]}
	n2 := protowire.SizeTag(fSLLogRecords) + protowire.SizeBytes(len(rc.record))
	n1 := protowire.SizeTag(fRLScopeLogs) + protowire.SizeBytes(n2)
	b := protowire.AppendTag(rc.scratch[:0], fReqResourceLogs, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n1))
	b = protowire.AppendTag(b, fRLScopeLogs, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n2))
	b = protowire.AppendTag(b, fSLLogRecords, protowire.BytesType)
	b = protowire.AppendBytes(b, rc.record)
	rc.scratch = b
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(b)
	if err != nil { // cannot happen: the request was validated
		return plog.NewLogRecord()
	}
	return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

// ResourceAttributes decodes the attributes of the record's resource into
// pdata, once per resource in a request. The result is the caller's.
func (rc *RecordContext) ResourceAttributes() pcommon.Map {
	if rc.resAttrsOK {
		return rc.resAttrs
	}
	n1 := 0
	for _, r := range rc.resource {
		n1 += protowire.SizeTag(fRLResource) + protowire.SizeBytes(len(r))
	}
	b := protowire.AppendTag(rc.scratch[:0], fReqResourceLogs, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n1))
	for _, r := range rc.resource {
		b = protowire.AppendTag(b, fRLResource, protowire.BytesType)
		b = protowire.AppendBytes(b, r)
	}
	rc.scratch = b
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(b)
	if err != nil { // cannot happen: the request was validated
		return pcommon.NewMap()
	}
	rc.resAttrs, rc.resAttrsOK = ld.ResourceLogs().At(0).Resource().Attributes(), true
	return rc.resAttrs
}
