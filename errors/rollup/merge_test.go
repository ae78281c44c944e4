package rollup

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/errors/fingerprint"
)

// TestMergedGroups checks the second level end to end: statements whose
// templates differ in a word that takes three values are one group in
// top errors, with their counts summed, under the key talus errors
// fingerprint prints for them; /errors/KEY answers that group, and
// /logs?fingerprint=KEY returns the records of all its members. Two
// statements that differ by a word taking two values stay apart.
func TestMergedGroups(t *testing.T) {
	now := base.Add(time.Hour)
	s := openStore(t, now, 0)
	bodies := map[string]int{
		"syslogd startup failed": 5,
		"klogd startup failed":   3,
		"crond startup failed":   2,
		"Link is up":             4,
		"Link is down":           6,
	}
	ld := plog.NewLogs()
	for _, svc := range []string{"edge", "core"} {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", svc)
		sl := rl.ScopeLogs().AppendEmpty()
		i := 0
		for body, n := range bodies {
			for range n {
				i++
				lr := sl.LogRecords().AppendEmpty()
				lr.SetTimestamp(pcommon.Timestamp(base.Add(time.Duration(i) * time.Minute).UnixNano()))
				lr.SetSeverityNumber(plog.SeverityNumberError)
				lr.Body().SetStr(body)
			}
		}
	}
	s.write(t, ld)

	// What the CLI prints for these lines is the key top errors shows.
	var f fingerprint.Fingerprinter
	var stmts []fingerprint.Statement
	for _, b := range []string{"syslogd startup failed", "klogd startup failed", "crond startup failed", "Link is up", "Link is down"} {
		fp := f.Message(b)
		stmts = append(stmts, fingerprint.Statement{Fingerprint: fp, Rule: fingerprint.RuleMessage, Template: string(f.Template())})
	}
	merged := fingerprint.Merge(stmts)
	startupKey := merged[0].Fingerprint.String()

	r := api.ErrorsRequest{Start: base.UnixNano(), End: now.UnixNano()}
	top := s.top(t, r)
	counts := map[string]uint64{}
	for _, g := range top {
		counts[g.Template] = g.Count
		if g.Template == "<*> startup failed" && g.Fingerprint != startupKey {
			t.Errorf("merged group key %s, the CLI's %s", g.Fingerprint, startupKey)
		}
	}
	want := map[string]uint64{"<*> startup failed": 20, "Link is down": 12, "Link is up": 8}
	if len(top) != 3 || counts["<*> startup failed"] != 20 || counts["Link is down"] != 12 || counts["Link is up"] != 8 {
		t.Fatalf("top errors %v, want %v", counts, want)
	}

	g, err := s.backend.Group(context.Background(), startupKey, api.ErrorsRequest{Instance: "default", Start: r.Start, End: r.End})
	if err != nil || g == nil || g.Count != 20 || !slices.Equal(g.Services, []string{"core", "edge"}) {
		t.Fatalf("group %s: %+v, %v", startupKey, g, err)
	}
	var trendSum uint64
	for _, p := range g.Trend {
		trendSum += p.Count
	}
	if trendSum != 20 {
		t.Errorf("trend sums to %d, want 20", trendSum)
	}
	// A member's own key still answers its own errors.
	own, err := s.backend.Group(context.Background(), stmts[0].Fingerprint.String(), api.ErrorsRequest{Instance: "default", Start: r.Start, End: r.End})
	if err != nil || own == nil || own.Count != 10 {
		t.Fatalf("member %s: %+v, %v", stmts[0].Fingerprint, own, err)
	}

	srv := httptest.NewServer(api.NewServer(s.store, api.ServerOptions{Errors: s.backend, Now: func() time.Time { return now }}))
	defer srv.Close()
	logs := func(fp string) map[string]int {
		t.Helper()
		q := url.Values{"fingerprint": {fp}, "limit": {"1000"},
			"start": {strconv.FormatInt(r.Start, 10)}, "end": {strconv.FormatInt(r.End, 10)}}
		resp, err := http.Get(srv.URL + "/api/v1/logs?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out api.LogsResponse
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
			t.Fatalf("logs fingerprint=%s: %s", fp, resp.Status)
		}
		n := map[string]int{}
		for _, l := range out.Logs {
			var body string
			if err := json.Unmarshal(l.Body, &body); err != nil {
				t.Fatalf("body %s: %v", l.Body, err)
			}
			n[body]++
		}
		return n
	}
	if got := logs(startupKey); len(got) != 3 || got["syslogd startup failed"] != 10 || got["crond startup failed"] != 4 {
		t.Errorf("logs of the merged group: %v", got)
	}
	if got := logs(stmts[1].Fingerprint.String()); len(got) != 1 || got["klogd startup failed"] != 6 {
		t.Errorf("logs of one member: %v", got)
	}
	if got := logs(stmts[3].Fingerprint.String()); len(got) != 1 || got["Link is up"] != 8 {
		t.Errorf("logs of Link is up: %v", got)
	}
}
