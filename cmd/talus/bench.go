package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzip"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/internal/loadgen"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/storage"
)

const benchUsage = `Usage: talus bench [flags]

Generates a realistic workload (many resources, varied message templates,
~5% errors with exception attributes), starts 'talus server' as a child
process on 127.0.0.1 with a fresh data directory, ingests the workload over
OTLP/HTTP (gzip, protobuf) with several senders, and reports the following.
The main and high-cardinality figures are of the server as it runs by
default (the multi-Raft store, a lone voter), whose bytes on disk are its
whole data directory after 'talus cluster compact'. --cluster N also
measures a 1-node and an N-node cluster on the same records, against main
figures of the server on one Pebble (--one-pebble, the store talus had
before the multi-Raft store: the cluster figures' baseline); --store
one-pebble or --store default chooses the main phases' store explicitly.

  records/s and server CPU per record while ingesting, peak server RSS,
  bytes on disk per record after compaction (vs the same records as gzip'd OTLP),
  p50/p99 of latest-100 for one job and for everything,
  the rate of writing the same records straight into one Pebble (the ceiling),
  and, with --high-cardinality N, the same ingest with N distinct resources.
On the default server it also prints the store's own figures from /metrics
right after each ingest: mean write latency (proposal to applied), durable
rounds and their mean time, the entry log's fdatasync, L0 sublevels and
compaction debt.

Flags:
`

type benchConfig struct {
	records, resources, batch, senders, queries, ceilingRecords, highCard, clusterNodes int
	span, profileFor                                                                    time.Duration
	dir, output, pprofOut, clusterPprofOut, store, encoding                             string
	keep, liveQueries, noErrorFingerprints                                              bool
}

// benchPhase is what one ingest run measured.
type benchPhase struct {
	Resources          int     `json:"resources"`
	Records            int     `json:"records"`
	IngestSeconds      float64 `json:"ingest_seconds"`
	RecordsPerSec      float64 `json:"records_per_sec"`
	ServerCPUPerRecUs  float64 `json:"server_cpu_us_per_record"`
	PeakRSSBytes       int64   `json:"peak_rss_bytes"`
	OTLPProtoBytes     int64   `json:"otlp_proto_bytes"`
	OTLPGzipBytes      int64   `json:"otlp_gzip_bytes"`
	DiskBytes          int64   `json:"disk_bytes_after_compaction"`
	DiskBytesPerRecord float64 `json:"disk_bytes_per_record"`
	GzipBytesPerRecord float64 `json:"otlp_gzip_bytes_per_record"`
	JobP50Ms           float64 `json:"latest100_job_p50_ms"`
	JobP99Ms           float64 `json:"latest100_job_p99_ms"`
	AllP50Ms           float64 `json:"latest100_all_p50_ms"`
	AllP99Ms           float64 `json:"latest100_all_p99_ms"`
	// With --live-queries: latest-100 query pairs run one after another
	// during the ingest, and their latencies.
	LiveQueries  int     `json:"live_query_pairs,omitempty"`
	LiveJobP50Ms float64 `json:"live_latest100_job_p50_ms,omitempty"`
	LiveJobP99Ms float64 `json:"live_latest100_job_p99_ms,omitempty"`
	LiveAllP50Ms float64 `json:"live_latest100_all_p50_ms,omitempty"`
	LiveAllP99Ms float64 `json:"live_latest100_all_p99_ms,omitempty"`
	// queryJobs is the number of jobs, from the first, that have records.
	queryJobs int
	// Store is what the default server's /metrics said right after the
	// ingest (nil on one Pebble).
	Store *storeFigures `json:"store,omitempty"`
}

// storeFigures are the multi-Raft store's own figures of an ingest, read
// from the server's /metrics: where a write's time goes.
type storeFigures struct {
	WriteMeanMs        float64 `json:"write_mean_ms"`
	Rounds             uint64  `json:"durable_rounds"`
	RoundMeanMs        float64 `json:"round_mean_ms"`
	EntryLogSyncMeanMs float64 `json:"entry_log_sync_mean_ms"`
	// EntryLogSyncsSlow is the share of entry-log fdatasyncs that took
	// more than 6.4 ms (a bucket bound of the histogram).
	EntryLogSyncsSlow float64 `json:"entry_log_syncs_over_6_4ms"`
	L0Sublevels       float64 `json:"l0_sublevels"`
	CompactionDebtMB  float64 `json:"compaction_debt_mb"`
	// FlushedMB and CompactedMB are what the group Pebbles' flushes and
	// compactions wrote during the ingest: their ratio is the write
	// amplification the ingest paid for so far.
	FlushedMB   float64 `json:"flushed_mb"`
	CompactedMB float64 `json:"compacted_mb"`
}

// scrapeStoreFigures reads storeFigures from the /metrics of the server at
// apiURL.
func scrapeStoreFigures(apiURL string) (*storeFigures, error) {
	resp, err := http.Get(apiURL + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("parse /metrics: %w", err)
	}
	hist := func(name string) *dto.Histogram {
		if f := fams[name]; f != nil && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetHistogram()
		}
		return &dto.Histogram{}
	}
	counter := func(name string) float64 {
		if f := fams[name]; f != nil && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
		return 0
	}
	gauge := func(name string) float64 {
		if f := fams[name]; f != nil && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
		return 0
	}
	mean := func(h *dto.Histogram) float64 {
		if h.GetSampleCount() == 0 {
			return 0
		}
		return h.GetSampleSum() / float64(h.GetSampleCount()) * 1e3
	}
	w, r, e := hist("talus_raft_write_duration_seconds"), hist("talus_raft_round_duration_seconds"), hist("talus_raft_entry_log_sync_duration_seconds")
	f := &storeFigures{WriteMeanMs: mean(w), Rounds: r.GetSampleCount(), RoundMeanMs: mean(r), EntryLogSyncMeanMs: mean(e),
		L0Sublevels: gauge("talus_raft_pebble_l0_sublevels"), CompactionDebtMB: gauge("talus_raft_pebble_compaction_debt_bytes") / (1 << 20),
		FlushedMB: counter("talus_raft_pebble_flushed_bytes_total") / (1 << 20), CompactedMB: counter("talus_raft_pebble_compacted_bytes_total") / (1 << 20)}
	if n := e.GetSampleCount(); n > 0 {
		var under uint64
		for _, b := range e.GetBucket() {
			if b.GetUpperBound() <= 0.0065 {
				under = b.GetCumulativeCount()
			}
		}
		f.EntryLogSyncsSlow = float64(n-under) / float64(n)
	}
	return f, nil
}

type benchReport struct {
	Senders          int           `json:"senders"`
	Batch            int           `json:"batch"`
	Encoding         string        `json:"encoding"`
	Main             benchPhase    `json:"main"`
	CeilingRecords   int           `json:"ceiling_records"`
	CeilingPerSec    float64       `json:"pebble_ceiling_records_per_sec"`
	IngestVsCeiling  float64       `json:"ingest_vs_ceiling"`
	HighCardinality  *benchPhase   `json:"high_cardinality,omitempty"`
	HighCardVsMain   float64       `json:"high_cardinality_ingest_vs_main,omitempty"`
	Cluster1         *clusterPhase `json:"cluster_1_node,omitempty"`
	ClusterN         *clusterPhase `json:"cluster_n_nodes,omitempty"`
	ClusterNVs1      float64       `json:"cluster_n_vs_1_node,omitempty"`
	Cluster1VsMain   float64       `json:"cluster_1_node_vs_one_pebble,omitempty"`
	GOMAXPROCS       int           `json:"cores"`
	StartedAtRFC3339 string        `json:"started_at"`
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("talus bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	var c benchConfig
	fs.IntVar(&c.records, "records", 2_000_000, "records to ingest")
	fs.IntVar(&c.resources, "resources", 200, "distinct resources (pods)")
	fs.IntVar(&c.batch, "batch", 1000, "records per export request")
	fs.BoolVar(&c.liveQueries, "live-queries", false, "also time latest-100 queries (one job, everything, one pair at a time) while the main phase ingests; its ingest rate then includes their load")
	fs.StringVar(&c.encoding, "encoding", "protobuf", "request body encoding: protobuf (what the collector's otlphttp exporter sends) or json; both gzip'd")
	fs.IntVar(&c.senders, "senders", 4, "concurrent senders")
	fs.IntVar(&c.queries, "queries", 300, "queries per latency figure")
	fs.IntVar(&c.ceilingRecords, "ceiling-records", -1, "records written straight into Pebble for the ceiling: -1 all of them, 0 skips the ceiling")
	fs.IntVar(&c.highCard, "high-cardinality", 0, "also ingest the same number of records from this many distinct resources (e.g. 1000000)")
	fs.StringVar(&c.store, "store", "", "server store of the main and high-cardinality phases: default (the multi-Raft store; the default without --cluster) or one-pebble (the baseline; the default with --cluster)")
	fs.IntVar(&c.clusterNodes, "cluster", 0, "also ingest the same records into a 1-node and an N-node cluster (RF=min(3,N)), e.g. 3")
	fs.DurationVar(&c.span, "span", 2*time.Hour, "time span the records' timestamps cover, ending now")
	fs.StringVar(&c.dir, "dir", "", "working directory (default: a new temporary directory, removed afterwards)")
	fs.BoolVar(&c.keep, "keep", false, "keep the working directory")
	fs.StringVar(&c.output, "output", "text", "report format: text or json")
	fs.DurationVar(&c.profileFor, "cpuprofile-duration", 10*time.Second, "how long --cpuprofile and --cluster-cpuprofile profile from the start of the ingest (a 2M-record ingest of the default server takes about 3 s)")
	fs.BoolVar(&c.noErrorFingerprints, "no-error-fingerprints", false, "run the server with --error-fingerprints=false (no error counting at ingest), to measure what counting costs")
	fs.StringVar(&c.pprofOut, "cpuprofile", "", "write a CPU profile of the server taken during the main ingest to this file (the high-cardinality ingest: FILE.high-cardinality)")
	fs.StringVar(&c.clusterPprofOut, "cluster-cpuprofile", "", "write a CPU profile of the 1-node cluster's server taken during its ingest to this file (nodes 1 and 2 of the N-node cluster: FILE.nN-i1, FILE.nN-i2)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if c.encoding != "protobuf" && c.encoding != "json" {
		fmt.Fprintf(stderr, "talus bench: --encoding must be protobuf or json, not %q\n", c.encoding)
		return 2
	}
	if c.records < c.batch || c.batch < 1 || c.senders < 1 || c.resources < 1 {
		fmt.Fprintln(stderr, "talus bench: need records >= batch >= 1, senders >= 1, resources >= 1")
		return 2
	}
	if c.store == "" {
		c.store = "default"
		if c.clusterNodes > 0 {
			c.store = "one-pebble" // the cluster figures' baseline
		}
	}
	if c.store != "one-pebble" && c.store != "default" {
		fmt.Fprintf(stderr, "talus bench: --store %q: want one-pebble or default\n", c.store)
		return 2
	}
	if c.ceilingRecords < 0 || c.ceilingRecords > c.records {
		c.ceilingRecords = c.records
	}
	if c.dir == "" {
		d, err := os.MkdirTemp("", "talus-bench-")
		if err != nil {
			fmt.Fprintln(stderr, "talus bench:", err)
			return 1
		}
		c.dir = d
	}
	if !c.keep {
		defer os.RemoveAll(c.dir)
	}
	rep, err := bench(c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "talus bench:", err)
		return 1
	}
	if c.output == "json" {
		return printJSON(stdout, rep)
	}
	printBenchReport(stdout, rep)
	return 0
}

func progress(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "bench: "+format+"\n", args...)
}

func bench(c benchConfig, log io.Writer) (*benchReport, error) {
	rep := &benchReport{Senders: c.senders, Batch: c.batch, Encoding: c.encoding, GOMAXPROCS: numCPU(), StartedAtRFC3339: time.Now().UTC().Format(time.RFC3339)}
	main, ceiling, err := benchPhaseRun(c, c.resources, "main", true, log)
	if err != nil {
		return nil, err
	}
	rep.Main = *main
	if c.ceilingRecords > 0 {
		rate, err := benchCeiling(c, ceiling, log)
		if err != nil {
			return nil, err
		}
		rep.CeilingRecords = len(ceiling)
		rep.CeilingPerSec = rate
		rep.IngestVsCeiling = main.RecordsPerSec / rate
	}
	if c.clusterNodes > 0 {
		bodies, _, err := genBodies(c, c.resources, "cluster", false, &benchPhase{}, log)
		if err != nil {
			return nil, err
		}
		if rep.Cluster1, err = benchCluster(c, bodies, 1, log); err != nil {
			return nil, err
		}
		rep.Cluster1VsMain = rep.Cluster1.RecordsPerSec / rep.Main.RecordsPerSec
		if c.clusterNodes > 1 {
			if rep.ClusterN, err = benchCluster(c, bodies, c.clusterNodes, log); err != nil {
				return nil, err
			}
			rep.ClusterNVs1 = rep.ClusterN.RecordsPerSec / rep.Cluster1.RecordsPerSec
		}
	}
	if c.highCard > 0 {
		hc, _, err := benchPhaseRun(c, c.highCard, "high-cardinality", false, log)
		if err != nil {
			return nil, err
		}
		rep.HighCardinality = hc
		rep.HighCardVsMain = hc.RecordsPerSec / main.RecordsPerSec
	}
	return rep, nil
}

// compactedSize compacts the one-Pebble store in dir and returns its size.
func compactedSize(dir string, log io.Writer, name string) (int64, error) {
	progress(log, "%s: compacting to measure settled bytes on disk…", name)
	kvs, err := pebblekv.Open(dir, &pebblekv.Options{Merger: kv.MergerByTable(tableMergers())})
	if err != nil {
		return 0, err
	}
	if err := kvs.Compact(); err != nil {
		kvs.Close()
		return 0, err
	}
	if err := kvs.Close(); err != nil {
		return 0, err
	}
	// Walk the directory after closing: Pebble deletes the compacted-away
	// files in the background, so its own usage figure may still count them.
	return dirSize(dir)
}

// storeArgs are the server flags of the store the main phases run on.
func (c benchConfig) storeArgs() []string {
	var args []string
	if c.noErrorFingerprints {
		args = append(args, "--error-fingerprints=false")
	}
	if c.store == "default" {
		return args
	}
	return append(args, "--one-pebble")
}

// ceilingRow is one record as the server would store it.
type ceilingRow struct{ key, val []byte }

// benchPhaseRun generates the workload, ingests it into a fresh server,
// compacts and measures disk, and runs the latency queries.
func benchPhaseRun(c benchConfig, resources int, name string, wantCeiling bool, log io.Writer) (*benchPhase, []ceilingRow, error) {
	ph := &benchPhase{Resources: resources, Records: c.records}
	now := time.Now()
	bodies, ceiling, err := genBodies(c, resources, name, wantCeiling, ph, log)
	if err != nil {
		return nil, nil, err
	}

	dataDir := filepath.Join(c.dir, name)
	// The main phases run the one-Pebble store talus had before the
	// multi-Raft store (the baseline of "single-node ingest stays ≥ 80%");
	// --cluster measures the default server (raftstore) in the same run.
	srv, err := startBenchServer(dataDir, log, c.pprofOut != "", c.storeArgs()...)
	if err != nil {
		return nil, nil, err
	}
	defer srv.kill()
	if c.pprofOut != "" {
		prof := c.pprofOut
		if !wantCeiling {
			prof += "." + name
		}
		go saveProfile(srv.apiURL, prof, c.profileFor, log)
	}
	cl := api.NewClient(srv.apiURL)
	start := now.Add(-c.span - time.Hour)
	jobs := max(1, ph.queryJobs)
	// jobQuery and allQuery are the two latest-100 queries; with check,
	// an answer short of what the workload holds is an error.
	jobQuery := func(rng *rand.Rand, end time.Time, check bool) error {
		q := fmt.Sprintf(`{k8s.job.name=%q}`, loadgen.JobName(rng.Intn(min(jobs, 100000))))
		r, err := cl.Logs(context.Background(), api.LogsQuery{Query: q, Start: start, End: end, Limit: 100})
		if err == nil && check && len(r.Logs) == 0 && resources <= 100000 {
			err = fmt.Errorf("query %s returned nothing", q)
		}
		return err
	}
	allQuery := func(end time.Time, check bool) error {
		r, err := cl.Logs(context.Background(), api.LogsQuery{Query: "{}", Start: start, End: end, Limit: 100})
		if err == nil && check && len(r.Logs) != 100 {
			err = fmt.Errorf("latest 100 of everything returned %d", len(r.Logs))
		}
		return err
	}
	cpu0, _ := procCPU(srv.cmd.Process.Pid)
	stopLive := func() error { return nil }
	if c.liveQueries && wantCeiling {
		progress(log, "%s: ingesting over OTLP/HTTP with %d senders, one query loop beside them…", name, c.senders)
		stopLive = liveQueries(ph, func(rng *rand.Rand) error { return jobQuery(rng, now.Add(time.Hour), false) },
			func() error { return allQuery(now.Add(time.Hour), false) })
	} else {
		progress(log, "%s: ingesting over OTLP/HTTP with %d senders…", name, c.senders)
	}
	t0 := time.Now()
	err = sendAll([]string{srv.otlpURL}, bodies, c, log)
	ph.IngestSeconds = time.Since(t0).Seconds()
	if lerr := stopLive(); err == nil {
		err = lerr
	}
	if err != nil {
		return nil, nil, err
	}
	if ph.LiveQueries > 0 {
		progress(log, "%s: %d live query pairs during the ingest: latest 100 one job p50 %.2f ms p99 %.2f ms; everything p50 %.2f ms p99 %.2f ms",
			name, ph.LiveQueries, ph.LiveJobP50Ms, ph.LiveJobP99Ms, ph.LiveAllP50Ms, ph.LiveAllP99Ms)
	}
	cpu1, _ := procCPU(srv.cmd.Process.Pid)
	ph.RecordsPerSec = float64(c.records) / ph.IngestSeconds
	ph.ServerCPUPerRecUs = (cpu1 - cpu0).Seconds() * 1e6 / float64(c.records)
	ph.PeakRSSBytes = procPeakRSS(srv.cmd.Process.Pid)
	progress(log, "%s: %.0f records/s, %.2f µs server CPU per record, peak RSS %.0f MB", name, ph.RecordsPerSec, ph.ServerCPUPerRecUs, float64(ph.PeakRSSBytes)/(1<<20))
	if c.store == "default" {
		if ph.Store, err = scrapeStoreFigures(srv.apiURL); err != nil {
			return nil, nil, fmt.Errorf("read the server's metrics: %w", err)
		}
		f := ph.Store
		progress(log, "%s: store: write %.2f ms mean; %d durable rounds, %.2f ms mean; entry-log fdatasync %.2f ms mean, %.1f%% over 6.4 ms; L0 %.0f sublevels, compaction debt %.0f MB; flushed %.0f MB, compacted %.0f MB",
			name, f.WriteMeanMs, f.Rounds, f.RoundMeanMs, f.EntryLogSyncMeanMs, 100*f.EntryLogSyncsSlow, f.L0Sublevels, f.CompactionDebtMB, f.FlushedMB, f.CompactedMB)
	}
	bodies = nil
	// Queries go to the server as ingest left it (memtables full,
	// compactions pending), as a user's would; disk is measured after.
	end := time.Now().Add(time.Minute)
	rng := rand.New(rand.NewSource(2))
	progress(log, "%s: %d latest-100 queries for one job and %d for everything…", name, c.queries, c.queries)
	job, err := queryLatencies(c.queries, func() error { return jobQuery(rng, end, true) })
	if err != nil {
		return nil, nil, err
	}
	all, err := queryLatencies(c.queries, func() error { return allQuery(end, true) })
	if err != nil {
		return nil, nil, err
	}
	ph.JobP50Ms, ph.JobP99Ms = percentile(job, 0.50), percentile(job, 0.99)
	ph.AllP50Ms, ph.AllP99Ms = percentile(all, 0.50), percentile(all, 0.99)
	progress(log, "%s: latest 100 one job p50 %.2f ms p99 %.2f ms; everything p50 %.2f ms p99 %.2f ms", name, ph.JobP50Ms, ph.JobP99Ms, ph.AllP50Ms, ph.AllP99Ms)
	if c.store == "default" {
		progress(log, "%s: compacting the server's group Pebbles to measure settled bytes on disk…", name)
		if _, err := postCompact(context.Background(), srv.apiURL); err != nil {
			return nil, nil, fmt.Errorf("compact: %w", err)
		}
	}
	if err := srv.stop(); err != nil {
		return nil, nil, err
	}

	if c.store == "default" {
		// The whole data directory after the server compacted its group
		// Pebbles (talus cluster compact) and stopped.
		if ph.DiskBytes, err = dirSize(dataDir); err != nil {
			return nil, nil, err
		}
	} else if ph.DiskBytes, err = compactedSize(filepath.Join(dataDir, "kv"), log, name); err != nil {
		return nil, nil, err
	}
	ph.DiskBytesPerRecord = float64(ph.DiskBytes) / float64(c.records)
	ph.GzipBytesPerRecord = float64(ph.OTLPGzipBytes) / float64(c.records)
	progress(log, "%s: %.1f bytes/record on disk vs %.1f bytes/record as gzip'd OTLP", name, ph.DiskBytesPerRecord, ph.GzipBytesPerRecord)

	return ph, ceiling, nil
}

// genBodies generates the workload as gzip'd OTLP requests (and, when asked,
// the same records as ceiling rows), adding their sizes to ph.
func genBodies(c benchConfig, resources int, name string, wantCeiling bool, ph *benchPhase, log io.Writer) ([][]byte, []ceilingRow, error) {
	now := time.Now()
	gen := loadgen.New(loadgen.Config{Seed: 1, Resources: resources, Start: now.Add(-c.span), Span: c.span, Total: c.records})
	progress(log, "%s: generating %d records from %d resources in requests of %d…", name, c.records, resources, c.batch)
	var bodies [][]byte
	var ceiling []ceilingRow
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	genStart := time.Now()
	for made := 0; made < c.records; made += c.batch {
		req := plogotlp.NewExportRequestFromLogs(gen.Batch(min(c.batch, c.records-made)))
		raw, err := req.MarshalProto()
		if err != nil {
			return nil, nil, err
		}
		gzipped := func(b []byte) []byte {
			zbuf.Reset()
			zw.Reset(&zbuf)
			_, _ = zw.Write(b)
			_ = zw.Close()
			return bytes.Clone(zbuf.Bytes())
		}
		// The size figures are of gzip'd protobuf whatever is sent: the
		// disk bar compares with it.
		body := gzipped(raw)
		ph.OTLPProtoBytes += int64(len(raw))
		ph.OTLPGzipBytes += int64(len(body))
		if c.encoding == "json" {
			js, err := req.MarshalJSON()
			if err != nil {
				return nil, nil, err
			}
			body = gzipped(js)
		}
		bodies = append(bodies, body)
		if wantCeiling && len(ceiling) < c.ceilingRecords {
			ceiling = appendCeilingRows(ceiling, raw, c.ceilingRecords)
		}
	}
	ph.queryJobs = gen.JobsWithRecords()
	progress(log, "%s: generated %d requests (%.1f MB gzip'd OTLP protobuf; sent as %s) in %s", name, len(bodies), float64(ph.OTLPGzipBytes)/1e6, c.encoding, time.Since(genStart).Round(time.Millisecond))
	return bodies, ceiling, nil
}

// clusterPhase is what an ingest into a cluster measured.
type clusterPhase struct {
	Nodes             int     `json:"nodes"`
	ReplicationFactor int     `json:"replication_factor"`
	RecordsPerSec     float64 `json:"records_per_sec"`
	CPUPerRecUs       float64 `json:"cpu_us_per_record_all_nodes"`
	PeakRSSBytes      int64   `json:"peak_rss_bytes_largest_node"`
}

// benchCluster starts n talus servers in cluster mode on 127.0.0.1, sends
// the requests to them in turn and measures the rate and the CPU of all.
func benchCluster(c benchConfig, bodies [][]byte, n int, log io.Writer) (*clusterPhase, error) {
	progress(log, "cluster: starting %d nodes…", n)
	var srvs []*benchServer
	defer func() {
		for _, s := range srvs {
			s.kill()
		}
	}()
	var first string
	for i := 1; i <= n; i++ {
		var extra []string // one node: the default server, a lone voter without network
		if n > 1 {
			ra, err := freeAddrs(1)
			if err != nil {
				return nil, err
			}
			raft := ra[0]
			extra = []string{"--node-id", strconv.Itoa(i), "--raft-addr", raft}
			if first != "" {
				extra = append(extra, "--join", first)
			} else {
				first = raft
			}
		}
		// Profiles: the lone node, or nodes 1 and 2 of a cluster (FILE.nN-iI).
		prof := c.clusterPprofOut != "" && i <= 2
		s, err := startBenchServer(filepath.Join(c.dir, fmt.Sprintf("cluster%d-node%d", n, i)), log, prof, extra...)
		if err != nil {
			return nil, err
		}
		srvs = append(srvs, s)
		if prof && n == 1 {
			go saveProfile(s.apiURL, c.clusterPprofOut, c.profileFor, log)
		} else if prof {
			go saveProfile(s.apiURL, fmt.Sprintf("%s.n%d-i%d", c.clusterPprofOut, n, i), c.profileFor, log)
		}
	}
	urls := make([]string, len(srvs))
	var cpu0 time.Duration
	for i, s := range srvs {
		urls[i] = s.otlpURL
		d, _ := procCPU(s.cmd.Process.Pid)
		cpu0 += d
	}
	progress(log, "cluster: ingesting into %d nodes over OTLP/HTTP with %d senders…", n, c.senders)
	t0 := time.Now()
	if err := sendAll(urls, bodies, c, log); err != nil {
		return nil, err
	}
	el := time.Since(t0).Seconds()
	var cpu1 time.Duration
	for _, s := range srvs {
		d, _ := procCPU(s.cmd.Process.Pid)
		cpu1 += d
	}
	ph := &clusterPhase{Nodes: n, ReplicationFactor: min(3, n), RecordsPerSec: float64(c.records) / el,
		CPUPerRecUs: (cpu1 - cpu0).Seconds() * 1e6 / float64(c.records)}
	for _, s := range srvs {
		ph.PeakRSSBytes = max(ph.PeakRSSBytes, procPeakRSS(s.cmd.Process.Pid))
	}
	progress(log, "cluster: %d nodes, RF=%d: %.0f records/s, %.2f µs CPU per record over all nodes, peak RSS %.0f MB (largest node)",
		n, ph.ReplicationFactor, ph.RecordsPerSec, ph.CPUPerRecUs, float64(ph.PeakRSSBytes)/(1<<20))
	for _, s := range srvs {
		if err := s.stop(); err != nil {
			return nil, err
		}
	}
	return ph, nil
}

func appendCeilingRows(rows []ceilingRow, req []byte, limit int) []ceilingRow {
	storage.EachRecord(req, func(r *storage.Resource, ts int64, val []byte) bool {
		if len(rows) >= limit {
			return false
		}
		epoch := ts - ts%int64(time.Hour)
		key := storage.AppendLogKey(nil, "default", r.Zone, epoch, r.Hash, ts, uint32(len(rows)))
		rows = append(rows, ceilingRow{key, bytes.Clone(val)})
		return true
	})
	return rows
}

// benchCeiling writes the rows straight into one Pebble, in batches of the
// same size from the same number of writers, each batch synced: the rate a
// server could reach if OTLP decoding, indexing and HTTP cost nothing.
func benchCeiling(c benchConfig, rows []ceilingRow, log io.Writer) (float64, error) {
	progress(log, "ceiling: writing %d records straight into one Pebble with %d writers…", len(rows), c.senders)
	kvs, err := pebblekv.Open(filepath.Join(c.dir, "ceiling"), &pebblekv.Options{Merger: kv.MergerByTable(tableMergers())})
	if err != nil {
		return 0, err
	}
	defer kvs.Close()
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, c.senders)
	t0 := time.Now()
	for w := 0; w < c.senders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)-1) * c.batch
				if i >= len(rows) {
					return
				}
				b := kvs.NewBatch()
				for _, r := range rows[i:min(i+c.batch, len(rows))] {
					_ = b.Set(r.key, r.val)
				}
				err := b.Commit(true)
				b.Close()
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return 0, err
	}
	rate := float64(len(rows)) / time.Since(t0).Seconds()
	progress(log, "ceiling: %.0f records/s", rate)
	return rate, nil
}

func sendAll(urls []string, bodies [][]byte, c benchConfig, log io.Writer) error {
	senders := c.senders
	var next atomic.Int64
	var sent atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, senders)
	client := &http.Client{Timeout: 60 * time.Second}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				progress(log, "  %d/%d requests acknowledged", sent.Load(), len(bodies))
			}
		}
	}()
	defer close(done)
	for w := 0; w < senders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				if err := sendOne(client, urls[i%len(urls)], bodies[i], c.encoding == "json"); err != nil {
					errc <- err
					return
				}
				sent.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// sendOne posts one request, retrying 503s as an exporter would (bounded).
func sendOne(client *http.Client, url string, body []byte, json bool) error {
	contentType := "application/x-protobuf"
	if json {
		contentType = "application/json"
	}
	for attempt := 0; attempt < 20; attempt++ {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			r := plogotlp.NewExportResponse()
			unmarshal := r.UnmarshalProto
			if json {
				unmarshal = r.UnmarshalJSON
			}
			if err := unmarshal(b); err != nil {
				return fmt.Errorf("decode response: %w", err)
			}
			if n := r.PartialSuccess().RejectedLogRecords(); n > 0 {
				return fmt.Errorf("server rejected %d records: %s", n, r.PartialSuccess().ErrorMessage())
			}
			return nil
		case http.StatusServiceUnavailable, http.StatusTooManyRequests:
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(1, wait)) * time.Second)
		default:
			return fmt.Errorf("export: HTTP %d: %s", resp.StatusCode, b)
		}
	}
	return errors.New("export: still throttled after 20 attempts")
}

// liveQueries runs latest-100 queries, one job then everything, one pair
// at a time, until the returned stop is called; stop puts their count and
// latencies into ph and returns the first error.
func liveQueries(ph *benchPhase, job func(*rand.Rand) error, all func() error) (stop func() error) {
	done := make(chan struct{})
	finished := make(chan error, 1)
	var jobMs, allMs []float64
	go func() {
		rng := rand.New(rand.NewSource(3))
		for pair := 0; ; pair++ {
			select {
			case <-done:
				if pair > 0 { // at least one pair, however short the ingest
					finished <- nil
					return
				}
			default:
			}
			j, err := queryLatencies(1, func() error { return job(rng) })
			if err != nil {
				finished <- fmt.Errorf("live query: %w", err)
				return
			}
			a, err := queryLatencies(1, all)
			if err != nil {
				finished <- fmt.Errorf("live query: %w", err)
				return
			}
			jobMs, allMs = append(jobMs, j...), append(allMs, a...)
		}
	}()
	return func() error {
		close(done)
		err := <-finished
		if ph.LiveQueries = len(jobMs); ph.LiveQueries > 0 {
			ph.LiveJobP50Ms, ph.LiveJobP99Ms = percentile(jobMs, 0.50), percentile(jobMs, 0.99)
			ph.LiveAllP50Ms, ph.LiveAllP99Ms = percentile(allMs, 0.50), percentile(allMs, 0.99)
		}
		return err
	}
}

func queryLatencies(n int, fn func() error) ([]float64, error) {
	out := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		out = append(out, float64(time.Since(t).Microseconds())/1000)
	}
	return out, nil
}

// percentile is the nearest-rank percentile: the smallest value with at
// least p of the values at or below it (p99 of 100 values is the 99th
// smallest, not the largest).
func percentile(v []float64, p float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	rank := int(math.Ceil(p*float64(len(s)) - 1e-9))
	return s[max(0, min(len(s), rank)-1)]
}

// benchServer is a 'talus server' child process.
type benchServer struct {
	cmd             *exec.Cmd
	otlpURL, apiURL string
	exited          chan error
}

// freeAddrs returns n distinct free addresses on 127.0.0.1: the listeners
// stay open until all are picked, so no two are the same port.
func freeAddrs(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}

func saveProfile(apiURL, path string, d time.Duration, log io.Writer) {
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", apiURL, max(1, int(d.Round(time.Second)/time.Second))))
	if err != nil {
		progress(log, "cpu profile: %v", err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		progress(log, "cpu profile: %v", err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		progress(log, "cpu profile: %v", err)
		return
	}
	progress(log, "cpu profile of the server written to %s", path)
}

// startBenchServer starts a server on free ports. A port picked free can
// be taken before the child binds it (the bench's own connections take
// ephemeral ports from the same range), so a server that exits while
// starting is started again on other ports, up to three times.
func startBenchServer(dataDir string, log io.Writer, pprof bool, extra ...string) (*benchServer, error) {
	var err error
	for range 3 {
		var s *benchServer
		if s, err = startBenchServerOnce(dataDir, log, pprof, extra...); err == nil || !errors.Is(err, errServerExited) {
			return s, err
		}
		progress(log, "%v; starting it again on other ports", err)
	}
	return nil, err
}

var errServerExited = errors.New("server exited during start")

func startBenchServerOnce(dataDir string, log io.Writer, pprof bool, extra ...string) (*benchServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addrs, err := freeAddrs(3)
	if err != nil {
		return nil, err
	}
	args := append([]string{"server", "--data-dir", dataDir, "--otlp-grpc-addr", addrs[0],
		"--otlp-http-addr", addrs[1], "--http-addr", addrs[2], "--log-level", "warn", "--pprof=" + strconv.FormatBool(pprof)}, extra...)
	cmd := exec.Command(exe, args...)
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &benchServer{cmd: cmd, otlpURL: "http://" + addrs[1] + "/v1/logs", apiURL: "http://" + addrs[2], exited: make(chan error, 1)}
	go func() { s.exited <- cmd.Wait() }()
	cl := api.NewClient(s.apiURL)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			return nil, fmt.Errorf("%w: %v", errServerExited, err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := cl.Health(ctx)
		cancel()
		if err == nil {
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.kill()
	return nil, errors.New("server not ready after 60 s")
}

func (s *benchServer) stop() error {
	if s.cmd.ProcessState != nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		s.exited <- err
		if err != nil {
			return fmt.Errorf("server exit: %w", err)
		}
		return nil
	case <-time.After(60 * time.Second):
		s.kill()
		return errors.New("server did not stop within 60 s")
	}
}

func (s *benchServer) kill() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
	}
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}

// procCPU returns user+system CPU time of a process, from /proc.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0, errors.New("short /proc stat")
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// procPeakRSS returns a process's peak resident set size (VmHWM).
func procPeakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

func numCPU() int {
	n := 0
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "processor") {
			n++
		}
	}
	return n
}

func printBenchReport(w io.Writer, r *benchReport) {
	m := r.Main
	fmt.Fprintf(w, "\nTalus benchmark (%d cores, %d senders, batches of %d, OTLP/HTTP %s+gzip)\n\n", r.GOMAXPROCS, r.Senders, r.Batch, r.Encoding)
	fmt.Fprintf(w, "%-46s %s\n", "figure", "value")
	row := func(name, format string, args ...any) {
		fmt.Fprintf(w, "%-46s "+format+"\n", append([]any{name}, args...)...)
	}
	row("records ingested", "%d from %d resources", m.Records, m.Resources)
	row("ingest rate", "%.0f records/s", m.RecordsPerSec)
	if r.CeilingPerSec > 0 {
		row("raw Pebble write rate (ceiling, same records)", "%.0f records/s", r.CeilingPerSec)
		row("ingest / ceiling", "%.2f", r.IngestVsCeiling)
	}
	row("server CPU per record", "%.2f µs", m.ServerCPUPerRecUs)
	row("peak server RSS", "%.0f MiB", float64(m.PeakRSSBytes)/(1<<20))
	row("bytes on disk per record (after compaction)", "%.1f", m.DiskBytesPerRecord)
	row("gzip'd OTLP protobuf bytes per record", "%.1f", m.GzipBytesPerRecord)
	row("disk / gzip'd OTLP", "%.2f", m.DiskBytesPerRecord/m.GzipBytesPerRecord)
	row("latest 100, one job: p50 / p99", "%.2f / %.2f ms", m.JobP50Ms, m.JobP99Ms)
	row("latest 100, everything: p50 / p99", "%.2f / %.2f ms", m.AllP50Ms, m.AllP99Ms)
	if m.LiveQueries > 0 {
		row("during the ingest: query pairs", "%d", m.LiveQueries)
		row("during the ingest: one job p50 / p99", "%.2f / %.2f ms", m.LiveJobP50Ms, m.LiveJobP99Ms)
		row("during the ingest: everything p50 / p99", "%.2f / %.2f ms", m.LiveAllP50Ms, m.LiveAllP99Ms)
	}
	if cl := r.Cluster1; cl != nil {
		row("default server: raftstore, 1 node (RF=1)", "%.0f records/s (%.2f× the one-Pebble rate), %.2f µs CPU per record, peak RSS %.0f MiB",
			cl.RecordsPerSec, r.Cluster1VsMain, cl.CPUPerRecUs, float64(cl.PeakRSSBytes)/(1<<20))
	}
	if cl := r.ClusterN; cl != nil {
		row(fmt.Sprintf("cluster, %d nodes (RF=%d)", cl.Nodes, cl.ReplicationFactor), "%.0f records/s (%.2f× the 1-node cluster, %.2f× one Pebble), %.2f µs CPU per record over all nodes",
			cl.RecordsPerSec, r.ClusterNVs1, cl.RecordsPerSec/m.RecordsPerSec, cl.CPUPerRecUs)
	}
	if h := r.HighCardinality; h != nil {
		row("high cardinality: resources", "%d", h.Resources)
		row("high cardinality: ingest rate", "%.0f records/s (%.2f× the %d-resource rate)", h.RecordsPerSec, r.HighCardVsMain, m.Resources)
		row("high cardinality: latest 100 everything p50/p99", "%.2f / %.2f ms", h.AllP50Ms, h.AllP99Ms)
		row("high cardinality: latest 100 one job p50/p99", "%.2f / %.2f ms", h.JobP50Ms, h.JobP99Ms)
		row("high cardinality: peak server RSS", "%.0f MiB", float64(h.PeakRSSBytes)/(1<<20))
	}
}
