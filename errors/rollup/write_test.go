package rollup

import (
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/api"
)

// TestWriteEqualsHook writes the same requests through the per-record hook
// (storage.Write) and through Write (one operand per counter per request,
// committed straight into the KV) and expects the same answers, with far
// fewer operands.
func TestWriteEqualsHook(t *testing.T) {
	recs := generate(8, 6000, 2*time.Hour, 0.1)
	now := base.Add(3 * time.Hour)
	start, end := base.UnixNano(), base.Add(2*time.Hour).UnixNano()-1
	req := api.ErrorsRequest{Start: start, End: end, Step: 5 * time.Minute}
	reqs := batches(recs, 500, 37, 1)

	hooked := openStore(t, now, 0)
	hooked.write(t, reqs...)
	want := hooked.top(t, req)

	pre := openStore(t, now, 0) // its hook stays unused: counters go in below
	rec := NewRecorder()
	merges := 0
	for _, ld := range reqs {
		// Shuffle the records' order within the request, so that trends
		// arrive out of order too.
		rcs := recordContexts([]plog.Logs{ld})
		for i := range rcs {
			j := (i * 7919) % len(rcs)
			rcs[i], rcs[j] = rcs[j], rcs[i]
		}
		w := rec.NewWrite()
		for i := range rcs {
			w.Record(&rcs[i])
		}
		b := pre.kv.NewBatch()
		cb := &countingBatch{RecordBatch: b}
		if err := w.Flush(cb); err != nil {
			t.Fatal(err)
		}
		w.Close()
		merges += cb.merges
		if err := b.Commit(false); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	checkAgainstTruth(t, want, recs, start, end, 5*time.Minute, nil)
	if got := pre.top(t, req); !reflect.DeepEqual(got, want) {
		t.Errorf("pre-aggregated answers differ from the hook's:\n got %s\nwant %s", js(got), js(want))
	}
	// One operand per counter per request: count the distinct (epoch,
	// kind, service) of each request's errors.
	wantMerges := 0
	sizes := []int{500, 37, 1}
	for i, j := 0, 0; i < len(recs); j++ {
		n := min(sizes[j%len(sizes)], len(recs)-i)
		type ck struct {
			epoch   int64
			kind    int
			service string
		}
		seen := map[ck]bool{}
		for _, r := range recs[i : i+n] {
			if r.kind >= 0 {
				seen[ck{r.ts - r.ts%int64(time.Hour), r.kind, r.service}] = true
			}
		}
		wantMerges += len(seen)
		i += n
	}
	if merges != wantMerges {
		t.Errorf("%d operands, want one per counter per request: %d", merges, wantMerges)
	}
}

type countingBatch struct {
	RecordBatch interface {
		Set(k, v []byte) error
		Merge(k, v []byte) error
	}
	merges int
}

func (c *countingBatch) Set(k, v []byte) error { return c.RecordBatch.Set(k, v) }
func (c *countingBatch) Merge(k, v []byte) error {
	c.merges++
	return c.RecordBatch.Merge(k, v)
}
