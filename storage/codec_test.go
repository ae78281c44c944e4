package storage

import (
	"bytes"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestLogKeyRoundTripAndOrder(t *testing.T) {
	f := func(inst, zone string, epoch int64, hash uint64, ts int64, uniq uint32) {
		t.Helper()
		k := AppendLogKey(nil, inst, zone, epoch, hash, ts, uniq)
		got, err := DecodeLogKey(k)
		if err != nil {
			t.Fatal(err)
		}
		want := LogKey{inst, zone, epoch, hash, ts, uniq}
		if got != want {
			t.Fatalf("round trip: %+v != %+v", got, want)
		}
	}
	f("default", "", 0, 0, 0, 0)
	f("a", "europe-west1-b", 1700000000000000000, 1<<63+5, 1700000000123456789, 42)
	// newer entries and newer epochs sort first
	a := AppendLogKey(nil, "i", "z", 3600e9, 9, 3600e9+10, 0)
	b := AppendLogKey(nil, "i", "z", 3600e9, 9, 3600e9+5, 0)
	c := AppendLogKey(nil, "i", "z", 0, 9, 3599e9, 0)
	if !(bytes.Compare(a, b) < 0 && bytes.Compare(b, c) < 0) {
		t.Fatal("keys do not sort newest first")
	}
}

func TestEscapedStringsKeepOrder(t *testing.T) {
	vals := []string{"", "a", "a\x00", "a\x00b", "a\x01", "ab", "b"}
	var prev []byte
	for i, v := range vals {
		k := AppendPostingKey(nil, "i", 0, "name", v)
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			t.Fatalf("%q does not sort after %q", v, vals[i-1])
		}
		prev = k
		rest := k[len(AppendEpochPrefix(nil, TablePostings, "i", 0)):]
		n, rest, err := readEscaped(rest)
		if err != nil || n != "name" {
			t.Fatalf("name: %q %v", n, err)
		}
		got, rest, err := readEscaped(rest)
		if err != nil || got != v || len(rest) != 0 {
			t.Fatalf("value %q: got %q rest %d %v", v, got, len(rest), err)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	lr := plog.NewLogRecord()
	lr.SetObservedTimestamp(1005)
	lr.SetSeverityNumber(17)
	lr.SetSeverityText("ERROR")
	m := lr.Body().SetEmptyMap()
	m.PutStr("msg", "boom")
	m.PutEmptySlice("list").AppendEmpty().SetDouble(1.5)
	lr.Attributes().PutBool("ok", true)
	lr.Attributes().PutEmptyBytes("raw").FromRaw([]byte{1, 2})
	lr.SetTraceID(pcommon.TraceID{1, 2, 3})
	lr.SetSpanID(pcommon.SpanID{4})
	lr.SetFlags(1)
	lr.SetEventName("ev")
	scope := pcommon.NewInstrumentationScope()
	scope.SetName("lib")
	scope.SetVersion("1.2")
	b, err := AppendRecord(nil, lr, scope, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var e Entry
	if err := decodeRecord(b, 1000, &e); err != nil {
		t.Fatal(err)
	}
	if e.ObservedTime != 1005 || e.SeverityNumber != 17 || e.SeverityText != "ERROR" || e.EventName != "ev" ||
		e.ScopeName != "lib" || e.ScopeVersion != "1.2" || e.TraceID != [16]byte{1, 2, 3} || !e.HasSpanID || e.Flags != 1 {
		t.Fatalf("decoded %+v", e)
	}
	body := e.Body.(map[string]any)
	if body["msg"] != "boom" || body["list"].([]any)[0] != 1.5 || e.Attributes["ok"] != true || e.Attributes["raw"] != "AQI=" {
		t.Fatalf("values %+v %+v", body, e.Attributes)
	}
	sev, text, err := recordHead(b)
	if err != nil || sev != 17 || text != `{"list":[1.5],"msg":"boom"}` {
		t.Fatalf("recordHead = %d %q %v", sev, text, err)
	}
}

// FuzzKeyCodec feeds arbitrary bytes to every key and value decoder: they
// must return errors, never panic or allocate without bound.
func FuzzKeyCodec(f *testing.F) {
	f.Add(AppendLogKey(nil, "default", "z", 3600e9, 7, 3600e9+1, 3))
	f.Add(AppendPostingKey(nil, "default", 0, "a\x00b", "v"))
	f.Add(appendPostingSet(nil, []uint64{3, 1, 2}))
	lr := plog.NewLogRecord()
	lr.Body().SetStr("hello")
	lr.Attributes().PutEmptyMap("m").PutInt("x", 1)
	rv, _ := AppendRecord(nil, lr, pcommon.NewInstrumentationScope(), 0)
	f.Add(rv)
	f.Add((&epochSummary{minTime: 1, maxTime: 2, zones: []string{"a"}}).encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if k, err := DecodeLogKey(b); err == nil {
			again := AppendLogKey(nil, k.Instance, k.Zone, k.EpochStart, k.Hash, k.Timestamp, k.Uniq)
			if !bytes.Equal(again, b) {
				t.Fatalf("log key %x re-encodes as %x", b, again)
			}
		}
		_, _, _ = readEscaped(b)
		var e Entry
		_ = decodeRecord(b, 0, &e)
		_, _, _ = recordHead(b)
		_, _ = decodeResourceValue(0, b)
		if checkPostingSet(b) == nil {
			u, err := mergePostingSet(nil, b, appendPostingSet(nil, []uint64{7}))
			if err != nil || checkPostingSet(u) != nil {
				t.Fatalf("merge of a valid posting set: %v", err)
			}
		}
		if s, err := decodeEpochSummary(b); err == nil {
			if _, err := mergeEpochSummary(nil, b, s.encode()); err != nil {
				t.Fatalf("merge of a decodable summary failed: %v", err)
			}
		}
	})
}

func TestPostingSetMerge(t *testing.T) {
	set := func(hs ...uint64) []byte { return appendPostingSet(nil, hs) }
	f := func(a, b, want []byte) {
		t.Helper()
		got, err := mergePostingSet(nil, a, b)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("merge(%x, %x) = %x, %v; want %x", a, b, got, err, want)
		}
	}
	f(set(), set(), set())
	f(set(5, 1), set(3), set(1, 3, 5))
	f(set(1, 2, 3), set(2, 3, 4), set(1, 2, 3, 4))
	f(set(9, 9, 9), set(), set(9))
	// associative: (a ∪ b) ∪ c == a ∪ (b ∪ c)
	a, b, c := set(1, 7, 9), set(2, 7), set(9, 10)
	ab, _ := mergePostingSet(nil, a, b)
	abc1, _ := mergePostingSet(nil, ab, c)
	bc, _ := mergePostingSet(nil, b, c)
	abc2, _ := mergePostingSet(nil, a, bc)
	if !bytes.Equal(abc1, abc2) {
		t.Fatal("posting set merge is not associative")
	}
	if _, err := mergePostingSet(nil, []byte{1, 2, 3}, set(1)); err == nil {
		t.Fatal("a posting set of 3 bytes must not merge")
	}
}

// EachRecord must store what the per-record functions store: the
// benchmark's ceiling is only a ceiling if its rows are the server's rows.
func TestEachRecordMatchesAppendRecord(t *testing.T) {
	ld := plog.NewLogs()
	for i := 0; i < 2; i++ {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", []string{"checkout", "cart"}[i])
		rl.Resource().Attributes().PutStr("k8s.zone", "z1")
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("lib")
		for j := 0; j < 3; j++ {
			r := sl.LogRecords().AppendEmpty()
			r.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + int64(i*10+j)))
			r.SetSeverityNumber(plog.SeverityNumberError)
			r.Body().SetStr("boom")
			r.Attributes().PutInt("n", int64(j))
		}
	}
	var want [][]byte
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		res, err := NewResource(rls.At(i).Resource().Attributes(), "")
		if err != nil {
			t.Fatal(err)
		}
		sl := rls.At(i).ScopeLogs().At(0)
		for j := 0; j < sl.LogRecords().Len(); j++ {
			rec := sl.LogRecords().At(j)
			val, err := AppendRecord(nil, rec, sl.Scope(), int64(rec.Timestamp()))
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, append(AppendLogKey(nil, "i", res.Zone, 0, res.Hash, int64(rec.Timestamp()), 0), val...))
		}
	}
	req, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	EachRecord(req, func(r *Resource, ts int64, val []byte) bool {
		got = append(got, append(AppendLogKey(nil, "i", r.Zone, 0, r.Hash, ts, 0), val...))
		return true
	})
	if len(got) != len(want) {
		t.Fatalf("EachRecord gave %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("record %d: EachRecord %x, AppendRecord %x", i, got[i], want[i])
		}
	}
}
