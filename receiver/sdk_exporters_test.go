package receiver_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
)

// The OpenTelemetry Go SDK's log exporters (what telemetrygen and Go
// services use): a second, independent OTLP client implementation.

func TestSDKExporters(t *testing.T) {
	type sdkCase struct {
		name string
		new  func(ctx context.Context, e *testEnv, headers map[string]string) (sdklog.Exporter, error)
	}
	cases := []sdkCase{
		{"otlploghttp", func(ctx context.Context, e *testEnv, h map[string]string) (sdklog.Exporter, error) {
			return otlploghttp.New(ctx, otlploghttp.WithEndpoint(strings.TrimPrefix(e.httpURL, "http://")),
				otlploghttp.WithInsecure(), otlploghttp.WithHeaders(h))
		}},
		{"otlploghttp/gzip", func(ctx context.Context, e *testEnv, h map[string]string) (sdklog.Exporter, error) {
			return otlploghttp.New(ctx, otlploghttp.WithEndpointURL(e.httpURL+"/v1/logs"),
				otlploghttp.WithCompression(otlploghttp.GzipCompression), otlploghttp.WithHeaders(h))
		}},
		{"otlploggrpc", func(ctx context.Context, e *testEnv, h map[string]string) (sdklog.Exporter, error) {
			return otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(e.grpcAddr), otlploggrpc.WithInsecure(), otlploggrpc.WithHeaders(h))
		}},
		{"otlploggrpc/gzip", func(ctx context.Context, e *testEnv, h map[string]string) (sdklog.Exporter, error) {
			return otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(e.grpcAddr), otlploggrpc.WithInsecure(),
				otlploggrpc.WithCompressor("gzip"), otlploggrpc.WithHeaders(h))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			exp, err := c.new(ctx, e, map[string]string{"X-Talus-Instance": "sdk-tenant"})
			if err != nil {
				t.Fatal(err)
			}
			res := resource.NewSchemaless(attribute.String("service.name", "sdk-svc"), attribute.String("k8s.job.name", "sdk-job"))
			lp := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
			defer func() {
				if err := lp.Shutdown(context.Background()); err != nil {
					t.Errorf("shutdown: %v", err)
				}
			}()
			logger := lp.Logger("talus.sdk.test", otellog.WithInstrumentationVersion("0.1"))
			tid, _ := trace.TraceIDFromHex("0102030405060708090a0b0c0d0e0f10")
			sid, _ := trace.SpanIDFromHex("a1a2a3a4a5a6a7a8")
			sctx := trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
			base := time.Now().Add(-time.Minute)
			const n = 25
			for i := 0; i < n; i++ {
				var r otellog.Record
				r.SetTimestamp(base.Add(time.Duration(i) * time.Millisecond))
				r.SetSeverity(otellog.SeverityError)
				r.SetSeverityText("ERROR")
				r.SetBody(attribute.StringValue(fmt.Sprintf("sdk record %d", i)))
				r.AddAttributes(attribute.Int("i", i), attribute.String("user", "ann"))
				logger.Emit(sctx, r)
			}
			if err := lp.ForceFlush(ctx); err != nil {
				t.Fatalf("flush: %v", err)
			}
			if got := e.all("default"); len(got) != 0 {
				t.Fatalf("%d entries went to the default instance; the header names sdk-tenant", len(got))
			}
			got := e.query("sdk-tenant", `{k8s.job.name="sdk-job", service.name="sdk-svc"}`, 0)
			if len(got) != n {
				t.Fatalf("stored %d entries, want %d", len(got), n)
			}
			for i, en := range got {
				want := fmt.Sprintf("sdk record %d", n-1-i) // newest first
				if en.Body != want {
					t.Errorf("entry %d body %v, want %q", i, en.Body, want)
				}
				if ts := base.Add(time.Duration(n-1-i) * time.Millisecond).UnixNano(); en.Key.Timestamp != ts {
					t.Errorf("entry %d timestamp %d, want %d", i, en.Key.Timestamp, ts)
				}
				if en.SeverityNumber != int32(otellog.SeverityError) || en.SeverityText != "ERROR" {
					t.Errorf("entry %d severity %d %q", i, en.SeverityNumber, en.SeverityText)
				}
				if asJSON(t, en.Attributes) != fmt.Sprintf(`{"i":%d,"user":"ann"}`, n-1-i) {
					t.Errorf("entry %d attributes %s", i, asJSON(t, en.Attributes))
				}
				if hex.EncodeToString(en.TraceID[:]) != tid.String() || hex.EncodeToString(en.SpanID[:]) != sid.String() {
					t.Errorf("entry %d trace/span %x/%x", i, en.TraceID, en.SpanID)
				}
				if en.ScopeName != "talus.sdk.test" || en.ScopeVersion != "0.1" {
					t.Errorf("entry %d scope %q %q", i, en.ScopeName, en.ScopeVersion)
				}
			}
		})
	}
}
