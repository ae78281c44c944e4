package receiver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/talus-logs/talus/receiver"
)

// Body encodings the fuzzer chooses from.
const (
	fuzzPlain      = iota // the bytes as they are
	fuzzGzip              // the bytes gzipped: random content behind a valid stream
	fuzzZstd              // the bytes zstd-compressed
	fuzzClaimsGzip        // the bytes as they are, declared gzip: a random stream
	fuzzEncodings
)

// FuzzHTTPHandler sends random bytes as OTLP protobuf or JSON, plain or
// compressed, to the HTTP handler over a real store. It must never panic
// nor answer 5xx, and its answer must decode in the request's encoding: an
// ExportLogsServiceResponse on 200, a google.rpc.Status otherwise.
func FuzzHTTPHandler(f *testing.F) {
	withBad := genLogs("fuzz-bad", 3)
	withBad.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().PutStr("bad\xff", "v\xfe")
	withBadRecords(withBad)
	seeds := []plog.Logs{genLogs("fuzz", 4), withBad, plog.NewLogs()}
	for _, ld := range seeds {
		pb, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
		if err != nil {
			f.Fatal(err)
		}
		js, err := plogotlp.NewExportRequestFromLogs(ld).MarshalJSON()
		if err != nil {
			f.Fatal(err)
		}
		for enc := uint8(0); enc < fuzzEncodings; enc++ {
			f.Add(pb, false, enc)
			f.Add(js, true, enc)
		}
	}
	f.Add([]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","body":{"stringValue":"x"},"traceId":"zz"}]}]}]}`), true, uint8(fuzzPlain))
	f.Add([]byte(`{"resourceLogs":[{"resource":{"attributes":[{"key":"a","value":{"kvlistValue":{"values":[{"key":"b","value":{"arrayValue":{"values":[{"intValue":"9223372036854775808"}]}}}]}}}]}}]}`), true, uint8(fuzzPlain))
	f.Add([]byte{0x0a, 0x02, 0x12, 0x00}, false, uint8(fuzzPlain))

	store := openStore(f)
	h := receiver.New(store, receiver.Options{MaxRequestBytes: 1 << 20}).HTTPHandler()
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool, enc uint8) {
		ct := ctProto
		if isJSON {
			ct = ctJSON
		}
		body := data
		req := httptest.NewRequest(http.MethodPost, receiver.LogsPath, nil)
		switch enc % fuzzEncodings {
		case fuzzGzip:
			body = compressed(t, "gzip", data)
			req.Header.Set("Content-Encoding", "gzip")
		case fuzzZstd:
			body = compressed(t, "zstd", data)
			req.Header.Set("Content-Encoding", "zstd")
		case fuzzClaimsGzip:
			req.Header.Set("Content-Encoding", "gzip")
		}
		req.Body = httpBody(body)
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("status %d for %d bytes of %s: %q", rec.Code, len(data), ct, rec.Body.Bytes())
		}
		if got := rec.Header().Get("Content-Type"); got != ct {
			t.Fatalf("status %d answered as %q, want %q", rec.Code, got, ct)
		}
		out := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			resp := plogotlp.NewExportResponse()
			var err error
			if isJSON {
				err = resp.UnmarshalJSON(out)
			} else {
				err = resp.UnmarshalProto(out)
			}
			if err != nil {
				t.Fatalf("200 answer does not decode: %v: %q", err, out)
			}
			return
		}
		st := &spb.Status{}
		var err error
		if isJSON {
			err = protojson.Unmarshal(out, st)
		} else {
			err = proto.Unmarshal(out, st)
		}
		if err != nil || st.Message == "" || st.Code == 0 {
			t.Fatalf("status %d answer is not a google.rpc.Status with a message: %v: %q", rec.Code, err, out)
		}
	})
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func httpBody(b []byte) readCloser { return readCloser{bytes.NewReader(b)} }
