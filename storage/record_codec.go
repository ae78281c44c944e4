package storage

import (
	"encoding/binary"
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// RecordFormatV1 is the first byte of every stored record value. The layout
// is durable; a new layout gets a new version byte and the decoder keeps
// reading the old ones.
//
//	| 0x01 | zigzag varint ObservedTime − Time | uvarint SeverityNumber |
//	| SeverityText: uvarint 0 = the OTLP short name of SeverityNumber, else uvarint len+1, text |
//	| Body (value) | attributes (map) |
//	| uvarint DroppedAttributesCount | uvarint Flags | presence byte (1 trace, 2 span) |
//	| [16B TraceID] | [8B SpanID] | uvarint len, ScopeName | uvarint len, ScopeVersion |
//	| scope attributes (map) | uvarint len, EventName |
//
// The time itself lives in the key; the resource in the resource map.
const RecordFormatV1 byte = 1

// AppendRecord appends the stored encoding of rec at ts, for callers that
// hold pdata (the benchmark writes the same bytes straight into Pebble); it
// goes through the request encoding, as a write would. It fails only for
// values nested deeper than MaxValueDepth.
func AppendRecord(dst []byte, rec plog.LogRecord, scope pcommon.InstrumentationScope, ts int64) ([]byte, error) {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	scope.CopyTo(sl.Scope())
	rec.CopyTo(sl.LogRecords().AppendEmpty())
	req, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		return dst, err
	}
	var sv scopeView
	var rv recordView
	for rl := range fieldsOf(req, fReqResourceLogs) {
		for slb := range fieldsOf(rl, fRLScopeLogs) {
			sv.read(slb)
			for rb := range fieldsOf(slb, fSLLogRecords) {
				rv.read(rb)
				return appendRecord(dst, &rv, &sv, ts)
			}
		}
	}
	return dst, fmt.Errorf("storage: no record to encode")
}

// EachRecord encodes every record of a protobuf ExportLogsServiceRequest as
// a write would store it at the record's own timestamp, and calls fn with
// its resource (zone from the attributes only) and encoding; val is reused
// after fn returns. It is for tools that build stored rows outside a write
// (the benchmark's ceiling); a resource or record that cannot be encoded is
// skipped, as a write would reject it.
func EachRecord(req []byte, fn func(r *Resource, ts int64, val []byte) bool) {
	var (
		kvs, sorted []attrKV
		sv          scopeView
		rv          recordView
		val         []byte
	)
	for rl := range fieldsOf(req, fReqResourceLogs) {
		kvs = kvs[:0]
		for res := range fieldsOf(rl, fRLResource) {
			kvs = appendResourceAttrs(kvs, res)
		}
		r, err := newResource(kvs, "", &sorted)
		if err != nil {
			continue
		}
		for slb := range fieldsOf(rl, fRLScopeLogs) {
			sv.read(slb)
			for rb := range fieldsOf(slb, fSLLogRecords) {
				rv.read(rb)
				ts := int64(rv.time)
				if val, err = appendRecord(val[:0], &rv, &sv, ts); err != nil {
					continue
				}
				if !fn(r, ts, val) {
					return
				}
			}
		}
	}
}

// appendRecord encodes a record read from a request, stored at ts; sv is
// its scope, with the scope's part of the encoding done once per ScopeLogs.
func appendRecord(dst []byte, rv *recordView, sv *scopeView, ts int64) ([]byte, error) {
	dst = append(dst, RecordFormatV1)
	obs := int64(rv.observed)
	if obs == 0 {
		obs = ts
	}
	dst = binary.AppendVarint(dst, obs-ts)
	dst = binary.AppendUvarint(dst, uint64(rv.severity))
	dst = appendSeverityText(dst, rv.severityText, rv.severity)
	var err error
	if dst, err = appendAny(dst, &rv.body, 1); err != nil {
		return dst, err
	}
	if dst, err = appendAttrs(dst, rv.attrs, 1); err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(rv.dropped))
	dst = binary.AppendUvarint(dst, uint64(rv.flags))
	var presence byte
	if !allZero(rv.traceID) {
		presence |= 1
	}
	if !allZero(rv.spanID) {
		presence |= 2
	}
	dst = append(dst, presence)
	if presence&1 != 0 {
		dst = append(dst, rv.traceID...)
	}
	if presence&2 != 0 {
		dst = append(dst, rv.spanID...)
	}
	if sv.err != nil {
		return dst, sv.err
	}
	dst = append(dst, sv.enc...)
	return appendUvarintString(dst, rv.eventName), nil
}

// allZero reports whether b is empty or all zero bytes (pdata's empty id).
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// scopeView is an InstrumentationScope read from a ScopeLogs message, with
// its part of the record encoding (name, version, attributes).
type scopeView struct {
	attrs []attrKV
	enc   []byte
	err   error
}

// read reads the scope of a ScopeLogs message; repeated scope fields merge.
func (sv *scopeView) read(scopeLogs []byte) {
	var name, version string
	sv.attrs = sv.attrs[:0]
	for sb := range fieldsOf(scopeLogs, fSLScope) {
		r := wireReader{b: sb}
		for r.next() {
			f := &r.f
			switch f.num {
			case fScopeName:
				name = bstr(f.b)
			case fScopeVersion:
				version = bstr(f.b)
			case fScopeAttributes:
				sv.attrs = append(sv.attrs, readKeyValue(f.b))
			}
		}
	}
	sv.enc = appendUvarintString(sv.enc[:0], name)
	sv.enc = appendUvarintString(sv.enc, version)
	sv.enc, sv.err = appendAttrs(sv.enc, sv.attrs, 1)
}

// recordView is a LogRecord read from a request: fields that repeat keep
// the last value, as protobuf does; the body merges; attributes append.
type recordView struct {
	time, observed uint64
	severity       int32
	severityText   string
	body           anyValue
	attrs          []attrKV
	dropped, flags uint32
	traceID        []byte
	spanID         []byte
	eventName      string
}

func (rv *recordView) read(b []byte) {
	attrs := rv.attrs[:0]
	*rv = recordView{}
	r := wireReader{b: b}
	for r.next() {
		f := &r.f
		switch f.num {
		case fLRTime:
			rv.time = f.v
		case fLRObserved:
			rv.observed = f.v
		case fLRSeverity:
			rv.severity = int32(f.v)
		case fLRSeverityText:
			rv.severityText = bstr(f.b)
		case fLRBody:
			rv.body.merge(f.b)
		case fLRAttributes:
			attrs = append(attrs, readKeyValue(f.b))
		case fLRDropped:
			rv.dropped = uint32(f.v)
		case fLRFlags:
			rv.flags = uint32(f.v)
		case fLRTraceID:
			rv.traceID = f.b
		case fLRSpanID:
			rv.spanID = f.b
		case fLREventName:
			rv.eventName = bstr(f.b)
		}
	}
	rv.attrs = attrs
}

// Entry is one stored log record, decoded.
type Entry struct {
	Key            LogKey
	RawKey         []byte
	ObservedTime   int64
	SeverityNumber int32
	SeverityText   string
	Body           any
	Attributes     map[string]any
	TraceID        [16]byte
	HasTraceID     bool
	SpanID         [8]byte
	HasSpanID      bool
	Flags          uint32
	DroppedAttrs   uint32
	ScopeName      string
	ScopeVersion   string
	ScopeAttrs     map[string]any
	EventName      string
	Resource       *StoredResource
}

func decodeRecord(b []byte, ts int64, e *Entry) error {
	d := decoder{b: b}
	if v := d.byte1("format"); v != RecordFormatV1 {
		if d.err != nil {
			return d.err
		}
		return fmt.Errorf("%w: unknown record format %d", ErrCorrupt, v)
	}
	e.ObservedTime = ts + d.varint("observed time")
	e.SeverityNumber = int32(d.uvarint("severity"))
	e.SeverityText = d.severityText(e.SeverityNumber)
	e.Body = d.value(1)
	e.Attributes = d.mapValue(1)
	e.DroppedAttrs = uint32(d.uvarint("dropped"))
	e.Flags = uint32(d.uvarint("flags"))
	presence := d.byte1("presence")
	if presence&1 != 0 {
		copy(e.TraceID[:], d.raw(16, "trace id"))
		e.HasTraceID = true
	}
	if presence&2 != 0 {
		copy(e.SpanID[:], d.raw(8, "span id"))
		e.HasSpanID = true
	}
	e.ScopeName = d.str("scope name")
	e.ScopeVersion = d.str("scope version")
	e.ScopeAttrs = d.mapValue(1)
	e.EventName = d.str("event name")
	return d.err
}

// recordHead decodes only what filters need: severity and the body as text.
func recordHead(b []byte) (severity int32, body string, err error) {
	d := decoder{b: b}
	if v := d.byte1("format"); v != RecordFormatV1 {
		return 0, "", fmt.Errorf("%w: unknown record format %d", ErrCorrupt, v)
	}
	d.varint("observed time")
	severity = int32(d.uvarint("severity"))
	d.severityText(severity)
	if len(d.b) > 0 && d.b[0] == valString {
		d.b = d.b[1:]
		body = d.str("body")
	} else {
		body = ValueString(d.value(1))
	}
	return severity, body, d.err
}

// severityShortNames are the OTLP data model's short names of severity
// numbers 1–24; a record whose text is its number's short name stores none.
var severityShortNames = [25]string{"",
	"TRACE", "TRACE2", "TRACE3", "TRACE4", "DEBUG", "DEBUG2", "DEBUG3", "DEBUG4",
	"INFO", "INFO2", "INFO3", "INFO4", "WARN", "WARN2", "WARN3", "WARN4",
	"ERROR", "ERROR2", "ERROR3", "ERROR4", "FATAL", "FATAL2", "FATAL3", "FATAL4"}

func shortName(sev int32) string {
	if sev < 1 || sev > 24 {
		return ""
	}
	return severityShortNames[sev]
}

func appendSeverityText(dst []byte, text string, sev int32) []byte {
	if text != "" && text == shortName(sev) {
		return append(dst, 0)
	}
	text = sanitizeUTF8(text)
	dst = binary.AppendUvarint(dst, uint64(len(text))+1)
	return append(dst, text...)
}

func (d *decoder) severityText(sev int32) string {
	n := d.uvarint("severity text")
	if n == 0 {
		return shortName(sev)
	}
	return string(d.raw(n-1, "severity text"))
}
