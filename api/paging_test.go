package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// TestPagingWithoutStartKeepsTheFirstPagesRange: a client pages with
// next_cursor alone (no start, no end, as the README's curl example does)
// while the clock moves on. The default start (end − 1 h) would move with
// it and drop the oldest entries of the first page's hour; the cursor
// carries the first page's start instead.
func TestPagingWithoutStartKeepsTheFirstPagesRange(t *testing.T) {
	kvs, err := pebblekv.Open(t.TempDir(), &pebblekv.Options{Merger: kv.MergerByTable(storage.Mergers())})
	if err != nil {
		t.Fatal(err)
	}
	defer kvs.Close()
	clock := time.Now().Truncate(time.Second)
	nowFn := func() time.Time { return clock }
	store, err := storage.Open(kvs, storage.Options{Now: nowFn})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.NewServer(store, api.ServerOptions{Now: nowFn}))
	defer hs.Close()

	// 60 records, one a minute over the last hour.
	const n = 60
	ld := plog.NewLogs()
	recs := ld.ResourceLogs().AppendEmpty()
	recs.Resource().Attributes().PutStr("service.name", "pager")
	lrs := recs.ScopeLogs().AppendEmpty().LogRecords()
	for i := range n {
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(clock.Add(-time.Duration(i)*time.Minute - time.Second)))
		lr.Body().SetStr(fmt.Sprintf("minute %d", i))
	}
	if res, err := store.Write("default", ld); err != nil || res.Rejected != 0 {
		t.Fatalf("write: %v %+v", err, res)
	}

	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < n; page++ {
		v := url.Values{"query": {"{}"}, "limit": {"10"}}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		resp, err := http.Get(hs.URL + "/api/v1/logs?" + v.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var out api.LogsResponse
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: status %d, %v", page, resp.StatusCode, err)
		}
		for _, l := range out.Logs {
			seen[fmt.Sprint(l.Body)] = true
		}
		if cursor = out.NextCursor; cursor == "" {
			break
		}
		clock = clock.Add(10 * time.Minute) // the reader is slow
	}
	if len(seen) != n {
		t.Errorf("paged through %d of the %d entries of the first page's hour", len(seen), n)
	}
}

// TestWrongMethodIs405: an endpoint asked for with another method answers
// 405 with Allow, not 404 (the catch-all takes every method).
func TestWrongMethodIs405(t *testing.T) {
	hs := httptest.NewServer(api.NewServer(nil, api.ServerOptions{}))
	defer hs.Close()
	for path, allow := range map[string]string{
		"/api/v1/logs": "GET", "/api/v1/errors/top": "GET", "/api/v1/label/a/values": "GET", "/api/v1/admin/compact": "POST",
	} {
		method := http.MethodPost
		if allow == "POST" {
			method = http.MethodGet
		}
		req, _ := http.NewRequest(method, hs.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != allow {
			t.Errorf("%s %s: %d, Allow %q; want 405, Allow %s", method, path, resp.StatusCode, resp.Header.Get("Allow"), allow)
		}
	}
	resp, err := http.Post(hs.URL+"/api/v1/nope", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /api/v1/nope: %d, want 404", resp.StatusCode)
	}
}
