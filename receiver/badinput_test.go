package receiver_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/receiver"
	"github.com/talus-logs/talus/storage"
)

const (
	ctProto = "application/x-protobuf"
	ctJSON  = "application/json"
)

func protoLogs(t testing.TB, ld plog.Logs) []byte {
	t.Helper()
	b, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// baseline is data acknowledged before the bad requests; check asserts it
// is all still there, unchanged.
type baseline struct {
	e      *testEnv
	ld     plog.Logs
	counts map[string]int
}

func newBaseline(t *testing.T, e *testEnv) *baseline {
	t.Helper()
	ld := genLogs("acked", 40)
	if status, _, body := e.post(ctProto, "", protoLogs(t, ld)); status != http.StatusOK {
		t.Fatalf("baseline: status %d: %s", status, body)
	}
	return &baseline{e: e, ld: ld, counts: bodyCounts(e.all("default"))}
}

func (b *baseline) check() {
	b.e.t.Helper()
	b.e.assertIntact("default", b.ld)
	got := bodyCounts(b.e.all("default"))
	for k, n := range b.counts {
		if got[k] != n {
			b.e.t.Errorf("after the bad request %q is stored %d times, was %d", k, got[k], n)
		}
	}
}

// decodeStatus decodes a google.rpc.Status answer in the encoding its
// Content-Type names, failing unless that is the request's encoding.
func decodeStatus(t *testing.T, wantCT string, hdr http.Header, body []byte) *spb.Status {
	t.Helper()
	st := &spb.Status{}
	ct := hdr.Get("Content-Type")
	if ct != wantCT {
		t.Fatalf("answer Content-Type %q, want %q (the request's)", ct, wantCT)
	}
	var err error
	if ct == ctProto {
		err = proto.Unmarshal(body, st)
	} else {
		err = protojson.Unmarshal(body, st)
	}
	if err != nil {
		t.Fatalf("answer is not a google.rpc.Status in %s: %v: %q", ct, err, body)
	}
	return st
}

func TestBadHTTPRequests(t *testing.T) {
	const limit = 64 << 10
	e := newEnv(t, envOptions{recv: receiver.Options{MaxRequestBytes: limit}})
	base := newBaseline(t, e)

	valid := protoLogs(t, genLogs("never", 3))
	validJSON := jsonLogs(t, genLogs("never", 3))
	// Incompressible and just under the limit: only gzip's framing makes it
	// larger than the limit, so only the compressed-size check can stop it.
	random := make([]byte, limit-8)
	_, _ = rand.Read(random)
	zeros := make([]byte, 4*limit) // compresses to almost nothing
	corruptGzip := compressed(t, "gzip", valid)
	corruptGzip[len(corruptGzip)/2] ^= 0xff
	corruptGzip[len(corruptGzip)-5] ^= 0xff // the CRC too

	type tc struct {
		name       string
		method     string
		ct, enc    string
		body       []byte
		hdr        []string
		chunked    bool // send without Content-Length
		wantStatus int
		wantCode   codes.Code
		wantInMsg  string
		answerCT   string // "" means the request's content type
	}
	cases := []tc{
		{name: "malformed protobuf", ct: ctProto, body: []byte("\x0a\xff\xff\xff\xff\x0f garbage"), wantStatus: 400, wantCode: codes.InvalidArgument, wantInMsg: "cannot decode"},
		{name: "protobuf wrong wire type", ct: ctProto, body: []byte{0x0d, 1, 2, 3, 4}, wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "truncated JSON", ct: ctJSON, body: validJSON[:len(validJSON)/2], wantStatus: 400, wantCode: codes.InvalidArgument, wantInMsg: "cannot decode"},
		{name: "JSON wrong type", ct: ctJSON, body: []byte(`{"resourceLogs": 5}`), wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "JSON not an object", ct: ctJSON, body: []byte(`[1,2,3]`), wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "protobuf sent as JSON", ct: ctJSON, body: valid, wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "JSON with trailing data", ct: ctJSON, body: append(append([]byte{}, validJSON...), " garbage"...), wantStatus: 400, wantCode: codes.InvalidArgument, wantInMsg: "after"},
		{name: "two JSON requests concatenated", ct: ctJSON, body: append([]byte(`{"resourceLogs":[]}`+"\n"), validJSON...), wantStatus: 400, wantCode: codes.InvalidArgument, wantInMsg: "after"},
		{name: "JSON with charset", ct: ctJSON + "; charset=utf-8", body: []byte(`{"resourceLogs":[{`), wantStatus: 400, wantCode: codes.InvalidArgument, answerCT: ctJSON},
		{name: "wrong content type", ct: "text/plain", body: valid, wantStatus: 415, answerCT: ctJSON, wantInMsg: "Content-Type"},
		{name: "no content type", ct: "", body: valid, wantStatus: 415, answerCT: ctJSON},
		{name: "GET", method: http.MethodGet, ct: ctProto, wantStatus: 405, answerCT: ctJSON},
		{name: "PUT", method: http.MethodPut, ct: ctProto, body: valid, wantStatus: 405, answerCT: ctJSON},
		{name: "unsupported encoding", ct: ctProto, enc: "br", body: valid, wantStatus: 415, wantInMsg: "Content-Encoding"},
		{name: "corrupt gzip", ct: ctProto, enc: "gzip", body: corruptGzip, wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "gzip header only", ct: ctProto, enc: "gzip", body: []byte{0x1f, 0x8b}, wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "not gzip at all", ct: ctJSON, enc: "gzip", body: validJSON, wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "corrupt zstd", ct: ctProto, enc: "zstd", body: []byte("\x28\xb5\x2f\xfd garbage"), wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "corrupt deflate", ct: ctProto, enc: "deflate", body: []byte("\x78\x9c garbage"), wantStatus: 400, wantCode: codes.InvalidArgument},
		{name: "oversize plain", ct: ctProto, body: zeros, wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "oversize plain chunked", ct: ctProto, body: zeros, chunked: true, wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "oversize compressed", ct: ctProto, enc: "gzip", body: compressed(t, "gzip", random), wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "oversize compressed chunked", ct: ctProto, enc: "gzip", body: compressed(t, "gzip", random), chunked: true, wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "gzip bomb", ct: ctProto, enc: "gzip", body: compressed(t, "gzip", zeros), wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "gzip bomb chunked", ct: ctJSON, enc: "gzip", body: compressed(t, "gzip", zeros), chunked: true, wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "zstd bomb streamed", ct: ctProto, enc: "zstd", body: compressed(t, "zstd", zeros), wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "zstd bomb declaring its size", ct: ctProto, enc: "zstd", body: zstdSingleSegment(t, zeros), wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "deflate bomb", ct: ctProto, enc: "deflate", body: compressed(t, "deflate", zeros), wantStatus: 413, wantCode: codes.ResourceExhausted},
		{name: "instance too long", ct: ctProto, body: valid, hdr: []string{receiver.InstanceHeader, strings.Repeat("i", 65)}, wantStatus: 400, wantCode: codes.InvalidArgument, wantInMsg: "instance"},
		{name: "instance with a tab", ct: ctJSON, body: validJSON, hdr: []string{receiver.InstanceHeader, "a\tb"}, wantStatus: 400, wantCode: codes.InvalidArgument, wantInMsg: "instance"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			var status int
			var hdr http.Header
			var body []byte
			if c.chunked {
				status, hdr, body = postChunked(t, e.httpURL+receiver.LogsPath, c.ct, c.enc, c.body)
			} else {
				status, hdr, body = postTo(t, e.httpURL+receiver.LogsPath, method, c.ct, c.enc, c.body, c.hdr...)
			}
			if status != c.wantStatus {
				t.Fatalf("status %d, want %d; body %q", status, c.wantStatus, body)
			}
			answerCT := c.answerCT
			if answerCT == "" {
				answerCT = c.ct
			}
			st := decodeStatus(t, answerCT, hdr, body)
			if c.wantCode != codes.OK && codes.Code(st.Code) != c.wantCode {
				t.Errorf("status code %s, want %s (message %q)", codes.Code(st.Code), c.wantCode, st.Message)
			}
			if st.Message == "" || !strings.Contains(st.Message, c.wantInMsg) {
				t.Errorf("message %q should say what is wrong (%q)", st.Message, c.wantInMsg)
			}
			if status == 405 && hdr.Get("Allow") != http.MethodPost {
				t.Errorf("405 without Allow: POST")
			}
			if hdr.Get("Retry-After") != "" {
				t.Errorf("Retry-After on a non-retryable answer")
			}
			base.check()
			if n := bodyCounts(e.all("default"))["never-0"]; n != 0 {
				t.Errorf("data of a rejected request was stored")
			}
		})
	}
}

// zstdSingleSegment compresses b in one frame that declares its size.
func zstdSingleSegment(t *testing.T, b []byte) []byte {
	t.Helper()
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

// TestZstdWindowLargerThanLimit: a streaming zstd encoder given more than
// one block declares its window (8 MiB by default), not the content size; a
// request within MaxRequestBytes must be accepted even when MaxRequestBytes
// is smaller than that window.
func TestZstdWindowLargerThanLimit(t *testing.T) {
	e := newEnv(t, envOptions{recv: receiver.Options{MaxRequestBytes: 1 << 20}})
	ld := genLogs("zwindow", 5)
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().PutStr("pad", strings.Repeat("pad ", 100<<10))
	status, _, answer := e.post(ctProto, "zstd", compressed(t, "zstd", protoLogs(t, ld)))
	if status != http.StatusOK {
		t.Fatalf("status %d: %q", status, answer)
	}
	e.assertIntact("default", ld)
}

// postChunked posts body with chunked transfer encoding (no Content-Length),
// so that only the server's reading limit can stop it.
func postChunked(t *testing.T, url, ct, enc string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, io.MultiReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", ct)
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// rawCodec sends bytes as they are, to put malformed protobuf on the wire.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *v.(*[]byte), nil }
func (rawCodec) Unmarshal(b []byte, v any) error {
	*v.(*[]byte) = append([]byte(nil), b...)
	return nil
}
func (rawCodec) Name() string { return "proto" }
func grpcClient(t *testing.T, e *testEnv) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(e.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

const exportMethod = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

func TestBadGRPCRequests(t *testing.T) {
	const limit = 64 << 10
	e := newEnv(t, envOptions{recv: receiver.Options{MaxRequestBytes: limit}})
	base := newBaseline(t, e)
	conn := grpcClient(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	t.Run("malformed protobuf", func(t *testing.T) {
		in, out := []byte("\x0a\xff\xff\xff\xff\x0f garbage"), []byte(nil)
		err := conn.Invoke(ctx, exportMethod, &in, &out, grpc.ForceCodec(rawCodec{}))
		// The handler gets the request's bytes and decodes them itself
		// (the store's streaming decoder), so it can answer as DESIGN §6
		// asks, where grpc-go's codec would answer INTERNAL.
		if c := status.Code(err); c != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "cannot decode") {
			t.Errorf("code %s, want INVALID_ARGUMENT (not retryable): %v", c, err)
		}
		base.check()
	})
	client := plogotlp.NewGRPCClient(conn)
	for _, c := range []struct {
		name       string
		size       int
		compressor string
	}{{"oversize", 2 * limit, ""}, {"oversize gzip bomb", 4 * limit, "gzip"}, {"oversize zstd bomb", 4 * limit, "zstd"}} {
		t.Run(c.name, func(t *testing.T) {
			ld := genLogs("never", 2)
			ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().SetStr(strings.Repeat("x", c.size))
			var opts []grpc.CallOption
			if c.compressor != "" {
				opts = append(opts, grpc.UseCompressor(c.compressor))
			}
			_, err := client.Export(ctx, plogotlp.NewExportRequestFromLogs(ld), opts...)
			if code := status.Code(err); code != codes.ResourceExhausted {
				t.Errorf("code %s, want RESOURCE_EXHAUSTED: %v", code, err)
			}
			base.check()
		})
	}
	// (grpc-go clients refuse to send control characters in metadata.)
	for _, inst := range []string{strings.Repeat("i", 65)} {
		t.Run("instance too long", func(t *testing.T) {
			mctx := metadata.AppendToOutgoingContext(ctx, "x-talus-instance", inst)
			_, err := client.Export(mctx, plogotlp.NewExportRequestFromLogs(genLogs("never", 2)))
			if c := status.Code(err); c != codes.InvalidArgument {
				t.Errorf("code %s, want INVALID_ARGUMENT: %v", c, err)
			}
			base.check()
		})
	}
	t.Run("empty", func(t *testing.T) {
		resp, err := client.Export(ctx, plogotlp.NewExportRequest())
		if err != nil {
			t.Fatal(err)
		}
		if resp.PartialSuccess().RejectedLogRecords() != 0 || resp.PartialSuccess().ErrorMessage() != "" {
			t.Errorf("partial_success set on an empty request")
		}
		base.check()
	})
	t.Run("too deep is a partial success", func(t *testing.T) {
		ld := genLogs("deep", 4)
		withBadRecords(ld)
		resp, err := client.Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
		if err != nil {
			t.Fatal(err)
		}
		if n := resp.PartialSuccess().RejectedLogRecords(); n != 2 {
			t.Errorf("rejected_log_records = %d, want 2 (%q)", n, resp.PartialSuccess().ErrorMessage())
		}
		if n := bodyCounts(e.all("default"))["deep-3"]; n != 1 {
			t.Errorf("valid record of a partial success stored %d times", n)
		}
		base.check()
	})
}

func TestEmptyHTTPRequests(t *testing.T) {
	e := newEnv(t, envOptions{})
	base := newBaseline(t, e)
	emptyRes := plog.NewLogs()
	emptyRes.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	cases := []struct {
		name, ct, enc string
		body          []byte
	}{
		{"protobuf no body", ctProto, "", nil},
		{"JSON no body", ctJSON, "", nil},
		{"JSON empty object", ctJSON, "", []byte(`{}`)},
		{"JSON empty list", ctJSON, "", []byte(`{"resourceLogs":[]}`)},
		{"protobuf empty resource", ctProto, "", protoLogs(t, emptyRes)},
		{"gzip of nothing", ctProto, "gzip", compressed(t, "gzip", nil)},
		{"zstd of nothing", ctJSON, "zstd", compressed(t, "zstd", nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, hdr, body := e.post(c.ct, c.enc, c.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %q", status, body)
			}
			if got := hdr.Get("Content-Type"); got != c.ct {
				t.Errorf("Content-Type %q, want %q", got, c.ct)
			}
			resp := decodeExportResponse(t, c.ct, body)
			if resp.PartialSuccess().RejectedLogRecords() != 0 {
				t.Errorf("rejected records in an empty request")
			}
			base.check()
		})
	}
}

func decodeExportResponse(t *testing.T, ct string, body []byte) plogotlp.ExportResponse {
	t.Helper()
	resp := plogotlp.NewExportResponse()
	var err error
	if ct == ctJSON {
		err = resp.UnmarshalJSON(body)
	} else {
		err = resp.UnmarshalProto(body)
	}
	if err != nil {
		t.Fatalf("answer is not an ExportLogsServiceResponse: %v: %q", err, body)
	}
	return resp
}

func TestHugeAndDeepAttributes(t *testing.T) {
	e := newEnv(t, envOptions{})
	base := newBaseline(t, e)
	huge := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	for _, ct := range []string{ctProto, ctJSON} {
		t.Run(ct, func(t *testing.T) {
			prefix := "huge" + strings.TrimPrefix(ct, "application/")
			ld := genLogs(prefix, 4)
			rl := ld.ResourceLogs().At(0)
			rl.Resource().Attributes().PutStr("big.resource", huge)
			lr := rl.ScopeLogs().At(0).LogRecords().At(0)
			lr.Attributes().PutStr("big", huge)
			lr.Body().SetStr(prefix + "-0") // the body is the record's name
			// Nested to exactly the deepest value the store takes:
			// accepted and readable.
			v := lr.Attributes().PutEmpty("deepest")
			for i := 1; i < storage.MaxValueDepth; i++ {
				v = v.SetEmptySlice().AppendEmpty()
			}
			v.SetStr("bottom")
			// One level deeper in another record: rejected alone.
			deep := rl.ScopeLogs().At(0).LogRecords().AppendEmpty()
			deep.Body().SetStr(prefix + "-too-deep")
			tooDeep(deep.Attributes().PutEmpty("x"))
			var body []byte
			if ct == ctJSON {
				body = jsonLogs(t, ld)
			} else {
				body = protoLogs(t, ld)
			}
			status, hdr, answer := e.post(ct, "gzip", compressed(t, "gzip", body))
			if status != http.StatusOK {
				t.Fatalf("status %d: %q", status, answer)
			}
			resp := decodeExportResponse(t, hdr.Get("Content-Type"), answer)
			if n := resp.PartialSuccess().RejectedLogRecords(); n != 1 {
				t.Errorf("rejected_log_records = %d, want 1", n)
			}
			if msg := resp.PartialSuccess().ErrorMessage(); !strings.Contains(msg, "deep") {
				t.Errorf("partial_success message %q does not say why", msg)
			}
			good := plog.NewLogs()
			ld.CopyTo(good)
			recs := good.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
			recs.RemoveIf(func(r plog.LogRecord) bool { return r.Body().Str() == prefix+"-too-deep" })
			e.assertIntact("default", good)
			if n := bodyCounts(e.all("default"))[prefix+"-too-deep"]; n != 0 {
				t.Errorf("too-deep record stored")
			}
			// The huge resource value is matched in full although postings
			// hold only a prefix of it (selectors are at most 16 KiB, so
			// regexps stand in for the value).
			svc := `, service.name="svc-` + prefix + `"}`
			for q, want := range map[string]int{
				`{big.resource=~"0123456789abcdef.*"` + svc:                    2,
				`{big.resource=~"0123456789abcdef.*f"` + svc:                   2,
				`{big.resource=~"0123456789abcdef.*x"` + svc:                   0,
				`{big.resource=~"(0123456789abcdef){16}"` + svc:                0,
				`{big.resource="` + huge[:storage.MaxPostingValue] + `"` + svc: 0,
			} {
				if got := e.query("default", q, 0); len(got) != want {
					t.Errorf("%s found %d entries, want %d", q, len(got), want)
				}
			}
			base.check()
		})
	}
}

// queryAPI serves the query API over e's store and returns its URL.
func queryAPI(t *testing.T, e *testEnv) string {
	t.Helper()
	srv := httptest.NewServer(api.NewServer(e.store, api.ServerOptions{}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// getRaw fetches a query API URL and returns the raw body, which must be
// valid UTF-8 JSON.
func getRaw(t *testing.T, instance, u string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(api.InstanceHeader, instance)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	if !json.Valid(b) || !utf8.Valid(b) {
		t.Fatalf("GET %s: not valid UTF-8 JSON: %q", u, b)
	}
	return b
}

func TestInvalidUTF8(t *testing.T) {
	e := newEnv(t, envOptions{})
	base := newBaseline(t, e)
	apiURL := queryAPI(t, e)
	type utf8Case struct {
		ct      string
		badKeys bool // attribute keys with invalid UTF-8 too
		zone    bool // a cloud.region (the resource's zone) with invalid UTF-8
	}
	cases := []utf8Case{{ctProto, false, false}, {ctJSON, false, false}, {ctProto, true, false}, {ctJSON, true, false}, {ctProto, false, true}}
	for i, c := range cases {
		ct := c.ct
		t.Run(fmt.Sprintf("%s/keys=%v/zone=%v", ct, c.badKeys, c.zone), func(t *testing.T) {
			inst := fmt.Sprintf("utf8-%d", i)
			key := func(k string) string {
				if c.badKeys {
					return k + "\xff"
				}
				return k
			}
			ld := plog.NewLogs()
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("k8s.job.name", "job\xff")
			rl.Resource().Attributes().PutStr(key("res"), "v")
			if c.zone {
				rl.Resource().Attributes().PutStr("cloud.region", "eu\xff")
			}
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName("scope\xc3(")
			lr := sl.LogRecords().AppendEmpty()
			lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Now().Add(-time.Second)))
			lr.Body().SetStr("body \xff\xfe end")
			lr.SetSeverityText("ERR\x80")
			lr.Attributes().PutStr(key("k"), "v\xc3(")
			m := lr.Attributes().PutEmptyMap("m")
			m.PutStr(key("inner"), "x\xed\xa0\x80") // a UTF-16 surrogate, invalid in UTF-8
			var body []byte
			if ct == ctJSON {
				body = jsonLogs(t, ld)
			} else {
				body = protoLogs(t, ld)
			}
			status, _, answer := e.post(ct, "", body, receiver.InstanceHeader, inst)
			if status != http.StatusOK {
				t.Fatalf("status %d: %q", status, answer)
			}
			repl := "job\uFFFD"
			got := e.query(inst, fmt.Sprintf(`{k8s.job.name=%q}`, repl), 0)
			if len(got) != 1 {
				t.Fatalf("selector {k8s.job.name=%q} found %d entries, want 1", repl, len(got))
			}
			en := got[0]
			js := asJSON(t, en)
			if !utf8.ValidString(js) {
				t.Fatalf("entry is not valid UTF-8: %q", js)
			}
			// A run of invalid bytes becomes one U+FFFD (strings.ToValidUTF8).
			if want := "body \uFFFD end"; en.Body != want {
				t.Errorf("body %q, want %q", en.Body, want)
			}
			fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
			wantAttrs := map[string]any{fix(key("k")): "v\uFFFD(", "m": map[string]any{fix(key("inner")): "x\uFFFD"}}
			if asJSON(t, en.Attributes) != asJSON(t, wantAttrs) {
				t.Errorf("attributes %s, want %s", asJSON(t, en.Attributes), asJSON(t, wantAttrs))
			}
			if en.SeverityText != "ERR\uFFFD" || en.ScopeName != "scope\uFFFD(" {
				t.Errorf("severity text %q, scope %q", en.SeverityText, en.ScopeName)
			}
			if en.Resource == nil || en.Resource.Attributes["k8s.job.name"] != repl {
				t.Errorf("resource %+v", en.Resource)
			}
			raw := getRaw(t, inst, apiURL+"/api/v1/logs?query="+url.QueryEscape(fmt.Sprintf(`{k8s.job.name=%q}`, repl))+"&limit=10")
			var lr2 api.LogsResponse
			if err := json.Unmarshal(raw, &lr2); err != nil || len(lr2.Logs) != 1 {
				t.Fatalf("query API answer %s (%v)", raw, err)
			}
			if !bytes.Contains(raw, []byte(`\ufffd`)) && !bytes.Contains(raw, []byte("\uFFFD")) {
				t.Errorf("no replacement character in %s", raw)
			}
			getRaw(t, inst, apiURL+"/api/v1/labels")
			if vals := getRaw(t, inst, apiURL+"/api/v1/label/k8s.job.name/values"); !bytes.Contains(vals, []byte("job\uFFFD")) {
				t.Errorf("label values %s", vals)
			}
			base.check()
		})
	}
}

// TestManyResourcesOneEpoch writes 100 000 distinct resources into one
// epoch: every one is stored, {} returns the newest, and a selector on one
// resource finds exactly it.
func TestManyResourcesOneEpoch(t *testing.T) {
	if testing.Short() {
		t.Skip("100k resources")
	}
	const n, perRequest = 100_000, 10_000
	e := newEnv(t, envOptions{})
	conn := grpcClient(t, e)
	client := plogotlp.NewGRPCClient(conn)
	// One epoch: the current hour, from its start.
	base := time.Now().Truncate(time.Hour)
	if e.store.EpochStart(base.UnixNano()) != e.store.EpochStart(base.Add(n*time.Millisecond).UnixNano()) {
		t.Fatal("test data spans two epochs")
	}
	start := time.Now()
	for r := 0; r < n; r += perRequest {
		ld := plog.NewLogs()
		for i := r; i < r+perRequest; i++ {
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("service.name", "many")
			rl.Resource().Attributes().PutStr("k8s.pod.name", fmt.Sprintf("pod-%d", i))
			lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			lr.SetTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i) * time.Millisecond)))
			lr.Body().SetStr(fmt.Sprintf("r-%d", i))
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		resp, err := client.Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
		cancel()
		if err != nil {
			t.Fatalf("export %d: %v", r, err)
		}
		if resp.PartialSuccess().RejectedLogRecords() != 0 {
			t.Fatalf("export %d: rejected %d: %s", r, resp.PartialSuccess().RejectedLogRecords(), resp.PartialSuccess().ErrorMessage())
		}
	}
	t.Logf("wrote %d resources in %s", n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	newest := e.query("default", "{}", 1)
	if len(newest) != 1 || newest[0].Body != fmt.Sprintf("r-%d", n-1) {
		t.Fatalf("{} limit 1 = %v, want r-%d", bodyCounts(newest), n-1)
	}
	one := e.query("default", `{k8s.pod.name="pod-54321"}`, 0)
	if len(one) != 1 || one[0].Body != "r-54321" {
		t.Fatalf(`{k8s.pod.name="pod-54321"} = %v, want exactly r-54321`, bodyCounts(one))
	}
	t.Logf("queried newest and one of %d in %s", n, time.Since(start).Round(time.Millisecond))

	// Pages as large as allowed: every page walks the activity of all
	// resources newer than its cursor and seeks each of them once.
	start = time.Now()
	e.page = storage.MaxLimit
	all := e.all("default")
	counts := bodyCounts(all)
	if len(all) != n || len(counts) != n {
		t.Fatalf("%d entries (%d distinct), want %d", len(all), len(counts), n)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Key.Timestamp > all[i-1].Key.Timestamp {
			t.Fatalf("entry %d is newer than entry %d", i, i-1)
		}
	}
	t.Logf("read all %d in %s", n, time.Since(start).Round(time.Millisecond))
}
