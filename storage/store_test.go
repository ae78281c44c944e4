package storage

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/storage/selector"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func openTestStore(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	kvs, err := pebblekv.Open(dir, &pebblekv.Options{Merger: kv.MergerByTable(Mergers())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kvs.Close() })
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0.Add(3 * time.Hour) }
	}
	s, err := Open(kvs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rec describes one generated record and is also the test's model of it.
type rec struct {
	job, pod string
	ts       int64
	sev      int32
	body     string
}

func makeLogs(recs []rec) plog.Logs {
	ld := plog.NewLogs()
	byRes := map[string]plog.LogRecordSlice{}
	for _, r := range recs {
		k := r.job + "/" + r.pod
		sl, ok := byRes[k]
		if !ok {
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("k8s.job.name", r.job)
			rl.Resource().Attributes().PutStr("k8s.pod.name", r.pod)
			rl.Resource().Attributes().PutStr("service.name", "svc-"+r.job)
			s := rl.ScopeLogs().AppendEmpty()
			s.Scope().SetName("test")
			sl = s.LogRecords()
			byRes[k] = sl
		}
		lr := sl.AppendEmpty()
		lr.SetTimestamp(pcommon.Timestamp(r.ts))
		lr.SetObservedTimestamp(pcommon.Timestamp(r.ts + 1000))
		lr.SetSeverityNumber(plog.SeverityNumber(r.sev))
		lr.Body().SetStr(r.body)
		lr.Attributes().PutInt("n", 7)
	}
	return ld
}

func TestWriteAndLatest(t *testing.T) {
	s := openTestStore(t, t.TempDir(), Options{})
	var recs []rec
	for i := 0; i < 300; i++ {
		recs = append(recs, rec{
			job:  fmt.Sprintf("job-%d", i%3),
			pod:  fmt.Sprintf("pod-%d", i%7),
			ts:   t0.Add(time.Duration(i) * 37 * time.Second).UnixNano(), // spans 3 epochs
			sev:  int32(9 + 4*(i%3)),
			body: fmt.Sprintf("request %d took %dms", i, i%50),
		})
	}
	res, err := s.Write("default", makeLogs(recs))
	if err != nil || res.Accepted != len(recs) || res.Rejected != 0 {
		t.Fatalf("Write = %+v, %v", res, err)
	}
	checkQueries(t, s, recs, 13, 100, 5000)
}

// checkQueries compares Latest with a brute-force answer for several
// selectors, limits and full paging.
func checkQueries(t *testing.T, s *Store, recs []rec, limits ...int) {
	t.Helper()
	queries := []struct {
		q    string
		keep func(r rec) bool
	}{
		{`{}`, func(rec) bool { return true }},
		{`{k8s.job.name="job-1"}`, func(r rec) bool { return r.job == "job-1" }},
		{`{k8s.job.name=~"job-[02]", k8s.pod.name!="pod-3"}`, func(r rec) bool { return r.job != "job-1" && r.pod != "pod-3" }},
		{`{k8s.pod.name!~"pod-[0-5]"}`, func(r rec) bool { return !regexp.MustCompile(`^pod-[0-5]$`).MatchString(r.pod) }},
		{`{service.name="svc-job-2"} |= "took 1"`, func(r rec) bool { return r.job == "job-2" && strings.Contains(r.body, "took 1") }},
		{`{} | severity >= warn != "request 1"`, func(r rec) bool { return r.sev >= 13 && !strings.Contains(r.body, "request 1") }},
		{`{k8s.job.name="nope"}`, func(rec) bool { return false }},
	}
	for _, tc := range queries {
		sel, err := selector.Parse(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var want []rec
		for _, r := range recs {
			if tc.keep(r) {
				want = append(want, r)
			}
		}
		sort.SliceStable(want, func(i, j int) bool { return want[i].ts > want[j].ts })
		// Scan visits exactly the matching entries, each once.
		scanned := map[int64]int{}
		complete, err := s.Scan(context.Background(), Query{Instance: "default", Selector: sel,
			Start: t0.Add(-time.Hour).UnixNano(), End: t0.Add(5 * time.Hour).UnixNano()}, 0,
			func(e *ScanEntry) { scanned[e.Timestamp]++ })
		if err != nil || !complete {
			t.Fatalf("%s: Scan = %v, %v", tc.q, complete, err)
		}
		for _, r := range want {
			scanned[r.ts]--
		}
		for ts, n := range scanned {
			if n != 0 {
				t.Fatalf("%s: Scan visited the entry at %d %+d times too often", tc.q, ts, n)
			}
		}
		for _, limit := range limits {
			var got []Entry
			var cur *Cursor
			for pages := 0; pages < 5000; pages++ {
				r, err := s.Latest(context.Background(), Query{
					Instance: "default", Selector: sel, Limit: limit, Cursor: cur,
					Start: t0.Add(-time.Hour).UnixNano(), End: t0.Add(5 * time.Hour).UnixNano(),
				})
				if err != nil {
					t.Fatalf("%s: %v", tc.q, err)
				}
				if len(r.Entries) > limit {
					t.Fatalf("%s: page of %d > limit %d", tc.q, len(r.Entries), limit)
				}
				got = append(got, r.Entries...)
				if r.Next == nil {
					break
				}
				cur, err = ParseCursor(r.Next.Encode())
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%s limit %d: got %d entries, want %d", tc.q, limit, len(got), len(want))
			}
			for i := range got {
				if got[i].Key.Timestamp != want[i].ts || got[i].Body != want[i].body {
					t.Fatalf("%s limit %d: entry %d = %d %v, want %d %q", tc.q, limit, i, got[i].Key.Timestamp, got[i].Body, want[i].ts, want[i].body)
				}
				if got[i].Resource.Get("k8s.job.name") != want[i].job || got[i].Attributes["n"] != int64(7) {
					t.Fatalf("%s: entry %d resource/attributes wrong: %v %v", tc.q, i, got[i].Resource.Attributes, got[i].Attributes)
				}
				if got[i].ObservedTime != want[i].ts+1000 {
					t.Fatalf("observed time %d, want %d", got[i].ObservedTime, want[i].ts+1000)
				}
			}
		}
	}
}

func TestRetriedWriteDoesNotDuplicate(t *testing.T) {
	s := openTestStore(t, t.TempDir(), Options{})
	ts := t0.UnixNano()
	recs := []rec{
		{job: "a", pod: "p", ts: ts, sev: 9, body: "same"},
		{job: "a", pod: "p", ts: ts, sev: 9, body: "same"}, // identical, sent together: two records
		{job: "a", pod: "p", ts: ts + 1, sev: 9, body: "other"},
	}
	for i := 0; i < 3; i++ { // the exporter retries the same request
		if _, err := s.Write("default", makeLogs(recs)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Latest(context.Background(), Query{Instance: "default", Limit: 100, Start: ts - 1, End: ts + 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Entries) != 3 {
		t.Fatalf("got %d entries after 3 identical writes, want 3", len(r.Entries))
	}
}

func TestTimestampFallbacksAndRejections(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	s := openTestStore(t, t.TempDir(), Options{Retention: 24 * time.Hour})
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "x")
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	a := lrs.AppendEmpty() // no timestamp: the observed time
	a.SetObservedTimestamp(pcommon.Timestamp(t0.UnixNano()))
	a.Body().SetStr("observed")
	b := lrs.AppendEmpty() // neither: the time it arrived
	b.Body().SetStr("arrival")
	c := lrs.AppendEmpty()
	c.SetTimestamp(pcommon.Timestamp(now.Add(-72 * time.Hour).UnixNano()))
	c.Body().SetStr("too old")
	d := lrs.AppendEmpty()
	d.SetTimestamp(pcommon.Timestamp(now.Add(48 * time.Hour).UnixNano()))
	d.Body().SetStr("too new")
	e := lrs.AppendEmpty()
	e.SetTimestamp(pcommon.Timestamp(t0.UnixNano() + 5))
	deep := e.Attributes().PutEmptyMap("deep")
	for i := 0; i < 40; i++ {
		deep = deep.PutEmptyMap("d")
	}
	res, err := s.Write("default", ld)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 2 || res.Rejected != 3 || !strings.Contains(res.RejectReason, "retention") {
		t.Fatalf("Write = %+v", res)
	}
	r, err := s.Latest(context.Background(), Query{Instance: "default", Limit: 10, Start: t0.Add(-time.Hour).UnixNano(), End: now.UnixNano()})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Entries) != 2 || r.Entries[0].Body != "arrival" || r.Entries[0].Key.Timestamp != now.UnixNano() ||
		r.Entries[1].Body != "observed" || r.Entries[1].Key.Timestamp != t0.UnixNano() {
		t.Fatalf("entries = %+v", r.Entries)
	}
}

func TestReopenAndEpochMismatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	kvs, err := pebblekv.Open(dir, &pebblekv.Options{Merger: kv.MergerByTable(Mergers())})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(kvs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := []rec{{job: "a", pod: "p", ts: t0.UnixNano(), sev: 9, body: "kept"}}
	if _, err := s.Write("default", makeLogs(recs)); err != nil {
		t.Fatal(err)
	}
	kvs.Close()
	kvs, err = pebblekv.Open(dir, &pebblekv.Options{Merger: kv.MergerByTable(Mergers())})
	if err != nil {
		t.Fatal(err)
	}
	defer kvs.Close()
	if _, err := Open(kvs, Options{EpochDuration: 2 * time.Hour}); err == nil || !strings.Contains(err.Error(), "--epoch 1h0m0s") {
		t.Fatalf("reopen with another epoch: %v", err)
	}
	s, err = Open(kvs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sel, _ := selector.Parse(`{k8s.job.name="a"}`)
	r, err := s.Latest(context.Background(), Query{Instance: "default", Selector: sel, Limit: 10, Start: 0, End: t0.Add(time.Hour).UnixNano()})
	if err != nil || len(r.Entries) != 1 || r.Entries[0].Body != "kept" {
		t.Fatalf("after reopen: %+v %v", r, err)
	}
	// instances never mix
	r, err = s.Latest(context.Background(), Query{Instance: "other", Limit: 10, Start: 0, End: t0.Add(time.Hour).UnixNano()})
	if err != nil || len(r.Entries) != 0 {
		t.Fatalf("other instance sees %d entries, %v", len(r.Entries), err)
	}
}

func TestLabelsAndRetention(t *testing.T) {
	s := openTestStore(t, t.TempDir(), Options{})
	recs := []rec{
		{job: "a", pod: "p1", ts: t0.UnixNano(), sev: 9, body: "x"},
		{job: "b", pod: "p2", ts: t0.Add(2 * time.Hour).UnixNano(), sev: 9, body: "y"},
	}
	if _, err := s.Write("default", makeLogs(recs)); err != nil {
		t.Fatal(err)
	}
	names, err := s.LabelNames("default", t0.UnixNano(), t0.Add(3*time.Hour).UnixNano())
	if err != nil || strings.Join(names, ",") != "k8s.job.name,k8s.pod.name,service.name" {
		t.Fatalf("names = %v, %v", names, err)
	}
	vals, err := s.LabelValues("default", "k8s.job.name", nil, t0.UnixNano(), t0.Add(3*time.Hour).UnixNano())
	if err != nil || strings.Join(vals, ",") != "a,b" {
		t.Fatalf("values = %v, %v", vals, err)
	}
	vals, _ = s.LabelValues("default", "k8s.job.name", nil, t0.Add(90*time.Minute).UnixNano(), t0.Add(3*time.Hour).UnixNano())
	if strings.Join(vals, ",") != "b" {
		t.Fatalf("values in the later range = %v", vals)
	}
	for q, want := range map[string]string{
		`{k8s.pod.name="p1"}`:      "a",
		`{k8s.pod.name!="p1"}`:     "b",
		`{service.name=~"svc-.*"}`: "a,b",
		`{k8s.pod.name="none"}`:    "",
	} {
		sel, err := selector.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := s.LabelValues("default", "k8s.job.name", sel, t0.UnixNano(), t0.Add(3*time.Hour).UnixNano())
		if err != nil || strings.Join(vals, ",") != want {
			t.Fatalf("values for %s = %v, %v; want %q", q, vals, err, want)
		}
	}
	dr, err := s.DropBefore(t0.Add(90 * time.Minute).UnixNano())
	if err != nil || dr.Epochs != 1 {
		t.Fatalf("DropBefore = %+v, %v", dr, err)
	}
	r, err := s.Latest(context.Background(), Query{Instance: "default", Limit: 10, Start: 0, End: t0.Add(3 * time.Hour).UnixNano()})
	if err != nil || len(r.Entries) != 1 || r.Entries[0].Body != "y" {
		t.Fatalf("after retention: %+v, %v", r, err)
	}
	names, _ = s.LabelNames("default", 0, t0.Add(time.Hour).UnixNano())
	if len(names) != 0 {
		t.Fatalf("dropped epoch still has names %v", names)
	}
}

// writeRandomRecs writes n records of random pods (of pods), jobs, times
// over 150 minutes and severities, in writes of per, and returns them.
func writeRandomRecs(t *testing.T, s *Store, seed int64, n, pods, per int) []rec {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	var recs []rec
	for i := 0; i < n; i++ {
		recs = append(recs, rec{
			job:  fmt.Sprintf("job-%d", rng.Intn(3)),
			pod:  fmt.Sprintf("pod-%d", rng.Intn(pods)),
			ts:   t0.Add(time.Duration(rng.Int63n(int64(150 * time.Minute)))).UnixNano(),
			sev:  int32(1 + rng.Intn(24)),
			body: fmt.Sprintf("request %d took %dms", i, rng.Intn(100)),
		})
	}
	for i := 0; i < len(recs); i += per {
		if _, err := s.Write("default", makeLogs(recs[i:min(i+per, len(recs))])); err != nil {
			t.Fatal(err)
		}
	}
	return recs
}

// TestManyResources exercises the activity walk (more resources than a
// direct merge opens) against the brute-force model.
func TestManyResources(t *testing.T) {
	s := openTestStore(t, t.TempDir(), Options{})
	recs := writeRandomRecs(t, s, 1, 3000, 900, 500)
	checkQueries(t, s, recs, 13, 100, 5000)
}

// countingHook counts the records of one write and writes the count in
// Finish, into the same batch.
type countingHook struct {
	n      int
	closed *int
}

func (h *countingHook) Record(rc *RecordContext) { h.n++ }
func (h *countingHook) Finish(b RecordBatch) error {
	return b.Set([]byte{TableMeta, 'n'}, []byte(fmt.Sprint(h.n)))
}
func (h *countingHook) Close() { *h.closed++ }

func TestWriteHookSeesAcceptedRecordsOnce(t *testing.T) {
	closed := 0
	s := openTestStore(t, t.TempDir(), Options{NewWriteHook: func() WriteHook { return &countingHook{closed: &closed} }})
	recs := []rec{
		{job: "a", pod: "p", ts: t0.UnixNano(), sev: 17, body: "x"},
		{job: "b", pod: "p", ts: t0.UnixNano() + 1, sev: 9, body: "y"},
		{job: "a", pod: "p", ts: t0.Add(100 * time.Hour).UnixNano(), sev: 9, body: "rejected: in the future"},
	}
	res, err := s.Write("default", makeLogs(recs))
	if err != nil || res.Accepted != 2 {
		t.Fatalf("Write = %+v, %v", res, err)
	}
	v, err := s.KV().Get([]byte{TableMeta, 'n'})
	if err != nil || string(v) != "2" {
		t.Fatalf("hook counted %q, %v; want the 2 accepted records", v, err)
	}
	if closed != 1 {
		t.Fatalf("hook closed %d times, want 1", closed)
	}
}

// mergingHook merges the number of records of a write into one counter,
// as the error rollup does.
type mergingHook struct{ n int }

func (h *mergingHook) Record(rc *RecordContext) { h.n++ }
func (h *mergingHook) Finish(b RecordBatch) error {
	return b.Merge([]byte("zcount"), []byte(strconv.Itoa(h.n)))
}
func (h *mergingHook) Close() {}

// TestRetriedExportCountsOnce sends the same export again, as an exporter
// does after losing an acknowledgement, later by the server's clock: the
// merged counter counts it once, and its record without a timestamp
// (stored at the server's time) is stored once.
func TestRetriedExportCountsOnce(t *testing.T) {
	mergers := Mergers()
	mergers['z'] = func(_, older, newer []byte) ([]byte, error) {
		a, _ := strconv.Atoi(string(older))
		b, _ := strconv.Atoi(string(newer))
		return []byte(strconv.Itoa(a + b)), nil
	}
	kvs, err := pebblekv.Open(t.TempDir(), &pebblekv.Options{Merger: kv.MergerByTable(mergers)})
	if err != nil {
		t.Fatal(err)
	}
	defer kvs.Close()
	now := t0.Add(3 * time.Hour)
	s, err := Open(kvs, Options{Now: func() time.Time { return now }, NewWriteHook: func() WriteHook { return &mergingHook{} }})
	if err != nil {
		t.Fatal(err)
	}
	ld := makeLogs([]rec{{job: "a", pod: "p", ts: now.Add(-time.Minute).UnixNano(), sev: 17, body: "boom"}})
	lr := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty()
	lr.Body().SetStr("no timestamp")
	for i := 0; i < 3; i++ {
		if res, err := s.Write("default", ld); err != nil || res.Accepted != 2 {
			t.Fatalf("write %d = %+v, %v", i, res, err)
		}
		now = now.Add(time.Second)
	}
	v, err := kvs.Get([]byte("zcount"))
	if err != nil || string(v) != "2" {
		t.Fatalf("counter = %q, %v after the same export 3 times; want 2", v, err)
	}
	r, err := s.Latest(context.Background(), Query{Instance: "default", Limit: 100, Start: t0.UnixNano(), End: now.UnixNano()})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Entries) != 2 {
		t.Fatalf("%d entries after the same export 3 times, want 2", len(r.Entries))
	}
	// Another instance sending the same bytes is another export.
	if _, err := s.Write("other", ld); err != nil {
		t.Fatal(err)
	}
	if v, _ := kvs.Get([]byte("zcount")); string(v) != "4" {
		t.Fatalf("counter = %q after the same bytes from another instance; want 4", v)
	}
}
