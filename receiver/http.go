package receiver

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/talus-logs/talus/internal/gunzip"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/storage"
)

// LogsPath is where OTLP/HTTP logs are posted.
const LogsPath = "/v1/logs"

const (
	contentProtobuf = "application/x-protobuf"
	contentJSON     = "application/json"
)

// HTTPHandler returns the OTLP/HTTP handler, to be mounted at LogsPath.
func (r *Receiver) HTTPHandler() http.Handler { return http.HandlerFunc(r.serveHTTP) }

// bodyBuffers hold a request body: decompressed by a streaming reader into
// plain, or read whole into packed and decompressed into whole
// (internal/gunzip).
type bodyBuffers struct {
	plain, packed bytes.Buffer
	whole         []byte
}

var bodyPool = sync.Pool{New: func() any { return new(bodyBuffers) }}

func (bb *bodyBuffers) release() {
	if bb.plain.Cap() > 16<<20 || bb.packed.Cap() > 16<<20 || cap(bb.whole) > 16<<20 {
		return // a huge request's buffers are not kept
	}
	bb.plain.Reset()
	bb.packed.Reset()
	bb.whole = bb.whole[:0]
	bodyPool.Put(bb)
}

// gzipPool holds gzip readers between requests; a reader is Reset before use.
var gzipPool sync.Pool

// httpError is a failed request: its status, gRPC code and message.
type httpError struct {
	status int
	code   codes.Code
	msg    string
}

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeHTTPError(w, contentJSON, &httpError{http.StatusMethodNotAllowed, codes.Unimplemented, "method " + req.Method + " not allowed, use POST"})
		return
	}
	ct, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || (ct != contentProtobuf && ct != contentJSON) {
		writeHTTPError(w, contentJSON, &httpError{http.StatusUnsupportedMediaType, codes.InvalidArgument,
			fmt.Sprintf("unsupported Content-Type %q: use %s or %s", req.Header.Get("Content-Type"), contentProtobuf, contentJSON)})
		metrics.IngestRequests.WithLabelValues("http", "415").Inc()
		return
	}
	herr := r.handleHTTP(req, ct, w)
	if herr != nil {
		if herr.status == http.StatusServiceUnavailable {
			// Whole seconds, rounded up: clients must not come back early.
			w.Header().Set("Retry-After", strconv.Itoa(int(max(1, math.Ceil(r.opts.RetryAfter.Seconds())))))
		}
		writeHTTPError(w, ct, herr)
		metrics.IngestRequests.WithLabelValues("http", strconv.Itoa(herr.status)).Inc()
		return
	}
	metrics.IngestRequests.WithLabelValues("http", "200").Inc()
}

func (r *Receiver) handleHTTP(req *http.Request, ct string, w http.ResponseWriter) *httpError {
	instance := req.Header.Get(InstanceHeader)
	if instance == "" {
		instance = r.opts.DefaultInstance
	}
	// Take the write slot before reading the body, so an overloaded server
	// does not also buffer what it cannot write.
	if err := r.acquire(req.Context()); err != nil {
		metrics.IngestErrors.WithLabelValues("overloaded").Inc()
		return &httpError{http.StatusServiceUnavailable, codes.Unavailable, "server overloaded, retry later"}
	}
	defer r.release()
	// The body is read while holding the slot: bound that time, or a few
	// stalled uploads would hold every slot for as long as they stall.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(r.opts.BodyTimeout))

	bb := bodyPool.Get().(*bodyBuffers)
	defer bb.release()
	body, herr := r.readBody(req, bb)
	if herr != nil {
		return herr
	}
	var res exportResult
	var err error
	if ct == contentJSON {
		ereq := plogotlp.NewExportRequest()
		if len(body) > 0 {
			if err := ereq.UnmarshalJSON(body); err != nil {
				metrics.IngestErrors.WithLabelValues("malformed").Inc()
				return &httpError{http.StatusBadRequest, codes.InvalidArgument, "cannot decode OTLP " + ct + " body: " + err.Error()}
			}
			// pdata's decoder stops at the end of the first object: a body
			// with more after it (two requests concatenated) would be
			// acknowledged with all but the first silently dropped.
			if at := jsonTrailingData(body); at >= 0 {
				metrics.IngestErrors.WithLabelValues("malformed").Inc()
				return &httpError{http.StatusBadRequest, codes.InvalidArgument,
					fmt.Sprintf("cannot decode OTLP %s body: data after the request's JSON object, at byte %d", ct, at)}
			}
		}
		res, err = r.export(func() (storage.WriteResult, error) { return r.w.Write(instance, ereq.Logs()) })
	} else {
		// Protobuf is read straight from its bytes, without pdata.
		res, err = r.export(func() (storage.WriteResult, error) { return r.w.WriteOTLP(instance, body) })
	}
	if err != nil {
		switch {
		case errors.Is(err, storage.ErrMalformed):
			metrics.IngestErrors.WithLabelValues("malformed").Inc()
			return &httpError{http.StatusBadRequest, codes.InvalidArgument, "cannot decode OTLP " + ct + " body: " + err.Error()}
		case errors.Is(err, storage.ErrInvalidInstance):
			return &httpError{http.StatusBadRequest, codes.InvalidArgument, err.Error()}
		}
		metrics.IngestErrors.WithLabelValues("write").Inc()
		return &httpError{http.StatusServiceUnavailable, codes.Unavailable, "write failed, retry later: " + err.Error()}
	}
	resp := plogotlp.NewExportResponse()
	if res.rejected > 0 {
		resp.PartialSuccess().SetRejectedLogRecords(res.rejected)
		resp.PartialSuccess().SetErrorMessage(res.message)
	}
	var out []byte
	if ct == contentJSON {
		out, err = resp.MarshalJSON()
	} else {
		out, err = resp.MarshalProto()
	}
	if err != nil {
		return &httpError{http.StatusInternalServerError, codes.Internal, err.Error()}
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	return nil
}

// readBody returns the decompressed body, read into bb, enforcing
// MaxRequestBytes on both the compressed and the decompressed size.
func (r *Receiver) readBody(req *http.Request, bb *bodyBuffers) ([]byte, *httpError) {
	limit := r.opts.MaxRequestBytes
	tooBig := &httpError{http.StatusRequestEntityTooLarge, codes.ResourceExhausted,
		fmt.Sprintf("request body larger than %d bytes", limit)}
	if req.ContentLength > limit {
		return nil, tooBig
	}
	body := io.Reader(http.MaxBytesReader(nil, req.Body, limit+1))
	enc := strings.ToLower(strings.TrimSpace(req.Header.Get("Content-Encoding")))
	var dec io.Reader
	switch enc {
	case "", "identity":
		dec = body
	case "gzip", "x-gzip":
		if gunzip.Available() {
			// Read the member whole and inflate it in one call; what
			// gunzip leaves (several members, corrupt data) the streaming
			// reader below decodes from memory and judges.
			if herr := r.readAll(&bb.packed, body, limit, tooBig); herr != nil {
				return nil, herr
			}
			var ok bool
			if bb.whole, ok = gunzip.Decompress(bb.whole[:0], bb.packed.Bytes(), int(limit)); ok {
				return bb.whole, nil
			}
			body = bytes.NewReader(bb.packed.Bytes())
		}
		// Exporters gzip every request by default: reuse the decompressors
		// (each holds a 32 KiB window and Huffman tables).
		zr, _ := gzipPool.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(body)
		} else {
			err = zr.Reset(body)
		}
		if err != nil {
			return nil, r.badBody(err)
		}
		defer gzipPool.Put(zr)
		dec = zr
	case "zstd":
		// Bound the window, not the decoded size (the LimitReader below
		// does that): streaming encoders declare their window (8 MiB by
		// default) rather than the content size, so the bound never goes
		// below it, as in the collector's confighttp.
		zr, err := zstd.NewReader(body, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(uint64(max(limit+1, zstdDefaultWindow))))
		if err != nil {
			return nil, r.badBody(err)
		}
		defer zr.Close()
		dec = zr
	case "deflate":
		zr, err := zlib.NewReader(body)
		if err != nil {
			return nil, r.badBody(err)
		}
		defer zr.Close()
		dec = zr
	case "x-deflate-raw":
		zr := flate.NewReader(body)
		defer zr.Close()
		dec = zr
	default:
		return nil, &httpError{http.StatusUnsupportedMediaType, codes.InvalidArgument,
			fmt.Sprintf("unsupported Content-Encoding %q: use gzip, zstd or deflate", enc)}
	}
	if herr := r.readAll(&bb.plain, dec, limit, tooBig); herr != nil {
		return nil, herr
	}
	return bb.plain.Bytes(), nil
}

// readAll reads src into buf, refusing more than limit bytes with tooBig.
func (r *Receiver) readAll(buf *bytes.Buffer, src io.Reader, limit int64, tooBig *httpError) *httpError {
	n, err := buf.ReadFrom(io.LimitReader(src, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooBig
		}
		if errors.Is(err, context.Canceled) {
			return &httpError{http.StatusBadRequest, codes.Canceled, "request canceled"}
		}
		return r.badBody(err)
	}
	if n > limit {
		return tooBig
	}
	return nil
}

// jsonTrailingData returns the offset of the first non-blank byte after the
// JSON object that b starts with, or -1 if there is none. b has been
// decoded already, so its first object is well formed; only its brackets
// and strings need to be followed to find its end.
func jsonTrailingData(b []byte) int {
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return -1 // null: the decoder has judged it
	}
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				if j := skipJSONSpace(b, i+1); j < len(b) {
					return j
				}
				return -1
			}
		}
	}
	return -1
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// zstdDefaultWindow is the window of zstd encoders at their default level.
const zstdDefaultWindow = 8 << 20

func (r *Receiver) badBody(err error) *httpError {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		metrics.IngestErrors.WithLabelValues("body_timeout").Inc()
		return &httpError{http.StatusRequestTimeout, codes.DeadlineExceeded,
			fmt.Sprintf("request body not received within %s", r.opts.BodyTimeout)}
	}
	metrics.IngestErrors.WithLabelValues("malformed").Inc()
	return &httpError{http.StatusBadRequest, codes.InvalidArgument, "cannot read request body: " + err.Error()}
}

// writeHTTPError answers with a google.rpc.Status in the request's encoding,
// as the OTLP specification asks.
func writeHTTPError(w http.ResponseWriter, ct string, e *httpError) {
	// Decoder errors may quote the body's bytes; a message that is not
	// UTF-8 would make both marshalers fail and leave the answer empty.
	st := &spb.Status{Code: int32(e.code), Message: strings.ToValidUTF8(e.msg, "\uFFFD")}
	var body []byte
	if ct == contentProtobuf {
		body, _ = proto.Marshal(st)
	} else {
		ct = contentJSON
		body, _ = protojson.Marshal(st)
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

// InstanceHeader names the tenant of a request.
const InstanceHeader = "X-Talus-Instance"
