package receiver_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/receiver"
	"github.com/talus-logs/talus/storage"
	"github.com/talus-logs/talus/storage/selector"
)

// envOptions configure newEnv. Zero values mean the defaults.
type envOptions struct {
	recv receiver.Options
	// wrap, when set, wraps the store before the receiver sees it.
	wrap func(receiver.Writer) receiver.Writer
}

// testEnv is a receiver on a real Pebble store in t.TempDir(), served on
// real 127.0.0.1 listeners (gRPC and HTTP), recording every request it sees.
type testEnv struct {
	t        *testing.T
	store    *storage.Store
	grpcAddr string // host:port
	httpURL  string // http://host:port, POST LogsPath to it
	calls    *callLog
	// page is the page size all and query read with; 0 means 1000.
	page int
}

// openStore opens a store on Pebble in a temporary directory, closed when
// the test ends.
func openStore(tb testing.TB) *storage.Store {
	tb.Helper()
	kvs, err := pebblekv.Open(tb.TempDir(), &pebblekv.Options{
		Merger: kv.MergerByTable(storage.Mergers()), MemTableSize: 16 << 20,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := kvs.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	store, err := storage.Open(kvs, storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return store
}

func newEnv(t *testing.T, o envOptions) *testEnv {
	t.Helper()
	store := openStore(t)
	var w receiver.Writer = store
	if o.wrap != nil {
		w = o.wrap(store)
	}
	recv := receiver.New(w, o.recv)
	e := &testEnv{t: t, store: store, calls: &callLog{}}

	gs := grpc.NewServer(append(recv.GRPCServerOptions(), grpc.StatsHandler(e.calls))...)
	recv.RegisterGRPC(gs)
	glis := listen(t)
	e.grpcAddr = glis.Addr().String()
	go func() { _ = gs.Serve(glis) }()

	mux := http.NewServeMux()
	mux.Handle(receiver.LogsPath, e.calls.wrapHTTP(recv.HTTPHandler()))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	hlis := listen(t)
	e.httpURL = "http://" + hlis.Addr().String()
	go func() { _ = hs.Serve(hlis) }()

	t.Cleanup(func() {
		gs.Stop()
		_ = hs.Close()
	})
	return e
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// call is one request the receiver answered.
type call struct {
	transport   string // "grpc" or "http"
	start, end  time.Time
	status      int    // HTTP status, or the gRPC code
	encoding    string // Content-Encoding, or the gRPC compressor
	contentType string
}

// callLog records requests. It is safe for concurrent use and implements
// stats.Handler to learn the gRPC compressor of each call.
type callLog struct {
	mu    sync.Mutex
	calls []call
	// grpcEnc is the compressor of the gRPC call in progress, by stream.
	grpcEnc sync.Map
	// notify, when set, receives every finished call.
	notify chan call
}

func (c *callLog) add(cl call) {
	c.mu.Lock()
	c.calls = append(c.calls, cl)
	n := c.notify
	c.mu.Unlock()
	if n != nil {
		n <- cl
	}
}

// snapshot returns the calls so far.
func (c *callLog) snapshot() []call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]call(nil), c.calls...)
}

// watch makes every later call be sent on the returned channel.
func (c *callLog) watch() <-chan call {
	ch := make(chan call, 64)
	c.mu.Lock()
	c.notify = ch
	c.mu.Unlock()
	return ch
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (read deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (c *callLog) wrapHTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		h.ServeHTTP(rec, r)
		c.add(call{transport: "http", start: start, end: time.Now(), status: rec.status,
			encoding: r.Header.Get("Content-Encoding"), contentType: r.Header.Get("Content-Type")})
	})
}

type grpcCallKey struct{}

// TagRPC and HandleRPC record every gRPC call, including those the server
// refuses before the handler runs (message too large).
func (c *callLog) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return context.WithValue(ctx, grpcCallKey{}, &call{transport: "grpc"})
}

func (c *callLog) HandleRPC(ctx context.Context, s stats.RPCStats) {
	cl, ok := ctx.Value(grpcCallKey{}).(*call)
	if !ok || s.IsClient() {
		return
	}
	switch s := s.(type) {
	case *stats.Begin:
		cl.start = s.BeginTime
	case *stats.InHeader:
		cl.encoding = s.Compression
	case *stats.End:
		cl.end = s.EndTime
		cl.status = int(status.Code(s.Error))
		c.add(*cl)
	}
}

func (c *callLog) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (c *callLog) HandleConn(context.Context, stats.ConnStats)                       {}

// all returns every entry of instance, paging through Latest with a small
// page size, so that paging is exercised too.
func (e *testEnv) all(instance string) []storage.Entry {
	e.t.Helper()
	return e.query(instance, "{}", 0)
}

// query returns the entries of instance matching q, newest first; limit 0
// means all of them.
func (e *testEnv) query(instance, q string, limit int) []storage.Entry {
	e.t.Helper()
	sel, err := selector.Parse(q)
	if err != nil {
		e.t.Fatalf("parse %s: %v", q, err)
	}
	page := e.page
	if page == 0 {
		page = 1000
	}
	if limit > 0 && limit < page {
		page = limit
	}
	sq := storage.Query{Instance: instance, Selector: sel, Start: 0, End: time.Now().Add(48 * time.Hour).UnixNano(), Limit: page}
	var out []storage.Entry
	for i := 0; ; i++ {
		if i > 10000 {
			e.t.Fatalf("query %s: more than 10000 pages", q)
		}
		res, err := e.store.Latest(context.Background(), sq)
		if err != nil {
			e.t.Fatalf("latest %s: %v", q, err)
		}
		out = append(out, res.Entries...)
		if res.Next == nil || (limit > 0 && len(out) >= limit) {
			return out
		}
		sq.Cursor = res.Next
	}
}

// bodyCounts counts stored entries by body text.
func bodyCounts(entries []storage.Entry) map[string]int {
	m := make(map[string]int, len(entries))
	for i := range entries {
		m[fmt.Sprint(entries[i].Body)]++
	}
	return m
}

// genLogs makes n records under two resources, each with a distinct body
// "<prefix>-<i>", timestamps a few seconds before now, and every field set.
func genLogs(prefix string, n int) plog.Logs {
	ld := plog.NewLogs()
	base := time.Now().Add(-10 * time.Minute)
	var recs [2]plog.LogRecordSlice
	for r := range recs {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", "svc-"+prefix)
		rl.Resource().Attributes().PutStr("k8s.job.name", fmt.Sprintf("job-%s-%d", prefix, r))
		rl.Resource().Attributes().PutInt("replica", int64(r))
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("talus.test")
		sl.Scope().SetVersion("1.2.3")
		sl.Scope().Attributes().PutStr("scope.k", "v")
		recs[r] = sl.LogRecords()
	}
	for i := 0; i < n; i++ {
		lr := recs[i%2].AppendEmpty()
		ts := base.Add(time.Duration(i) * time.Millisecond).Add(123 * time.Nanosecond)
		lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(ts.Add(time.Microsecond)))
		lr.SetSeverityNumber(plog.SeverityNumber(1 + i%24))
		lr.SetSeverityText(fmt.Sprintf("sev%d", 1+i%24))
		lr.Body().SetStr(fmt.Sprintf("%s-%d", prefix, i))
		lr.Attributes().PutStr("str", "value "+prefix)
		lr.Attributes().PutInt("i", int64(i))
		lr.Attributes().PutDouble("d", 1.5)
		lr.Attributes().PutBool("b", i%2 == 0)
		m := lr.Attributes().PutEmptyMap("m")
		m.PutStr("nested", "x")
		s := m.PutEmptySlice("list")
		s.AppendEmpty().SetInt(1)
		s.AppendEmpty().SetStr("two")
		var tid pcommon.TraceID
		var sid pcommon.SpanID
		tid[0], tid[15] = 0xab, byte(i)
		sid[0], sid[7] = 0xcd, byte(i)
		lr.SetTraceID(tid)
		lr.SetSpanID(sid)
		lr.SetFlags(plog.LogRecordFlags(1))
		lr.SetEventName("ev")
	}
	return ld
}

// countLogs returns the number of records in ld.
func countLogs(ld plog.Logs) int { return ld.LogRecordCount() }

// asJSON renders v as JSON, so that decoded and original values compare
// regardless of Go types (int vs int64).
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

// assertIntact checks that every record of want was stored exactly once in
// instance, field by field, and that nothing else with want's bodies was.
func (e *testEnv) assertIntact(instance string, want plog.Logs) {
	t := e.t
	t.Helper()
	got := map[string][]storage.Entry{}
	for _, en := range e.all(instance) {
		got[fmt.Sprint(en.Body)] = append(got[fmt.Sprint(en.Body)], en)
	}
	n := 0
	rls := want.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			sl := rl.ScopeLogs().At(j)
			for k := 0; k < sl.LogRecords().Len(); k++ {
				lr := sl.LogRecords().At(k)
				n++
				body := lr.Body().AsString()
				es := got[body]
				if len(es) != 1 {
					t.Errorf("record %q stored %d times, want once", body, len(es))
					continue
				}
				en := es[0]
				checks := []struct {
					what      string
					got, want any
				}{
					{"timestamp", en.Key.Timestamp, int64(lr.Timestamp())},
					{"observed time", en.ObservedTime, int64(lr.ObservedTimestamp())},
					{"severity", en.SeverityNumber, int32(lr.SeverityNumber())},
					{"severity text", en.SeverityText, lr.SeverityText()},
					{"attributes", asJSON(t, en.Attributes), asJSON(t, lr.Attributes().AsRaw())},
					{"resource", asJSON(t, en.Resource.Attributes), asJSON(t, rl.Resource().Attributes().AsRaw())},
					{"scope", en.ScopeName + "/" + en.ScopeVersion, sl.Scope().Name() + "/" + sl.Scope().Version()},
					{"scope attributes", asJSON(t, en.ScopeAttrs), asJSON(t, sl.Scope().Attributes().AsRaw())},
					{"trace id", hex.EncodeToString(en.TraceID[:]), hex.EncodeToString(traceID(lr))},
					{"span id", hex.EncodeToString(en.SpanID[:]), hex.EncodeToString(spanID(lr))},
					{"flags", en.Flags, uint32(lr.Flags())},
					{"event name", en.EventName, lr.EventName()},
				}
				for _, c := range checks {
					if !reflect.DeepEqual(c.got, c.want) {
						t.Errorf("record %q: %s = %v, want %v", body, c.what, c.got, c.want)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("assertIntact: want has no records")
	}
}

func traceID(lr plog.LogRecord) []byte { id := lr.TraceID(); return id[:] }
func spanID(lr plog.LogRecord) []byte  { id := lr.SpanID(); return id[:] }

// sortedKeys returns the keys of m, sorted, for stable messages.
func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// post sends body to the HTTP receiver and returns the answer.
func (e *testEnv) post(contentType, encoding string, body []byte, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	return postTo(e.t, e.httpURL+receiver.LogsPath, http.MethodPost, contentType, encoding, body, hdr...)
}

// postTo sends one request; hdr holds extra header name/value pairs.
func postTo(t testing.TB, url, method, contentType, encoding string, body []byte, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return resp.StatusCode, resp.Header, b
}

// compressed returns b compressed as Content-Encoding enc says.
func compressed(t testing.TB, enc string, b []byte) []byte {
	t.Helper()
	z, err := compressBody(enc, b)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// compressBody compresses b as Content-Encoding enc (gzip, zstd, deflate)
// says. It is safe to call from any goroutine.
func compressBody(enc string, b []byte) ([]byte, error) {
	var buf bytes.Buffer
	var zw io.WriteCloser
	var err error
	switch enc {
	case "gzip":
		zw = gzip.NewWriter(&buf)
	case "zstd":
		zw, err = zstd.NewWriter(&buf)
	case "deflate":
		zw = zlib.NewWriter(&buf)
	default:
		return nil, fmt.Errorf("unknown encoding %q", enc)
	}
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
