package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/receiver"
	"github.com/talus-logs/talus/storage"
)

// t0 is the start of an epoch; the test clock stands at t0 + 2h.
var (
	t0  = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	now = t0.Add(2 * time.Hour)
)

// apiEnv is the query API over a real Pebble store, served on 127.0.0.1.
type apiEnv struct {
	t      *testing.T
	store  *storage.Store
	server *api.Server
	url    string
	client *api.Client
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	kvs, err := pebblekv.Open(t.TempDir(), &pebblekv.Options{Merger: kv.MergerByTable(storage.Mergers()), MemTableSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := kvs.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	store, err := storage.Open(kvs, storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(store, api.ServerOptions{Now: func() time.Time { return now }})
	hs := httptest.NewServer(srv) // listens on 127.0.0.1
	t.Cleanup(hs.Close)
	return &apiEnv{t: t, store: store, server: srv, url: hs.URL, client: api.NewClient(hs.URL)}
}

// rec is a generated record and the test's model of it.
type rec struct {
	job  string
	ts   time.Time
	sev  plog.SeverityNumber
	body string
}

// write stores recs in instance, one resource per job.
func (e *apiEnv) write(instance string, recs ...rec) {
	e.t.Helper()
	ld := plog.NewLogs()
	byJob := map[string]plog.LogRecordSlice{}
	for _, r := range recs {
		s, ok := byJob[r.job]
		if !ok {
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("k8s.job.name", r.job)
			rl.Resource().Attributes().PutStr("service.name", "svc-"+r.job)
			s = rl.ScopeLogs().AppendEmpty().LogRecords()
			byJob[r.job] = s
		}
		lr := s.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(r.ts))
		lr.SetSeverityNumber(r.sev)
		lr.Body().SetStr(r.body)
	}
	res, err := e.store.Write(instance, ld)
	if err != nil || res.Rejected != 0 {
		e.t.Fatalf("write: %v, %+v", err, res)
	}
}

// get fetches path and returns status and body; hdr holds name/value pairs.
func (e *apiEnv) get(path string, hdr ...string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 && ct != "application/json" && !strings.HasPrefix(path, "/readyz") {
		e.t.Errorf("GET %s: %d answered as %q, want application/json", path, resp.StatusCode, ct)
	}
	return resp.StatusCode, b
}

// logs calls the client over the whole test range.
func (e *apiEnv) logs(instance string, q api.LogsQuery) *api.LogsResponse {
	e.t.Helper()
	c := *e.client
	c.Instance = instance
	if q.Start.IsZero() {
		q.Start = t0.Add(-time.Hour)
	}
	if q.End.IsZero() {
		q.End = now
	}
	res, err := c.Logs(context.Background(), q)
	if err != nil {
		e.t.Fatalf("logs %q: %v", q.Query, err)
	}
	return res
}

func ctx() context.Context { return context.Background() }

func TestLogsJSONShape(t *testing.T) {
	e := newAPIEnv(t)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutInt("replica", 3)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("io.talus.test")
	sl.Scope().SetVersion("2.0")
	sl.Scope().Attributes().PutBool("scoped", true)
	ts := t0.Add(30*time.Minute + 123456789)
	lr := sl.LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(ts.Add(5)))
	lr.SetSeverityNumber(plog.SeverityNumberError2)
	lr.SetSeverityText("error2")
	body := lr.Body().SetEmptyMap()
	body.PutStr("msg", "payment failed")
	body.PutInt("code", 402)
	lr.Attributes().PutStr("user", "ann")
	lr.Attributes().PutDouble("amount", 12.5)
	lr.Attributes().PutEmptySlice("tags").AppendEmpty().SetStr("vip")
	lr.Attributes().PutEmptyBytes("raw").FromRaw([]byte{1, 2, 3})
	lr.SetTraceID(pcommon.TraceID{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0, 1, 2, 3, 4, 5, 6, 7})
	lr.SetSpanID(pcommon.SpanID{0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10})
	lr.SetFlags(plog.DefaultLogRecordFlags.WithIsSampled(true))
	lr.SetEventName("payment.failed")
	str := sl.LogRecords().AppendEmpty()
	str.SetTimestamp(pcommon.NewTimestampFromTime(ts.Add(-time.Second)))
	str.Body().SetStr("plain \"text\"")
	if _, err := e.store.Write("default", ld); err != nil {
		t.Fatal(err)
	}

	q := "/api/v1/logs?query=" + url.QueryEscape(`{service.name="checkout"}`) + "&start=" + strconv.FormatInt(t0.UnixNano(), 10)
	status, raw := e.get(q)
	if status != 200 {
		t.Fatalf("status %d: %s", status, raw)
	}
	var got struct {
		Logs []map[string]json.RawMessage `json:"logs"`
	}
	if err := json.Unmarshal(raw, &got); err != nil || len(got.Logs) != 2 {
		t.Fatalf("answer %s: %v", raw, err)
	}
	want := map[string]string{
		"time_unix_nano":          strconv.Quote(strconv.FormatInt(ts.UnixNano(), 10)),
		"observed_time_unix_nano": strconv.Quote(strconv.FormatInt(ts.UnixNano()+5, 10)),
		"severity_number":         "18",
		"severity_text":           `"error2"`,
		"body":                    `{"code":402,"msg":"payment failed"}`,
		"attributes":              `{"amount":12.5,"raw":"AQID","tags":["vip"],"user":"ann"}`,
		"resource":                `{"replica":3,"service.name":"checkout"}`,
		"scope":                   `{"name":"io.talus.test","version":"2.0","attributes":{"scoped":true}}`,
		"trace_id":                `"0123456789abcdef0001020304050607"`,
		"span_id":                 `"fedcba9876543210"`,
		"flags":                   "1",
		"event_name":              `"payment.failed"`,
	}
	first := got.Logs[0]
	for k, v := range want {
		if c := compactJSON(t, first[k]); c != v {
			t.Errorf("%s = %s, want %s", k, c, v)
		}
	}
	id := string(first["id"])
	if !regexp.MustCompile(`^"[0-9a-f]{40}"$`).MatchString(id) {
		t.Errorf("id %s is not 40 hex digits", id)
	}
	second := got.Logs[1]
	if c := compactJSON(t, second["body"]); c != `"plain \"text\""` {
		t.Errorf("string body = %s, want a JSON string", c)
	}
	for _, k := range []string{"trace_id", "span_id", "scope", "event_name", "flags", "fingerprint"} {
		if _, ok := second[k]; ok && k != "scope" {
			t.Errorf("%s present on a record without it", k)
		}
	}
	if c := compactJSON(t, second["attributes"]); c != "{}" {
		t.Errorf("attributes of a record without any = %s, want {}", c)
	}
	// The id is stable across queries.
	_, raw2 := e.get(q)
	if !bytes.Contains(raw2, []byte(id)) {
		t.Errorf("id %s changed between two queries", id)
	}
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	if b == nil {
		return "<missing>"
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return buf.String()
}

// manyRecords spreads n records over three jobs and two epochs, with
// groups of equal timestamps across resources.
func manyRecords(n int) []rec {
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{
			job:  fmt.Sprintf("job-%d", i%3),
			ts:   t0.Add(59*time.Minute + time.Duration(i/2)*time.Second),
			sev:  plog.SeverityNumber(1 + i%24),
			body: fmt.Sprintf("line %d", i),
		}
	}
	return recs
}

func TestLogsNewestFirstAndPaging(t *testing.T) {
	e := newAPIEnv(t)
	const n = 237
	recs := manyRecords(n)
	e.write("default", recs...)
	if e.store.EpochStart(recs[0].ts.UnixNano()) == e.store.EpochStart(recs[n-1].ts.UnixNano()) {
		t.Fatal("records should span two epochs")
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{"{}", n},
		{"", n},
		{`{k8s.job.name="job-1"}`, n / 3},
		{`{k8s.job.name=~"job-[02]"} |= "line 1"`, -1},
		{`{} | severity >= error`, -1},
	} {
		for _, limit := range []int{1, 10, 100, n, storage.MaxLimit} {
			if limit == 1 && c.want != n {
				continue
			}
			t.Run(fmt.Sprintf("%s/limit=%d", c.query, limit), func(t *testing.T) {
				seen := map[string]int{}
				var last api.LogEntry
				cursor := ""
				pages := 0
				for ; pages <= n+1; pages++ {
					res := e.logs("", api.LogsQuery{Query: c.query, Limit: limit, Cursor: cursor})
					if len(res.Logs) > limit {
						t.Fatalf("page of %d entries with limit %d", len(res.Logs), limit)
					}
					for _, l := range res.Logs {
						if last.TimeUnixNano != "" && mustInt(t, l.TimeUnixNano) > mustInt(t, last.TimeUnixNano) {
							t.Fatalf("%s (%s) after %s (%s): not newest first", l.Body, l.TimeUnixNano, last.Body, last.TimeUnixNano)
						}
						seen[string(l.Body)]++
						last = l
					}
					if res.NextCursor == "" {
						break
					}
					cursor = res.NextCursor
				}
				want := c.want
				if want < 0 {
					want = countMatching(recs, c.query)
				}
				total := 0
				for body, k := range seen {
					if k != 1 {
						t.Errorf("%s returned %d times", body, k)
					}
					total += k
				}
				if total != want {
					t.Errorf("visited %d entries in %d pages, want %d", total, pages+1, want)
				}
			})
		}
	}
}

// countMatching is the test's model of the two filter queries above.
func countMatching(recs []rec, query string) int {
	n := 0
	for _, r := range recs {
		switch {
		case strings.Contains(query, "line 1"):
			if r.job != "job-1" && strings.Contains(r.body, "line 1") {
				n++
			}
		case strings.Contains(query, "severity"):
			if r.sev >= plog.SeverityNumberError {
				n++
			}
		}
	}
	return n
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("time %q is not a decimal string: %v", s, err)
	}
	return n
}

func TestParseTime(t *testing.T) {
	f := func(in string, want int64) {
		t.Helper()
		got, err := api.ParseTime(in)
		if err != nil || got != want {
			t.Errorf("ParseTime(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	ns := t0.Add(123456789).UnixNano()
	f(strconv.FormatInt(ns, 10), ns)
	f("2026-11-24T10:00:00.123456789Z", ns)
	f("2026-11-24T11:00:00.123456789+01:00", ns)
	f("2026-11-24T10:00:00Z", t0.UnixNano())
	f(strconv.FormatInt(t0.Unix(), 10), t0.UnixNano())
	f(strconv.FormatInt(t0.UnixMilli(), 10), t0.UnixNano())
	f(strconv.FormatInt(t0.UnixMicro(), 10), t0.UnixNano())
	f(strconv.FormatInt(t0.Unix(), 10)+".5", t0.UnixNano()+5e8)
	f("0", 0)
	for _, bad := range []string{"", "yesterday", "2026-11-24", "2026-11-24 10:00:00", "NaN", "Inf", "1e400", "10:00"} {
		if got, err := api.ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) = %d, want an error", bad, got)
		}
	}
}

func TestTimeRange(t *testing.T) {
	e := newAPIEnv(t)
	recs := manyRecords(20) // one per half second from t0+55m
	e.write("default", recs...)
	from, to := recs[4].ts, recs[11].ts // inclusive: records 4..11 (timestamps t0+59m+2s..+5s)
	for _, c := range []struct{ start, end string }{
		{strconv.FormatInt(from.UnixNano(), 10), strconv.FormatInt(to.UnixNano(), 10)},
		{from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano)},
		{from.Format(time.RFC3339), to.Format(time.RFC3339)},
		{strconv.FormatInt(from.Unix(), 10), strconv.FormatInt(to.Unix(), 10)},
	} {
		status, raw := e.get("/api/v1/logs?start=" + url.QueryEscape(c.start) + "&end=" + url.QueryEscape(c.end))
		if status != 200 {
			t.Fatalf("start=%s end=%s: %d %s", c.start, c.end, status, raw)
		}
		var res api.LogsResponse
		if err := json.Unmarshal(raw, &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Logs) != 8 {
			t.Errorf("start=%s end=%s: %d entries, want 8 (bounds inclusive)", c.start, c.end, len(res.Logs))
		}
	}
	// Without start, the default range is the hour before end (now).
	if res := e.logs("", api.LogsQuery{Start: now.Add(-time.Hour), End: now}); len(res.Logs) != 0 {
		t.Errorf("%d entries in the last hour, want 0", len(res.Logs))
	}
	status, raw := e.get("/api/v1/logs?end=" + strconv.FormatInt(t0.Add(time.Hour).UnixNano(), 10))
	if status != 200 || !bytes.Contains(raw, []byte(`"line 19"`)) {
		t.Errorf("default start: %d %s", status, raw)
	}
}

func TestBadRequests(t *testing.T) {
	e := newAPIEnv(t)
	e.write("default", manyRecords(5)...)
	f := func(path string, wantStatus int, wantInMsg string, hdr ...string) {
		t.Helper()
		status, raw := e.get(path, hdr...)
		if status != wantStatus {
			t.Errorf("GET %s: %d %s, want %d", path, status, raw, wantStatus)
			return
		}
		var er api.ErrorResponse
		if err := json.Unmarshal(raw, &er); err != nil || er.Status != wantStatus || er.Error == "" {
			t.Errorf("GET %s: error body %s (%v)", path, raw, err)
		}
		if !strings.Contains(er.Error, wantInMsg) {
			t.Errorf("GET %s: message %q does not contain %q", path, er.Error, wantInMsg)
		}
	}
	q := func(s string) string { return "/api/v1/logs?query=" + url.QueryEscape(s) }
	f(q(`{service.name=}`), 400, "position 15")
	f(q(`{service.name="a"`), 400, "position")
	f(q(`{service.name=~"("}`), 400, "position")
	f(q(`{} |= `), 400, "position")
	f(q(`{} | severity >= loud`), 400, "position")
	f(q(strings.Repeat("x", 20000)), 400, "longer than")
	for _, l := range []string{"0", "-1", "abc", "1.5", "10001", "99999999999999999999"} {
		f("/api/v1/logs?limit="+l, 400, "limit")
	}
	for _, p := range []string{"start", "end"} {
		f("/api/v1/logs?"+p+"=yesterday", 400, p)
		f("/api/v1/labels?"+p+"=2026-13-01T00:00:00Z", 400, p)
		f("/api/v1/label/service.name/values?"+p+"=x", 400, p)
	}
	f("/api/v1/logs?start=2026-11-24T12:00:00Z&end=2026-11-24T11:00:00Z", 400, "after end")
	f("/api/v1/logs?cursor=not-a-cursor", 400, "cursor")
	f("/api/v1/logs?cursor=AQ", 400, "cursor")
	f("/api/v1/logs", 400, "instance", api.InstanceHeader, strings.Repeat("x", 65))
	f("/api/v1/labels", 400, "instance", api.InstanceHeader, "a\tb")
	f("/api/v1/nope", 404, "no such endpoint")
	f("/api/v1/label/%20/values", 400, "attribute name")

	// The client reports the server's message and status.
	_, err := e.client.Logs(ctx(), api.LogsQuery{Query: `{service.name=}`})
	var se *api.StatusError
	if !errors.As(err, &se) || se.StatusCode != 400 || !strings.Contains(se.Message, "position 15") {
		t.Errorf("client error %v, want a StatusError 400 naming the position", err)
	}
	// Nothing was harmed: the data is still all there.
	if res := e.logs("", api.LogsQuery{}); len(res.Logs) != 5 {
		t.Errorf("%d entries after the bad requests, want 5", len(res.Logs))
	}
}

func TestLabels(t *testing.T) {
	e := newAPIEnv(t)
	e.write("default", manyRecords(9)...)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("k8s.namespace.name", "late")
	rl.Resource().Attributes().PutInt("replica", 7)
	rl.Resource().Attributes().PutEmptyMap("nested").PutStr("x", "y")
	rl.Resource().Attributes().PutStr("team/name x", "payments?&#")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(90 * time.Minute)))
	lr.Body().SetStr("later")
	if _, err := e.store.Write("default", ld); err != nil {
		t.Fatal(err)
	}
	start, end := t0.Add(-time.Hour), now
	names, err := e.client.Labels(ctx(), start, end)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"k8s.job.name", "k8s.namespace.name", "replica", "service.name", "team/name x"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("labels %v, want %v (sorted; map values are not indexed)", names, want)
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("labels not sorted")
	}
	vals, err := e.client.LabelValues(ctx(), "k8s.job.name", start, end)
	if err != nil || fmt.Sprint(vals) != "[job-0 job-1 job-2]" {
		t.Errorf("values %v, %v", vals, err)
	}
	if vals, err := e.client.LabelValues(ctx(), "replica", start, end); err != nil || fmt.Sprint(vals) != "[7]" {
		t.Errorf("replica values %v, %v", vals, err)
	}
	// Only the epoch before t0+1h: the later resource is not in it.
	names, err = e.client.Labels(ctx(), t0, t0.Add(59*time.Minute+30*time.Second))
	if err != nil || fmt.Sprint(names) != "[k8s.job.name service.name]" {
		t.Errorf("labels of the first epoch %v, %v", names, err)
	}
	if vals, err := e.client.LabelValues(ctx(), "no.such", start, end); err != nil || vals == nil || len(vals) != 0 {
		t.Errorf("values of a missing name %#v, %v; want an empty list", vals, err)
	}
	// A name and value that need escaping in the path and the JSON.
	if vals, err := e.client.LabelValues(ctx(), "team/name x", start, end); err != nil || fmt.Sprint(vals) != "[payments?&#]" {
		t.Errorf("values of a name with a slash: %v, %v", vals, err)
	}
	status, raw := e.get("/api/v1/label/no.such/values")
	if status != 200 || compactJSON(t, raw) != `{"data":[]}` {
		t.Errorf("empty values answered %d %s, want {\"data\":[]}", status, raw)
	}
}

func TestHealthReadyAndMetrics(t *testing.T) {
	e := newAPIEnv(t)
	if status, body := e.get("/healthz"); status != 200 || string(body) != "ok\n" {
		t.Errorf("/healthz %d %q", status, body)
	}
	if err := e.client.Health(ctx()); err != nil {
		t.Errorf("ready: %v", err)
	}
	e.server.SetReady(false)
	var se *api.StatusError
	if err := e.client.Health(ctx()); !errors.As(err, &se) || se.StatusCode != 503 {
		t.Errorf("not ready: %v, want 503", err)
	}
	if status, _ := e.get("/healthz"); status != 200 {
		t.Errorf("/healthz %d while not ready: liveness must not depend on readiness", status)
	}
	e.server.SetReady(true)

	// Traffic: an OTLP export through the receiver and a query.
	recv := httptest.NewServer(receiver.New(e.store, receiver.Options{}).HTTPHandler())
	defer recv.Close()
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(now.Add(-time.Minute)))
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(recv.URL, "application/x-protobuf", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("export: %v %v", resp, err)
	}
	resp.Body.Close()
	if res := e.logs("", api.LogsQuery{}); len(res.Logs) != 1 {
		t.Fatalf("%d entries, want 1", len(res.Logs))
	}
	status, metrics := e.get("/metrics")
	if status != 200 {
		t.Fatalf("/metrics %d", status)
	}
	for _, m := range []string{
		`talus_ingest_records_total{result="accepted"}`,
		`talus_query_duration_seconds_count{endpoint="logs"}`,
		`talus_ingest_requests_total{code="200",transport="http"}`,
		"go_goroutines",
	} {
		if !bytes.Contains(metrics, []byte(m)) {
			t.Errorf("/metrics has no %s", m)
		}
	}
}

func TestErrorsEndpointsWithoutBackend(t *testing.T) {
	e := newAPIEnv(t)
	for _, p := range []string{"/api/v1/errors/top", "/api/v1/errors/abc123", "/api/v1/logs?fingerprint=abc123"} {
		status, raw := e.get(p)
		if status != http.StatusNotImplemented {
			t.Errorf("GET %s: %d %s, want 501", p, status, raw)
		}
	}
	var se *api.StatusError
	if _, err := e.client.ErrorsTop(ctx(), api.ErrorsQuery{}); !errors.As(err, &se) || se.StatusCode != 501 {
		t.Errorf("ErrorsTop: %v, want 501", err)
	}
	if _, err := e.client.Error(ctx(), "abc", api.ErrorsQuery{}); !errors.As(err, &se) || se.StatusCode != 501 {
		t.Errorf("Error: %v, want 501", err)
	}
}

func TestInstancesNeverMix(t *testing.T) {
	e := newAPIEnv(t)
	ts := t0.Add(10 * time.Minute)
	// The same resource and timestamps in three instances, bodies differ.
	for _, inst := range []string{"default", "team-a", "team-b"} {
		var recs []rec
		for i := 0; i < 7; i++ {
			recs = append(recs, rec{job: "shared", ts: ts.Add(time.Duration(i) * time.Second), sev: 9, body: inst + " " + strconv.Itoa(i)})
		}
		if inst == "team-b" {
			recs = append(recs, rec{job: "only-b", ts: ts, sev: 9, body: "team-b only"})
		}
		e.write(inst, recs...)
	}
	for _, inst := range []string{"", "default", "team-a", "team-b", "team-c"} {
		want := map[string]int{"": 7, "default": 7, "team-a": 7, "team-b": 8, "team-c": 0}[inst]
		prefix := inst
		if inst == "" {
			prefix = "default"
		}
		for _, q := range []string{"{}", `{k8s.job.name=~".+"}`, `{k8s.job.name="shared"}`} {
			res := e.logs(inst, api.LogsQuery{Query: q, Limit: 3})
			got := 0
			for cursor := ""; ; {
				for _, l := range res.Logs {
					got++
					if !strings.HasPrefix(string(l.Body), `"`+prefix) {
						t.Errorf("instance %q query %s returned %s of another instance", inst, q, l.Body)
					}
				}
				if cursor = res.NextCursor; cursor == "" || got > 20 {
					break
				}
				res = e.logs(inst, api.LogsQuery{Query: q, Limit: 3, Cursor: cursor})
			}
			want := want
			if q == `{k8s.job.name="shared"}` && inst == "team-b" {
				want = 7 // not team-b's only-b resource
			}
			if got != want {
				t.Errorf("instance %q query %s: %d entries, want %d", inst, q, got, want)
			}
		}
		c := *e.client
		c.Instance = inst
		vals, err := c.LabelValues(ctx(), "k8s.job.name", t0, now)
		if err != nil {
			t.Fatal(err)
		}
		if (inst == "team-b") != (fmt.Sprint(vals) == "[only-b shared]") {
			t.Errorf("instance %q job values %v", inst, vals)
		}
	}
	// A cursor from one instance does not reveal another's entries.
	a := e.logs("team-a", api.LogsQuery{Limit: 2})
	b := e.logs("team-b", api.LogsQuery{Limit: 50, Cursor: a.NextCursor})
	for _, l := range b.Logs {
		if !strings.HasPrefix(string(l.Body), `"team-b`) {
			t.Errorf("team-b with team-a's cursor returned %s", l.Body)
		}
	}
}

// TestNonFiniteNumbers: JSON has no NaN or infinities; such values (legal
// in OTLP doubles) must not break the answer.
func TestNonFiniteNumbers(t *testing.T) {
	e := newAPIEnv(t)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutDouble("res.nan", math.NaN())
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().Attributes().PutDouble("scope.inf", math.Inf(-1))
	lr := sl.LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	lr.Body().SetDouble(math.Inf(1))
	lr.Attributes().PutDouble("nan", math.NaN())
	lr.Attributes().PutEmptySlice("list").AppendEmpty().SetDouble(math.Inf(-1))
	if _, err := e.store.Write("default", ld); err != nil {
		t.Fatal(err)
	}
	status, raw := e.get("/api/v1/logs?start=" + strconv.FormatInt(t0.UnixNano(), 10))
	if status != 200 || !json.Valid(raw) {
		t.Fatalf("%d %s", status, raw)
	}
	var res api.LogsResponse
	if err := json.Unmarshal(raw, &res); err != nil || len(res.Logs) != 1 {
		t.Fatalf("%s: %v", raw, err)
	}
	l := res.Logs[0]
	if string(l.Body) != `"+Inf"` || fmt.Sprint(l.Attributes) != "map[list:[-Inf] nan:NaN]" || fmt.Sprint(l.Resource) != "map[res.nan:NaN]" {
		t.Errorf("non-finite values rendered as %s", raw)
	}
}

// TestClientRequests checks what the client puts on the wire, and how it
// reports answers that are not the server's JSON errors (a proxy's page).
func TestClientRequests(t *testing.T) {
	reqs := make(chan *http.Request, 1) // the request the fake server saw last
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-reqs:
		default:
		}
		reqs <- r
		switch r.URL.Path {
		case "/api/v1/logs":
			_, _ = w.Write([]byte(`{"logs":[],"next_cursor":"c2"}`))
		case "/api/v1/errors/top":
			_, _ = w.Write([]byte(`{"errors":[]}`))
		case "/readyz":
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
		default:
			_, _ = w.Write([]byte(`{not json`))
		}
	}))
	defer srv.Close()
	c := api.NewClient(srv.URL + "/")
	c.Instance, c.Token = "team-a", "s3cret"
	start, end := t0, t0.Add(time.Hour)
	res, err := c.Logs(ctx(), api.LogsQuery{Query: `{a="b"}`, Start: start, End: end, Limit: 7, Cursor: "c1", Fingerprint: "fp"})
	if err != nil || res.NextCursor != "c2" {
		t.Fatalf("Logs: %+v, %v", res, err)
	}
	last := <-reqs
	q := last.URL.Query()
	for k, v := range map[string]string{"query": `{a="b"}`, "start": strconv.FormatInt(start.UnixNano(), 10),
		"end": strconv.FormatInt(end.UnixNano(), 10), "limit": "7", "cursor": "c1", "fingerprint": "fp"} {
		if q.Get(k) != v {
			t.Errorf("%s=%q, want %q", k, q.Get(k), v)
		}
	}
	if last.URL.Path != "/api/v1/logs" || last.Header.Get(api.InstanceHeader) != "team-a" || last.Header.Get("Authorization") != "Bearer s3cret" {
		t.Errorf("request %s with headers %v", last.URL, last.Header)
	}
	if _, err := c.ErrorsTop(ctx(), api.ErrorsQuery{Step: 5 * time.Minute, Limit: 3}); err != nil {
		t.Fatal(err)
	}
	last = <-reqs
	if q := last.URL.Query(); q.Get("step") != "5m0s" || q.Get("limit") != "3" || q.Has("query") || q.Has("start") {
		t.Errorf("errors/top query %s", last.URL.RawQuery)
	}
	var se *api.StatusError
	if err := c.Health(ctx()); !errors.As(err, &se) || se.StatusCode != 502 || se.Message != "<html>bad gateway</html>" {
		t.Errorf("Health: %v, want a StatusError 502 with the proxy's text", err)
	}
	if _, err := c.Labels(ctx(), start, end); err == nil || !strings.Contains(err.Error(), "decode") {
		t.Errorf("Labels on a non-JSON answer: %v, want a decode error", err)
	}
}

// A severity number in a query is compared as a number, a level word as
// its range: "> 9" used to skip 10 to 12 (9 is INFO's first number) while
// "> 10" kept 11 and 12.
func TestSeverityFilterNumbersAndWords(t *testing.T) {
	e := newAPIEnv(t)
	var recs []rec
	for i, sev := range []plog.SeverityNumber{5, 9, 10, 12, 13, 16, 17} {
		recs = append(recs, rec{job: "sev", ts: t0.Add(time.Duration(i) * time.Second), sev: sev, body: fmt.Sprintf("sev %d", sev)})
	}
	e.write("default", recs...)
	for query, want := range map[string]string{
		`{} | severity > 9`:     "[17 16 13 12 10]",
		`{} | severity = 9`:     "[9]",
		`{} | severity <= 9`:    "[9 5]",
		`{} | severity != 12`:   "[17 16 13 10 9 5]",
		`{} | severity > info`:  "[17 16 13]",
		`{} | severity = info`:  "[12 10 9]",
		`{} | severity <= info`: "[12 10 9 5]",
		`{} | severity = warn`:  "[16 13]",
	} {
		var got []int32
		for _, l := range e.logs("", api.LogsQuery{Query: query, Limit: 100}).Logs {
			got = append(got, l.SeverityNumber)
		}
		if fmt.Sprint(got) != want {
			t.Errorf("%s: severities %v, want %s", query, got, want)
		}
	}
}
