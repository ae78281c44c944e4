package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/kv/pebblekv"
	"github.com/talus-logs/talus/raftstore"
	"github.com/talus-logs/talus/storage"
)

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

// openKV opens the node's store: one Pebble, or in cluster mode the
// multi-Raft store.
func openKV(cfg serverConfig) (kv.Store, error) {
	merger := kv.MergerByTable(tableMergers())
	if !cfg.clustered() {
		return pebblekv.Open(filepath.Join(cfg.DataDir, "kv"), &pebblekv.Options{Merger: merger})
	}
	rs, err := raftstore.Open(raftstore.Config{
		NodeID:            cfg.NodeID,
		DataDir:           filepath.Join(cfg.DataDir, "raft"),
		RaftAddr:          cfg.RaftAddr,
		Join:              cfg.Join,
		Merger:            merger,
		ReplicationFactor: cfg.ReplicationFactor,
		InitialSplits:     tableSplits(),
	})
	if err != nil {
		return nil, fmt.Errorf("open cluster store: %w", err)
	}
	return rs, nil
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

// raftAddrOf returns the raft address a clustered node listens on, or "-".
func raftAddrOf(s kv.Store) string {
	if rs, ok := s.(*raftstore.Store); ok {
		return rs.RaftAddr()
	}
	return "-"
}

const clusterUsage = `Usage: talus cluster status [--server URL] [--output text|json]

Shows the cluster as the node at --server sees it: nodes (id, address, live)
and Raft groups (id, key span, leader, replicas, bytes, applied index, lag).
`

func runCluster(args []string, stdout, stderr io.Writer) int {
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
