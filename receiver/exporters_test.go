package receiver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"

	"github.com/talus-logs/talus/receiver"
	"github.com/talus-logs/talus/storage"
)

// The collector's own exporters (the code a production collector runs, with
// its retry logic) against the receiver. The sending queue is off, so
// ConsumeLogs returns only after the export and its retries are over.

// collectorExporter describes how to build one of the collector exporters.
type collectorExporter struct {
	name string
	// grpc is true for otlpexporter: its calls are the gRPC ones.
	grpc bool
	new  func(t *testing.T, e *testEnv, c exporterConfig) exporter.Logs
}

// exporterConfig is what the tests vary.
type exporterConfig struct {
	compression configcompression.Type
	json        bool // otlphttpexporter only: encoding json
	logger      *zap.Logger
}

// fastRetry keeps the exporter's retry policy but starts it at 10 ms with
// no jitter, so that any longer wait comes from the server's throttle hint.
func fastRetry() configretry.BackOffConfig {
	r := configretry.NewDefaultBackOffConfig()
	r.InitialInterval = 10 * time.Millisecond
	r.RandomizationFactor = 0
	r.MaxInterval = 2 * time.Second
	r.MaxElapsedTime = 30 * time.Second
	return r
}

var collectorExporters = []collectorExporter{
	{name: "otlpexporter", grpc: true, new: func(t *testing.T, e *testEnv, c exporterConfig) exporter.Logs {
		f := otlpexporter.NewFactory()
		cfg := f.CreateDefaultConfig().(*otlpexporter.Config)
		cfg.ClientConfig.Endpoint = e.grpcAddr
		cfg.ClientConfig.TLS = configtls.ClientConfig{Insecure: true}
		if c.compression != "" {
			cfg.ClientConfig.Compression = c.compression
		}
		cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
		cfg.RetryConfig = fastRetry()
		return startExporter(t, f, cfg, c.logger)
	}},
	{name: "otlphttpexporter", new: func(t *testing.T, e *testEnv, c exporterConfig) exporter.Logs {
		f := otlphttpexporter.NewFactory()
		cfg := f.CreateDefaultConfig().(*otlphttpexporter.Config)
		cfg.ClientConfig.Endpoint = e.httpURL
		if c.compression != "" {
			cfg.ClientConfig.Compression = c.compression
		}
		if c.json {
			cfg.Encoding = otlphttpexporter.EncodingJSON
		}
		cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
		cfg.RetryConfig = fastRetry()
		return startExporter(t, f, cfg, c.logger)
	}},
}

func startExporter(t *testing.T, f exporter.Factory, cfg any, logger *zap.Logger) exporter.Logs {
	t.Helper()
	ctx := context.Background()
	set := exportertest.NewNopSettings(f.Type())
	if logger != nil {
		set.Logger = logger
	}
	exp, err := f.CreateLogs(ctx, set, cfg)
	if err != nil {
		t.Fatalf("create %s exporter: %v", f.Type(), err)
	}
	if err := exp.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatalf("start %s exporter: %v", f.Type(), err)
	}
	t.Cleanup(func() {
		if err := exp.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown exporter: %v", err)
		}
	})
	return exp
}

// consume exports ld (a copy: the exporter may take ownership) and returns
// the exporter's error, failing the test if it takes longer than a minute.
func consume(t *testing.T, exp exporter.Logs, ld plog.Logs) error {
	t.Helper()
	cp := plog.NewLogs()
	ld.CopyTo(cp)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return exp.ConsumeLogs(ctx, cp)
}

// exporterCalls returns the calls made by the exporter under test: gRPC
// calls for otlpexporter, protobuf or JSON HTTP calls for otlphttpexporter
// (the tests' own side requests use the other content type).
func exporterCalls(e *testEnv, ce collectorExporter, ct string) []call {
	var out []call
	for _, c := range e.calls.snapshot() {
		if ce.grpc && c.transport == "grpc" || !ce.grpc && c.transport == "http" && c.contentType == ct {
			out = append(out, c)
		}
	}
	return out
}

func TestCollectorExportersDeliverIntact(t *testing.T) {
	// The registered gRPC "zstd" compressor must be the receiver's: the
	// collector's configgrpc registers its own only when none exists, and
	// the server resolves compressors from the same registry.
	if got := fmt.Sprintf("%T", encoding.GetCompressor("zstd")); got != "*receiver.zstdCompressor" {
		t.Fatalf("gRPC zstd compressor is %s, want the receiver's", got)
	}
	for _, ce := range collectorExporters {
		cases := []exporterConfig{{compression: ""}, {compression: configcompression.TypeZstd}, {compression: "none"}}
		if !ce.grpc {
			cases = append(cases, exporterConfig{json: true}, exporterConfig{compression: configcompression.TypeDeflate})
		}
		for _, c := range cases {
			name := fmt.Sprintf("%s/compression=%s/json=%v", ce.name, c.compression, c.json)
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, envOptions{})
				exp := ce.new(t, e, c)
				ld := genLogs("intact", 50)
				if err := consume(t, exp, ld); err != nil {
					t.Fatalf("ConsumeLogs: %v", err)
				}
				e.assertIntact("default", ld)
				ct := "application/x-protobuf"
				if c.json {
					ct = "application/json"
				}
				calls := exporterCalls(e, ce, ct)
				if len(calls) != 1 {
					t.Fatalf("exporter made %d calls, want 1: %+v", len(calls), calls)
				}
				wantEnc := string(c.compression)
				if wantEnc == "" {
					wantEnc = "gzip" // both exporters' default
				}
				if wantEnc == "none" {
					wantEnc = ""
				}
				if calls[0].encoding != wantEnc {
					t.Errorf("request encoding %q, want %q", calls[0].encoding, wantEnc)
				}
				if ok := calls[0].status == 200 || ce.grpc && calls[0].status == int(codes.OK); !ok {
					t.Errorf("status %d", calls[0].status)
				}
			})
		}
	}
}

// gate is a Writer that holds the first write until release is closed, so
// that the receiver's only write slot stays taken: real overload without
// timing luck.
type gate struct {
	receiver.Writer
	entered chan struct{} // closed when the first write arrives
	release chan struct{} // close to let it proceed
	once    sync.Once
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) wrap(w receiver.Writer) receiver.Writer { g.Writer = w; return g }

func (g *gate) Write(instance string, ld plog.Logs) (storage.WriteResult, error) {
	g.hold()
	return g.Writer.Write(instance, ld)
}

func (g *gate) WriteOTLP(instance string, req []byte) (storage.WriteResult, error) {
	g.hold()
	return g.Writer.WriteOTLP(instance, req)
}

func (g *gate) hold() {
	first := false
	g.once.Do(func() { first = true; close(g.entered) })
	if first {
		<-g.release
	}
}

// postAsync posts a JSON request from a goroutine; the result arrives on
// the channel (nil for 200).
func postAsync(url string, body []byte) <-chan error {
	done := make(chan error, 1)
	go func() {
		resp, err := http.Post(url, "application/json", strings.NewReader(string(body)))
		if err != nil {
			done <- err
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			done <- fmt.Errorf("status %d", resp.StatusCode)
			return
		}
		done <- nil
	}()
	return done
}

func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func jsonLogs(t *testing.T, ld plog.Logs) []byte {
	t.Helper()
	b, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCollectorExportersHonourRetryAfter(t *testing.T) {
	const retryAfter = time.Second
	for _, ce := range collectorExporters {
		t.Run(ce.name, func(t *testing.T) {
			g := newGate()
			e := newEnv(t, envOptions{
				recv: receiver.Options{MaxConcurrentWrites: 1, QueueWait: 50 * time.Millisecond, RetryAfter: retryAfter},
				wrap: g.wrap,
			})
			calls := e.calls.watch()
			blocker := genLogs("blocker", 3)
			blocked := postAsync(e.httpURL+receiver.LogsPath, jsonLogs(t, blocker))
			waitFor(t, g.entered, "the blocking write")

			exp := ce.new(t, e, exporterConfig{})
			ld := genLogs("throttled", 20)
			consumed := make(chan error, 1)
			go func() { consumed <- consume(t, exp, ld) }()

			first := waitFor(t, calls, "the throttled attempt")
			wantFirst := http.StatusServiceUnavailable
			if ce.grpc {
				wantFirst = int(codes.Unavailable)
			}
			if first.status != wantFirst {
				t.Fatalf("first attempt answered %d, want %d", first.status, wantFirst)
			}
			close(g.release)
			if err := waitFor(t, blocked, "the blocking request"); err != nil {
				t.Fatalf("blocking request: %v", err)
			}
			if err := waitFor(t, consumed, "ConsumeLogs"); err != nil {
				t.Fatalf("ConsumeLogs: %v", err)
			}

			got := exporterCalls(e, ce, "application/x-protobuf")
			if len(got) != 2 {
				t.Fatalf("exporter made %d calls, want 2 (throttled, then retried): %+v", len(got), got)
			}
			if gap := got[1].start.Sub(got[0].end); gap < retryAfter-100*time.Millisecond {
				t.Errorf("retried %s after the 503/UNAVAILABLE, want at least the %s the server asked for", gap, retryAfter)
			}
			e.assertIntact("default", ld)
			e.assertIntact("default", blocker)
		})
	}
}

// tooDeep makes v an array value nested deeper than storage.MaxValueDepth.
// Arrays, because nested maps that deep already exceed the protobuf
// decoder's recursion limit (pdata: 100 messages, three per map level).
func tooDeep(v pcommon.Value) {
	for i := 0; i < storage.MaxValueDepth+5; i++ {
		v = v.SetEmptySlice().AppendEmpty()
	}
	v.SetStr("leaf")
}

// withBadRecords appends to ld's first resource one record with an
// attribute nested too deeply and one timestamped two days ahead.
func withBadRecords(ld plog.Logs) {
	recs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	deep := recs.AppendEmpty()
	deep.Body().SetStr("bad-too-deep")
	deep.SetTimestamp(pcommon.NewTimestampFromTime(time.Now()))
	tooDeep(deep.Attributes().PutEmpty("root"))
	future := recs.AppendEmpty()
	future.Body().SetStr("bad-future")
	future.SetTimestamp(pcommon.NewTimestampFromTime(time.Now().Add(48 * time.Hour)))
}

func TestCollectorExportersPartialSuccessNotRetried(t *testing.T) {
	for _, ce := range collectorExporters {
		t.Run(ce.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			core, logs := observer.New(zapcore.WarnLevel)
			exp := ce.new(t, e, exporterConfig{logger: zap.New(core)})
			good := genLogs("partial", 10)
			ld := plog.NewLogs()
			good.CopyTo(ld)
			withBadRecords(ld)
			if err := consume(t, exp, ld); err != nil {
				t.Fatalf("ConsumeLogs: %v (a partial success is not an error)", err)
			}
			if got := exporterCalls(e, ce, "application/x-protobuf"); len(got) != 1 {
				t.Fatalf("exporter made %d calls, want 1 (partial success must not be retried)", len(got))
			}
			e.assertIntact("default", good)
			counts := bodyCounts(e.all("default"))
			for _, bad := range []string{"bad-too-deep", "bad-future"} {
				if counts[bad] != 0 {
					t.Errorf("rejected record %q was stored", bad)
				}
			}
			if n := len(e.all("default")); n != 10 {
				t.Errorf("%d entries stored, want 10", n)
			}
			warned := logs.FilterMessage("Partial success response").All()
			if len(warned) != 1 {
				t.Fatalf("exporter logged %d partial-success warnings, want 1; logs: %v", len(warned), logs.All())
			}
			if got := warned[0].ContextMap()["dropped_log_records"]; got != int64(2) {
				t.Errorf("dropped_log_records = %v, want 2", got)
			}
		})
	}
}

// ackLost stores the first write, then fails it as if the acknowledgement
// had been lost (a commit whose answer never arrived): the client retries
// data that is already durable.
type ackLost struct {
	receiver.Writer
	failed atomic.Bool
}

func (a *ackLost) Write(instance string, ld plog.Logs) (storage.WriteResult, error) {
	return a.lose(a.Writer.Write(instance, ld))
}

func (a *ackLost) WriteOTLP(instance string, req []byte) (storage.WriteResult, error) {
	return a.lose(a.Writer.WriteOTLP(instance, req))
}

func (a *ackLost) lose(res storage.WriteResult, err error) (storage.WriteResult, error) {
	if err == nil && a.failed.CompareAndSwap(false, true) {
		return storage.WriteResult{}, errors.New("simulated: acknowledgement lost after commit")
	}
	return res, err
}

func TestCollectorExportersRetryDoesNotDuplicate(t *testing.T) {
	for _, ce := range collectorExporters {
		t.Run(ce.name, func(t *testing.T) {
			al := &ackLost{}
			e := newEnv(t, envOptions{
				recv: receiver.Options{RetryAfter: 50 * time.Millisecond},
				wrap: func(w receiver.Writer) receiver.Writer { al.Writer = w; return al },
			})
			exp := ce.new(t, e, exporterConfig{})
			ld := genLogs("retried", 30)
			// Two identical records in one request are two entries, on
			// every attempt the same two.
			recs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
			recs.At(0).CopyTo(recs.AppendEmpty())
			if err := consume(t, exp, ld); err != nil {
				t.Fatalf("ConsumeLogs: %v", err)
			}
			if got := exporterCalls(e, ce, "application/x-protobuf"); len(got) != 2 {
				t.Fatalf("exporter made %d calls, want 2 (failed, retried)", len(got))
			}
			counts := bodyCounts(e.all("default"))
			total := 0
			for _, body := range sortedKeys(counts) {
				want := 1
				if body == "retried-0" {
					want = 2
				}
				if counts[body] != want {
					t.Errorf("%q stored %d times, want %d", body, counts[body], want)
				}
				total += counts[body]
			}
			if total != 31 {
				t.Errorf("%d entries stored, want 31", total)
			}
		})
	}
}

func TestCollectorExportersDropOversize(t *testing.T) {
	for _, ce := range collectorExporters {
		t.Run(ce.name, func(t *testing.T) {
			e := newEnv(t, envOptions{recv: receiver.Options{MaxRequestBytes: 64 << 10}})
			exp := ce.new(t, e, exporterConfig{compression: "none"})
			ld := genLogs("big", 2)
			ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().PutStr("blob", strings.Repeat("x", 100<<10))
			err := consume(t, exp, ld)
			if err == nil || !consumererror.IsPermanent(err) {
				t.Fatalf("ConsumeLogs = %v, want a permanent error (413 / RESOURCE_EXHAUSTED is not retried)", err)
			}
			if got := exporterCalls(e, ce, "application/x-protobuf"); len(got) != 1 {
				t.Fatalf("exporter made %d calls, want 1", len(got))
			}
			if n := len(e.all("default")); n != 0 {
				t.Errorf("%d entries stored from a rejected request", n)
			}
		})
	}
}

// TestRetryAfterRoundsUp: Retry-After carries whole seconds; a delay of
// 1.5 s must be announced as 2, not 1, or clients come back too early.
func TestRetryAfterRoundsUp(t *testing.T) {
	g := newGate()
	e := newEnv(t, envOptions{
		recv: receiver.Options{MaxConcurrentWrites: 1, QueueWait: 10 * time.Millisecond, RetryAfter: 1500 * time.Millisecond},
		wrap: g.wrap,
	})
	blocked := postAsync(e.httpURL+receiver.LogsPath, jsonLogs(t, genLogs("blocker", 1)))
	waitFor(t, g.entered, "the blocking write")
	status, hdr, _ := e.post(ctProto, "", protoLogs(t, genLogs("late", 1)))
	close(g.release)
	if err := waitFor(t, blocked, "the blocking request"); err != nil {
		t.Fatal(err)
	}
	if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") != "2" {
		t.Errorf("status %d Retry-After %q, want 503 and 2", status, hdr.Get("Retry-After"))
	}
}
