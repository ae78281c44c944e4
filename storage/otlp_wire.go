package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file reads OTLP protobuf (ExportLogsServiceRequest) without building a
// message tree. It accepts and rejects exactly what the collector's pdata
// unmarshaler (go.opentelemetry.io/collector/pdata v1.71) does, so that the
// streaming write path (otlp_write.go) answers a malformed request as the
// pdata path did: 400 / INVALID_ARGUMENT, nothing stored.
//
// The points where pdata differs from a strict protobuf parser, kept here:
//   - a varint may take 10 bytes whatever the 10th holds (bits past 64 are
//     dropped); an 11th byte is an overflow;
//   - a field number is the tag shifted right by 3 and truncated to int32;
//     0 or negative is an error;
//   - a known field with the wrong wire type is an error;
//   - an unknown group is skipped up to its first non-group field (see
//     skipUnknown);
//   - singular message fields that repeat merge (repeated fields inside them
//     append, scalars and oneofs: the last wins);
//   - trace and span ids must be empty or exactly 16 / 8 bytes;
//   - AnyValue, KeyValue, ArrayValue and KeyValueList nest at most
//     wireRecursionLimit deep, counted from each body or attribute;
//   - ResourceLogs field 1000 (the deprecated instrumentation_library_logs)
//     stands in for scope_logs when a ResourceLogs has none.
//
// Strings are not checked for UTF-8 (the encoders replace invalid bytes).

// ErrMalformed marks a request that does not decode as OTLP protobuf.
var ErrMalformed = errors.New("storage: malformed OTLP request")

// wireRecursionLimit is pdata's proto.RecursionLimit.
const wireRecursionLimit = 100

var (
	errWireOverflow   = errors.New("proto: integer overflow")
	errWireNegLen     = errors.New("proto: negative length found during unmarshaling")
	errWireDepth      = errors.New("proto: exceeded max recursion depth")
	errWireEndGroup   = errors.New("proto: unexpected end of group")
	errWireTraceIDLen = errors.New("invalid length for ID")
)

// OTLP field numbers (opentelemetry-proto logs/v1, common/v1, resource/v1).
const (
	fReqResourceLogs protowire.Number = 1

	fRLResource            protowire.Number = 1
	fRLScopeLogs           protowire.Number = 2
	fRLSchemaURL           protowire.Number = 3
	fRLDeprecatedScopeLogs protowire.Number = 1000

	fResAttributes protowire.Number = 1
	fResDropped    protowire.Number = 2
	fResEntityRefs protowire.Number = 3

	fSLScope      protowire.Number = 1
	fSLLogRecords protowire.Number = 2
	fSLSchemaURL  protowire.Number = 3

	fScopeName       protowire.Number = 1
	fScopeVersion    protowire.Number = 2
	fScopeAttributes protowire.Number = 3
	fScopeDropped    protowire.Number = 4

	fLRTime         protowire.Number = 1
	fLRSeverity     protowire.Number = 2
	fLRSeverityText protowire.Number = 3
	fLRBody         protowire.Number = 5
	fLRAttributes   protowire.Number = 6
	fLRDropped      protowire.Number = 7
	fLRFlags        protowire.Number = 8
	fLRTraceID      protowire.Number = 9
	fLRSpanID       protowire.Number = 10
	fLRObserved     protowire.Number = 11
	fLREventName    protowire.Number = 12

	fKVKey       protowire.Number = 1
	fKVValue     protowire.Number = 2
	fKVKeyStrIdx protowire.Number = 3

	fAVString    protowire.Number = 1
	fAVBool      protowire.Number = 2
	fAVInt       protowire.Number = 3
	fAVDouble    protowire.Number = 4
	fAVArray     protowire.Number = 5
	fAVKvlist    protowire.Number = 6
	fAVBytes     protowire.Number = 7
	fAVStrIdx    protowire.Number = 8
	fListValues  protowire.Number = 1 // ArrayValue.values, KeyValueList.values
	fEntityFirst protowire.Number = 1 // EntityRef: fields 1–4, all strings
	fEntityLast  protowire.Number = 4
)

// wireField is one field read by next.
type wireField struct {
	num protowire.Number
	typ protowire.Type
	// v holds a varint, I64 or I32 field's value.
	v uint64
	// b holds a length-delimited field's payload.
	b []byte
}

// consumeVarint reads a varint at b[pos:] as pdata does.
func consumeVarint(b []byte, pos int) (uint64, int, error) {
	if pos < len(b) && b[pos] < 0x80 {
		return uint64(b[pos]), pos + 1, nil
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if shift >= 64 {
			return 0, 0, errWireOverflow
		}
		if pos >= len(b) {
			return 0, 0, io.ErrUnexpectedEOF
		}
		c := b[pos]
		pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, pos, nil
		}
	}
}

func consumeTag(b []byte, pos int) (protowire.Number, protowire.Type, int, error) {
	tag, pos, err := consumeVarint(b, pos)
	if err != nil {
		return 0, 0, 0, err
	}
	num := protowire.Number(int32(tag >> 3))
	if num <= 0 {
		return 0, 0, 0, fmt.Errorf("proto: illegal field=%d (tag=%d, pos=%d)", num, tag, pos)
	}
	return num, protowire.Type(tag & 7), pos, nil
}

func consumeLen(b []byte, pos int) ([]byte, int, error) {
	n, pos, err := consumeVarint(b, pos)
	if err != nil {
		return nil, 0, err
	}
	l := int(n)
	if l < 0 {
		return nil, 0, errWireNegLen
	}
	end := pos + l
	if end < 0 || end > len(b) {
		return nil, 0, io.ErrUnexpectedEOF
	}
	return b[pos:end], end, nil
}

func consumeFixed(b []byte, pos, size int) (uint64, int, error) {
	end := pos + size
	if end < 0 || end > len(b) {
		return 0, 0, io.ErrUnexpectedEOF
	}
	if size == 8 {
		return binary.LittleEndian.Uint64(b[pos:]), end, nil
	}
	return uint64(binary.LittleEndian.Uint32(b[pos:])), end, nil
}

// skipUnknown skips an unknown field's value as pdata does. A group is
// skipped tag by tag until its end, except that a varint, fixed or
// length-delimited field inside it ends the skipping (pdata returns there;
// what follows is read as fields of the enclosing message).
func skipUnknown(b []byte, pos int, typ protowire.Type) (int, error) {
	var err error
	depth := 0
	for pos < len(b) {
		switch typ {
		case protowire.VarintType:
			_, pos, err = consumeVarint(b, pos)
			return pos, err
		case protowire.Fixed64Type:
			_, pos, err = consumeFixed(b, pos, 8)
			return pos, err
		case protowire.BytesType:
			_, pos, err = consumeLen(b, pos)
			return pos, err
		case protowire.Fixed32Type:
			_, pos, err = consumeFixed(b, pos, 4)
			return pos, err
		case protowire.StartGroupType:
			depth++
		case protowire.EndGroupType:
			if depth == 0 {
				return 0, errWireEndGroup
			}
			depth--
		default:
			return 0, fmt.Errorf("proto: illegal wireType %d", typ)
		}
		if depth == 0 {
			return pos, nil
		}
		_, typ, pos, err = consumeTag(b, pos)
		if err != nil {
			return 0, err
		}
	}
	return 0, io.ErrUnexpectedEOF
}

// wireReader reads the fields of one message: after next returns true, f
// holds the field, its value (varint, fixed) or payload (length-delimited).
// A group is skipped as pdata skips an unknown one. The reader does not know
// the message: on bytes validateRequest accepted, every known field has its
// wire type. next returns false at the end or at an error, kept in err.
type wireReader struct {
	b   []byte
	pos int
	f   wireField
	err error
}

func (r *wireReader) next() bool {
	b, pos := r.b, r.pos
	if pos >= len(b) || r.err != nil {
		return false
	}
	var tag uint64
	if c := b[pos]; c < 0x80 {
		tag = uint64(c)
		pos++
	} else if tag, pos, r.err = consumeVarint(b, pos); r.err != nil {
		return false
	}
	num := protowire.Number(int32(tag >> 3))
	if num <= 0 {
		r.err = fmt.Errorf("proto: illegal field=%d (tag=%d, pos=%d)", num, tag, pos)
		return false
	}
	r.f.num, r.f.typ = num, protowire.Type(tag&7)
	switch r.f.typ {
	case protowire.BytesType:
		if pos < len(b) && b[pos] < 0x80 {
			end := pos + 1 + int(b[pos])
			if end > len(b) {
				r.err = io.ErrUnexpectedEOF
				return false
			}
			r.f.b, r.pos = b[pos+1:end], end
			return true
		}
		r.f.b, pos, r.err = consumeLen(b, pos)
	case protowire.VarintType:
		if pos < len(b) && b[pos] < 0x80 {
			r.f.v, r.pos = uint64(b[pos]), pos+1
			return true
		}
		r.f.v, pos, r.err = consumeVarint(b, pos)
	case protowire.Fixed64Type:
		r.f.v, pos, r.err = consumeFixed(b, pos, 8)
	case protowire.Fixed32Type:
		r.f.v, pos, r.err = consumeFixed(b, pos, 4)
	default:
		pos, r.err = skipUnknown(b, pos, r.f.typ)
	}
	r.pos = pos
	return r.err == nil
}

// validateRequest checks an ExportLogsServiceRequest as pdata's unmarshaler
// does. After it succeeds, every read of the same bytes with a wireReader
// succeeds.
func validateRequest(b []byte) error { return validateRequestDepth(b, wireRecursionLimit) }

// validateRequestDepth is validateRequest with another nesting limit: pdata
// builds deeper values in memory than its unmarshaler accepts, and Write
// takes those as it always did (rejecting the records, not the request).
func validateRequestDepth(b []byte, limit int) error {
	return validator{limit: limit}.message(msgRequest, b, 0)
}

// msgKind names the OTLP message types a request holds.
type msgKind uint8

const (
	msgNone msgKind = iota
	msgRequest
	msgResourceLogs
	msgResource
	msgEntityRef
	msgScopeLogs
	msgScope
	msgLogRecord
	msgString // a length-delimited scalar: string or bytes
	// Values, which count their nesting (validator.message).
	msgKeyValue
	msgAnyValue
	msgArrayValue
	msgKeyValueList
)

// fieldOf describes field num of a message of kind k: its wire type and,
// for a length-delimited field, what it holds. ok is false for a field the
// message does not have (skipped).
func fieldOf(k msgKind, num protowire.Number) (typ protowire.Type, holds msgKind, ok bool) {
	const bytes, varint, fixed64, fixed32 = protowire.BytesType, protowire.VarintType, protowire.Fixed64Type, protowire.Fixed32Type
	switch k {
	case msgRequest:
		if num == fReqResourceLogs {
			return bytes, msgResourceLogs, true
		}
	case msgResourceLogs:
		switch num {
		case fRLResource:
			return bytes, msgResource, true
		case fRLScopeLogs, fRLDeprecatedScopeLogs:
			return bytes, msgScopeLogs, true
		case fRLSchemaURL:
			return bytes, msgString, true
		}
	case msgResource:
		switch num {
		case fResAttributes:
			return bytes, msgKeyValue, true
		case fResDropped:
			return varint, msgNone, true
		case fResEntityRefs:
			return bytes, msgEntityRef, true
		}
	case msgEntityRef:
		if num >= fEntityFirst && num <= fEntityLast {
			return bytes, msgString, true
		}
	case msgScopeLogs:
		switch num {
		case fSLScope:
			return bytes, msgScope, true
		case fSLLogRecords:
			return bytes, msgLogRecord, true
		case fSLSchemaURL:
			return bytes, msgString, true
		}
	case msgScope:
		switch num {
		case fScopeName, fScopeVersion:
			return bytes, msgString, true
		case fScopeAttributes:
			return bytes, msgKeyValue, true
		case fScopeDropped:
			return varint, msgNone, true
		}
	case msgLogRecord:
		switch num {
		case fLRTime, fLRObserved:
			return fixed64, msgNone, true
		case fLRSeverity, fLRDropped:
			return varint, msgNone, true
		case fLRFlags:
			return fixed32, msgNone, true
		case fLRSeverityText, fLREventName, fLRTraceID, fLRSpanID:
			return bytes, msgString, true
		case fLRBody:
			return bytes, msgAnyValue, true
		case fLRAttributes:
			return bytes, msgKeyValue, true
		}
	case msgKeyValue:
		switch num {
		case fKVKey:
			return bytes, msgString, true
		case fKVValue:
			return bytes, msgAnyValue, true
		case fKVKeyStrIdx:
			return varint, msgNone, true
		}
	case msgAnyValue:
		switch num {
		case fAVString, fAVBytes:
			return bytes, msgString, true
		case fAVBool, fAVInt, fAVStrIdx:
			return varint, msgNone, true
		case fAVDouble:
			return fixed64, msgNone, true
		case fAVArray:
			return bytes, msgArrayValue, true
		case fAVKvlist:
			return bytes, msgKeyValueList, true
		}
	case msgArrayValue:
		if num == fListValues {
			return bytes, msgAnyValue, true
		}
	case msgKeyValueList:
		if num == fListValues {
			return bytes, msgKeyValue, true
		}
	}
	return 0, msgNone, false
}

// validator validates a request; limit is the nesting limit of values.
type validator struct{ limit int }

// message validates a message of kind k. Values count their nesting as pdata
// does: every KeyValue, AnyValue, ArrayValue and KeyValueList one level
// deeper than the value holding it, from 0 for a body or an attribute.
func (v validator) message(k msgKind, b []byte, depth int) error {
	if k >= msgKeyValue {
		if depth >= v.limit {
			return errWireDepth
		}
		depth++
	} else {
		depth = 0
	}
	r := wireReader{b: b}
	for r.next() {
		f := &r.f
		typ, holds, ok := fieldOf(k, f.num)
		if !ok {
			continue
		}
		if f.typ != typ {
			return fmt.Errorf("proto: wrong wireType = %d for field %d", f.typ, f.num)
		}
		switch {
		case holds != msgNone && holds != msgString:
			if err := v.message(holds, f.b, depth); err != nil {
				return err
			}
		case k == msgLogRecord && f.num == fLRTraceID && len(f.b) != 0 && len(f.b) != 16,
			k == msgLogRecord && f.num == fLRSpanID && len(f.b) != 0 && len(f.b) != 8:
			return errWireTraceIDLen
		}
	}
	return r.err
}
