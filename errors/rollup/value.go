package rollup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage"
)

// CounterFormatV1 is the version byte of the counter value below.
const CounterFormatV1 = 1

// Counter value, format v1. The layout is durable and stable: a change
// means a new version byte, never an edit in place.
//
//	| version (1B) = 0x01 | flags (1B) | count (uvarint) | first seen (8B BE, Unix ns) | last seen (8B BE, Unix ns) |
//	| n (uvarint) | n × ( minute delta (uvarint) | count (uvarint) ) |
//	[ sample, when flags&flagSample: | time (8B BE) | trace id length (1B, 0 or 16) | trace id |
//	  message (uvarint len, bytes) | exception type (uvarint len, bytes) | template (uvarint len, bytes) | ]
//
// The trend lists the minutes of the epoch that have errors, ascending: a
// minute is (timestamp − EpochStart) / 1 min, and each entry stores its
// distance from the previous entry's minute (the first from minute 0). Every
// count in it is at least 1 and they sum to count. The sample is the first
// error seen: the record with the smallest time, ties broken by the smaller
// sample bytes, so that any grouping of the same records picks the same one.
// Operands written by the hook omit the sample when an earlier one is known
// to be stored already (hook.go); the merged value keeps the earliest sample
// present.
//
// Merging (the Pebble merge operator, through Mergers) sums counts and
// trends, takes the min of first seen and the max of last seen, and keeps the
// earliest sample. It is associative and commutative, so a counter merged
// across batches, ranges or stores in any grouping is exact.
const (
	flagSample   = 1 << 0
	knownFlags   = flagSample
	maxTrendLen  = 7 * 24 * 60 // the longest epoch (168 h) in minutes
	maxSampleStr = 1024        // bytes kept of a sample's message and template
)

// ErrCorruptCounter marks a counter value that does not decode.
var ErrCorruptCounter = errors.New("rollup: corrupt counter value")

// Bucket is one minute of a counter's trend.
type Bucket struct {
	// Minute is the minute of the epoch, (timestamp − EpochStart) / 1 min.
	Minute uint32
	// Count is the number of errors in that minute; at least 1.
	Count uint64
}

// Sample is the first error of a counter.
type Sample struct {
	Time          int64
	TraceID       [16]byte
	HasTraceID    bool
	Message       string
	ExceptionType string
	Template      string
}

// Counter is a decoded counter value.
type Counter struct {
	Count       uint64
	First, Last int64
	// Trend is ascending by minute, with no zero counts.
	Trend []Bucket
	// Sample is nil when the value carries none.
	Sample *Sample
}

// AppendCounter appends the encoding of c to dst.
func AppendCounter(dst []byte, c *Counter) []byte {
	flags := byte(0)
	if c.Sample != nil {
		flags |= flagSample
	}
	dst = append(dst, CounterFormatV1, flags)
	dst = binary.AppendUvarint(dst, c.Count)
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.First))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.Last))
	dst = binary.AppendUvarint(dst, uint64(len(c.Trend)))
	prev := uint32(0)
	for _, b := range c.Trend {
		dst = binary.AppendUvarint(dst, uint64(b.Minute-prev))
		dst = binary.AppendUvarint(dst, b.Count)
		prev = b.Minute
	}
	if c.Sample != nil {
		dst = appendSample(dst, c.Sample)
	}
	return dst
}

func appendSample(dst []byte, s *Sample) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(s.Time))
	if s.HasTraceID {
		dst = append(dst, 16)
		dst = append(dst, s.TraceID[:]...)
	} else {
		dst = append(dst, 0)
	}
	dst = appendStr(dst, s.Message)
	dst = appendStr(dst, s.ExceptionType)
	return appendStr(dst, s.Template)
}

func appendStr(dst []byte, s string) []byte {
	if len(s) > maxSampleStr {
		s = cutUTF8(s, maxSampleStr)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// cutUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

// header is the fixed part of a counter value, read without allocating.
type header struct {
	count       uint64
	first, last int64
	trendLen    int
	trend       []byte // the encoded trend entries
	sample      []byte // the encoded sample, nil when absent
}

func parseHeader(b []byte) (header, error) {
	var h header
	if len(b) < 2 || b[0] != CounterFormatV1 {
		if len(b) > 0 && b[0] != CounterFormatV1 {
			return h, fmt.Errorf("%w: unknown format %d", ErrCorruptCounter, b[0])
		}
		return h, fmt.Errorf("%w: %d bytes", ErrCorruptCounter, len(b))
	}
	flags := b[1]
	if flags&^knownFlags != 0 {
		return h, fmt.Errorf("%w: unknown flags %#x", ErrCorruptCounter, flags)
	}
	b = b[2:]
	var n int
	if h.count, n = binary.Uvarint(b); n <= 0 {
		return h, fmt.Errorf("%w: count", ErrCorruptCounter)
	}
	b = b[n:]
	if len(b) < 16 {
		return h, fmt.Errorf("%w: times", ErrCorruptCounter)
	}
	h.first, h.last = int64(binary.BigEndian.Uint64(b)), int64(binary.BigEndian.Uint64(b[8:]))
	b = b[16:]
	tl, n := binary.Uvarint(b)
	if n <= 0 || tl > maxTrendLen {
		return h, fmt.Errorf("%w: trend length", ErrCorruptCounter)
	}
	h.trendLen = int(tl)
	b = b[n:]
	// Walk the trend to find its end, checking it as we go.
	start := b
	minute, sum := uint64(0), uint64(0)
	for i := 0; i < h.trendLen; i++ {
		d, n := binary.Uvarint(b)
		if n <= 0 || (i > 0 && d == 0) {
			return h, fmt.Errorf("%w: trend minute %d", ErrCorruptCounter, i)
		}
		b = b[n:]
		c, n := binary.Uvarint(b)
		if n <= 0 || c == 0 {
			return h, fmt.Errorf("%w: trend count %d", ErrCorruptCounter, i)
		}
		b = b[n:]
		minute += d
		if minute >= maxTrendLen || sum+c < sum {
			return h, fmt.Errorf("%w: trend entry %d out of range", ErrCorruptCounter, i)
		}
		sum += c
	}
	if sum != h.count {
		return h, fmt.Errorf("%w: trend sums to %d, count is %d", ErrCorruptCounter, sum, h.count)
	}
	if h.count > 0 && h.first > h.last {
		return h, fmt.Errorf("%w: first seen after last seen", ErrCorruptCounter)
	}
	h.trend = start[:len(start)-len(b)]
	if flags&flagSample != 0 {
		rest, err := skipSample(b)
		if err != nil {
			return h, err
		}
		h.sample = b[:len(b)-len(rest)]
		b = rest
	}
	if len(b) != 0 {
		return h, fmt.Errorf("%w: %d trailing bytes", ErrCorruptCounter, len(b))
	}
	return h, nil
}

func skipSample(b []byte) ([]byte, error) {
	if len(b) < 9 {
		return nil, fmt.Errorf("%w: sample", ErrCorruptCounter)
	}
	tl := int(b[8])
	if tl != 0 && tl != 16 || len(b) < 9+tl {
		return nil, fmt.Errorf("%w: sample trace id", ErrCorruptCounter)
	}
	b = b[9+tl:]
	for i := 0; i < 3; i++ {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > maxSampleStr || l > uint64(len(b)-n) {
			return nil, fmt.Errorf("%w: sample string %d", ErrCorruptCounter, i)
		}
		b = b[n+int(l):]
	}
	return b, nil
}

func sampleTime(s []byte) int64 { return int64(binary.BigEndian.Uint64(s)) }

// decodeSample decodes a sample section checked by skipSample.
func decodeSample(b []byte) *Sample {
	s := &Sample{Time: sampleTime(b)}
	tl := int(b[8])
	if tl == 16 {
		s.HasTraceID = true
		copy(s.TraceID[:], b[9:25])
	}
	b = b[9+tl:]
	str := func() string {
		l, n := binary.Uvarint(b)
		v := string(b[n : n+int(l)])
		b = b[n+int(l):]
		return v
	}
	s.Message = str()
	s.ExceptionType = str()
	s.Template = str()
	return s
}

// DecodeCounter decodes a counter value. It returns ErrCorruptCounter (wrapped)
// for anything AppendCounter cannot have written.
func DecodeCounter(b []byte) (*Counter, error) {
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	c := &Counter{Count: h.count, First: h.first, Last: h.last, Trend: make([]Bucket, 0, h.trendLen)}
	h.forTrend(func(minute uint32, count uint64) { c.Trend = append(c.Trend, Bucket{minute, count}) })
	if h.sample != nil {
		c.Sample = decodeSample(h.sample)
	}
	return c, nil
}

// forTrend calls fn for each trend entry of a checked header.
func (h *header) forTrend(fn func(minute uint32, count uint64)) {
	b := h.trend
	minute := uint64(0)
	for i := 0; i < h.trendLen; i++ {
		d, n := binary.Uvarint(b)
		b = b[n:]
		c, n := binary.Uvarint(b)
		b = b[n:]
		minute += d
		fn(uint32(minute), c)
	}
}

// trendReader walks an encoded trend.
type trendReader struct {
	b      []byte
	left   int
	minute uint64
	count  uint64
}

func (r *trendReader) next() bool {
	if r.left == 0 {
		return false
	}
	r.left--
	d, n := binary.Uvarint(r.b)
	r.b = r.b[n:]
	c, n := binary.Uvarint(r.b)
	r.b = r.b[n:]
	r.minute += d
	r.count = c
	return true
}

// mergeCounters is the merge function of storage.TableErrors. It works on
// the encodings, allocating only the result.
func mergeCounters(_, older, newer []byte) ([]byte, error) {
	a, err := parseHeader(older)
	if err != nil {
		return nil, err
	}
	b, err := parseHeader(newer)
	if err != nil {
		return nil, err
	}
	return appendMerged(make([]byte, 0, len(older)+len(newer)), &a, &b)
}

func appendMerged(dst []byte, a, b *header) ([]byte, error) {
	count := a.count + b.count
	if count < a.count {
		return nil, fmt.Errorf("%w: count overflows", ErrCorruptCounter)
	}
	first, last := mergeSeen(a, b)
	sample := a.sample
	switch {
	case sample == nil:
		sample = b.sample
	case b.sample != nil:
		ta, tb := sampleTime(a.sample), sampleTime(b.sample)
		if tb < ta || tb == ta && bytes.Compare(b.sample, a.sample) < 0 {
			sample = b.sample
		}
	}
	flags := byte(0)
	if sample != nil {
		flags = flagSample
	}
	dst = append(dst, CounterFormatV1, flags)
	dst = binary.AppendUvarint(dst, count)
	dst = binary.BigEndian.AppendUint64(dst, uint64(first))
	dst = binary.BigEndian.AppendUint64(dst, uint64(last))
	// The merged trend's length is not known before merging: count the
	// distinct minutes first (cheap, no allocation), then write.
	n := 0
	for m := newMergedTrend(a, b); ; n++ {
		if _, _, ok := m.next(); !ok {
			break
		}
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	prev := uint64(0)
	for m := newMergedTrend(a, b); ; {
		minute, c, ok := m.next()
		if !ok {
			break
		}
		dst = binary.AppendUvarint(dst, minute-prev)
		dst = binary.AppendUvarint(dst, c)
		prev = minute
	}
	return append(dst, sample...), nil
}

// mergeSeen returns the first and last seen of two counters; an empty
// counter's times do not count.
func mergeSeen(a, b *header) (first, last int64) {
	switch {
	case a.count == 0:
		return b.first, b.last
	case b.count == 0:
		return a.first, a.last
	}
	return min(a.first, b.first), max(a.last, b.last)
}

// mergedTrend walks the union of two trends, ascending, summing the
// counts of minutes present in both.
type mergedTrend struct {
	ra, rb   trendReader
	okA, okB bool
}

func newMergedTrend(a, b *header) mergedTrend {
	m := mergedTrend{ra: trendReader{b: a.trend, left: a.trendLen}, rb: trendReader{b: b.trend, left: b.trendLen}}
	m.okA, m.okB = m.ra.next(), m.rb.next()
	return m
}

func (m *mergedTrend) next() (minute, count uint64, ok bool) {
	switch {
	case !m.okA && !m.okB:
		return 0, 0, false
	case m.okA && (!m.okB || m.ra.minute < m.rb.minute):
		minute, count = m.ra.minute, m.ra.count
		m.okA = m.ra.next()
	case m.okB && (!m.okA || m.rb.minute < m.ra.minute):
		minute, count = m.rb.minute, m.rb.count
		m.okB = m.rb.next()
	default:
		minute, count = m.ra.minute, m.ra.count+m.rb.count
		m.okA, m.okB = m.ra.next(), m.rb.next()
	}
	return minute, count, true
}

// Mergers returns the merge functions of the tables this package owns, for
// kv.MergerByTable. Register them whenever a data directory may hold
// counters, even when counting is off: without them Pebble would keep only
// the newest operand.
func Mergers() map[byte]kv.Merger {
	return map[byte]kv.Merger{storage.TableErrors: mergeCounters}
}

// minuteOf returns the minute of the epoch that holds ts.
func minuteOf(ts, epochStart int64) uint32 {
	m := (ts - epochStart) / int64(time.Minute)
	if m < 0 {
		return 0
	}
	if m >= maxTrendLen {
		return maxTrendLen - 1
	}
	return uint32(m)
}

// appendOperand appends the operand of one error: count 1 at ts, and the
// sample when s is not nil. It is AppendCounter of a one-error counter,
// written without building one.
func appendOperand(dst []byte, ts int64, minute uint32, s *Sample) []byte {
	flags := byte(0)
	if s != nil {
		flags = flagSample
	}
	dst = append(dst, CounterFormatV1, flags, 1)
	dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	dst = append(dst, 1)
	dst = binary.AppendUvarint(dst, uint64(minute))
	dst = append(dst, 1)
	if s != nil {
		dst = appendSample(dst, s)
	}
	return dst
}
