//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/api"
)

const (
	// recordsPerRun is how many records each exporter subtest sends.
	recordsPerRun = 2000
	// resourcesPerRun is how many distinct resources (jobs) they spread over.
	resourcesPerRun = 6
	// sendBatch is the number of records per request into the collector.
	sendBatch = 100
	// visibleTimeout bounds how long records may take to become queryable
	// after the collector accepted them (batching + export + commit).
	visibleTimeout = 90 * time.Second
	// pageSize is an odd page size, so pages never align with batches.
	pageSize = 137
)

// TestCollectorToTalus sends logs through a real OpenTelemetry Collector
// (otlp receiver → batch → otlp_grpc or otlp_http exporter) into a real
// talus server, reads them back through the query API, restarts the server
// and reads them again.
func TestCollectorToTalus(t *testing.T) {
	talusBin, otelcolBin := requireBinaries(t)

	for _, tc := range []struct {
		exporter string
		// viaGRPC selects how the test itself talks to the collector's
		// receiver, so both receiver protocols are exercised too.
		viaGRPC bool
	}{
		{exporter: "otlp_grpc", viaGRPC: false},
		{exporter: "otlp_http", viaGRPC: true},
	} {
		t.Run(tc.exporter, func(t *testing.T) {
			now := time.Now()
			// 49 minutes of records ending a minute ago: with 1 h epochs most
			// runs cross an epoch boundary.
			w := newWorkload(recordsPerRun, resourcesPerRun, now.Add(-50*time.Minute), now.Add(-time.Minute), false)
			runPipeline(t, talusBin, tc.viaGRPC, w, func(s *talus, dir string) *collector {
				return startCollector(t, otelcolBin, pipeline{exporter: tc.exporter}, s, dir)
			})
		})
	}
}

// TestExporterSettings runs the exporters with the compressions and
// encodings Talus documents besides the defaults (gzip, protobuf).
func TestExporterSettings(t *testing.T) {
	talusBin, otelcolBin := requireBinaries(t)
	for _, p := range []pipeline{
		{exporter: "otlp_grpc", settings: map[string]string{"compression": "zstd"}},
		{exporter: "otlp_grpc", settings: map[string]string{"compression": "none"}},
		{exporter: "otlp_http", settings: map[string]string{"compression": "zstd"}},
		{exporter: "otlp_http", settings: map[string]string{"compression": "deflate"}},
		{exporter: "otlp_http", settings: map[string]string{"encoding": "json"}},
	} {
		t.Run(p.String(), func(t *testing.T) {
			now := time.Now()
			w := newWorkload(300, 3, now.Add(-10*time.Minute), now.Add(-time.Second), false)
			runPipeline(t, talusBin, false, w, func(s *talus, dir string) *collector {
				return startCollector(t, otelcolBin, p, s, dir)
			})
		})
	}
}

// TestExampleConfigs runs the pipelines users copy from deploy/otelcol,
// unedited, with only their documented environment overrides, against Talus.
func TestExampleConfigs(t *testing.T) {
	talusBin, otelcolBin := requireBinaries(t)
	for _, name := range []string{"collector-to-talus.yaml", "collector-to-talus-http.yaml"} {
		t.Run(name, func(t *testing.T) {
			cfg, err := filepath.Abs(filepath.Join("..", "deploy", "otelcol", name))
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			w := newWorkload(500, 3, now.Add(-10*time.Minute), now.Add(-time.Second), false)
			runPipeline(t, talusBin, false, w, func(s *talus, dir string) *collector {
				return startExampleCollector(t, otelcolBin, cfg, s, dir)
			})
		})
	}
}

// TestZeroTimestampStoredAtObservedTime sends records without a timestamp,
// as the filelog receiver does (the collector built here has no filelog
// receiver; see deploy/otelcol/builder-config.yaml), through the collector.
// Talus must store them at their observed time, so they show up in a query
// over the last hour, newest first.
func TestZeroTimestampStoredAtObservedTime(t *testing.T) {
	talusBin, otelcolBin := requireBinaries(t)
	now := time.Now()
	w := newWorkload(300, 2, now.Add(-2*time.Minute), now, true)
	runPipeline(t, talusBin, false, w, func(s *talus, dir string) *collector {
		return startCollector(t, otelcolBin, pipeline{exporter: "otlp_grpc"}, s, dir)
	})
}

// TestTalusRestartUnderLoad SIGTERMs Talus while the collector is exporting
// to it, and restarts it on the same data directory and ports while the
// stream goes on. What Talus acknowledged before stopping must survive; what
// it did not must be retried by the collector's exporter; in the end every
// record is there exactly once.
func TestTalusRestartUnderLoad(t *testing.T) {
	talusBin, otelcolBin := requireBinaries(t)
	now := time.Now()
	w := newWorkload(recordsPerRun, resourcesPerRun, now.Add(-30*time.Minute), now.Add(-time.Minute), false)
	dir := t.TempDir()
	s := startTalus(t, talusBin, t.TempDir(), dir)
	// A 20 ms batch timeout keeps exports to Talus flowing during the stream.
	c := startCollector(t, otelcolBin, pipeline{exporter: "otlp_grpc", batchTimeout: 20 * time.Millisecond}, s, dir)
	snd, err := newGRPCSender(c.grpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer snd.close()

	// The stream: 100 batches of 20 records, one every 30 ms (3 s in all),
	// so it spans the restart. accepted counts batches the collector took.
	const streamBatch, streamEvery = 20, 30 * time.Millisecond
	batches := w.batches(streamBatch)
	var accepted atomic.Int64
	streamDone := make(chan error, 1)
	go func() {
		tick := time.NewTicker(streamEvery)
		defer tick.Stop()
		for i, ld := range batches {
			<-tick.C
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err := snd.send(ctx, ld)
			cancel()
			if err != nil {
				streamDone <- fmt.Errorf("send batch %d into the collector: %w", i, err)
				return
			}
			accepted.Add(1)
		}
		streamDone <- nil
	}()

	// Stop Talus once it has stored part of the stream.
	first := api.LogsQuery{Query: w.selector(), Start: now.Add(-time.Hour), End: now.Add(5 * time.Minute), Limit: 1}
	s.waitUntil(t, "serving the first streamed record", readyTimeout, func(ctx context.Context) error {
		resp, err := s.client.Logs(ctx, first)
		if err == nil && len(resp.Logs) == 0 {
			err = fmt.Errorf("no record yet")
		}
		return err
	})
	before := accepted.Load()
	if err := s.stop(); err != nil {
		t.Errorf("talus under load: %v", err)
	}
	stopped := accepted.Load()
	s.start(t, dir)
	restarted := accepted.Load()
	t.Logf("batches accepted by the collector: %d before SIGTERM, %d until Talus exited, %d until it was ready again, %d after",
		before, stopped-before, restarted-stopped, int64(len(batches))-restarted)
	if before == int64(len(batches)) {
		t.Logf("the stream ended before the restart: this run tested restart and retry, not a restart mid-stream")
	}

	timer := time.NewTimer(time.Minute)
	defer timer.Stop()
	select {
	case err := <-streamDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-timer.C:
		t.Fatalf("the stream into the collector did not finish within a minute (%d of %d batches accepted)", accepted.Load(), len(batches))
	}

	q := api.LogsQuery{Query: w.selector(), Start: time.Now().Add(-time.Hour), End: time.Now().Add(5 * time.Minute)}
	waitVisible(t, s, w, q)
	checkQueries(t, s, w, q)
	if err := c.stop(); err != nil {
		t.Errorf("collector: %v", err)
	}
	logExporterTrouble(t, c.process)
}

// runPipeline is the whole round trip for one workload: start Talus and a
// collector (startCollector) exporting to it, send w, check every query, stop the
// collector, restart Talus on the same data directory and check again.
func runPipeline(t *testing.T, talusBin string, viaGRPC bool, w *workload, startCollector func(s *talus, dir string) *collector) {
	t.Helper()
	dir := t.TempDir()
	s := startTalus(t, talusBin, t.TempDir(), dir)
	c := startCollector(s, dir)

	var snd sender = &httpSender{url: "http://" + c.httpAddr + "/v1/logs"}
	if viaGRPC {
		g, err := newGRPCSender(c.grpcAddr)
		if err != nil {
			t.Fatal(err)
		}
		snd = g
	}
	defer snd.close()
	sendStart := time.Now()
	batches := w.batches(sendBatch)
	for i, ld := range batches {
		sendOrFail(t, snd, fmt.Sprintf("batch %d", i), ld)
	}
	t.Logf("run %s: %d records accepted by the collector in %v", w.run, len(w.records), time.Since(sendStart).Round(time.Millisecond))

	// The query window holds every record with room to spare.
	q := api.LogsQuery{Query: w.selector(), Start: time.Now().Add(-time.Hour), End: time.Now().Add(5 * time.Minute)}
	waitVisible(t, s, w, q)
	t.Logf("run %s: all %d records visible %v after the first send", w.run, len(w.records), time.Since(sendStart).Round(time.Millisecond))

	// At-least-once delivery: once stored, the first and last batches arrive
	// again in a later request, as when an exporter retries after losing
	// Talus's acknowledgement. They must overwrite, not duplicate. A marker
	// record in the same request (its own e2e.run) shows when it was written:
	// the batch processor never splits a request (send_batch_max_size 0).
	again := plog.NewLogs()
	for _, b := range []plog.Logs{batches[0], batches[len(batches)-1]} {
		for i := 0; i < b.ResourceLogs().Len(); i++ {
			b.ResourceLogs().At(i).CopyTo(again.ResourceLogs().AppendEmpty())
		}
	}
	marker := appendMarker(again, w.run+"-redelivery")
	sendOrFail(t, snd, "redelivery", again)
	waitMarker(t, s, marker, q)
	checkQueries(t, s, w, q)

	if err := c.stop(); err != nil {
		t.Errorf("collector: %v", err)
	}
	// Retries and partial successes are allowed (the checks above decide),
	// but worth seeing when a run is slow or a record is missing.
	logExporterTrouble(t, c.process)
	if err := s.stop(); err != nil {
		t.Errorf("talus: %v", err)
	}
	s.start(t, dir)
	t.Run("after_restart", func(t *testing.T) {
		checkQueries(t, s, w, q)
	})
}

func sendOrFail(t *testing.T, snd sender, what string, ld plog.Logs) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := snd.send(ctx, ld); err != nil {
		t.Fatalf("send %s into the collector: %v", what, err)
	}
}

// appendMarker adds one record under a resource with e2e.run=run to ld and
// returns the selector that finds it.
func appendMarker(ld plog.Logs, run string) string {
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "e2e-marker")
	rl.Resource().Attributes().PutStr("e2e.run", run)
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Now()))
	lr.Body().SetStr("marker " + run)
	return fmt.Sprintf(`{e2e.run=%q}`, run)
}

// waitMarker polls until the marker record matching selector is stored.
func waitMarker(t *testing.T, s *talus, selector string, q api.LogsQuery) {
	t.Helper()
	q.Query, q.Limit = selector, 10
	s.waitUntil(t, "serving marker "+selector, visibleTimeout, func(ctx context.Context) error {
		resp, err := s.client.Logs(ctx, q)
		if err == nil && len(resp.Logs) != 1 {
			err = fmt.Errorf("%d records match %s, want 1", len(resp.Logs), selector)
		}
		return err
	})
}

// waitVisible polls the query API until every record of w matches q, and
// fails early if more records than sent ever show up (duplicates).
func waitVisible(t *testing.T, s *talus, w *workload, q api.LogsQuery) {
	t.Helper()
	q.Limit = 1000
	maxPages := len(w.records)/q.Limit + 5
	var last string
	s.waitUntil(t, fmt.Sprintf("serving all %d records", len(w.records)), visibleTimeout, func(ctx context.Context) error {
		got, _, err := readAll(ctx, s.client, q, maxPages)
		if err != nil {
			return err
		}
		if len(got) > len(w.records) {
			t.Fatalf("query %s returned %d entries for %d records sent: duplicates or foreign records\n%s",
				q.Query, len(got), len(w.records), strings.Join(w.check(got, nil), "\n"))
		}
		if len(got) < len(w.records) {
			msg := fmt.Sprintf("%d of %d records visible", len(got), len(w.records))
			if msg != last {
				t.Log(msg)
				last = msg
			}
			return fmt.Errorf("%s", msg)
		}
		return nil
	})
}

// checkQueries runs every read-side assertion against a server holding w.
func checkQueries(t *testing.T, s *talus, w *workload, q api.LogsQuery) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n := len(w.records)
	fail := func(what string, problems []string) {
		t.Helper()
		if len(problems) > 0 {
			t.Errorf("%s:\n  %s", what, strings.Join(problems, "\n  "))
		}
	}

	// One page with limit=N: every record exactly once, intact, newest first.
	one := q
	one.Limit = n
	resp, err := s.client.Logs(ctx, one)
	if err != nil {
		t.Fatalf("GET /api/v1/logs query=%s limit=%d: %v", one.Query, one.Limit, err)
	}
	fail(fmt.Sprintf("query %s limit=%d", one.Query, one.Limit), w.check(resp.Logs, nil))
	if resp.NextCursor != "" {
		// Allowed (the server may not know it is at the end), but the next
		// page must then be empty.
		more := one
		more.Cursor = resp.NextCursor
		r2, err := s.client.Logs(ctx, more)
		if err != nil {
			t.Errorf("following next_cursor after the last record: %v", err)
		} else if len(r2.Logs) != 0 {
			t.Errorf("page after all %d records has %d more entries", n, len(r2.Logs))
		}
	}

	// Paging with next_cursor visits every record exactly once, in order.
	paged := q
	paged.Limit = pageSize
	wantPages := (n + pageSize - 1) / pageSize
	all, pages, err := readAll(ctx, s.client, paged, wantPages+2)
	if err != nil {
		t.Errorf("paging with limit=%d: %v", pageSize, err)
	}
	fail(fmt.Sprintf("paging %s with limit=%d (%d pages)", paged.Query, pageSize, pages), w.check(all, nil))
	if pages < wantPages || pages > wantPages+1 {
		t.Errorf("paging %d records by %d took %d pages, want %d (or one more, empty)", n, pageSize, pages, wantPages)
	}
	if len(all) == n && len(resp.Logs) == n {
		for i := range all {
			if all[i].ID != resp.Logs[i].ID {
				t.Errorf("entry %d: paged id %s, single-page id %s: the two reads disagree on order", i, all[i].ID, resp.Logs[i].ID)
				break
			}
		}
	}

	// {k8s.job.name="X"} returns exactly that job's records.
	for r, res := range w.resources {
		jq := q
		jq.Query = fmt.Sprintf(`{k8s.job.name=%q}`, res.jobName)
		jq.Limit = 500
		got, _, err := readAll(ctx, s.client, jq, n/jq.Limit+3)
		if err != nil {
			t.Errorf("query %s: %v", jq.Query, err)
			continue
		}
		fail("query "+jq.Query, w.check(got, func(rec recordSpec) bool { return rec.resource == r }))
	}

	// Two matchers intersect: one service's records, which span several jobs.
	svc := w.resources[0].serviceName
	sq := q
	sq.Query = fmt.Sprintf(`{service.name=%q, e2e.run=%q}`, svc, w.run)
	sq.Limit = 500
	got, _, err := readAll(ctx, s.client, sq, n/sq.Limit+3)
	if err != nil {
		t.Errorf("query %s: %v", sq.Query, err)
	} else {
		fail("query "+sq.Query, w.check(got, func(rec recordSpec) bool { return w.resources[rec.resource].serviceName == svc }))
	}

	// A time window returns exactly the records inside it. Its edges sit
	// halfway between records, so inclusive/exclusive ends cannot matter.
	lo, hi := w.records[n/4], w.records[n/2]
	mid := func(a, b recordSpec) time.Time {
		return time.Unix(0, a.effectiveTime()+(b.effectiveTime()-a.effectiveTime())/2)
	}
	wq := q
	wq.Start = mid(w.records[n/4-1], lo)
	wq.End = mid(hi, w.records[n/2+1])
	wq.Limit = 500
	got, _, err = readAll(ctx, s.client, wq, n/wq.Limit+3)
	if err != nil {
		t.Errorf("query %s over [%v, %v]: %v", wq.Query, wq.Start, wq.End, err)
	} else {
		fail(fmt.Sprintf("query %s over [%d, %d]", wq.Query, wq.Start.UnixNano(), wq.End.UnixNano()),
			w.check(got, func(rec recordSpec) bool { return rec.seq >= lo.seq && rec.seq <= hi.seq }))
	}
}

// logExporterTrouble reports how often the collector's log mentions a failed
// export, a dropped batch or a partial success.
func logExporterTrouble(t *testing.T, p *process) {
	t.Helper()
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		t.Errorf("read collector log: %v", err)
		return
	}
	var parts []string
	for _, needle := range []string{"Exporting failed", "Dropping data", "Partial success"} {
		if n := strings.Count(string(b), needle); n > 0 {
			parts = append(parts, fmt.Sprintf("%q ×%d", needle, n))
		}
	}
	if len(parts) > 0 {
		t.Logf("collector log (%s) mentions %s", p.logPath, strings.Join(parts, ", "))
	}
}
