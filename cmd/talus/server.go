package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/talus-logs/talus/internal/gunzip"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"gopkg.in/yaml.v3"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/receiver"
	"github.com/talus-logs/talus/storage"
)

// serverConfig is the server's configuration: defaults, then the YAML file
// given with --config, then flags, each overriding the one before.
type serverConfig struct {
	// DataDir holds the data. Default "./data".
	DataDir string `yaml:"data_dir"`
	// OTLPGRPCAddr is the OTLP/gRPC listen address. Default "127.0.0.1:4317".
	OTLPGRPCAddr string `yaml:"otlp_grpc_addr"`
	// OTLPHTTPAddr is the OTLP/HTTP listen address. Default "127.0.0.1:4318".
	OTLPHTTPAddr string `yaml:"otlp_http_addr"`
	// HTTPAddr is the query API listen address. Default "127.0.0.1:7070".
	HTTPAddr string `yaml:"http_addr"`
	// Epoch is the time bucket width. Default 1h; fixed once data exists.
	Epoch time.Duration `yaml:"epoch"`
	// Retention drops whole epochs older than this; 0 keeps data forever.
	Retention time.Duration `yaml:"retention"`
	// Zone is this node's zone, for resources that name none.
	Zone string `yaml:"zone"`
	// LogLevel is debug, info, warn or error. Default info.
	LogLevel string `yaml:"log_level"`
	// ErrorFingerprints counts error records by fingerprint at ingest. Default true.
	ErrorFingerprints bool `yaml:"error_fingerprints"`
	// PProf serves Go profiles under /debug/pprof/ on HTTPAddr. Default false.
	PProf bool `yaml:"pprof"`
	// The node keeps its data in the multi-Raft store (raftstore): alone it
	// is a one-voter cluster without network. NodeID is unique and never
	// reused (default 1 for the first node); RaftAddr is where peers reach
	// this node (empty: no network); Join lists members' raft addresses
	// (empty: bootstrap a new cluster, or restart the one in DataDir).
	NodeID   uint64   `yaml:"node_id"`
	RaftAddr string   `yaml:"raft_addr"`
	Join     []string `yaml:"join"`
	// ReplicationFactor is the number of replicas of a table's ranges once
	// that many nodes exist (default 3); Replication overrides it per table
	// (logs, resources, postings, activity, epochs, meta, errors).
	ReplicationFactor int            `yaml:"replication_factor"`
	Replication       map[string]int `yaml:"replication"`
	// OnePebble runs the node on one Pebble (DATA_DIR/kv) instead, the
	// store of talus before raftstore: only for the benchmark's baseline.
	OnePebble bool `yaml:"-"`
	// MigrateOnePebble copies a data dir of the one-Pebble layout
	// (DATA_DIR/kv, talus before raftstore) into the multi-Raft store at
	// start.
	MigrateOnePebble bool `yaml:"-"`
}

// joining reports whether the node joins an existing cluster (its ranges
// arrive over the network after it starts).
func (c *serverConfig) joining() bool { return len(c.Join) > 0 }

func defaultServerConfig() serverConfig {
	return serverConfig{
		DataDir:           "./data",
		OTLPGRPCAddr:      "127.0.0.1:4317",
		OTLPHTTPAddr:      "127.0.0.1:4318",
		HTTPAddr:          "127.0.0.1:7070",
		Epoch:             time.Hour,
		LogLevel:          "info",
		ErrorFingerprints: true,
	}
}

const serverUsage = `Usage: talus server [flags]

Runs a Talus node. With no flags it keeps its data in ./data, receives OTLP
logs on 127.0.0.1:4317 (gRPC) and 127.0.0.1:4318 (HTTP, POST /v1/logs) and
serves the query API on 127.0.0.1:7070. A YAML file given with --config sets
the same options (keys: data_dir, otlp_grpc_addr, otlp_http_addr, http_addr,
epoch, retention, zone, log_level, error_fingerprints, pprof, node_id,
raft_addr, join, replication_factor, replication); flags override it.

The data lives in a multi-Raft store under DATA_DIR/raft, one Raft group per
key range (one range per table to start with). A lone node is a one-voter
cluster and needs no network. To form a cluster, give each node a raft
address: the first node starts without --join and bootstraps; every other
node joins through any member's raft address. Any node accepts OTLP and
queries.

  talus server --node-id 1 --raft-addr 127.0.0.1:7101 --data-dir n1
  talus server --node-id 2 --raft-addr 127.0.0.1:7102 --join 127.0.0.1:7101 \
               --data-dir n2 --otlp-grpc-addr 127.0.0.1:4327 ...

Each table's ranges get --replication-factor replicas (default 3) once there
are that many nodes; --replication sets it per table, e.g.
--replication logs=3,errors=1 (tables: logs, resources, postings, activity,
epochs, meta, errors).

Flags:
`

func parseServerConfig(args []string, stderr io.Writer) (serverConfig, error) {
	cfg := defaultServerConfig()
	fs := flag.NewFlagSet("talus server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serverUsage); fs.PrintDefaults() }
	configPath := fs.String("config", "", "YAML configuration file")
	dataDir := fs.String("data-dir", cfg.DataDir, "directory that holds the data")
	grpcAddr := fs.String("otlp-grpc-addr", cfg.OTLPGRPCAddr, "OTLP/gRPC listen address")
	httpOTLP := fs.String("otlp-http-addr", cfg.OTLPHTTPAddr, "OTLP/HTTP listen address")
	httpAddr := fs.String("http-addr", cfg.HTTPAddr, "query API listen address")
	epoch := fs.Duration("epoch", cfg.Epoch, "epoch (time bucket) width; fixed once the data directory is used")
	retention := fs.Duration("retention", 0, "drop data older than this, in whole epochs (e.g. 168h); 0 keeps everything")
	zone := fs.String("zone", "", "this node's zone, for resources without cloud.availability_zone or cloud.region")
	logLevel := fs.String("log-level", cfg.LogLevel, "log level: debug, info, warn, error")
	errFP := fs.Bool("error-fingerprints", true, "count error records by fingerprint at ingest (serves /api/v1/errors)")
	pprofOn := fs.Bool("pprof", false, "serve Go profiles under /debug/pprof/ on the query API address")
	nodeID := fs.Uint64("node-id", 0, "this node's id, unique in the cluster and never reused (default 1 when bootstrapping)")
	raftAddr := fs.String("raft-addr", "", "raft listen address peers reach this node on (HOST:PORT); empty: a lone node without network")
	join := fs.String("join", "", "raft addresses of cluster members to join, comma-separated (empty: bootstrap)")
	rf := fs.Int("replication-factor", 0, "replicas per range (default 3; fewer nodes use all of them)")
	replication := fs.String("replication", "", "replicas per range of some tables, e.g. logs=3,errors=1 (overrides --replication-factor)")
	migrate := fs.Bool("migrate-one-pebble", false, "copy a data dir of the one-Pebble layout (DATA_DIR/kv, talus before the multi-Raft store) into the multi-Raft store, then start; the old store is kept as DATA_DIR/kv.migrated")
	onePebble := fs.Bool("one-pebble", false, "benchmark baseline only: run on one Pebble in DATA_DIR/kv instead of the multi-Raft store")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see talus server --help)", fs.Arg(0))
	}
	if *configPath != "" {
		b, err := os.ReadFile(*configPath)
		if err != nil {
			return cfg, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(bytesReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("config %s: %w", *configPath, err)
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	override := func(name string, dst *string, v string) {
		if set[name] {
			*dst = v
		}
	}
	override("data-dir", &cfg.DataDir, *dataDir)
	override("otlp-grpc-addr", &cfg.OTLPGRPCAddr, *grpcAddr)
	override("otlp-http-addr", &cfg.OTLPHTTPAddr, *httpOTLP)
	override("http-addr", &cfg.HTTPAddr, *httpAddr)
	override("zone", &cfg.Zone, *zone)
	override("log-level", &cfg.LogLevel, *logLevel)
	if set["epoch"] {
		cfg.Epoch = *epoch
	}
	if set["retention"] {
		cfg.Retention = *retention
	}
	if set["error-fingerprints"] {
		cfg.ErrorFingerprints = *errFP
	}
	if set["pprof"] {
		cfg.PProf = *pprofOn
	}
	if set["node-id"] {
		cfg.NodeID = *nodeID
	}
	override("raft-addr", &cfg.RaftAddr, *raftAddr)
	if set["join"] {
		cfg.Join = nil
		for _, a := range strings.Split(*join, ",") {
			if a = strings.TrimSpace(a); a != "" {
				cfg.Join = append(cfg.Join, a)
			}
		}
	}
	if set["replication-factor"] {
		cfg.ReplicationFactor = *rf
	}
	if set["replication"] {
		cfg.Replication = map[string]int{}
		for _, kv := range strings.Split(*replication, ",") {
			if kv = strings.TrimSpace(kv); kv == "" {
				continue
			}
			name, v, ok := strings.Cut(kv, "=")
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if !ok || err != nil {
				return cfg, fmt.Errorf("--replication: %q is not TABLE=N", kv)
			}
			cfg.Replication[strings.TrimSpace(name)] = n
		}
	}
	if set["migrate-one-pebble"] {
		cfg.MigrateOnePebble = *migrate
	}
	if set["one-pebble"] {
		cfg.OnePebble = *onePebble
	}
	if _, err := tableReplication(cfg.Replication); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func runServer(args []string, stderr io.Writer) int {
	cfg, err := parseServerConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "talus server:", err)
		return 2
	}
	log, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "talus server:", err)
		return 2
	}
	slog.SetDefault(log)
	tuneGC()
	if err := serve(cfg, log); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// tuneGC trades memory for CPU unless GOGC or GOMEMLIMIT say otherwise.
// Decoding OTLP allocates a tree of short-lived objects per request, so the
// default GOGC=100 collects very often; GOGC=400 cut server CPU per record
// by about 12% and raised ingest by 40% in the benchmark. The soft limit
// keeps the heap in bounds: Pebble's block cache and memtables live outside
// it (about 512 MiB more), and the whole process should stay under 1 GiB.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(384 << 20)
	}
}

// node is a running server's parts, for serve and for tests.
type node struct {
	kv       kv.Store
	store    *storage.Store
	api      *api.Server
	recv     *receiver.Receiver
	grpc     *grpc.Server
	httpOTLP *http.Server
	httpAPI  *http.Server
}

func serve(cfg serverConfig, log *slog.Logger) error {
	sopts := storage.Options{EpochDuration: cfg.Epoch, Retention: cfg.Retention, NodeZone: cfg.Zone}
	if err := sopts.Validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	// Catch signals before anything listens, so that a SIGTERM right after
	// start still shuts down cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// Listen first, so that a busy port fails before any data is opened.
	grpcLis, err := net.Listen("tcp", cfg.OTLPGRPCAddr)
	if err != nil {
		return fmt.Errorf("OTLP/gRPC listen: %w", err)
	}
	otlpLis, err := net.Listen("tcp", cfg.OTLPHTTPAddr)
	if err != nil {
		return fmt.Errorf("OTLP/HTTP listen: %w", err)
	}
	apiLis, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("query API listen: %w", err)
	}
	start := time.Now()
	kvs, err := openKV(cfg, log)
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("data directory %s is in use by another talus server (its lock is held): %w", cfg.DataDir, err)
	}
	if err != nil {
		return err
	}
	store, err := openStorage(ctx, kvs, withErrorHook(sopts, cfg.ErrorFingerprints), cfg.joining(), log)
	if err != nil {
		kvs.Close()
		return err
	}
	n := &node{kv: kvs, store: store}
	defer exportRaftMetrics(kvs)()
	n.recv = receiver.New(store, receiver.Options{Logger: log})
	n.grpc = grpc.NewServer(n.recv.GRPCServerOptions()...)
	n.recv.RegisterGRPC(n.grpc)
	otlpMux := http.NewServeMux()
	otlpMux.Handle(receiver.LogsPath, n.recv.HTTPHandler())
	n.httpOTLP = &http.Server{Handler: otlpMux, ReadHeaderTimeout: 10 * time.Second}
	n.api = api.NewServer(store, api.ServerOptions{Errors: errorsBackend(store, cfg.ErrorFingerprints), Logger: log,
		ClusterStatus: clusterStatus(kvs), Compact: compactFunc(kvs)})
	var apiHandler http.Handler = n.api
	if cfg.PProf {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		mux.Handle("/", n.api)
		apiHandler = mux
	}
	n.httpAPI = &http.Server{Handler: apiHandler, ReadHeaderTimeout: 10 * time.Second}

	errc := make(chan error, 3)
	go func() { errc <- n.grpc.Serve(grpcLis) }()
	go func() { errc <- n.httpOTLP.Serve(otlpLis) }()
	go func() { errc <- n.httpAPI.Serve(apiLis) }()
	log.Info("talus ready", "version", version, "data_dir", cfg.DataDir, "otlp_grpc", grpcLis.Addr().String(),
		"otlp_http", otlpLis.Addr().String(), "api", apiLis.Addr().String(), "epoch", cfg.Epoch,
		"retention", cfg.Retention, "startup", time.Since(start).Round(time.Millisecond), "raft", raftAddrOf(kvs),
		"gzip_inflater", gunzip.Inflater())

	go n.maintain(ctx, cfg, log)

	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests")
	case serveErr = <-errc:
		log.Error("listener failed", "err", serveErr)
	}
	n.shutdown(log)
	return serveErr
}

// openStorage opens the log model on kvs. A node that has just joined a
// cluster may not know every range yet (the range directory arrives
// through the meta group), so on a joining node a failed open is retried
// for up to a minute.
func openStorage(ctx context.Context, kvs kv.Store, o storage.Options, joining bool, log *slog.Logger) (*storage.Store, error) {
	deadline := time.Now().Add(time.Minute)
	for attempt := 1; ; attempt++ {
		store, err := storage.Open(kvs, o)
		if err == nil || !joining || time.Now().After(deadline) {
			return store, err
		}
		if attempt == 1 || attempt%10 == 0 {
			log.Info("waiting for the cluster's ranges", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// shutdown stops accepting work, waits for in-flight writes (each is
// acknowledged only once durable) and closes the store.
func (n *node) shutdown(log *slog.Logger) {
	n.api.SetReady(false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { n.grpc.GracefulStop(); close(done) }()
	_ = n.httpOTLP.Shutdown(ctx)
	select {
	case <-done:
	case <-ctx.Done():
		n.grpc.Stop()
	}
	_ = n.httpAPI.Shutdown(ctx)
	if err := n.kv.Close(); err != nil {
		log.Error("close store", "err", err)
		return
	}
	log.Info("stopped cleanly")
}

// maintain runs retention and refreshes gauges until ctx ends.
func (n *node) maintain(ctx context.Context, cfg serverConfig, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		metrics.StoreDiskBytes.Set(float64(n.kv.DiskUsage()))
		if cfg.Retention > 0 {
			res, err := n.store.DropBefore(time.Now().Add(-cfg.Retention).UnixNano())
			if err != nil {
				log.Error("retention", "err", err)
			} else if res.Epochs > 0 {
				log.Info("retention dropped epochs", "epochs", res.Epochs, "instances", res.Instances, "older_than", cfg.Retention)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
