package storage

// The pdata write path as it was before the streaming decoder (the request
// read from pdata, resources and records encoded from pcommon values), kept
// as the reference the differential and fuzz tests (otlp_diff_test.go)
// compare the streaming path with: the same request bytes, unmarshaled by
// pdata and written by refWrite, must leave the same keys and values. What
// does not depend on the decoding (keys, dedupe, index, hooks) is shared.

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/zeebo/xxh3"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func (s *Store) refWrite(instance string, logs plog.Logs) (WriteResult, error) {
	if instance == "" || ValidateName("instance", instance) != nil {
		return WriteResult{}, fmt.Errorf("%w: %q (1–64 printable bytes)", ErrInvalidInstance, instance)
	}
	w := s.newWrite(instance)
	defer w.close()
	rls := logs.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		r, err := refNewResource(rl.Resource().Attributes(), s.opts.NodeZone)
		if err != nil {
			w.reject(refCountRecords(rl), fmt.Sprintf("resource attributes: %v", err))
			continue
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			recs := sl.LogRecords()
			for k := 0; k < recs.Len(); k++ {
				rec := recs.At(k)
				ts := int64(rec.Timestamp())
				if ts == 0 { // the OTLP data model: no event time → the observed time
					ts = int64(rec.ObservedTimestamp())
				}
				if ts == 0 {
					ts = w.now
				}
				if w.timeRejected(ts) {
					continue
				}
				w.val, err = refAppendRecord(w.val[:0], rec, sl.Scope(), ts)
				if err != nil {
					w.reject(1, fmt.Sprintf("record: %v", err))
					continue
				}
				var rc *RecordContext
				if w.hooks {
					rc = NewRecordContext(instance, 0, ts, r, rl.Resource().Attributes(), rec)
				}
				if err := w.store(r, ts, rc); err != nil {
					return WriteResult{}, err
				}
			}
		}
	}
	return w.commit()
}

func refCountRecords(rl plog.ResourceLogs) int {
	n := 0
	for j := 0; j < rl.ScopeLogs().Len(); j++ {
		n += rl.ScopeLogs().At(j).LogRecords().Len()
	}
	return n
}

func refAppendRecord(dst []byte, rec plog.LogRecord, scope pcommon.InstrumentationScope, ts int64) ([]byte, error) {
	dst = append(dst, RecordFormatV1)
	obs := int64(rec.ObservedTimestamp())
	if obs == 0 {
		obs = ts
	}
	dst = binary.AppendVarint(dst, obs-ts)
	dst = binary.AppendUvarint(dst, uint64(rec.SeverityNumber()))
	dst = appendSeverityText(dst, rec.SeverityText(), int32(rec.SeverityNumber()))
	var err error
	if dst, err = refAppendValue(dst, rec.Body(), 1); err != nil {
		return dst, err
	}
	if dst, err = refAppendMap(dst, rec.Attributes(), 1); err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(rec.DroppedAttributesCount()))
	dst = binary.AppendUvarint(dst, uint64(rec.Flags()))
	tid, sid := rec.TraceID(), rec.SpanID()
	var presence byte
	if !tid.IsEmpty() {
		presence |= 1
	}
	if !sid.IsEmpty() {
		presence |= 2
	}
	dst = append(dst, presence)
	if presence&1 != 0 {
		dst = append(dst, tid[:]...)
	}
	if presence&2 != 0 {
		dst = append(dst, sid[:]...)
	}
	dst = appendUvarintString(dst, scope.Name())
	dst = appendUvarintString(dst, scope.Version())
	if dst, err = refAppendMap(dst, scope.Attributes(), 1); err != nil {
		return dst, err
	}
	return appendUvarintString(dst, rec.EventName()), nil
}

func refAppendValue(dst []byte, v pcommon.Value, depth int) ([]byte, error) {
	if depth > MaxValueDepth {
		return dst, ErrTooDeep
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		dst = append(dst, valString)
		return appendUvarintString(dst, v.Str()), nil
	case pcommon.ValueTypeBool:
		b := byte(0)
		if v.Bool() {
			b = 1
		}
		return append(dst, valBool, b), nil
	case pcommon.ValueTypeInt:
		dst = append(dst, valInt)
		return binary.AppendVarint(dst, v.Int()), nil
	case pcommon.ValueTypeDouble:
		dst = append(dst, valDouble)
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.Double())), nil
	case pcommon.ValueTypeBytes:
		dst = append(dst, valBytes)
		b := v.Bytes().AsRaw()
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		return append(dst, b...), nil
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		dst = append(dst, valArray)
		dst = binary.AppendUvarint(dst, uint64(s.Len()))
		var err error
		for i := 0; i < s.Len(); i++ {
			if dst, err = refAppendValue(dst, s.At(i), depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case pcommon.ValueTypeMap:
		dst = append(dst, valMap)
		return refAppendMap(dst, v.Map(), depth+1)
	default:
		return append(dst, valEmpty), nil
	}
}

func refAppendMap(dst []byte, m pcommon.Map, depth int) ([]byte, error) {
	if depth > MaxValueDepth {
		return dst, ErrTooDeep
	}
	dst = binary.AppendUvarint(dst, uint64(m.Len()))
	var err error
	m.Range(func(k string, v pcommon.Value) bool {
		dst = appendKey(dst, k)
		dst, err = refAppendValue(dst, v, depth)
		return err == nil
	})
	return dst, err
}

func refNewResource(attrs pcommon.Map, nodeZone string) (*Resource, error) {
	keys := make([]string, 0, attrs.Len())
	attrs.Range(func(k string, _ pcommon.Value) bool {
		keys = append(keys, k)
		return true
	})
	sort.Strings(keys)
	buf := binary.AppendUvarint(make([]byte, 0, 64*len(keys)+8), uint64(len(keys)))
	r := &Resource{postings: make([][2]string, 0, len(keys))}
	var err error
	for i, k := range keys {
		if i > 0 && keys[i-1] == k {
			continue // OTLP maps should not repeat keys; keep the first
		}
		v, _ := attrs.Get(k)
		buf = appendKey(buf, k)
		if buf, err = refAppendValue(buf, v, 1); err != nil {
			return nil, err
		}
		if v.Type() != pcommon.ValueTypeMap && v.Type() != pcommon.ValueTypeSlice {
			r.postings = append(r.postings, [2]string{strings.ToValidUTF8(k, "\uFFFD"), strings.ToValidUTF8(refPvalueString(v), "\uFFFD")})
		}
	}
	zone, fromNode := refZoneOf(attrs, nodeZone)
	r.Zone = zone
	r.Canonical = buf
	h := xxh3.New()
	_, _ = h.Write(buf)
	if fromNode {
		_, _ = h.Write([]byte{0})
		_, _ = h.WriteString(zone)
	}
	r.Hash = h.Sum64()
	return r, nil
}

func refZoneOf(attrs pcommon.Map, nodeZone string) (zone string, fromNode bool) {
	for _, k := range []string{attrAvailabilityZone, attrRegion} {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			// The zone goes into keys and the resource map alike, so it is
			// made valid UTF-8 once, here.
			if z := sanitizeUTF8(v.Str()); ValidateName("zone", z) == nil {
				return z, false
			}
		}
	}
	return nodeZone, true
}

func refPvalueString(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeBool:
		return strconv.FormatBool(v.Bool())
	case pcommon.ValueTypeInt:
		return strconv.FormatInt(v.Int(), 10)
	case pcommon.ValueTypeDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case pcommon.ValueTypeEmpty:
		return ""
	default:
		return v.AsString()
	}
}
