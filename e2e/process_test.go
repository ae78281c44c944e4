//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
)

const (
	// readyTimeout bounds how long a started process may take to serve.
	readyTimeout = 60 * time.Second
	// stopTimeout bounds how long a process may take to exit after SIGTERM.
	stopTimeout = 30 * time.Second
	// pollInterval is the pause between two readiness or visibility probes.
	pollInterval = 100 * time.Millisecond
	// logTailBytes is how much of a process's output a failing test prints.
	logTailBytes = 8 << 10
)

// requireBinary returns the executable named by the environment variable env.
// It fails the test (never skips) when the variable is unset or wrong: in CI
// a skipped end-to-end test would look like a passing one.
func requireBinary(t *testing.T, env, what string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Fatalf("%s is not set: it must name the %s binary. Run these tests with `make test-e2e`, "+
			"which builds it and sets %s (CI=%q)", env, what, env, os.Getenv("CI"))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s=%s: %v", env, path, err)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable file", env, path)
	}
	return path
}

// requireBinaries returns TALUS_BIN and OTELCOL_BIN.
func requireBinaries(t *testing.T) (talusBin, otelcolBin string) {
	t.Helper()
	return requireBinary(t, "TALUS_BIN", "talus"),
		requireBinary(t, "OTELCOL_BIN", "OpenTelemetry Collector (deploy/otelcol/build.sh --print-path)")
}

// freeAddrs returns n distinct 127.0.0.1:port addresses that were free a
// moment ago. All listeners are held until every port is picked, so the
// kernel cannot hand out the same port twice.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	addrs := make([]string, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("pick a free port: %v", err)
		}
		ls = append(ls, l)
		addrs = append(addrs, l.Addr().String())
	}
	return addrs
}

// process is a child process whose output goes to a log file. Its methods
// are called from the test goroutine only.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	// exited is closed once the process has exited; waitErr is set before.
	exited  chan struct{}
	waitErr error
}

// startProcess starts bin with args, appending its output to logPath. The
// process is killed when the test ends if it is still running, and the tail
// of its log is printed if the test failed.
func startProcess(t *testing.T, name, logPath string, env []string, bin string, args ...string) *process {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("open %s log: %v", name, err)
	}
	defer f.Close()
	fmt.Fprintf(f, "=== %s: %s %s %s\n", time.Now().UTC().Format(time.RFC3339Nano), strings.Join(env, " "), bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.SysProcAttr = childSysProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s (%s): %v", name, bin, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		if p.running() {
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("--- tail of %s output (%s) ---\n%s", p.name, p.logPath, p.logTail())
		}
	})
	return p
}

func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM and waits up to stopTimeout. It returns an error if the
// process had to be killed or exited with a non-zero status.
func (p *process) stop() error {
	if !p.running() {
		return fmt.Errorf("%s had already exited: %v", p.name, p.waitErr)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM %s: %w", p.name, err)
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-p.exited:
		if p.waitErr != nil {
			return fmt.Errorf("%s exited after SIGTERM with %v", p.name, p.waitErr)
		}
		return nil
	case <-timer.C:
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("%s did not exit within %v of SIGTERM; killed", p.name, stopTimeout)
	}
}

func (p *process) logTail() string {
	f, err := os.Open(p.logPath)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > logTailBytes {
		_, _ = f.Seek(fi.Size()-logTailBytes, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// waitUntil calls probe every pollInterval until it returns nil, the process
// exits, or timeout passes; it fails the test in the last two cases, with the
// probe's last error.
func (p *process) waitUntil(t *testing.T, what string, timeout time.Duration, probe func(ctx context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := probe(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not %s within %v: %v", p.name, what, timeout, err)
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited (%v) before it was %s; last probe: %v", p.name, p.waitErr, what, err)
		case <-ticker.C:
		}
	}
}

// talus is a running `talus server`.
type talus struct {
	*process
	bin, dataDir string
	// otlpGRPCAddr, otlpHTTPAddr and httpAddr are host:port on 127.0.0.1.
	otlpGRPCAddr, otlpHTTPAddr, httpAddr string
	client                               *api.Client
	// starts counts start calls; each start logs to its own file.
	starts int
}

// startTalus starts a server on dataDir with fresh ports and waits for /readyz.
func startTalus(t *testing.T, bin, dataDir, logDir string) *talus {
	t.Helper()
	a := freeAddrs(t, 3)
	s := &talus{bin: bin, dataDir: dataDir, otlpGRPCAddr: a[0], otlpHTTPAddr: a[1], httpAddr: a[2]}
	s.client = api.NewClient("http://" + s.httpAddr)
	s.start(t, logDir)
	return s
}

// start (re)starts the server on the same data directory and addresses.
func (s *talus) start(t *testing.T, logDir string) {
	t.Helper()
	s.starts++
	name := fmt.Sprintf("talus#%d", s.starts)
	s.process = startProcess(t, name, filepath.Join(logDir, name+".log"), nil, s.bin, "server",
		"--data-dir", s.dataDir,
		"--otlp-grpc-addr", s.otlpGRPCAddr,
		"--otlp-http-addr", s.otlpHTTPAddr,
		"--http-addr", s.httpAddr)
	start := time.Now()
	s.waitUntil(t, "ready (GET /readyz = 200)", readyTimeout, s.client.Health)
	t.Logf("%s ready after %v (OTLP gRPC %s, OTLP HTTP %s, API %s)",
		name, time.Since(start).Round(time.Millisecond), s.otlpGRPCAddr, s.otlpHTTPAddr, s.httpAddr)
}

// collector is a running OpenTelemetry Collector with an OTLP receiver.
type collector struct {
	*process
	// grpcAddr and httpAddr are the OTLP receiver's endpoints (127.0.0.1).
	grpcAddr, httpAddr string
}

// pipeline shapes the collector config the tests generate: OTLP in, batch,
// one exporter to Talus.
type pipeline struct {
	// exporter is otlp_grpc or otlp_http.
	exporter string
	// settings are extra scalar settings of the exporter, such as
	// {"compression": "zstd"} or {"encoding": "json"}.
	settings map[string]string
	// batchTimeout, when not zero, replaces the batch processor's default
	// (200 ms) and caps batches at 100 records.
	batchTimeout time.Duration
}

func (p pipeline) String() string {
	keys := slices.Sorted(maps.Keys(p.settings))
	name := p.exporter
	for _, k := range keys {
		name += "," + k + "=" + p.settings[k]
	}
	return name
}

// config renders p for a receiver on recvGRPC/recvHTTP and Talus s.
// Internal metrics are off so no fixed port (8888) is bound.
func (p pipeline) config(recvGRPC, recvHTTP string, s *talus) (string, error) {
	var exp string
	switch p.exporter {
	case "otlp_grpc":
		exp = fmt.Sprintf("  otlp_grpc:\n    endpoint: %s\n    tls:\n      insecure: true\n", s.otlpGRPCAddr)
	case "otlp_http":
		exp = fmt.Sprintf("  otlp_http:\n    endpoint: http://%s\n", s.otlpHTTPAddr)
	default:
		return "", fmt.Errorf("unknown exporter %q", p.exporter)
	}
	for _, k := range slices.Sorted(maps.Keys(p.settings)) {
		exp += fmt.Sprintf("    %s: %s\n", k, p.settings[k])
	}
	batch := "{}"
	if p.batchTimeout > 0 {
		batch = fmt.Sprintf("\n    timeout: %s\n    send_batch_size: 100", p.batchTimeout)
	}
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %s
      http:
        endpoint: %s
processors:
  batch: %s
exporters:
%sservice:
  telemetry:
    logs:
      level: info
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [%s]
`, recvGRPC, recvHTTP, batch, exp, p.exporter), nil
}

// startCollector writes the config of p, exporting to s, and starts the
// collector on it.
func startCollector(t *testing.T, bin string, p pipeline, s *talus, dir string) *collector {
	t.Helper()
	a := freeAddrs(t, 2)
	cfg, err := p.config(a[0], a[1], s)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "otelcol-"+p.exporter+".yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return runCollector(t, bin, cfgPath, nil, a[0], a[1], dir)
}

// startExampleCollector starts the collector on one of the example configs
// users copy (deploy/otelcol/*.yaml), unedited: only the environment
// variables the file documents point it at fresh ports and at s.
func startExampleCollector(t *testing.T, bin, cfgPath string, s *talus, dir string) *collector {
	t.Helper()
	a := freeAddrs(t, 2)
	env := []string{
		"OTELCOL_OTLP_GRPC_ENDPOINT=" + a[0],
		"OTELCOL_OTLP_HTTP_ENDPOINT=" + a[1],
		"TALUS_OTLP_GRPC_ENDPOINT=" + s.otlpGRPCAddr,
		"TALUS_OTLP_HTTP_ENDPOINT=http://" + s.otlpHTTPAddr,
	}
	return runCollector(t, bin, cfgPath, env, a[0], a[1], dir)
}

// runCollector starts the collector on cfgPath, whose OTLP receiver listens
// on grpcAddr and httpAddr, and waits until the HTTP side accepts an empty
// request.
func runCollector(t *testing.T, bin, cfgPath string, env []string, grpcAddr, httpAddr, dir string) *collector {
	t.Helper()
	c := &collector{grpcAddr: grpcAddr, httpAddr: httpAddr}
	c.process = startProcess(t, "otelcol", filepath.Join(dir, "otelcol.log"), env, bin, "--config="+cfgPath)
	start := time.Now()
	h := &httpSender{url: "http://" + c.httpAddr + "/v1/logs"}
	c.waitUntil(t, "accepting OTLP/HTTP", readyTimeout, func(ctx context.Context) error {
		return h.post(ctx, nil)
	})
	t.Logf("collector ready after %v (receiver gRPC %s, HTTP %s; config %s)",
		time.Since(start).Round(time.Millisecond), c.grpcAddr, c.httpAddr, cfgPath)
	return c
}

// errNotOK is returned by httpSender for a non-200 answer.
var errNotOK = errors.New("e2e: OTLP/HTTP request not accepted")

// httpClient is used for all OTLP/HTTP requests the tests make.
var httpClient = &http.Client{Timeout: 30 * time.Second}
