package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/raftstore"
	"github.com/talus-logs/talus/storage"
)

// tables names the tables of the log model for per-table settings.
var tables = map[string]byte{
	"logs":      storage.TableLogs,
	"resources": storage.TableResources,
	"postings":  storage.TablePostings,
	"activity":  storage.TableActivity,
	"epochs":    storage.TableEpochs,
	"meta":      storage.TableMeta,
	"errors":    storage.TableErrors,
}

// tableSplits starts a cluster with one range per table of the log model,
// so that tables can get their own replication and tier settings.
func tableSplits() [][]byte {
	var out [][]byte
	for _, t := range []byte{storage.TableErrors, storage.TableLogs, storage.TableMeta, storage.TablePostings,
		storage.TableResources, storage.TableEpochs, storage.TableActivity} {
		out = append(out, []byte{t})
	}
	return out
}

// tableReplication turns per-table replication factors into raftstore's
// per-prefix map (each table's ranges start with its byte).
func tableReplication(byName map[string]int) (map[string]int, error) {
	if len(byName) == 0 {
		return nil, nil
	}
	out := map[string]int{}
	for name, rf := range byName {
		t, ok := tables[name]
		if !ok {
			names := make([]string, 0, len(tables))
			for n := range tables {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("replication: unknown table %q (tables: %s)", name, strings.Join(names, ", "))
		}
		if rf < 1 || rf > 7 {
			return nil, fmt.Errorf("replication: %s=%d, want 1 to 7", name, rf)
		}
		out[string([]byte{t})] = rf
	}
	return out, nil
}

// onePebbleDir and raftDir are where a data dir keeps its store: one Pebble
// (talus before the multi-Raft store, and the benchmark's baseline), or
// raftstore.
func onePebbleDir(dataDir string) string { return filepath.Join(dataDir, "kv") }
func raftDir(dataDir string) string      { return filepath.Join(dataDir, "raft") }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openKV opens the node's store: the multi-Raft store, or with OnePebble
// (benchmark baseline) one Pebble. A data dir holding the other layout is
// refused, never silently ignored; --migrate-one-pebble copies a one-Pebble
// data dir into the multi-Raft store first.
func openKV(cfg serverConfig, log *slog.Logger) (kv.Store, error) {
	merger := kv.MergerByTable(tableMergers())
	old, cur := onePebbleDir(cfg.DataDir), raftDir(cfg.DataDir)
	if cfg.OnePebble {
		if exists(cur) {
			return nil, fmt.Errorf("data directory %s holds a multi-Raft store (%s); --one-pebble needs a data dir of its own", cfg.DataDir, cur)
		}
		return pebblekv.Open(old, &pebblekv.Options{Merger: merger})
	}
	rcfg, err := raftConfig(cfg, merger)
	if err != nil {
		return nil, err
	}
	if exists(old) {
		if !cfg.MigrateOnePebble {
			return nil, fmt.Errorf("data directory %s holds the one-Pebble store of an earlier talus (%s), which this version does not read: "+
				"restart once with --migrate-one-pebble to copy it into the multi-Raft store (%s), or use another --data-dir", cfg.DataDir, old, cur)
		}
		if exists(cur) {
			return nil, fmt.Errorf("data directory %s holds both %s and %s: an earlier --migrate-one-pebble did not finish; remove %s and start again with --migrate-one-pebble", cfg.DataDir, old, cur, cur)
		}
		if err := migrateOnePebble(old, rcfg, log); err != nil {
			return nil, err
		}
	}
	rs, err := raftstore.Open(rcfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return rs, nil
}

// raftConfig is the multi-Raft store's configuration for cfg.
func raftConfig(cfg serverConfig, merger kv.Merger) (raftstore.Config, error) {
	repl, err := tableReplication(cfg.Replication)
	if err != nil {
		return raftstore.Config{}, err
	}
	return raftstore.Config{
		NodeID:            cfg.NodeID,
		DataDir:           raftDir(cfg.DataDir),
		RaftAddr:          cfg.RaftAddr,
		Join:              cfg.Join,
		Merger:            merger,
		ReplicationFactor: cfg.ReplicationFactor,
		Replication:       repl,
		InitialSplits:     tableSplits(),
		// A node that joined a moment ago waits for the range directory
		// instead of failing the first requests it gets.
		DirectoryWait: 10 * time.Second,
	}, nil
}

// migrateOnePebble copies every key of the one-Pebble store in dir into a
// new multi-Raft store (this node alone, no network), then renames dir to
// dir + ".migrated" (kept; delete it once satisfied). A crash midway leaves
// both stores, which openKV refuses with a message saying what to do.
func migrateOnePebble(dir string, rcfg raftstore.Config, log *slog.Logger) error {
	log.Info("migrating the one-Pebble store into the multi-Raft store", "from", dir, "to", rcfg.DataDir)
	src, err := pebblekv.Open(dir, &pebblekv.Options{Merger: rcfg.Merger})
	if err != nil {
		return err
	}
	defer src.Close()
	rcfg.RaftAddr, rcfg.Join = "", nil
	dst, err := raftstore.Open(rcfg)
	if err != nil {
		return fmt.Errorf("migrate: open store: %w", err)
	}
	// The store's own records (kv.ReservedPrefix) stay behind.
	it, err := src.NewIter(&kv.IterOptions{LowerBound: []byte{kv.ReservedPrefix + 1}})
	if err != nil {
		dst.Close()
		return err
	}
	var keys int
	b := dst.NewBatch()
	flush := func() error {
		err := b.Commit(true)
		b.Close()
		b = dst.NewBatch()
		return err
	}
	for valid := it.First(); valid && err == nil; valid = it.Next() {
		// Values come merged: each key is written once, as a Set.
		if err = b.Set(it.Key(), it.Value()); err == nil && b.Len() >= 4<<20 {
			err = flush()
		}
		keys++
	}
	if err == nil {
		err = it.Close()
	} else {
		it.Close()
	}
	if err == nil {
		err = flush()
	}
	b.Close()
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	if err := src.Close(); err != nil {
		return err
	}
	if err := os.Rename(dir, dir+".migrated"); err != nil {
		return err
	}
	log.Info("migration done; the old store is kept", "keys", keys, "old", dir+".migrated")
	return nil
}

// clusterStatus returns the status callback of the query API: the
// multi-Raft store's view, or nil on a single Pebble.
func clusterStatus(s kv.Store) func() any {
	rs, ok := s.(*raftstore.Store)
	if !ok {
		return nil
	}
	return func() any { return rs.Status() }
}

// compactFunc compacts the node's store fully (POST /api/v1/admin/compact).
func compactFunc(s kv.Store) func(ctx context.Context) error {
	switch st := s.(type) {
	case *raftstore.Store:
		return st.Compact
	case *pebblekv.Store:
		return func(context.Context) error { return st.Compact() }
	}
	return nil
}

// raftAddrOf returns the raft address a clustered node listens on, or "-".
func raftAddrOf(s kv.Store) string {
	if rs, ok := s.(*raftstore.Store); ok {
		return rs.RaftAddr()
	}
	return "-"
}

const clusterUsage = `Usage:
  talus cluster status [--server URL] [--output text|json]
  talus cluster compact [--server URL]

status shows the cluster as the node at --server sees it: nodes (id,
address, live) and Raft groups (id, key span, leader, replicas, bytes,
applied index, lag). compact flushes and fully compacts the storage of the
node at --server (one node; run it on each) and returns when done: bytes on
disk settle to what the data needs.
`

func runCluster(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compact" {
		return runClusterCompact(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprint(stderr, clusterUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	fs := flag.NewFlagSet("talus cluster status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, clusterUsage); fs.PrintDefaults() }
	server := fs.String("server", defaultServerURL(), "query API URL (or set TALUS_SERVER)")
	output := fs.String("output", "text", "output format: text or json")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*server, "/")+"/api/v1/cluster/status", nil)
	if err != nil {
		fmt.Fprintln(stderr, "talus cluster status:", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "talus cluster status:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "talus cluster status: %d %s\n", resp.StatusCode, strings.TrimSpace(string(body)))
		return 1
	}
	if *output == "json" {
		_, _ = stdout.Write(body)
		return 0
	}
	var st raftstore.Status
	if err := json.Unmarshal(body, &st); err != nil {
		fmt.Fprintln(stderr, "talus cluster status: decode:", err)
		return 1
	}
	if _, err := st.WriteTo(stdout); err != nil {
		return 1
	}
	return 0
}

// runClusterCompact asks one node to compact its storage fully and waits.
func runClusterCompact(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("talus cluster compact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, clusterUsage); fs.PrintDefaults() }
	server := fs.String("server", defaultServerURL(), "query API URL of the node (or set TALUS_SERVER)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fmt.Fprintf(stderr, "talus cluster compact: compacting %s (this takes a while)…\n", *server)
	body, err := postCompact(context.Background(), *server)
	if err != nil {
		fmt.Fprintln(stderr, "talus cluster compact:", err)
		return 1
	}
	_, _ = stdout.Write(body)
	return 0
}

// postCompact calls POST /api/v1/admin/compact on a node and returns its answer.
func postCompact(ctx context.Context, server string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/api/v1/admin/compact", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}
