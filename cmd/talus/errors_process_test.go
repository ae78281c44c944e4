package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/api"
)

// TestServerCountsErrorsExactly sends error records of three templates over
// several requests to a talus server process, some of them twice as an
// exporter retrying after a lost acknowledgement does, and checks
// /api/v1/errors/top against the counts sent, including after a restart.
func TestServerCountsErrorsExactly(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	want := map[string]int{"disk full on /dev/sd%d": 0, "user %d not found": 0, "timeout after %dms": 0}
	templates := []string{"disk full on /dev/sd%d", "user %d not found", "timeout after %dms"}
	base := time.Now().Add(-10 * time.Minute)
	n := 0
	for req := 0; req < 5; req++ {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", fmt.Sprintf("svc-%d", req%2))
		recs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for i := 0; i < 40+req; i++ {
			tmpl := templates[(i*7+req)%3]
			lr := recs.AppendEmpty()
			lr.SetTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(n) * time.Millisecond)))
			lr.SetSeverityNumber(plog.SeverityNumberError)
			lr.Body().SetStr(fmt.Sprintf(tmpl, 1000+n))
			want[tmpl]++
			n++
		}
		// a non-error record is not counted
		info := recs.AppendEmpty()
		info.SetTimestamp(pcommon.NewTimestampFromTime(base))
		info.SetSeverityNumber(plog.SeverityNumberInfo)
		info.Body().SetStr("all good")
		if !s.sendHTTP(ld) {
			t.Fatalf("request %d not acknowledged:\n%s", req, s.output())
		}
		if req%2 == 0 && !s.sendHTTP(ld) { // sent again, as after a lost acknowledgement
			t.Fatalf("request %d sent again not acknowledged:\n%s", req, s.output())
		}
	}
	check := func(apiURL string) {
		t.Helper()
		res, err := api.NewClient(apiURL).ErrorsTop(context.Background(), api.ErrorsQuery{Start: base.Add(-time.Minute), End: time.Now(), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 3 {
			t.Fatalf("%d error groups, want 3: %+v", len(res.Errors), res.Errors)
		}
		total := uint64(0)
		for i, g := range res.Errors {
			total += g.Count
			if i > 0 && g.Count > res.Errors[i-1].Count {
				t.Fatalf("groups not sorted by count: %+v", res.Errors)
			}
			var sum uint64
			for _, p := range g.Trend {
				sum += p.Count
			}
			if sum != g.Count {
				t.Fatalf("%s: trend sums to %d, count %d", g.Fingerprint, sum, g.Count)
			}
		}
		var counts []uint64
		for _, g := range res.Errors {
			counts = append(counts, g.Count)
		}
		wantCounts := map[uint64]int{}
		for _, c := range want {
			wantCounts[uint64(c)]++
		}
		for _, c := range counts {
			wantCounts[c]--
		}
		for c, k := range wantCounts {
			if k != 0 {
				t.Fatalf("counts %v, want %v (count %d off by %d)", counts, want, c, k)
			}
		}
		if total != uint64(n) {
			t.Fatalf("total %d errors, sent %d", total, n)
		}
	}
	check(s.apiURL)
	s.stop()
	s = startServer(t, dir)
	check(s.apiURL)
	s.stop()
}
