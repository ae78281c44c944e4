package rollup

import (
	"bytes"
	"errors"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

func TestCounterRoundTrip(t *testing.T) {
	f := func(c *Counter) {
		t.Helper()
		b := AppendCounter(nil, c)
		got, err := DecodeCounter(b)
		if err != nil {
			t.Fatalf("decode %x: %v", b, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
		}
	}
	f(&Counter{Trend: []Bucket{}})
	f(&Counter{Count: 3, First: 10, Last: 99, Trend: []Bucket{{0, 1}, {7, 2}}})
	f(&Counter{Count: 1, First: -5, Last: -5, Trend: []Bucket{{maxTrendLen - 1, 1}},
		Sample: &Sample{Time: -5, Message: "boom ✓", ExceptionType: "E", Template: "boom"}})
	f(&Counter{Count: 1 << 40, First: 1, Last: 2, Trend: []Bucket{{3, 1 << 40}},
		Sample: &Sample{Time: 1, HasTraceID: true, TraceID: [16]byte{1, 2, 3}}})
}

// TestCounterFormat pins the v1 bytes of a counter: the format is durable.
func TestCounterFormat(t *testing.T) {
	c := &Counter{Count: 3, First: 1, Last: 2, Trend: []Bucket{{1, 1}, {3, 2}},
		Sample: &Sample{Time: 1, Message: "m", ExceptionType: "", Template: "t"}}
	want := []byte{1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1, 2, 2,
		0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 'm', 0, 1, 't'}
	if got := AppendCounter(nil, c); !bytes.Equal(got, want) {
		t.Errorf("encoding changed:\n got %v\nwant %v", got, want)
	}
	// The hook's operand is the encoding of a one-error counter.
	op := appendOperand(nil, 5*int64(time.Minute)+3, 5, nil)
	if want := AppendCounter(nil, &Counter{Count: 1, First: 5*int64(time.Minute) + 3, Last: 5*int64(time.Minute) + 3, Trend: []Bucket{{5, 1}}}); !bytes.Equal(op, want) {
		t.Errorf("operand %v, want %v", op, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	good := AppendCounter(nil, &Counter{Count: 2, First: 1, Last: 2, Trend: []Bucket{{1, 2}}})
	f := func(name string, b []byte) {
		t.Helper()
		if _, err := DecodeCounter(b); !errors.Is(err, ErrCorruptCounter) {
			t.Errorf("%s: %v, want ErrCorruptCounter", name, err)
		}
		if _, err := mergeCounters(nil, good, b); !errors.Is(err, ErrCorruptCounter) {
			t.Errorf("%s: merge: %v, want ErrCorruptCounter", name, err)
		}
	}
	f("empty", nil)
	f("version 2", append([]byte{2}, good[1:]...))
	f("unknown flag", append([]byte{1, 0x80}, good[2:]...))
	f("trailing byte", append(append([]byte(nil), good...), 0))
	f("truncated", good[:len(good)-1])
	f("trend sum", AppendCounter(nil, &Counter{Count: 3, First: 1, Last: 2, Trend: []Bucket{{1, 2}}}))
	f("first after last", AppendCounter(nil, &Counter{Count: 1, First: 3, Last: 2, Trend: []Bucket{{1, 1}}}))
	f("minute past a week", AppendCounter(nil, &Counter{Count: 1, Trend: []Bucket{{maxTrendLen, 1}}}))
	f("repeated minute", AppendCounter(nil, &Counter{Count: 2, Trend: []Bucket{{4, 1}, {4, 1}}}))
}

func randomCounter(rng *rand.Rand) []byte {
	c := &Counter{Trend: []Bucket{}}
	minute := uint32(0)
	for i, n := 0, rng.Intn(6); i < n; i++ {
		minute += 1 + uint32(rng.Intn(20))
		if i == 0 {
			minute = uint32(rng.Intn(5))
		}
		cnt := uint64(1 + rng.Intn(3))
		c.Trend = append(c.Trend, Bucket{minute, cnt})
		c.Count += cnt
	}
	if c.Count > 0 {
		c.First = int64(rng.Intn(1000))
		c.Last = c.First + int64(rng.Intn(1000))
	}
	if rng.Intn(3) > 0 {
		// Few distinct times, so that ties are common.
		c.Sample = &Sample{Time: int64(rng.Intn(4)), Message: strings.Repeat("x", rng.Intn(3)), Template: "t"}
		if rng.Intn(2) == 0 {
			c.Sample.HasTraceID = true
			rng.Read(c.Sample.TraceID[:])
		}
	}
	return AppendCounter(nil, c)
}

func merge(t *testing.T, a, b []byte) []byte {
	t.Helper()
	m, err := mergeCounters(nil, a, b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMergeProperties checks on random counters that the merge is
// associative and commutative and sums exactly.
func TestMergeProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 5000; i++ {
		a, b, c := randomCounter(rng), randomCounter(rng), randomCounter(rng)
		left := merge(t, merge(t, a, b), c)
		right := merge(t, a, merge(t, b, c))
		if !bytes.Equal(left, right) {
			t.Fatalf("not associative:\na %x\nb %x\nc %x\n(ab)c %x\na(bc) %x", a, b, c, left, right)
		}
		if ab, ba := merge(t, a, b), merge(t, b, a); !bytes.Equal(ab, ba) {
			t.Fatalf("not commutative:\na %x\nb %x\nab %x\nba %x", a, b, ab, ba)
		}
		da, _ := DecodeCounter(a)
		db, _ := DecodeCounter(b)
		dc, _ := DecodeCounter(c)
		m, err := DecodeCounter(left)
		if err != nil {
			t.Fatal(err)
		}
		if m.Count != da.Count+db.Count+dc.Count {
			t.Fatalf("count %d, want %d", m.Count, da.Count+db.Count+dc.Count)
		}
		perMinute := map[uint32]uint64{}
		for _, d := range []*Counter{da, db, dc} {
			for _, bk := range d.Trend {
				perMinute[bk.Minute] += bk.Count
			}
		}
		if len(perMinute) != len(m.Trend) {
			t.Fatalf("%d minutes, want %d", len(m.Trend), len(perMinute))
		}
		for _, bk := range m.Trend {
			if perMinute[bk.Minute] != bk.Count {
				t.Fatalf("minute %d: %d, want %d", bk.Minute, bk.Count, perMinute[bk.Minute])
			}
		}
	}
}

func FuzzDecodeCounter(f *testing.F) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		f.Add(randomCounter(rng))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCounter(b)
		if err != nil {
			if !errors.Is(err, ErrCorruptCounter) {
				t.Fatalf("error %v is not ErrCorruptCounter", err)
			}
			return
		}
		// What decodes re-encodes to a value that decodes the same (varints
		// may be written longer than needed), and merges with itself.
		again, err := DecodeCounter(AppendCounter(nil, c))
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("decode/encode/decode of %x: %+v, %v; want %+v", b, again, err, c)
		}
		m, err := mergeCounters(nil, b, b)
		if err != nil {
			t.Fatalf("merge with itself: %v", err)
		}
		d, err := DecodeCounter(m)
		if err != nil || d.Count != 2*c.Count {
			t.Fatalf("merge with itself: %v, count %v", err, d)
		}
	})
}

func TestKeyLayout(t *testing.T) {
	fp := fingerprint.Fingerprint{Version: 1, Hash: 0x0102030405060708}
	epoch := base.UnixNano()
	k := AppendKey(nil, "inst", epoch, fp, "svc")
	prefix := storage.AppendEpochPrefix(nil, storage.TableErrors, "inst", epoch)
	if !bytes.HasPrefix(k, prefix) {
		t.Fatalf("key %x does not start with the epoch prefix %x", k, prefix)
	}
	if epochOf(k, "inst") != epoch {
		t.Errorf("epochOf = %d, want %d", epochOf(k, "inst"), epoch)
	}
	gotFP, svc, err := keySuffix(k[len(prefix):])
	if err != nil || gotFP != fp || string(svc) != "svc" {
		t.Errorf("keySuffix = %v %q %v", gotFP, svc, err)
	}
	long := AppendKey(nil, "inst", epoch, fp, strings.Repeat("s", 300))
	if len(long) != len(prefix)+fingerprint.BinaryLen+MaxServiceLen {
		t.Errorf("long service not cut: key length %d", len(long))
	}
}
