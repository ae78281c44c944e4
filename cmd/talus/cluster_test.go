package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/raftstore"
)

var raftLine = regexp.MustCompile(`msg="talus ready".* raft=(\S+)`)

// TestThreeNodeCluster runs three talus server processes in cluster mode on
// 127.0.0.1: the second and third join through the first; logs sent to one
// node are read on another, and cluster status lists every node. The
// errors and activity tables are set to one replica (--replication): their
// ranges stay on the first node while the logs range gets three voters.
func TestThreeNodeCluster(t *testing.T) {
	var nodes []*talusServer
	var first string
	for id := 1; id <= 3; id++ {
		extra := []string{"--node-id", fmt.Sprint(id), "--raft-addr", "127.0.0.1:0", "--replication", "errors=1,activity=1"}
		if first != "" {
			extra = append(extra, "--join", first)
		}
		s := startServer(t, t.TempDir(), extra...)
		if id == 1 {
			m := raftLine.FindStringSubmatch(s.output())
			if m == nil {
				t.Fatalf("no raft address in the ready line:\n%s", s.output())
			}
			first = m[1]
		}
		nodes = append(nodes, s)
	}
	if !nodes[1].sendHTTP(batch("cluster", 50)) {
		t.Fatalf("node 2 did not acknowledge the export:\n%s", nodes[1].output())
	}
	// A write acknowledged by one node is committed by a quorum and readable
	// on every node (ReadIndex makes the read linearizable).
	for i, n := range nodes {
		got := bodies(t, n.apiURL)
		if len(got) != 50 {
			t.Fatalf("node %d reads %d distinct records, want 50", i+1, len(got))
		}
	}
	c := api.NewClient(nodes[2].apiURL)
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Every node knows the other two once the membership changes apply.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st raftstore.Status
		var out strings.Builder
		if code := run([]string{"cluster", "status", "--server", nodes[0].apiURL, "--output", "json"}, nil, &out, &out); code != 0 {
			t.Fatalf("talus cluster status: exit %d: %s", code, out.String())
		}
		if err := json.Unmarshal([]byte(out.String()), &st); err != nil {
			t.Fatalf("status JSON: %v: %s", err, out.String())
		}
		live, withDisk := 0, 0
		for _, n := range st.Nodes {
			if n.Live {
				live++
			}
			if n.DiskBytes > 0 {
				withDisk++ // each node's own, or reported in its pings
			}
		}
		voters := map[string]string{} // table byte → voters' nodes
		rfs := map[string]int{}
		for _, g := range st.Groups {
			if g.Meta || len(g.StartKey) == 0 {
				continue
			}
			var v []string
			for _, r := range g.Replicas {
				if !r.Learner {
					v = append(v, fmt.Sprint(r.NodeID))
				}
			}
			voters[string(g.StartKey[:1])] = strings.Join(v, ",")
			rfs[string(g.StartKey[:1])] = g.ReplicationFactor
		}
		if live == 3 && withDisk == 3 && voters["l"] == "1,2,3" && voters["p"] == "1,2,3" {
			if voters["e"] != "1" || voters["t"] != "1" || rfs["e"] != 1 || rfs["l"] != 3 {
				t.Fatalf("errors and activity ranges (factor 1) have voters %q and %q, factors %v", voters["e"], voters["t"], rfs)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster status after 30s: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var text strings.Builder
	if code := run([]string{"cluster", "status", "--server", nodes[0].apiURL}, nil, &text, &text); code != 0 {
		t.Fatalf("talus cluster status: exit %d: %s", code, text.String())
	}
	if !regexp.MustCompile(`(?m)^\d+\s+\["e", "l"\)\s+1\s+n1\s+n1\s`).MatchString(text.String()) ||
		!regexp.MustCompile(`(?m)^\d+\s+\["l", "m"\)\s+3\s+n\d\s+n1,n2,n3\s`).MatchString(text.String()) {
		t.Errorf("cluster status does not show the errors range at RF 1 on n1 and the logs range at RF 3 on n1-n3:\n%s", text.String())
	}
	if !regexp.MustCompile(`(?m)^NODE\s+ADDRESS\s+STATE\s+DISK$`).MatchString(text.String()) ||
		len(regexp.MustCompile(`(?m)^[123]\s+127\.0\.0\.1:\d+\s+live\s+[1-9]\d*$`).FindAllString(text.String(), -1)) != 3 {
		t.Errorf("cluster status does not list three live nodes with their disk bytes:\n%s", text.String())
	}
	for _, n := range nodes {
		n.stop()
	}
}

// httpGetJSON GETs url and decodes a 200 answer into out; it returns the
// status and, for other answers or failures, a non-nil error text.
func httpGetJSON(url string, out any) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	return 200, json.NewDecoder(resp.Body).Decode(out)
}

// TestOnePebbleDataDirRefusedThenMigrated: a data dir of the one-Pebble
// layout (talus before the multi-Raft store; --one-pebble writes it) is
// refused with a message naming the way out, never opened empty beside
// it; --migrate-one-pebble copies it into the multi-Raft store and keeps
// the old store, and a later plain restart reads everything.
func TestOnePebbleDataDirRefusedThenMigrated(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--one-pebble")
	if !s.sendHTTP(batch("old", 30)) {
		t.Fatalf("one-Pebble server did not acknowledge:\n%s", s.output())
	}
	s.stop()

	p := startTalus(t, serverArgs(dir)...)
	if code := p.wait(); code != 1 {
		t.Fatalf("server on a one-Pebble data dir exited %d, want 1:\n%s", code, p.output())
	}
	if out := p.output(); !strings.Contains(out, "one-Pebble store of an earlier talus") || !strings.Contains(out, "--migrate-one-pebble") {
		t.Fatalf("refusal does not say what the dir holds and how to migrate:\n%s", out)
	}
	if exists(raftDir(dir)) {
		t.Fatal("the refused start created a multi-Raft store beside the old one")
	}

	s = startServer(t, dir, "--migrate-one-pebble")
	if got := bodies(t, s.apiURL); len(got) != 30 {
		t.Fatalf("after migration %d distinct records, want 30", len(got))
	}
	if !s.sendHTTP(batch("new", 20)) {
		t.Fatalf("migrated server did not acknowledge:\n%s", s.output())
	}
	s.stop()
	if exists(onePebbleDir(dir)) || !exists(onePebbleDir(dir)+".migrated") {
		t.Fatal("the old store was not renamed to kv.migrated")
	}
	s = startServer(t, dir)
	if got := bodies(t, s.apiURL); len(got) != 50 {
		t.Fatalf("after restart %d distinct records, want 50", len(got))
	}
	s.stop()

	// And the other way round: --one-pebble refuses a multi-Raft data dir.
	p = startTalus(t, serverArgs(dir, "--one-pebble")...)
	if code := p.wait(); code != 1 || !strings.Contains(p.output(), "holds a multi-Raft store") {
		t.Fatalf("--one-pebble on a multi-Raft data dir: exit %d:\n%s", code, p.output())
	}
}

// TestClusterCompactCommand compacts a running default server through
// `talus cluster compact`: it answers when done, and the records stay.
func TestClusterCompactCommand(t *testing.T) {
	s := startServer(t, t.TempDir())
	if !s.sendHTTP(batch("compact", 200)) {
		t.Fatalf("export not acknowledged:\n%s", s.output())
	}
	var out, errOut strings.Builder
	if code := run([]string{"cluster", "compact", "--server", s.apiURL}, nil, &out, &errOut); code != 0 {
		t.Fatalf("talus cluster compact: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), `"compacted":true`) {
		t.Fatalf("talus cluster compact printed %q", out.String())
	}
	if got := bodies(t, s.apiURL); len(got) != 200 {
		t.Fatalf("%d records after compaction, want 200", len(got))
	}
	s.stop()
}
