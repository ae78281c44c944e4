package storage

import (
	"encoding/binary"
	"iter"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// The readers below run on bytes validateRequest has accepted, so reading a
// field cannot fail; if it did (a bug), the reader stops at that field.

// bstr views b as a string without copying. The write path's strings point
// into the request, which nothing changes while it is being written.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// fieldsOf yields the payloads of the length-delimited field num of message b.
func fieldsOf(b []byte, num protowire.Number) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		r := wireReader{b: b}
		for r.next() {
			f := &r.f
			if f.num == num && !yield(f.b) {
				return
			}
		}
	}
}

// countFields counts the occurrences of field num in message b.
func countFields(b []byte, num protowire.Number) int {
	n := 0
	for range fieldsOf(b, num) {
		n++
	}
	return n
}

// anyValue is an OTLP AnyValue read from the request: the oneof field that
// won (0 for none) and its payload.
type anyValue struct {
	kind protowire.Number
	v    uint64 // bool, int, double bits
	b    []byte // string, bytes, array, kvlist
}

// merge applies the fields of one AnyValue message to a: as protobuf merges
// a repeated singular message field, the last oneof field wins.
func (a *anyValue) merge(b []byte) {
	r := wireReader{b: b}
	for r.next() {
		f := &r.f
		if f.num >= fAVString && f.num <= fAVStrIdx {
			a.kind, a.v, a.b = f.num, f.v, f.b
		}
	}
}

// attrKV is one attribute (KeyValue) read from the request.
type attrKV struct {
	key string
	val anyValue
}

// readKeyValue reads a KeyValue message: the last key, and the value merged
// from every value field.
func readKeyValue(b []byte) attrKV {
	var kv attrKV
	r := wireReader{b: b}
	for r.next() {
		f := &r.f
		switch f.num {
		case fKVKey:
			kv.key = bstr(f.b)
		case fKVValue:
			kv.val.merge(f.b)
		}
	}
	return kv
}

// appendResourceAttrs appends the attributes of a Resource message.
func appendResourceAttrs(dst []attrKV, res []byte) []attrKV {
	for kv := range fieldsOf(res, fResAttributes) {
		dst = append(dst, readKeyValue(kv))
	}
	return dst
}

// appendAny writes a value in the stored encoding (value_codec.go).
func appendAny(dst []byte, a *anyValue, depth int) ([]byte, error) {
	if depth > MaxValueDepth {
		return dst, ErrTooDeep
	}
	switch a.kind {
	case fAVString:
		dst = append(dst, valString)
		return appendUvarintString(dst, bstr(a.b)), nil
	case fAVBool:
		b := byte(0)
		if a.v != 0 {
			b = 1
		}
		return append(dst, valBool, b), nil
	case fAVInt:
		dst = append(dst, valInt)
		return binary.AppendVarint(dst, int64(a.v)), nil
	case fAVDouble:
		dst = append(dst, valDouble)
		return binary.LittleEndian.AppendUint64(dst, a.v), nil
	case fAVBytes:
		dst = append(dst, valBytes)
		dst = binary.AppendUvarint(dst, uint64(len(a.b)))
		return append(dst, a.b...), nil
	case fAVArray:
		dst = append(dst, valArray)
		dst = binary.AppendUvarint(dst, uint64(countFields(a.b, fListValues)))
		var err error
		for e := range fieldsOf(a.b, fListValues) {
			var v anyValue
			v.merge(e)
			if dst, err = appendAny(dst, &v, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case fAVKvlist:
		dst = append(dst, valMap)
		return appendKVList(dst, a.b, depth+1)
	default: // none, or string_value_strindex (profiles only): pdata's empty value
		return append(dst, valEmpty), nil
	}
}

// appendKVList writes a KeyValueList message as a map.
func appendKVList(dst []byte, list []byte, depth int) ([]byte, error) {
	if depth > MaxValueDepth {
		return dst, ErrTooDeep
	}
	dst = binary.AppendUvarint(dst, uint64(countFields(list, fListValues)))
	var err error
	for e := range fieldsOf(list, fListValues) {
		kv := readKeyValue(e)
		dst = appendKey(dst, kv.key)
		if dst, err = appendAny(dst, &kv.val, depth); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendAttrs writes attributes already read as a map.
func appendAttrs(dst []byte, attrs []attrKV, depth int) ([]byte, error) {
	if depth > MaxValueDepth {
		return dst, ErrTooDeep
	}
	dst = binary.AppendUvarint(dst, uint64(len(attrs)))
	var err error
	for i := range attrs {
		dst = appendKey(dst, attrs[i].key)
		if dst, err = appendAny(dst, &attrs[i].val, depth); err != nil {
			return dst, err
		}
	}
	return dst, nil
}
