package rollup

import (
	"context"
	"encoding/json"
	"errors"
	"go.opentelemetry.io/collector/pdata/plog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage"
	"github.com/talus-logs/talus/storage/selector"
)

// checkAgainstTruth compares groups with the ground truth of recs over
// [start, end] with the given step.
func checkAgainstTruth(t *testing.T, groups []api.ErrorGroup, recs []genRecord, start, end int64, step time.Duration, service func(string) bool) {
	t.Helper()
	fps := kindFingerprints(t)
	want := groundTruth(recs, start, end, service)
	aligned := start%int64(time.Hour) == 0 && (end+1)%int64(time.Hour) == 0
	if len(groups) != len(want) {
		t.Fatalf("%d groups, want %d", len(groups), len(want))
	}
	for i, g := range groups {
		if i > 0 && groups[i-1].Count < g.Count {
			t.Errorf("groups not sorted by count: %d before %d", groups[i-1].Count, g.Count)
		}
		kind := slices.Index(fps, g.Fingerprint)
		tr := want[kind]
		if kind < 0 || tr == nil {
			t.Errorf("unexpected group %s (%d errors, message %q)", g.Fingerprint, g.Count, g.Message)
			continue
		}
		if g.Count != tr.count {
			t.Errorf("kind %d: count %d, want %d", kind, g.Count, tr.count)
		}
		// First and last seen are exact when the range holds whole epochs,
		// else exact to the minute, within the range.
		first, _ := strconv.ParseInt(g.FirstSeenUnixNano, 10, 64)
		last, _ := strconv.ParseInt(g.LastSeenUnixNano, 10, 64)
		if aligned {
			if first != tr.first || last != tr.last {
				t.Errorf("kind %d: seen %d..%d, want %d..%d", kind, first, last, tr.first, tr.last)
			}
		} else {
			m := int64(time.Minute)
			if first < max(start, tr.first-tr.first%m) || first > max(start, tr.first) || last > min(end, tr.last-tr.last%m+m-1) || last < min(end, tr.last) {
				t.Errorf("kind %d: seen %d..%d, want within the minutes of %d..%d", kind, first, last, tr.first, tr.last)
			}
		}
		if got, w := g.Services, sortedServices(tr.services); !sameSet(got, w) {
			t.Errorf("kind %d: services %v, want %v", kind, got, w)
		}
		// Trend: zero-filled, consecutive by step, summing to the count,
		// and equal to the ground truth bucketed the same way.
		origin := start - ((start%int64(step))+int64(step))%int64(step)
		wantPoints := int((end-origin)/int64(step)) + 1
		if len(g.Trend) != wantPoints {
			t.Fatalf("kind %d: %d trend points, want %d", kind, len(g.Trend), wantPoints)
		}
		wantTrend := make([]uint64, wantPoints)
		for ms, c := range tr.minutes {
			wantTrend[(ms-origin)/int64(step)] += c
		}
		var sum uint64
		for j, p := range g.Trend {
			if p.TimeUnixNano != strconv.FormatInt(origin+int64(j)*int64(step), 10) {
				t.Fatalf("kind %d: point %d at %s, want %d", kind, j, p.TimeUnixNano, origin+int64(j)*int64(step))
			}
			if p.Count != wantTrend[j] {
				t.Errorf("kind %d: point %d count %d, want %d", kind, j, p.Count, wantTrend[j])
			}
			sum += p.Count
		}
		if sum != g.Count {
			t.Errorf("kind %d: trend sums to %d, count %d", kind, sum, g.Count)
		}
		if aligned {
			wantMsg := tr.sample.excMsg
			if wantMsg == "" {
				wantMsg = tr.sample.body
			}
			if g.Message != wantMsg {
				t.Errorf("kind %d: sample message %q, want the first error's %q", kind, g.Message, wantMsg)
			}
		}
		if g.Template == "" {
			t.Errorf("kind %d: empty template", kind)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestCountsMatchGroundTruth(t *testing.T) {
	recs := generate(1, 20000, 3*time.Hour, 0.05)
	s := openStore(t, base.Add(4*time.Hour), 0)
	s.write(t, batches(recs, 500)...)
	start, end := base.UnixNano(), base.Add(3*time.Hour).UnixNano()-1
	groups := s.top(t, api.ErrorsRequest{Start: start, End: end, Step: 5 * time.Minute})
	checkAgainstTruth(t, groups, recs, start, end, 5*time.Minute, nil)
	var total uint64
	for _, g := range groups {
		total += g.Count
	}
	if total < 900 || total > 1100 {
		t.Errorf("%d errors in 20000 records; the generator should make about 5%%", total)
	}

	// Limit keeps the largest groups.
	top3 := s.top(t, api.ErrorsRequest{Start: start, End: end, Step: 5 * time.Minute, Limit: 3})
	if !reflect.DeepEqual(top3, groups[:3]) {
		t.Errorf("limit 3 gave %v, want the first 3 of %v", names(top3), names(groups))
	}

	// A range that cuts epochs and minutes: counts, trends and first/last
	// follow the range at minute resolution.
	cutStart, cutEnd := base.Add(37*time.Minute+17*time.Second).UnixNano(), base.Add(2*time.Hour+3*time.Minute).UnixNano()
	cut := s.top(t, api.ErrorsRequest{Start: cutStart, End: cutEnd, Step: 10 * time.Minute})
	checkAgainstTruth(t, cut, recs, cutStart, cutEnd, 10*time.Minute, nil)

	// Group answers one fingerprint like Top does.
	for _, g := range cut[:2] {
		one, err := s.backend.Group(context.Background(), g.Fingerprint, api.ErrorsRequest{Instance: "default", Start: cutStart, End: cutEnd, Step: 10 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*one, g) {
			t.Errorf("Group(%s) = %+v, want %+v", g.Fingerprint, *one, g)
		}
	}
	if g, err := s.backend.Group(context.Background(), "v1:0123456789abcdef", api.ErrorsRequest{Instance: "default", Start: start, End: end}); err != nil || g != nil {
		t.Errorf("unknown fingerprint: %v, %v; want nil, nil", g, err)
	}
	if _, err := s.backend.Group(context.Background(), "nope", api.ErrorsRequest{Instance: "default", Start: start, End: end}); !errors.Is(err, storage.ErrBadQuery) {
		t.Errorf("malformed fingerprint: %v, want ErrBadQuery", err)
	}
	// Another instance sees nothing.
	if g := s.top(t, api.ErrorsRequest{Instance: "other", Start: start, End: end}); len(g) != 0 {
		t.Errorf("instance other: %d groups", len(g))
	}
}

func names(gs []api.ErrorGroup) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Fingerprint+":"+strconv.FormatUint(g.Count, 10))
	}
	return out
}

// TestBatchingInvariance writes the same records in one batch, in batches
// of one record, in uneven batches, and split over two stores whose counters
// are then merged, and expects identical answers.
func TestBatchingInvariance(t *testing.T) {
	recs := generate(2, 4000, 2*time.Hour, 0.08)
	now := base.Add(3 * time.Hour)
	start, end := base.UnixNano(), base.Add(2*time.Hour).UnixNano()-1
	req := api.ErrorsRequest{Start: start, End: end, Step: time.Minute}

	one := openStore(t, now, 0)
	one.write(t, toLogs(recs))
	want := one.top(t, req)
	checkAgainstTruth(t, want, recs, start, end, time.Minute, nil)

	single := openStore(t, now, 0)
	single.write(t, batches(recs, 1)...)
	uneven := openStore(t, now, 0)
	uneven.write(t, batches(recs, 7, 300, 1, 64, 999)...)
	// Four concurrent writers: the hook runs from concurrent writes.
	concurrent := openStore(t, now, 0)
	parts := batches(recs, 100)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(parts); i += 4 {
				if _, err := concurrent.store.Write("default", parts[i]); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for name, s := range map[string]*testStore{"batches of 1": single, "uneven batches": uneven, "concurrent writers": concurrent} {
		if got := s.top(t, req); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: answers differ from one batch:\n got %s\nwant %s", name, js(got), js(want))
		}
	}

	// Two stores, each with half of the batches, then B's counters merged
	// into A: as if two ranges had counted them.
	a, b := openStore(t, now, 0), openStore(t, now, 0)
	for i, l := range batches(recs, 250) {
		if i%2 == 0 {
			a.write(t, l)
		} else {
			b.write(t, l)
		}
	}
	if got := a.top(t, req); reflect.DeepEqual(got, want) {
		t.Fatal("half of the records gave the full answer; the test cannot tell merges apart")
	}
	mergeErrorsTable(t, b.kv, a.kv)
	if got := a.top(t, req); !reflect.DeepEqual(got, want) {
		t.Errorf("two stores merged: answers differ from one batch:\n got %s\nwant %s", js(got), js(want))
	}
}

// mergeErrorsTable merges every counter of from into to.
func mergeErrorsTable(t *testing.T, from, to kv.Store) {
	t.Helper()
	it, err := from.NewIter(&kv.IterOptions{LowerBound: []byte{storage.TableErrors}, UpperBound: []byte{storage.TableErrors + 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	bt := to.NewBatch()
	defer bt.Close()
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if err := bt.Merge(it.Key(), it.Value()); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no counters to merge")
	}
	if err := bt.Commit(true); err != nil {
		t.Fatal(err)
	}
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSelectorNarrowsByService(t *testing.T) {
	recs := generate(3, 6000, 2*time.Hour, 0.06)
	s := openStore(t, base.Add(3*time.Hour), 0)
	s.write(t, batches(recs, 400)...)
	start, end := base.UnixNano(), base.Add(2*time.Hour).UnixNano()-1
	f := func(sel string, keep func(string) bool) {
		t.Helper()
		q, err := selector.Parse(sel)
		if err != nil {
			t.Fatal(err)
		}
		groups := s.top(t, api.ErrorsRequest{Selector: q, Start: start, End: end, Step: 15 * time.Minute})
		checkAgainstTruth(t, groups, recs, start, end, 15*time.Minute, keep)
	}
	f(`{service.name="cart"}`, func(s string) bool { return s == "cart" })
	f(`{service.name=~"cart|payments"}`, func(s string) bool { return s == "cart" || s == "payments" })
	f(`{service.name!="cart"}`, func(s string) bool { return s != "cart" })
	f(`{service.name=""}`, func(s string) bool { return s == "" })
	f(`{service.name="nope"}`, func(string) bool { return false })
	f(`{}`, nil)
}

// TestOtherSelectorsReadTheRecords: a selector the counters cannot narrow
// (another resource attribute, a line or severity filter) is answered from
// the stored records, and gives what the counters give for the same errors:
// the same counts, first and last seen, services, trend and sample, for
// ranges of whole epochs and for ranges that cut minutes and epochs.
func TestOtherSelectorsReadTheRecords(t *testing.T) {
	recs := generate(3, 6000, 2*time.Hour, 0.06)
	s := openStore(t, base.Add(3*time.Hour), 0)
	s.write(t, batches(recs, 400)...)
	top := func(sel string, start, end int64) []api.ErrorGroup {
		t.Helper()
		q, err := selector.Parse(sel)
		if err != nil {
			t.Fatal(err)
		}
		return s.top(t, api.ErrorsRequest{Selector: q, Start: start, End: end, Step: 15 * time.Minute})
	}
	only := func(groups []api.ErrorGroup, keep func(api.ErrorGroup) bool) []api.ErrorGroup {
		var out []api.ErrorGroup
		for _, g := range groups {
			if keep(g) {
				out = append(out, g)
			}
		}
		return out
	}
	severityOf := map[string]plog.SeverityNumber{}
	for i, fp := range kindFingerprints(t) {
		severityOf[fp] = kinds[i].severity
	}
	for _, r := range [][2]int64{
		{base.UnixNano(), base.Add(2*time.Hour).UnixNano() - 1},                                                     // whole epochs
		{base.Add(17*time.Minute + 13*time.Second).UnixNano(), base.Add(95*time.Minute + 7*time.Second).UnixNano()}, // cut
	} {
		start, end := r[0], r[1]
		counters := map[string][]api.ErrorGroup{
			"all":  top(`{}`, start, end),
			"cart": top(`{service.name="cart"}`, start, end),
			"two":  top(`{service.name=~"cart|payments"}`, start, end),
		}
		for sel, want := range map[string][]api.ErrorGroup{
			`{k8s.pod.name=~".+"}`:                      counters["all"],
			`{k8s.pod.name="cart-pod-1"}`:               counters["cart"],
			`{k8s.pod.name=~"(cart|payments)-pod-1"}`:   counters["two"],
			`{service.name="cart", k8s.pod.name=~".*"}`: counters["cart"],
			`{k8s.pod.name="nope"}`:                     nil,
			`{} |= "payment authorization"`:             only(counters["all"], func(g api.ErrorGroup) bool { return strings.Contains(g.Message, "payment authorization") }),
			`{service.name="cart"} | severity > 17`:     only(counters["cart"], func(g api.ErrorGroup) bool { return severityOf[g.Fingerprint] > 17 }),
		} {
			got := top(sel, start, end)
			if len(got) == 0 && len(want) == 0 {
				continue
			}
			if whole := r == [2]int64{base.UnixNano(), base.Add(2*time.Hour).UnixNano() - 1}; whole {
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s over whole epochs: from the records\n%+v\nfrom the counters\n%+v", sel, got, want)
				}
				continue
			}
			// A range that cuts minutes: the counters know first and last
			// seen to the minute there, and their sample is the first error
			// of an epoch, which may lie outside the range; the records
			// know both exactly.
			if len(got) != len(want) {
				t.Fatalf("%s: %d groups from the records, %d from the counters", sel, len(got), len(want))
			}
			for i := range got {
				g, w := got[i], want[i]
				gf, gl, wf, wl := mustNano(t, g.FirstSeenUnixNano), mustNano(t, g.LastSeenUnixNano), mustNano(t, w.FirstSeenUnixNano), mustNano(t, w.LastSeenUnixNano)
				m := int64(time.Minute)
				if gf < wf || gf-gf%m != wf-wf%m || gl > wl || gl-gl%m != wl-wl%m || gf < start || gl > end {
					t.Errorf("%s: %s seen %d..%d from the records, %d..%d from the counters", sel, g.Fingerprint, gf, gl, wf, wl)
				}
				if g.Template != w.Template || g.ExceptionType != w.ExceptionType || g.Message == "" {
					t.Errorf("%s: %s sample %q/%q, counters %q/%q", sel, g.Fingerprint, g.ExceptionType, g.Template, w.ExceptionType, w.Template)
				}
				g.FirstSeenUnixNano, g.LastSeenUnixNano, g.Message, g.SampleTraceID = w.FirstSeenUnixNano, w.LastSeenUnixNano, w.Message, w.SampleTraceID
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s: from the records\n%+v\nfrom the counters\n%+v", sel, g, w)
				}
			}
		}
		if len(counters["cart"]) == 0 || len(only(counters["cart"], func(g api.ErrorGroup) bool { return severityOf[g.Fingerprint] > 17 })) == 0 {
			t.Fatalf("the workload lacks the errors the test compares")
		}
		checkAgainstTruth(t, top(`{k8s.pod.name="cart-pod-1"}`, start, end), recs, start, end, 15*time.Minute, func(s string) bool { return s == "cart" })
	}
}

func TestRetentionDropsCounters(t *testing.T) {
	recs := generate(4, 3000, 5*time.Hour, 0.1)
	now := base.Add(6 * time.Hour)
	s := openStore(t, now, 0)
	s.write(t, batches(recs, 300)...)
	countKeys := func(from, to time.Time) int {
		lo := storage.AppendEpochPrefix(nil, storage.TableErrors, "default", to.UnixNano())
		hi := kv.PrefixEnd(storage.AppendEpochPrefix(nil, storage.TableErrors, "default", from.UnixNano()))
		it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: lo, UpperBound: hi})
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		n := 0
		for ok := it.First(); ok; ok = it.Next() {
			n++
		}
		return n
	}
	if countKeys(base, base.Add(2*time.Hour)) == 0 || countKeys(base.Add(3*time.Hour), base.Add(4*time.Hour)) == 0 {
		t.Fatal("no counters written")
	}
	res, err := s.store.DropBefore(base.Add(3 * time.Hour).UnixNano())
	if err != nil {
		t.Fatal(err)
	}
	if res.Epochs != 3 {
		t.Fatalf("dropped %d epochs, want 3", res.Epochs)
	}
	if n := countKeys(base, base.Add(2*time.Hour)); n != 0 {
		t.Errorf("%d counters left in dropped epochs", n)
	}
	if g := s.top(t, api.ErrorsRequest{Start: base.UnixNano(), End: base.Add(3*time.Hour).UnixNano() - 1}); len(g) != 0 {
		t.Errorf("top over dropped epochs: %d groups", len(g))
	}
	start, end := base.Add(3*time.Hour).UnixNano(), base.Add(5*time.Hour).UnixNano()-1
	checkAgainstTruth(t, s.top(t, api.ErrorsRequest{Start: start, End: end, Step: 10 * time.Minute}), recs, start, end, 10*time.Minute, nil)
}

func TestNonErrorsWriteNothing(t *testing.T) {
	recs := generate(5, 500, time.Hour, 0)
	s := openStore(t, base.Add(2*time.Hour), 0)
	s.write(t, toLogs(recs))
	it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: []byte{storage.TableErrors}, UpperBound: []byte{storage.TableErrors + 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	if it.First() {
		t.Errorf("counter %x written for non-error records", it.Key())
	}
}

func TestStepValidation(t *testing.T) {
	s := openStore(t, base.Add(time.Hour), 0)
	for _, r := range []api.ErrorsRequest{
		{Start: 0, End: int64(30 * 24 * time.Hour), Step: time.Minute}, // 43200 points
		{Start: 0, End: int64(time.Hour), Step: 90 * time.Second},
	} {
		r.Instance = "default"
		if _, err := s.backend.Top(context.Background(), r); !errors.Is(err, storage.ErrBadQuery) {
			t.Errorf("step %s over %s: %v, want ErrBadQuery", r.Step, time.Duration(r.End-r.Start), err)
		}
	}
	f := func(span, want time.Duration) {
		t.Helper()
		if got := DefaultStep(0, int64(span)); got != want {
			t.Errorf("DefaultStep over %s = %s, want %s", span, got, want)
		}
	}
	f(time.Hour, time.Minute)
	f(6*time.Hour, 5*time.Minute)
	f(24*time.Hour, 15*time.Minute)
	f(7*24*time.Hour, 2*time.Hour)
}

func mustNano(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
