package rollup

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/storage"
)

// base is the start of the generated data: an epoch (hour) boundary.
var base = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// testStore is a store on real Pebble in a temporary directory, with the
// error hook and the errors backend.
type testStore struct {
	kv      *pebblekv.Store
	store   *storage.Store
	backend *Backend
}

func openStore(t testing.TB, now time.Time, retention time.Duration) *testStore {
	return openStoreCache(t, now, retention, 0)
}

// openStoreCache is openStore with a block cache of cacheSize bytes (0: the
// pebblekv default).
func openStoreCache(t testing.TB, now time.Time, retention time.Duration, cacheSize int64) *testStore {
	t.Helper()
	kvs, err := pebblekv.Open(t.TempDir(), &pebblekv.Options{Merger: kv.MergerByTable(allMergers()), CacheSize: cacheSize})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kvs.Close() })
	st, err := storage.Open(kvs, storage.Options{
		EpochDuration: time.Hour,
		Retention:     retention,
		Now:           func() time.Time { return now },
		OnRecord:      NewRecorder().Hook,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &testStore{kv: kvs, store: st, backend: NewBackend(st)}
}

func allMergers() map[byte]kv.Merger {
	m := storage.Mergers()
	for t, f := range Mergers() {
		m[t] = f
	}
	return m
}

func (s *testStore) write(t testing.TB, batches ...plog.Logs) {
	t.Helper()
	for _, b := range batches {
		res, err := s.store.Write("default", b)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected != 0 {
			t.Fatalf("%d records rejected: %s", res.Rejected, res.RejectReason)
		}
	}
}

func (s *testStore) top(t testing.TB, r api.ErrorsRequest) []api.ErrorGroup {
	t.Helper()
	if r.Instance == "" {
		r.Instance = "default"
	}
	if r.Limit == 0 {
		r.Limit = 1000
	}
	g, err := s.backend.Top(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// genRecord is one generated record with its ground truth.
type genRecord struct {
	service string // "" = the resource has no service.name
	ts      int64
	kind    int // error kind, or -1 for a non-error record
	body    string
	excMsg  string
	trace   [16]byte
}

// errorKind describes records that must share one fingerprint, distinct
// from every other kind's.
type errorKind struct {
	severity     plog.SeverityNumber
	severityText string
	override     string // error.fingerprint
	excType      string
	excMsg       string // %d is replaced by a variable number
	stack        string // %d is replaced by line numbers
	body         string // %d is replaced by a variable number
	codeFunction string
	lang         string
}

var kinds = []errorKind{
	{severity: 17, override: "billing-outage", body: "billing backend down (attempt %d)"},
	{severity: 21, override: "disk-full", body: "no space left on device /data/%d"},
	{severity: 17, excType: "app.QuotaExceeded", excMsg: "quota exceeded for tenant %d", body: "request failed"},
	{severity: 17, excType: "app.StaleRead", excMsg: "stale read at version %d", body: "request failed"},
	{severity: 9, excType: "app.SoftFailure", excMsg: "soft failure in shard %d", body: "continuing"},
	{severity: 17, body: "payment authorization declined for order %d", codeFunction: "payments.Authorize"},
	{severity: 18, body: "inventory reservation expired for sku %d", codeFunction: "inventory.Reserve"},
	{severity: 0, severityText: "Critical", body: "replica lag exceeded on shard %d", codeFunction: "replication.Watch"},
	{severity: 17, excType: "java.lang.IllegalStateException", excMsg: "pool exhausted after %d waits",
		stack: "java.lang.IllegalStateException: pool exhausted\n\tat com.acme.db.Pool.acquire(Pool.java:%d)\n\tat com.acme.orders.OrderService.place(OrderService.java:%d)\n\tat java.base/java.lang.Thread.run(Thread.java:833)",
		lang:  "java", body: "unhandled exception"},
}

var genServices = []string{"checkout", "cart", "payments", ""}

// generate makes n records over [base, base+span), about errRate errors,
// in random time order, deterministic for seed.
func generate(seed int64, n int, span time.Duration, errRate float64) []genRecord {
	rng := rand.New(rand.NewSource(seed))
	out := make([]genRecord, n)
	for i := range out {
		r := genRecord{
			service: genServices[rng.Intn(len(genServices))],
			ts:      base.UnixNano() + rng.Int63n(int64(span)),
			kind:    -1,
		}
		if rng.Intn(2) == 0 {
			rng.Read(r.trace[:])
		}
		if rng.Float64() < errRate {
			r.kind = rng.Intn(len(kinds))
			k := kinds[r.kind]
			v := rng.Intn(100000)
			if k.body != "" {
				r.body = fmt.Sprintf(k.body, v)
			}
			if k.excMsg != "" {
				r.excMsg = fmt.Sprintf(k.excMsg, v)
			}
		} else {
			r.body = fmt.Sprintf("GET /api/orders/%d 200 %dms", rng.Intn(1e6), rng.Intn(900))
		}
		out[i] = r
	}
	return out
}

// toLogs packs records into one request, one ResourceLogs per run of the
// same service.
func toLogs(recs []genRecord) plog.Logs {
	ld := plog.NewLogs()
	var sl plog.ScopeLogs
	prev := "\x00"
	for i, r := range recs {
		if r.service != prev {
			rl := ld.ResourceLogs().AppendEmpty()
			a := rl.Resource().Attributes()
			if r.service != "" {
				a.PutStr("service.name", r.service)
			}
			a.PutStr("k8s.pod.name", r.service+"-pod-1")
			a.PutStr("telemetry.sdk.language", "java")
			sl = rl.ScopeLogs().AppendEmpty()
			prev = r.service
		}
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.Timestamp(r.ts))
		if r.trace != [16]byte{} {
			lr.SetTraceID(r.trace)
		}
		lr.Body().SetStr(r.body)
		if r.kind < 0 {
			lr.SetSeverityNumber(plog.SeverityNumber(9 + i%5))
			if i%7 == 0 {
				// No severity number, a non-error text: not an error.
				lr.SetSeverityNumber(0)
				lr.SetSeverityText("Warning")
			}
			lr.Attributes().PutStr("code.function", "http.serve")
			continue
		}
		k := kinds[r.kind]
		lr.SetSeverityNumber(k.severity)
		lr.SetSeverityText(k.severityText)
		a := lr.Attributes()
		if k.override != "" {
			a.PutStr("error.fingerprint", k.override)
		}
		if k.excType != "" {
			a.PutStr("exception.type", k.excType)
		}
		if r.excMsg != "" {
			a.PutStr("exception.message", r.excMsg)
		}
		if k.stack != "" {
			a.PutStr("exception.stacktrace", fmt.Sprintf(k.stack, 10+i%300, 20+i%50))
		}
		if k.codeFunction != "" {
			a.PutStr("code.function.name", k.codeFunction)
		}
	}
	return ld
}

// batches splits recs into requests of the given sizes (cycled).
func batches(recs []genRecord, sizes ...int) []plog.Logs {
	var out []plog.Logs
	for i, j := 0, 0; i < len(recs); j++ {
		n := min(sizes[j%len(sizes)], len(recs)-i)
		out = append(out, toLogs(recs[i:i+n]))
		i += n
	}
	return out
}

// kindFingerprints computes each kind's fingerprint from a hand-built
// fingerprint.Record (independent of the hook's conversion) and fails the
// test if two kinds share one.
func kindFingerprints(t testing.TB) []string {
	t.Helper()
	out := make([]string, len(kinds))
	seen := map[string]int{}
	for i, k := range kinds {
		r := fingerprint.Record{SeverityNumber: int32(k.severity), Fingerprint: k.override, ExceptionType: k.excType,
			CodeFunction: k.codeFunction, SDKLanguage: "java"}
		if k.body != "" {
			r.Body = fmt.Sprintf(k.body, 4242)
		}
		if k.excMsg != "" {
			r.ExceptionMessage = fmt.Sprintf(k.excMsg, 4242)
		}
		if k.stack != "" {
			r.ExceptionStacktrace = fmt.Sprintf(k.stack, 10, 20)
		}
		out[i] = fingerprint.Compute(&r).String()
		if j, dup := seen[out[i]]; dup {
			t.Fatalf("error kinds %d and %d share fingerprint %s: the generator needs distinct kinds", j, i, out[i])
		}
		seen[out[i]] = i
	}
	return out
}

// truth is the expected group of one kind over a range.
type truth struct {
	count       uint64
	first, last int64
	services    map[string]bool
	minutes     map[int64]uint64 // minute start → count
	sample      genRecord
}

// groundTruth sums recs per kind over [start, end] at minute resolution, as
// the counters do: a record counts when its minute overlaps the range.
func groundTruth(recs []genRecord, start, end int64, service func(string) bool) map[int]*truth {
	out := map[int]*truth{}
	for _, r := range recs {
		if r.kind < 0 || (service != nil && !service(r.service)) {
			continue
		}
		ms := r.ts - r.ts%int64(time.Minute)
		if ms+int64(time.Minute) <= start || ms > end {
			continue
		}
		tr := out[r.kind]
		if tr == nil {
			tr = &truth{first: r.ts, last: r.ts, services: map[string]bool{}, minutes: map[int64]uint64{}, sample: r}
			out[r.kind] = tr
		}
		tr.count++
		tr.first, tr.last = min(tr.first, r.ts), max(tr.last, r.ts)
		tr.services[r.service] = true
		tr.minutes[ms]++
		if r.ts < tr.sample.ts {
			tr.sample = r
		}
	}
	return out
}

func sortedServices(m map[string]bool) []string {
	var out []string
	for s := range m {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
