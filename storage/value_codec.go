package storage

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Attribute values (OTLP AnyValue) are encoded as a type byte and a payload:
//
//	0 empty | 1 string: uvarint len, bytes | 2 bool: 1B | 3 int: zigzag varint
//	4 double: 8B LE IEEE 754 | 5 bytes: uvarint len, bytes
//	6 array: uvarint n, n values | 7 map: uvarint n, n × (key, value)
//
// where a map key is written by appendKey (keydict.go).
//
// The layout is durable (part of record format v1).
const (
	valEmpty byte = iota
	valString
	valBool
	valInt
	valDouble
	valBytes
	valArray
	valMap
)

// MaxValueDepth bounds the nesting of maps and arrays in one attribute value.
// OTLP allows any depth; a deeper value is rejected (the record is reported
// in partial_success) rather than risking unbounded recursion.
const MaxValueDepth = 32

// ErrTooDeep marks a value nested deeper than MaxValueDepth.
var ErrTooDeep = errors.New("storage: attribute value nested too deeply")

// ErrCorrupt marks stored bytes that do not decode.
var ErrCorrupt = errors.New("storage: corrupt value")

// appendUvarintString writes a length-prefixed string. Invalid UTF-8 (OTLP
// strings must be UTF-8, but not every sender checks) is replaced with
// U+FFFD, so that everything stored renders as JSON unchanged.
func appendUvarintString(dst []byte, s string) []byte {
	s = sanitizeUTF8(s)
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func sanitizeUTF8(s string) string {
	if !utf8.ValidString(s) {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// decoder reads the encodings above with bounds checks; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or invalid %s", ErrCorrupt, what)
	}
	d.b = nil
}

func (d *decoder) byte1(what string) byte {
	if len(d.b) < 1 {
		d.fail(what)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint(what string) uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint(what string) int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) raw(n uint64, what string) []byte {
	if n > uint64(len(d.b)) {
		d.fail(what)
		return nil
	}
	r := d.b[:n]
	d.b = d.b[n:]
	return r
}

func (d *decoder) str(what string) string {
	return string(d.raw(d.uvarint(what), what))
}

// count reads a collection length that cannot exceed the bytes left (every
// element takes at least one byte), so corrupt input cannot make us allocate
// more than the input's size.
func (d *decoder) count(what string) int {
	n := d.uvarint(what)
	if n > uint64(len(d.b)) {
		d.fail(what)
		return 0
	}
	return int(n)
}

// value decodes one value into its JSON-ready Go form: string, bool, int64,
// float64, []byte as base64 string, []any, map[string]any, or nil.
func (d *decoder) value(depth int) any {
	if depth > MaxValueDepth {
		d.fail("value depth")
		return nil
	}
	switch t := d.byte1("value type"); t {
	case valEmpty:
		return nil
	case valString:
		return d.str("string")
	case valBool:
		return d.byte1("bool") != 0
	case valInt:
		return d.varint("int")
	case valDouble:
		b := d.raw(8, "double")
		if b == nil {
			return nil
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 64) // JSON has no NaN or Inf
		}
		return f
	case valBytes:
		return base64.StdEncoding.EncodeToString(d.raw(d.uvarint("bytes"), "bytes"))
	case valArray:
		n := d.count("array length")
		out := make([]any, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			out = append(out, d.value(depth+1))
		}
		return out
	case valMap:
		return d.mapValue(depth + 1)
	default:
		d.fail(fmt.Sprintf("value type %d", t))
		return nil
	}
}

func (d *decoder) mapValue(depth int) map[string]any {
	if depth > MaxValueDepth {
		d.fail("map depth")
		return nil
	}
	n := d.count("map length")
	out := make(map[string]any, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.key()
		out[k] = d.value(depth)
	}
	return out
}

// skipValue advances past one value without building it.
func (d *decoder) skipValue(depth int) {
	if depth > MaxValueDepth {
		d.fail("value depth")
		return
	}
	switch t := d.byte1("value type"); t {
	case valEmpty:
	case valString, valBytes:
		d.raw(d.uvarint("string"), "string")
	case valBool:
		d.raw(1, "bool")
	case valInt:
		d.varint("int")
	case valDouble:
		d.raw(8, "double")
	case valArray:
		n := d.count("array length")
		for i := 0; i < n && d.err == nil; i++ {
			d.skipValue(depth + 1)
		}
	case valMap:
		n := d.count("map length")
		for i := 0; i < n && d.err == nil; i++ {
			d.key()
			d.skipValue(depth + 1)
		}
	default:
		d.fail(fmt.Sprintf("value type %d", t))
	}
}

// ValueString renders a decoded value the way selectors compare it: strings
// as they are, numbers and booleans in their shortest form, the rest as JSON.
func ValueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		b, _ := marshalJSON(x)
		return string(b)
	}
}
