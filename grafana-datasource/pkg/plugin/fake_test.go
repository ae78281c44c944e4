package plugin

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
)

// fakeTalus serves the query API's JSON shapes (api/types.go) from the
// golden API files in testdata/api, filtering the logs by time range,
// equality matchers, |= filters and fingerprint and paging them with
// cursors, like the real server. It records the requests it saw.
type fakeTalus struct {
	t   *testing.T
	srv *httptest.Server

	mu sync.Mutex
	// logs is the data set, any order; guarded by mu.
	logs []api.LogEntry
	// errors is the errors/top answer before filtering.
	errors []api.ErrorGroup
	// maxPage caps the limit of one logs page, to exercise cursors (0: none).
	maxPage int
	// status, when not 0, is the answer of every request, with body
	// {"error": statusMsg}.
	status    int
	statusMsg string
	// labelsStatus, when not 0, is the status of /api/v1/labels only.
	labelsStatus int
	// requests are the paths with queries, in order.
	requests []*http.Request
}

func newFakeTalus(t *testing.T) *fakeTalus {
	t.Helper()
	f := &fakeTalus{t: t}
	var lr api.LogsResponse
	readJSON(t, "testdata/api/logs.json", &lr)
	var er api.ErrorsTopResponse
	readJSON(t, "testdata/api/errors_top.json", &er)
	f.logs, f.errors = lr.Logs, er.Errors
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func (f *fakeTalus) add(es ...api.LogEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, es...)
}

// fail makes every later request answer status with {"error": msg}.
func (f *fakeTalus) fail(status int, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.statusMsg = status, msg
}

func (f *fakeTalus) seen() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

// lastRequest is the last request whose path starts with prefix.
func (f *fakeTalus) lastRequest(prefix string) *http.Request {
	f.t.Helper()
	rs := f.seen()
	for i := len(rs) - 1; i >= 0; i-- {
		if strings.HasPrefix(rs[i].URL.Path, prefix) {
			return rs[i]
		}
	}
	f.t.Fatalf("no request to %s; saw %d requests", prefix, len(rs))
	return nil
}

func (f *fakeTalus) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Clone(r.Context()))
	if f.status != 0 {
		writeJSON(w, f.status, api.ErrorResponse{Error: f.statusMsg, Status: f.status})
		return
	}
	q := r.URL.Query()
	start, end, ok := fakeRange(q)
	if !ok {
		writeJSON(w, 400, api.ErrorResponse{Error: "bad start or end", Status: 400})
		return
	}
	switch p := r.URL.Path; {
	case p == "/readyz":
		w.WriteHeader(http.StatusOK)
	case p == "/api/v1/logs":
		f.serveLogs(w, q, start, end)
	case p == "/api/v1/logs/volume":
		f.serveVolume(w, q, start, end)
	case p == "/api/v1/labels" && f.labelsStatus != 0:
		writeJSON(w, f.labelsStatus, api.ErrorResponse{Error: "X-Talus-Instance header: bad instance", Status: f.labelsStatus})
	case p == "/api/v1/labels":
		b, _ := os.ReadFile("testdata/api/labels.json")
		w.Write(b)
	case strings.HasPrefix(p, "/api/v1/label/") && strings.HasSuffix(p, "/values"):
		name := strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/label/"), "/values")
		b, err := os.ReadFile("testdata/api/label_values_" + filepath.Base(name) + ".json")
		if err != nil {
			writeJSON(w, 200, api.LabelsResponse{Data: []string{}})
			return
		}
		w.Write(b)
	case p == "/api/v1/errors/top":
		var out []api.ErrorGroup
		svc := matchers(q.Get("query"))["service.name"]
		for _, g := range f.errors {
			if svc == "" || contains(g.Services, svc) {
				out = append(out, g)
			}
		}
		if n, _ := strconv.Atoi(q.Get("limit")); n > 0 && len(out) > n {
			out = out[:n]
		}
		writeJSON(w, 200, api.ErrorsTopResponse{Errors: out})
	case strings.HasPrefix(p, "/api/v1/errors/"):
		fp := strings.TrimPrefix(p, "/api/v1/errors/")
		for _, g := range f.errors {
			if g.Fingerprint == fp {
				writeJSON(w, 200, g)
				return
			}
		}
		writeJSON(w, 404, api.ErrorResponse{Error: "no error group " + fp, Status: 404})
	default:
		writeJSON(w, 404, api.ErrorResponse{Error: "not found", Status: 404})
	}
}

func (f *fakeTalus) serveLogs(w http.ResponseWriter, q map[string][]string, start, end int64) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	rows := f.matching(q, start, end)
	sortEntriesNewestFirst(rows)
	limit, _ := strconv.Atoi(get("limit"))
	if limit <= 0 {
		limit = 100
	}
	if f.maxPage > 0 && limit > f.maxPage {
		limit = f.maxPage
	}
	off, _ := strconv.Atoi(get("cursor"))
	if off > len(rows) {
		off = len(rows)
	}
	rows = rows[off:]
	var resp api.LogsResponse
	if len(rows) > limit {
		resp.NextCursor = strconv.Itoa(off + limit)
		rows = rows[:limit]
	}
	resp.Logs = rows
	if resp.Logs == nil {
		resp.Logs = []api.LogEntry{}
	}
	writeJSON(w, 200, resp)
}

// serveVolume counts the matching entries per level and step bucket, as
// GET /api/v1/logs/volume does.
func (f *fakeTalus) serveVolume(w http.ResponseWriter, q map[string][]string, start, end int64) {
	step := time.Minute
	if v := q["step"]; len(v) > 0 {
		d, err := time.ParseDuration(v[0])
		if err != nil {
			writeJSON(w, 400, api.ErrorResponse{Error: "bad step", Status: 400})
			return
		}
		step = d
	}
	n := int((end-start)/int64(step)) + 1
	counts := map[string][]uint64{}
	for _, e := range f.matching(q, start, end) {
		ns, _ := strconv.ParseInt(e.TimeUnixNano, 10, 64)
		lvl := api.LevelOf(e.SeverityNumber, e.SeverityText)
		if counts[lvl] == nil {
			counts[lvl] = make([]uint64, n)
		}
		counts[lvl][int((ns-start)/int64(step))]++
	}
	out := api.VolumeResponse{StepSeconds: step.Seconds(), Complete: true, Series: []api.VolumeSeries{}}
	for _, lvl := range []string{"fatal", "error", "warn", "info", "debug", "trace", "unknown"} {
		c, ok := counts[lvl]
		if !ok {
			continue
		}
		vs := api.VolumeSeries{Level: lvl}
		for i, n := range c {
			vs.Points = append(vs.Points, api.TrendPoint{TimeUnixNano: strconv.FormatInt(start+int64(i)*int64(step), 10), Count: n})
		}
		out.Series = append(out.Series, vs)
	}
	writeJSON(w, 200, out)
}

// matching returns the fake's entries in [start, end] that the query's
// equality matchers and |= filters and the fingerprint accept.
func (f *fakeTalus) matching(q map[string][]string, start, end int64) []api.LogEntry {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	query := get("query")
	ms := matchers(query)
	var lineFilters []string
	for _, m := range lineFilterRE.FindAllStringSubmatch(query, -1) {
		lineFilters = append(lineFilters, m[1])
	}
	var rows []api.LogEntry
	for _, e := range f.logs {
		ns, _ := strconv.ParseInt(e.TimeUnixNano, 10, 64)
		if ns < start || ns > end {
			continue
		}
		if fp := get("fingerprint"); fp != "" && e.Fingerprint != fp {
			continue
		}
		match := true
		for k, v := range ms {
			if e.Resource[k] != v {
				match = false
			}
		}
		for _, lf := range lineFilters {
			if !strings.Contains(bodyText(e.Body), lf) {
				match = false
			}
		}
		if match {
			rows = append(rows, e)
		}
	}
	return rows
}

var (
	matcherRE    = regexp.MustCompile(`([A-Za-z0-9_.]+)\s*=\s*"((?:[^"\\]|\\.)*)"`)
	lineFilterRE = regexp.MustCompile(`\|=\s*"((?:[^"\\]|\\.)*)"`)
)

// matchers reads the equality matchers of the selector part of query.
func matchers(query string) map[string]string {
	out := map[string]string{}
	open, close := strings.Index(query, "{"), strings.Index(query, "}")
	if open < 0 || close < open {
		return out
	}
	for _, m := range matcherRE.FindAllStringSubmatch(query[open:close], -1) {
		out[m[1]] = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
	}
	return out
}

func fakeRange(q map[string][]string) (start, end int64, ok bool) {
	start, end = 0, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	if v := q["start"]; len(v) > 0 {
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil {
			return 0, 0, false
		}
		start = n
	}
	if v := q["end"]; len(v) > 0 {
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil {
			return 0, 0, false
		}
		end = n
	}
	return start, end, true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sortEntriesNewestFirst orders entries as the API does: time descending, ties by id.
func sortEntriesNewestFirst(es []api.LogEntry) {
	sort.SliceStable(es, func(i, j int) bool {
		ti, _ := parseUnixNano(es[i].TimeUnixNano)
		tj, _ := parseUnixNano(es[j].TimeUnixNano)
		if ti != tj {
			return ti > tj
		}
		return es[i].ID > es[j].ID
	})
}
