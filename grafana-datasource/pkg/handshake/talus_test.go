package handshake

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/talus-logs/talus/api"
)

// talusServer is a `talus server` subprocess on ports it picked itself
// (127.0.0.1:0), read back from its "talus ready" log line.
type talusServer struct {
	cmd      *exec.Cmd
	otlpHTTP string // host:port of OTLP/HTTP
	api      string // host:port of the query API
	logMu    sync.Mutex
	log      bytes.Buffer // guarded by logMu
}

var readyLine = regexp.MustCompile(`msg="talus ready".* otlp_http=(\S+) api=(\S+)`)

// startTalus runs $TALUS_BIN, or builds ./cmd/talus, and waits for its ready line.
func startTalus(t *testing.T) *talusServer {
	t.Helper()
	bin := os.Getenv("TALUS_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "talus")
		out, err := exec.Command("go", "build", "-o", bin, "../../../cmd/talus").CombinedOutput()
		if err != nil {
			t.Fatalf("build talus: %v\n%s", err, out)
		}
	}
	s := &talusServer{}
	s.cmd = exec.Command(bin, "server", "--data-dir", t.TempDir(),
		"--otlp-grpc-addr", "127.0.0.1:0", "--otlp-http-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout = s.cmd.Stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start talus: %v", err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			s.logMu.Lock()
			t.Logf("talus server log:\n%s", s.log.String())
			s.logMu.Unlock()
		}
	})
	ready := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.logMu.Lock()
			s.log.WriteString(line + "\n")
			s.logMu.Unlock()
			if m := readyLine.FindStringSubmatch(line); m != nil {
				select {
				case ready <- [2]string{m[1], m[2]}:
				default:
				}
			}
		}
	}()
	select {
	case a := <-ready:
		s.otlpHTTP, s.api = a[0], a[1]
	case <-time.After(60 * time.Second):
		s.logMu.Lock()
		defer s.logMu.Unlock()
		t.Fatalf("talus did not log its ready line within 60 s:\n%s", s.log.String())
	}
	c := api.NewClient("http://" + s.api)
	deadline := time.Now().Add(30 * time.Second)
	for c.Health(context.Background()) != nil {
		if time.Now().After(deadline) {
			t.Fatal("talus /readyz not 200 within 30 s")
		}
		time.Sleep(50 * time.Millisecond) // polling an external process's readiness
	}
	return s
}

// record is one log record to ingest.
type record struct {
	service string
	ts      time.Time
	sev     plog.SeverityNumber
	body    string
	attrs   map[string]string
}

// ingest sends records over OTLP/HTTP protobuf, one resource per service,
// and fails unless the server answers 200.
func (s *talusServer) ingest(t *testing.T, recs ...record) {
	t.Helper()
	ld := plog.NewLogs()
	byService := map[string]plog.LogRecordSlice{}
	for _, r := range recs {
		lrs, ok := byService[r.service]
		if !ok {
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("service.name", r.service)
			rl.Resource().Attributes().PutStr("k8s.job.name", "job-"+r.service)
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName("handshake-test")
			lrs = sl.LogRecords()
			byService[r.service] = lrs
		}
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(r.ts))
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(r.ts))
		lr.SetSeverityNumber(r.sev)
		lr.SetSeverityText(r.sev.String())
		lr.Body().SetStr(r.body)
		for k, v := range r.attrs {
			lr.Attributes().PutStr(k, v)
		}
	}
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+s.otlpHTTP+"/v1/logs", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("OTLP/HTTP export: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("OTLP/HTTP export: status %d", resp.StatusCode)
	}
}

// TestAgainstTalusServer is the end-to-end bar: the built plugin binary,
// started with Grafana's handshake, answers a logs query whose rows match
// /api/v1/logs and a topErrors query whose counts match /api/v1/errors/top,
// and its live tail delivers a record ingested after subscribing within 2 s.
func TestAgainstTalusServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a talus server")
	}
	s := startTalus(t)
	client := api.NewClient("http://" + s.api)
	ctx := context.Background()

	now := time.Now().Truncate(time.Second)
	var recs []record
	sevs := []plog.SeverityNumber{plog.SeverityNumberInfo, plog.SeverityNumberDebug, plog.SeverityNumberWarn, plog.SeverityNumberInfo}
	for i := range 40 {
		svc := []string{"checkout", "payments"}[i%2]
		ts := now.Add(-time.Duration(40-i) * 3 * time.Second).Add(time.Duration(i) * 1234567) // nanoseconds vary
		r := record{service: svc, ts: ts, sev: sevs[i%len(sevs)], body: fmt.Sprintf("order %d processed in %dms", 1000+i, 10+i)}
		switch {
		case i%5 == 0:
			r.sev, r.body = plog.SeverityNumberError, fmt.Sprintf("payment %d declined: card expired", 4400+i)
		case i%7 == 0:
			r.sev, r.body = plog.SeverityNumberError, fmt.Sprintf("db timeout after %ds", i)
		case i%13 == 0:
			r.sev, r.body = plog.SeverityNumberFatal, "worker crashed: out of memory"
			r.attrs = map[string]string{"exception.type": "OOMError", "exception.message": "out of memory"}
		}
		recs = append(recs, r)
	}
	s.ingest(t, recs...)
	from, to := now.Add(-10*time.Minute), now.Add(time.Minute)

	// The data is durable once acknowledged; wait only for it to be visible to queries.
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := client.Logs(ctx, api.LogsQuery{Query: "{}", Start: from, End: to, Limit: 100})
		if err == nil && len(res.Logs) == len(recs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ingested %d records, /api/v1/logs shows %v (err %v)", len(recs), lenLogs(res), err)
		}
		time.Sleep(50 * time.Millisecond) // polling an external process
	}

	p := launch(t, "http://"+s.api)
	if h := p.health(t); h.Status.String() != "OK" {
		t.Fatalf("health %v %q", h.Status, h.Message)
	}

	t.Run("logs", func(t *testing.T) {
		for _, q := range []string{`{}`, `{service.name="checkout"}`, `{service.name="payments"} |= "declined"`} {
			dr := p.query(t, from, to, time.Second, fmt.Sprintf(`{"queryType":"logs","query":%q,"limit":25}`, q))
			want, err := client.Logs(ctx, api.LogsQuery{Query: q, Start: from, End: to, Limit: 25})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Logs) == 0 {
				t.Fatalf("%s: the API returned no rows", q)
			}
			checkLogsMatch(t, dr.Frames[0], want.Logs)
		}
	})

	t.Run("topErrors", func(t *testing.T) {
		want, err := client.ErrorsTop(ctx, api.ErrorsQuery{Start: from, End: to, Limit: 10, Step: time.Minute})
		var se *api.StatusError
		if errors.As(err, &se) && se.StatusCode == http.StatusNotImplemented {
			t.Skipf("this talus server has no errors API yet: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		dr := p.query(t, from, to, time.Minute, `{"queryType":"topErrors","limit":10}`)
		if len(want.Errors) == 0 {
			t.Fatal("the API returned no error groups for the ingested errors")
		}
		checkTopMatch(t, dr.Frames[0], want.Errors)
		var total uint64
		for _, g := range want.Errors {
			total += g.Count
			t.Logf("error group %s × %d: %q services %v", g.Fingerprint, g.Count, g.Message, g.Services)
		}
		// errorTrend total over the same range counts the same errors.
		tr := p.query(t, from, to, time.Minute, `{"queryType":"errorTrend","groupBy":"total"}`)
		var sum float64
		for i := range tr.Frames[0].Rows() {
			sum += tr.Frames[0].Fields[1].At(i).(float64)
		}
		if sum != float64(total) {
			t.Errorf("errorTrend total %v, errors/top counts sum to %d", sum, total)
		}
		// The table's data link: logs of the top fingerprint.
		fp := want.Errors[0].Fingerprint
		lr := p.query(t, from, to, time.Second, fmt.Sprintf(`{"queryType":"logs","fingerprint":%q,"limit":100}`, fp))
		wantLogs, err := client.Logs(ctx, api.LogsQuery{Query: "{}", Start: from, End: to, Limit: 100, Fingerprint: fp})
		if err != nil {
			t.Fatal(err)
		}
		checkLogsMatch(t, lr.Frames[0], wantLogs.Logs)
		if uint64(len(wantLogs.Logs)) != want.Errors[0].Count {
			t.Errorf("fingerprint %s: %d logs, errors/top counts %d", fp, len(wantLogs.Logs), want.Errors[0].Count)
		}
	})

	t.Run("logsVolume", func(t *testing.T) {
		dr := p.query(t, from, to, time.Minute, `{"queryType":"logsVolume","query":"{}"}`)
		var sum float64
		levels := map[string]bool{}
		for _, f := range dr.Frames {
			levels[f.Fields[1].Labels["level"]] = true
			for i := range f.Rows() {
				sum += f.Fields[1].At(i).(float64)
			}
		}
		if sum != float64(len(recs)) {
			t.Errorf("volume counts %v records, ingested %d", sum, len(recs))
		}
		for _, l := range []string{"info", "debug", "warning", "error", "critical"} {
			if !levels[l] {
				t.Errorf("no %s series in %v", l, levels)
			}
		}
	})

	t.Run("labels", func(t *testing.T) {
		st, body := p.callResource(t, "labels", fmt.Sprintf("labels?start=%d&end=%d", from.UnixMilli(), to.UnixMilli()))
		want, err := client.Labels(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(want)
		if st != 200 || !strings.Contains(string(body), `"service.name"`) || !strings.Contains(string(body), `"k8s.job.name"`) {
			t.Errorf("labels resource: %d %s (API %v)", st, body, want)
		}
	})

	t.Run("liveTail", func(t *testing.T) {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		frames := p.tail(t, sctx, "e2e", `{"queryType":"logs","query":"{service.name=\"tail\"}"}`)
		var worst time.Duration
		var lat []time.Duration
		for i := range 5 {
			sent := time.Now()
			body := fmt.Sprintf("tail row %d", i)
			s.ingest(t, record{service: "tail", ts: sent, sev: plog.SeverityNumberInfo, body: body})
			select {
			case fr := <-frames:
				d := time.Since(sent)
				if fr.Rows() != 1 || fr.Fields[1].At(0).(string) != body {
					t.Fatalf("tail frame %d: %d rows, first %v", i, fr.Rows(), fr.Fields[1].At(0))
				}
				lat = append(lat, d)
				worst = max(worst, d)
			case <-time.After(2 * time.Second):
				t.Fatalf("record %d ingested after subscribing did not arrive within 2 s", i)
			}
		}
		t.Logf("live tail: ingest → frame latencies %v (worst %v)", lat, worst)
	})
}

func lenLogs(r *api.LogsResponse) int {
	if r == nil {
		return -1
	}
	return len(r.Logs)
}
