package main

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
)

// TestPercentileNearestRank: p99 of 1..100 is 99, not the maximum; p50 is
// 50; p99 of 1..300 is 297.
func TestPercentileNearestRank(t *testing.T) {
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(n - i) // unsorted on purpose
		}
		return v
	}
	for _, c := range []struct {
		n    int
		p    float64
		want float64
	}{{100, 0.99, 99}, {100, 0.50, 50}, {300, 0.99, 297}, {1, 0.99, 1}, {3, 0.5, 2}} {
		if got := percentile(seq(c.n), c.p); got != c.want {
			t.Errorf("percentile of 1..%d at %v = %v, want %v", c.n, c.p, got, c.want)
		}
	}
}

// TestBenchProcess runs a small `talus bench` on the default server, with
// every phase, as a user would, and checks that each figure the README
// quotes was measured.
func TestBenchProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five servers")
	}
	t.Setenv(talusProcessEnv, "1") // the servers bench starts are this binary
	// The servers' stderr is copied into errOut beside bench's own lines.
	var out bytes.Buffer
	var errOut lockedBuffer
	args := []string{"--store", "default", "--records", "20000", "--queries", "5", "--high-cardinality", "5000",
		"--cluster", "3", "--live-queries", "--output", "json", "--dir", t.TempDir()}
	if code := runBench(args, &out, &errOut); code != 0 {
		t.Fatalf("talus bench exited %d:\n%s", code, errOut.String())
	}
	var r benchReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("talus bench --output json printed no report: %v\n%s", err, out.String())
	}
	m := r.Main
	if m.Records != 20000 || m.RecordsPerSec <= 0 || m.ServerCPUPerRecUs <= 0 || m.PeakRSSBytes <= 0 {
		t.Errorf("ingest figures missing: %+v", m)
	}
	if m.DiskBytesPerRecord <= 0 || m.GzipBytesPerRecord <= 0 || m.JobP99Ms <= 0 || m.AllP99Ms <= 0 {
		t.Errorf("disk or query figures missing: %+v", m)
	}
	if m.LiveQueries < 1 || m.LiveJobP99Ms <= 0 || m.LiveAllP99Ms <= 0 {
		t.Errorf("no live queries timed: %d pairs, p99 %v / %v ms", m.LiveQueries, m.LiveJobP99Ms, m.LiveAllP99Ms)
	}
	if s := m.Store; s == nil || s.Rounds == 0 || s.WriteMeanMs <= 0 || s.RoundMeanMs <= 0 || s.EntryLogSyncMeanMs <= 0 {
		t.Errorf("the default server's store figures are missing: %+v", s)
	}
	if r.CeilingPerSec <= 0 || r.IngestVsCeiling <= 0 {
		t.Errorf("no ceiling: %v records/s, ratio %v", r.CeilingPerSec, r.IngestVsCeiling)
	}
	if h := r.HighCardinality; h == nil || h.Resources != 5000 || h.RecordsPerSec <= 0 || r.HighCardVsMain <= 0 {
		t.Errorf("high-cardinality phase missing: %+v", h)
	}
	if r.Cluster1 == nil || r.ClusterN == nil || r.ClusterN.Nodes != 3 || r.ClusterN.RecordsPerSec <= 0 || r.ClusterNVs1 <= 0 {
		t.Errorf("cluster phases missing: %+v %+v", r.Cluster1, r.ClusterN)
	}

	// OTLP/JSON bodies: the server must take them all (sendOne fails on
	// any rejected record), and the size figures stay those of protobuf.
	out.Reset()
	args = []string{"--store", "default", "--records", "5000", "--queries", "2", "--ceiling-records", "0",
		"--encoding", "json", "--output", "json", "--dir", t.TempDir()}
	if code := runBench(args, &out, &errOut); code != 0 {
		t.Fatalf("talus bench --encoding json exited %d:\n%s", code, errOut.String())
	}
	var rj benchReport
	if err := json.Unmarshal(out.Bytes(), &rj); err != nil {
		t.Fatal(err)
	}
	if rj.Encoding != "json" || rj.Main.RecordsPerSec <= 0 || rj.Main.GzipBytesPerRecord <= 0 || rj.Main.GzipBytesPerRecord > 2*m.GzipBytesPerRecord {
		t.Errorf("JSON run: encoding %q, %v records/s, %v gzip'd protobuf bytes per record (protobuf run %v)",
			rj.Encoding, rj.Main.RecordsPerSec, rj.Main.GzipBytesPerRecord, m.GzipBytesPerRecord)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
