//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/talus-logs/talus/api"
)

// workload is a set of distinct log records with everything needed to check
// them after a round trip: record seq i belongs to resource i%len(resources).
type workload struct {
	// run is unique per workload and is a resource attribute of every record
	// (e2e.run), so a selector can pick exactly this workload's records.
	run       string
	resources []resourceSpec
	records   []recordSpec
}

type resourceSpec struct {
	serviceName, jobName string
	attempt              int64
}

type recordSpec struct {
	seq            int
	resource       int
	timestamp      int64 // Unix ns; 0 means "unset", as filelog sends
	observed       int64 // Unix ns
	severityNumber int32
	severityText   string
	body           any // string, or map[string]any for a structured body
	traceID        pcommon.TraceID
	spanID         pcommon.SpanID
	flags          uint32
}

var severities = []struct {
	number int32
	text   string
}{{5, "DEBUG"}, {9, "INFO"}, {13, "WARN"}, {17, "ERROR"}}

const (
	scopeName    = "talus/e2e"
	scopeVersion = "1.0.0"
	namespace    = "talus-e2e"
)

// newWorkload makes n records over nResources resources. With zeroTimestamp
// false, timestamps are distinct and spread evenly over [from, to); with it
// true, Timestamp is 0 and ObservedTimestamp is distinct in [from, to).
func newWorkload(n, nResources int, from, to time.Time, zeroTimestamp bool) *workload {
	var rb [4]byte
	_, _ = rand.Read(rb[:])
	w := &workload{run: hex.EncodeToString(rb[:])}
	for r := range nResources {
		w.resources = append(w.resources, resourceSpec{
			serviceName: fmt.Sprintf("svc-%d-%s", r%3, w.run),
			jobName:     fmt.Sprintf("job-%d-%s", r, w.run),
			attempt:     int64(r + 1),
		})
	}
	step := to.Sub(from) / time.Duration(n)
	if step <= 0 {
		panic("newWorkload: time range too small for n records")
	}
	for i := range n {
		at := from.Add(time.Duration(i) * step).UnixNano()
		sev := severities[i%len(severities)]
		rec := recordSpec{
			seq:            i,
			resource:       i % nResources,
			timestamp:      at,
			observed:       at + int64(time.Millisecond),
			severityNumber: sev.number,
			severityText:   sev.text,
			// Quotes, a newline, a backslash and non-ASCII must survive JSON both ways.
			body:  fmt.Sprintf("record %d of run %s: \"quoted\" ✓ line\nsecond line \\ end", i, w.run),
			flags: 1,
		}
		copy(rec.traceID[:4], rb[:])
		binary.BigEndian.PutUint64(rec.traceID[8:], uint64(i)+1)
		binary.BigEndian.PutUint64(rec.spanID[:], uint64(i)+1)
		if i%10 == 3 {
			rec.body = map[string]any{"msg": fmt.Sprintf("structured record %d", i), "seq": int64(i), "ok": i%4 == 3}
		}
		if zeroTimestamp {
			rec.timestamp = 0
			rec.observed = at
		}
		w.records = append(w.records, rec)
	}
	return w
}

// effectiveTime is the time Talus must order and filter a record by: its
// timestamp, or its observed time when the timestamp is unset.
func (r recordSpec) effectiveTime() int64 {
	if r.timestamp == 0 {
		return r.observed
	}
	return r.timestamp
}

func (r recordSpec) attributes() map[string]any {
	return map[string]any{
		"seq":              int64(r.seq),
		"http.route":       fmt.Sprintf("/api/items/%d", r.seq%17),
		"http.status_code": int64(200 + (r.seq%4)*100),
		"retry":            r.seq%2 == 0,
		"latency_ms":       float64(r.seq) + 0.25,
		"tags":             []any{"e2e", fmt.Sprintf("mod5-%d", r.seq%5)},
	}
}

func (w *workload) resourceAttributes(r int) map[string]any {
	spec := w.resources[r]
	return map[string]any{
		"service.name":       spec.serviceName,
		"k8s.job.name":       spec.jobName,
		"k8s.namespace.name": namespace,
		"k8s.job.attempt":    spec.attempt,
		"e2e.run":            w.run,
	}
}

// selector matches every record of the workload.
func (w *workload) selector() string { return fmt.Sprintf(`{e2e.run=%q}`, w.run) }

// batches returns the records as OTLP payloads of at most size records each,
// grouped by resource, in seq order.
func (w *workload) batches(size int) []plog.Logs {
	var out []plog.Logs
	for lo := 0; lo < len(w.records); lo += size {
		hi := min(lo+size, len(w.records))
		ld := plog.NewLogs()
		byResource := map[int]plog.LogRecordSlice{}
		for _, rec := range w.records[lo:hi] {
			recs, ok := byResource[rec.resource]
			if !ok {
				rl := ld.ResourceLogs().AppendEmpty()
				putAll(rl.Resource().Attributes(), w.resourceAttributes(rec.resource))
				sl := rl.ScopeLogs().AppendEmpty()
				sl.Scope().SetName(scopeName)
				sl.Scope().SetVersion(scopeVersion)
				recs = sl.LogRecords()
				byResource[rec.resource] = recs
			}
			lr := recs.AppendEmpty()
			lr.SetTimestamp(pcommon.Timestamp(rec.timestamp))
			lr.SetObservedTimestamp(pcommon.Timestamp(rec.observed))
			lr.SetSeverityNumber(plog.SeverityNumber(rec.severityNumber))
			lr.SetSeverityText(rec.severityText)
			switch b := rec.body.(type) {
			case string:
				lr.Body().SetStr(b)
			case map[string]any:
				putAll(lr.Body().SetEmptyMap(), b)
			}
			putAll(lr.Attributes(), rec.attributes())
			lr.SetTraceID(rec.traceID)
			lr.SetSpanID(rec.spanID)
			lr.SetFlags(plog.LogRecordFlags(rec.flags))
		}
		out = append(out, ld)
	}
	return out
}

func putAll(m pcommon.Map, attrs map[string]any) {
	for k, v := range attrs {
		switch v := v.(type) {
		case string:
			m.PutStr(k, v)
		case int64:
			m.PutInt(k, v)
		case bool:
			m.PutBool(k, v)
		case float64:
			m.PutDouble(k, v)
		case []any:
			sl := m.PutEmptySlice(k)
			for _, e := range v {
				sl.AppendEmpty().SetStr(e.(string))
			}
		case map[string]any:
			putAll(m.PutEmptyMap(k), v)
		default:
			panic(fmt.Sprintf("putAll: unsupported %T", v))
		}
	}
}

// sender delivers OTLP payloads to a collector's receiver and returns only
// once the receiver accepted them in full.
type sender interface {
	send(ctx context.Context, ld plog.Logs) error
	close()
}

// httpSender posts protobuf ExportLogsServiceRequests to an OTLP/HTTP URL.
type httpSender struct{ url string }

func (h *httpSender) send(ctx context.Context, ld plog.Logs) error {
	b, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		return err
	}
	return h.post(ctx, b)
}

// post sends one protobuf body (nil is an empty request) and checks that
// the answer is 200 without rejected records.
func (h *httpSender) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: POST %s: %s: %q", errNotOK, h.url, resp.Status, rb)
	}
	er := plogotlp.NewExportResponse()
	if err := er.UnmarshalProto(rb); err != nil {
		return fmt.Errorf("POST %s: decode response: %w", h.url, err)
	}
	return checkPartial(er)
}

func (h *httpSender) close() {}

// grpcSender calls LogsService/Export.
type grpcSender struct {
	conn   *grpc.ClientConn
	client plogotlp.GRPCClient
}

func newGRPCSender(addr string) (*grpcSender, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	return &grpcSender{conn: conn, client: plogotlp.NewGRPCClient(conn)}, nil
}

func (g *grpcSender) send(ctx context.Context, ld plog.Logs) error {
	resp, err := g.client.Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
	if err != nil {
		return err
	}
	return checkPartial(resp)
}

func (g *grpcSender) close() { g.conn.Close() }

func checkPartial(resp plogotlp.ExportResponse) error {
	if ps := resp.PartialSuccess(); ps.RejectedLogRecords() != 0 || ps.ErrorMessage() != "" {
		return fmt.Errorf("partial success: %d rejected: %s", ps.RejectedLogRecords(), ps.ErrorMessage())
	}
	return nil
}

// readAll pages through q (Limit is the page size) and returns every entry
// in the order served, with the number of pages. It stops with an error
// after maxPages, so a cursor that never ends cannot hang the test.
func readAll(ctx context.Context, c *api.Client, q api.LogsQuery, maxPages int) ([]api.LogEntry, int, error) {
	var all []api.LogEntry
	for page := 1; page <= maxPages; page++ {
		resp, err := c.Logs(ctx, q)
		if err != nil {
			return all, page, fmt.Errorf("page %d (cursor %q): %w", page, q.Cursor, err)
		}
		if len(resp.Logs) > q.Limit {
			return all, page, fmt.Errorf("page %d has %d entries, more than limit=%d", page, len(resp.Logs), q.Limit)
		}
		all = append(all, resp.Logs...)
		if resp.NextCursor == "" {
			return all, page, nil
		}
		if resp.NextCursor == q.Cursor {
			return all, page, fmt.Errorf("page %d returned its own cursor %q as next_cursor", page, q.Cursor)
		}
		q.Cursor = resp.NextCursor
	}
	return all, maxPages, fmt.Errorf("still a next_cursor after %d pages (%d entries so far)", maxPages, len(all))
}

// entrySeq returns the seq attribute of an entry, or -1.
func entrySeq(e api.LogEntry) int {
	switch v := e.Attributes["seq"].(type) {
	case float64:
		return int(v)
	case string:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return -1
}

// entryTime is the entry's time_unix_nano, or its observed time when that is 0.
func entryTime(e api.LogEntry) (int64, error) {
	ts, err := strconv.ParseInt(e.TimeUnixNano, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("time_unix_nano %q: %w", e.TimeUnixNano, err)
	}
	if ts != 0 {
		return ts, nil
	}
	ob, err := strconv.ParseInt(e.ObservedTimeUnixNano, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("observed_time_unix_nano %q: %w", e.ObservedTimeUnixNano, err)
	}
	return ob, nil
}

// sameValue reports whether a JSON-decoded value equals a typed OTLP value.
// Integers may arrive as JSON numbers or as decimal strings (int64 does not
// fit a JSON number exactly); everything else must match in type and value,
// slices element by element and maps key by key.
func sameValue(want, got any) bool {
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameValue(w[i], g[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		return ok && diffAttrs(w, g) == ""
	case int64:
		switch g := got.(type) {
		case float64:
			return g == float64(w)
		case string:
			return g == strconv.FormatInt(w, 10)
		}
		return false
	case float64:
		g, ok := got.(float64)
		return ok && g == w
	default:
		return want == got
	}
}

// diffAttrs describes how got differs from want, or returns "".
func diffAttrs(want map[string]any, got map[string]any) string {
	var diffs []string
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s missing", k))
		} else if !sameValue(w, g) {
			diffs = append(diffs, fmt.Sprintf("%s = %#v, want %#v", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("unexpected %s = %#v", k, g))
		}
	}
	return strings.Join(diffs, "; ")
}

// diffEntry describes how e differs from the record it should be, or "".
func (w *workload) diffEntry(e api.LogEntry, rec recordSpec) string {
	var d []string
	add := func(format string, args ...any) { d = append(d, fmt.Sprintf(format, args...)) }
	if want := strconv.FormatInt(rec.timestamp, 10); e.TimeUnixNano != want {
		// A record sent without a timestamp may come back either with 0 or
		// with the observed time it was stored at.
		if rec.timestamp != 0 || e.TimeUnixNano != strconv.FormatInt(rec.observed, 10) {
			add("time_unix_nano = %q, want %q", e.TimeUnixNano, want)
		}
	}
	if want := strconv.FormatInt(rec.observed, 10); e.ObservedTimeUnixNano != want {
		add("observed_time_unix_nano = %q, want %q", e.ObservedTimeUnixNano, want)
	}
	if e.SeverityNumber != rec.severityNumber || e.SeverityText != rec.severityText {
		add("severity = %d %q, want %d %q", e.SeverityNumber, e.SeverityText, rec.severityNumber, rec.severityText)
	}
	var body any
	if err := json.Unmarshal(e.Body, &body); err != nil || !sameValue(rec.body, body) {
		add("body = %s, want %#v", e.Body, rec.body)
	}
	if s := diffAttrs(rec.attributes(), e.Attributes); s != "" {
		add("attributes: %s", s)
	}
	if s := diffAttrs(w.resourceAttributes(rec.resource), e.Resource); s != "" {
		add("resource: %s", s)
	}
	if e.Scope == nil || e.Scope.Name != scopeName || e.Scope.Version != scopeVersion {
		add("scope = %+v, want {Name:%s Version:%s}", e.Scope, scopeName, scopeVersion)
	}
	if want := hex.EncodeToString(rec.traceID[:]); !strings.EqualFold(e.TraceID, want) {
		add("trace_id = %q, want %q", e.TraceID, want)
	}
	if want := hex.EncodeToString(rec.spanID[:]); !strings.EqualFold(e.SpanID, want) {
		add("span_id = %q, want %q", e.SpanID, want)
	}
	if e.Flags != rec.flags {
		add("flags = %d, want %d", e.Flags, rec.flags)
	}
	if e.ID == "" {
		add("empty id")
	}
	return strings.Join(d, "; ")
}

// check verifies that got holds exactly the records whose seq is in want
// (nil: all records), each once, intact, newest first. It returns at most
// maxProblems problems, so a broken server does not flood the log.
func (w *workload) check(got []api.LogEntry, want func(recordSpec) bool) []string {
	const maxProblems = 20
	var problems []string
	report := func(format string, args ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	expected := 0
	for _, rec := range w.records {
		if want == nil || want(rec) {
			expected++
		}
	}
	if len(got) != expected {
		report("got %d entries, want %d", len(got), expected)
	}
	seen := map[int]int{}
	ids := map[string]int{}
	var prev int64
	for i, e := range got {
		seq := entrySeq(e)
		if seq < 0 || seq >= len(w.records) {
			report("entry %d: no valid seq attribute (attributes %v, body %s)", i, e.Attributes, e.Body)
			continue
		}
		rec := w.records[seq]
		if want != nil && !want(rec) {
			report("entry %d: seq %d should not match this query (resource %v)", i, seq, e.Resource)
		}
		if j, dup := seen[seq]; dup {
			report("entry %d: seq %d already seen at entry %d (duplicate)", i, seq, j)
		}
		seen[seq] = i
		if j, dup := ids[e.ID]; dup && e.ID != "" {
			report("entry %d: id %s already used by entry %d", i, e.ID, j)
		}
		ids[e.ID] = i
		if d := w.diffEntry(e, rec); d != "" {
			report("entry %d (seq %d): %s", i, seq, d)
		}
		ts, err := entryTime(e)
		if err != nil {
			report("entry %d: %v", i, err)
		} else if i > 0 && ts >= prev {
			report("entry %d (seq %d): time %d is not older than the previous entry's %d (want newest first)", i, seq, ts, prev)
		}
		prev = ts
	}
	for _, rec := range w.records {
		if (want == nil || want(rec)) && len(problems) < maxProblems {
			if _, ok := seen[rec.seq]; !ok {
				report("seq %d (resource %s, time %d) missing", rec.seq, w.resources[rec.resource].jobName, rec.effectiveTime())
			}
		}
	}
	return problems
}
