package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/receiver"
)

// The process tests run the talus binary as a child process: the test
// binary re-executes itself with talusProcessEnv set, and init below then
// runs main's run instead of the tests (os.Args[0] pattern: nothing to
// build, and the child is the same code as the binary).
const talusProcessEnv = "TALUS_TEST_RUN_AS_TALUS"

func init() {
	if os.Getenv(talusProcessEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
}

// talusProc is a running talus child process.
type talusProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done is closed

	mu     sync.Mutex
	stderr bytes.Buffer // guarded by mu
	lines  chan string  // stderr lines, for waitLine; dropped when full
}

// startTalus starts talus with args.
func startTalus(t *testing.T, args ...string) *talusProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), talusProcessEnv+"=1", "TALUS_SERVER=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	p := &talusProc{t: t, cmd: cmd, done: make(chan struct{}), lines: make(chan string, 1024)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// output returns what the process wrote to stderr so far.
func (p *talusProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// waitLine returns the first stderr line matching re, failing after 30 s
// or when the process exits first.
func (p *talusProc) waitLine(re *regexp.Regexp) []string {
	p.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l := <-p.lines:
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-p.done:
			p.t.Fatalf("talus exited (%v) before printing %s:\n%s", p.err, re, p.output())
		case <-timeout:
			p.t.Fatalf("no line matching %s within 30s:\n%s", re, p.output())
		}
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *talusProc) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("talus did not exit within 30s:\n%s", p.output())
	}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode()
	default:
		p.t.Fatalf("talus ended abnormally: %v\n%s", p.err, p.output())
		return -1
	}
}

// talusServer is a started "talus server" and its addresses.
type talusServer struct {
	*talusProc
	grpcAddr, otlpURL, apiURL string
}

var readyLine = regexp.MustCompile(`msg="talus ready".* otlp_grpc=(\S+) otlp_http=(\S+) api=(\S+)`)

// serverArgs are the arguments of talus server on dir with free ports on
// 127.0.0.1, then extra.
func serverArgs(dir string, extra ...string) []string {
	return append([]string{"server", "--data-dir", dir, "--otlp-grpc-addr", "127.0.0.1:0",
		"--otlp-http-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, extra...)
}

// startServer runs talus server on dir and waits until it is ready.
func startServer(t *testing.T, dir string, extra ...string) *talusServer {
	t.Helper()
	p := startTalus(t, serverArgs(dir, extra...)...)
	m := p.waitLine(readyLine)
	return &talusServer{talusProc: p, grpcAddr: m[1], otlpURL: "http://" + m[2], apiURL: "http://" + m[3]}
}

// stop sends SIGTERM and checks for a clean exit.
func (s *talusServer) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	if code := s.wait(); code != 0 {
		s.t.Fatalf("exit code %d after SIGTERM, want 0:\n%s", code, s.output())
	}
	if !strings.Contains(s.output(), "stopped cleanly") {
		s.t.Fatalf("no \"stopped cleanly\" after SIGTERM:\n%s", s.output())
	}
}

// batch makes n records with bodies "<prefix>-<i>", timestamped just now.
func batch(prefix string, n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "proc-test")
	rl.Resource().Attributes().PutStr("k8s.job.name", "job-"+prefix)
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	base := time.Now().Add(-time.Minute)
	for i := 0; i < n; i++ {
		lr := recs.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i) * time.Microsecond)))
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.Body().SetStr(fmt.Sprintf("%s-%d", prefix, i))
		lr.Attributes().PutInt("i", int64(i))
	}
	return ld
}

// sendHTTP posts ld over OTLP/HTTP; it reports whether the server
// acknowledged it.
func (s *talusServer) sendHTTP(ld plog.Logs) bool {
	s.t.Helper()
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := http.Post(s.otlpURL+receiver.LogsPath, "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// bodies returns every entry's body in the last hour, paging through the API
// 10,000 entries at a time.
func bodies(t *testing.T, apiURL string) map[string]int {
	t.Helper()
	c := api.NewClient(apiURL)
	out := map[string]int{}
	q := api.LogsQuery{Query: "{}", Start: time.Now().Add(-time.Hour), End: time.Now().Add(time.Minute), Limit: 10000}
	for page := 0; page < 1000; page++ {
		res, err := c.Logs(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range res.Logs {
			var b string
			if err := json.Unmarshal(l.Body, &b); err != nil {
				t.Fatalf("body %s: %v", l.Body, err)
			}
			out[b]++
		}
		if res.NextCursor == "" {
			return out
		}
		q.Cursor = res.NextCursor
	}
	t.Fatal("more than 1000 pages")
	return nil
}

func TestServerProcessRestartKeepsAcknowledgedData(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)

	acked := map[string]int{}
	for r := 0; r < 5; r++ {
		ld := batch(fmt.Sprintf("http%d", r), 40)
		if !s.sendHTTP(ld) {
			t.Fatalf("request %d not acknowledged:\n%s", r, s.output())
		}
		for i := 0; i < 40; i++ {
			acked[fmt.Sprintf("http%d-%d", r, i)]++
		}
	}
	conn, err := grpc.NewClient(s.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := plogotlp.NewGRPCClient(conn).Export(ctx, plogotlp.NewExportRequestFromLogs(batch("grpc", 25)), grpc.UseCompressor("zstd")); err != nil {
		t.Fatalf("gRPC export: %v", err)
	}
	conn.Close()
	for i := 0; i < 25; i++ {
		acked[fmt.Sprintf("grpc-%d", i)]++
	}
	checkBodies(t, bodies(t, s.apiURL), acked)
	checkRaftMetrics(t, s.apiURL, 6)
	s.stop()

	s2 := startServer(t, dir)
	checkBodies(t, bodies(t, s2.apiURL), acked)

	// A second server on the same directory must refuse to start (Pebble's
	// lock) and leave the running one alone.
	dup := startTalus(t, serverArgs(dir)...)
	if code := dup.wait(); code == 0 {
		t.Fatalf("a second server on the same data directory exited 0:\n%s", dup.output())
	}
	checkBodies(t, bodies(t, s2.apiURL), acked)

	// talus logs against the restarted server, text and JSON.
	t.Run("talus logs", func(t *testing.T) {
		var out, errOut bytes.Buffer
		code := run([]string{"logs", `{k8s.job.name="job-grpc"}`, "--server", s2.apiURL, "--limit", "5"}, nil, &out, &errOut)
		if code != 0 {
			t.Fatalf("talus logs exited %d: %s", code, errOut.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 5 {
			t.Fatalf("talus logs printed %d lines, want 5:\n%s", len(lines), out.String())
		}
		line := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z WARN  \[job-grpc\] grpc-24 i=24$`)
		if !line.MatchString(lines[0]) {
			t.Errorf("first line %q does not match %s", lines[0], line)
		}
		out.Reset()
		code = run([]string{"logs", "--output", "json", "--server", s2.apiURL, "--limit", "3", `{service.name="proc-test"} |= "http4-3"`}, nil, &out, &errOut)
		if code != 0 {
			t.Fatalf("talus logs --output json exited %d: %s", code, errOut.String())
		}
		var res api.LogsResponse
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("talus logs --output json printed no JSON: %v\n%s", err, out.String())
		}
		if len(res.Logs) != 3 || string(res.Logs[0].Body) != `"http4-39"` || res.Logs[0].Resource["k8s.job.name"] != "job-http4" {
			t.Errorf("JSON output %s", out.String())
		}
		out.Reset()
		errOut.Reset()
		if code := run([]string{"logs", `{k8s.job.name="nobody"}`, "--server", s2.apiURL}, nil, &out, &errOut); code != 0 || out.Len() != 0 || !strings.Contains(errOut.String(), "no logs matched") {
			t.Errorf("no match: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
		}
		if code := run([]string{"logs", `{k8s.job.name=}`, "--server", s2.apiURL}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "position") {
			t.Errorf("bad query: exit %d, stderr %q", code, errOut.String())
		}
	})
	s2.stop()

	// The data directory remembers its epoch.
	p := startTalus(t, serverArgs(dir, "--epoch", "2h")...)
	if code := p.wait(); code == 0 {
		t.Fatalf("talus server --epoch 2h on a 1h directory exited 0:\n%s", p.output())
	}
	if out := p.output(); !strings.Contains(out, "written with epoch 1h0m0s") || !strings.Contains(out, "--epoch 1h") {
		t.Errorf("the epoch error does not say what to do:\n%s", out)
	}
}

// checkRaftMetrics checks that /metrics at apiURL shows the multi-Raft
// store's figures after at least writes acknowledged writes.
func checkRaftMetrics(t *testing.T, apiURL string, writes int) {
	t.Helper()
	resp, err := http.Get(apiURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %v", resp.StatusCode, err)
	}
	value := func(name string) float64 {
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
		if m == nil {
			t.Errorf("/metrics has no %s", name)
			return 0
		}
		v, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return v
	}
	if n := value("talus_raft_write_duration_seconds_count"); n < float64(writes) {
		t.Errorf("talus_raft_write_duration_seconds_count = %v after %d acknowledged writes", n, writes)
	}
	for _, name := range []string{"talus_raft_entries_applied_total", "talus_raft_log_syncs_total", "talus_raft_groups",
		"talus_raft_round_duration_seconds_count", "talus_raft_entry_log_sync_duration_seconds_count"} {
		if v := value(name); v <= 0 {
			t.Errorf("%s = %v after %d writes", name, v, writes)
		}
	}
	if s := value("talus_raft_write_duration_seconds_sum"); s <= 0 {
		t.Errorf("talus_raft_write_duration_seconds_sum = %v", s)
	}
}

func checkBodies(t *testing.T, got, want map[string]int) {
	t.Helper()
	for b, n := range want {
		if got[b] != n {
			t.Errorf("%q stored %d times, want %d", b, got[b], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d distinct bodies stored, want %d", len(got), len(want))
	}
}

func TestServerHelp(t *testing.T) {
	p := startTalus(t, "server", "--help")
	if code := p.wait(); code != 0 {
		t.Fatalf("talus server --help exited %d:\n%s", code, p.output())
	}
	out := p.output()
	for _, flag := range []string{"-config", "-data-dir", "-otlp-grpc-addr", "-otlp-http-addr", "-http-addr",
		"-epoch", "-retention", "-zone", "-log-level", "Usage: talus server"} {
		if !strings.Contains(out, flag) {
			t.Errorf("help does not list %s:\n%s", flag, out)
		}
	}
	p = startTalus(t, "server", "--no-such-flag")
	if code := p.wait(); code != 2 {
		t.Errorf("unknown flag exited %d, want 2:\n%s", code, p.output())
	}
}

// TestServerProcessSIGTERMUnderLoad stops the server while clients are
// sending: it must still exit 0, and every request it acknowledged must be
// there after a restart.
func TestServerProcessSIGTERMUnderLoad(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	const senders, maxBatches, perBatch = 4, 200, 50
	results := make(chan []string, senders) // each sender's acknowledged batch prefixes
	progress := make(chan struct{}, senders*maxBatches)
	for w := 0; w < senders; w++ {
		go func() {
			var acked []string
			for i := 0; i < maxBatches; i++ {
				prefix := fmt.Sprintf("w%d-b%d", w, i)
				if !s.sendHTTP(batch(prefix, perBatch)) {
					break // the server is going away
				}
				acked = append(acked, prefix)
				progress <- struct{}{}
			}
			results <- acked
		}()
	}
	// Stop once some batches are in, while the senders are still going.
	for i := 0; i < 2*senders; i++ {
		select {
		case <-progress:
		case <-time.After(30 * time.Second):
			t.Fatalf("no progress:\n%s", s.output())
		}
	}
	s.stop()
	want := map[string]int{}
	for w := 0; w < senders; w++ {
		for _, prefix := range <-results {
			for i := 0; i < perBatch; i++ {
				want[fmt.Sprintf("%s-%d", prefix, i)] = 1
			}
		}
	}
	s2 := startServer(t, dir)
	got := bodies(t, s2.apiURL)
	for b := range want {
		if got[b] != 1 {
			t.Errorf("acknowledged %q stored %d times after the restart", b, got[b])
		}
	}
	t.Logf("%d acknowledged records before SIGTERM, %d stored", len(want), len(got))
	s2.stop()
}
