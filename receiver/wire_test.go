package receiver_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

// TestHandWrittenJSON posts OTLP/JSON as curl users write it, with the
// specification's deviations from proto3 JSON: hex trace and span ids,
// integer enums, int64 as strings or numbers, unknown fields ignored.
func TestHandWrittenJSON(t *testing.T) {
	e := newEnv(t, envOptions{})
	const ts = 1700000000123456789
	body := fmt.Sprintf(`{"resourceLogs":[{"resource":{"attributes":[
	  {"key":"service.name","value":{"stringValue":"curl"}},
	  {"key":"k8s.job.name","value":{"stringValue":"hand"}}]},
	  "scopeLogs":[{"scope":{"name":"sh"},"logRecords":[
	    {"timeUnixNano":"%d","observedTimeUnixNano":%d,"severityNumber":17,"severityText":"ERROR",
	     "body":{"stringValue":"boom \\\"}]{"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
	     "attributes":[{"key":"n","value":{"intValue":"42"}},{"key":"m","value":{"intValue":7}},
	       {"key":"f","value":{"doubleValue":0.5}},{"key":"ok","value":{"boolValue":true}}],
	     "flags":1,"someFutureField":{"x":1}},
	    {"observedTimeUnixNano":"%d","body":{"stringValue":"observed only"}},
	    {"body":{"stringValue":"no time"}}
	  ]}]}]}`+" \n\t\r\n", ts, ts+1, ts+5) // trailing blanks are not trailing data
	before := time.Now().UnixNano()
	status, hdr, answer := e.post(ctJSON, "", []byte(body))
	after := time.Now().UnixNano()
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, answer)
	}
	if resp := decodeExportResponse(t, hdr.Get("Content-Type"), answer); resp.PartialSuccess().RejectedLogRecords() != 0 {
		t.Fatalf("rejected: %s", resp.PartialSuccess().ErrorMessage())
	}
	got := e.query("default", `{k8s.job.name="hand"}`, 0)
	if len(got) != 3 {
		t.Fatalf("%d entries, want 3", len(got))
	}
	if en := got[0]; en.Body != "no time" || en.Key.Timestamp < before || en.Key.Timestamp > after {
		t.Errorf("record without times: %v at %d, want stored at the receiving time [%d, %d]", en.Body, en.Key.Timestamp, before, after)
	}
	en := got[1]
	if en.Body != "observed only" || en.Key.Timestamp != ts+5 {
		t.Errorf("record without timeUnixNano: %v at %d, want stored at its observed time %d", en.Body, en.Key.Timestamp, int64(ts+5))
	}
	en = got[2]
	checks := []struct {
		what      string
		got, want any
	}{
		{"timestamp", en.Key.Timestamp, int64(ts)},
		{"observed", en.ObservedTime, int64(ts + 1)},
		{"severity", en.SeverityNumber, int32(17)},
		{"severity text", en.SeverityText, "ERROR"},
		{"body", en.Body, `boom \"}]{`},
		{"trace id", hex.EncodeToString(en.TraceID[:]), "5b8efff798038103d269b633813fc60c"},
		{"span id", hex.EncodeToString(en.SpanID[:]), "eee19b7ec3c1b174"},
		{"attributes", asJSON(t, en.Attributes), `{"f":0.5,"m":7,"n":42,"ok":true}`},
		{"flags", en.Flags, uint32(1)},
		{"scope", en.ScopeName, "sh"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
}

// TestGRPCAboveGRPCDefaultLimit: grpc-go refuses messages over 4 MiB unless
// told otherwise; the receiver's limit (64 MiB by default) must apply.
func TestGRPCAboveGRPCDefaultLimit(t *testing.T) {
	e := newEnv(t, envOptions{})
	ld := genLogs("six-mib", 3)
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().PutStr("blob", strings.Repeat("b", 6<<20))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := plogotlp.NewGRPCClient(grpcClient(t, e)).Export(ctx, plogotlp.NewExportRequestFromLogs(ld)); err != nil {
		t.Fatalf("6 MiB export: %v", err)
	}
	e.assertIntact("default", ld)
}
