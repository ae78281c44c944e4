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
// node are read on another, and cluster status lists every node.
func TestThreeNodeCluster(t *testing.T) {
	var nodes []*talusServer
	var first string
	for id := 1; id <= 3; id++ {
		extra := []string{"--node-id", fmt.Sprint(id), "--raft-addr", "127.0.0.1:0"}
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
		live := 0
		for _, n := range st.Nodes {
			if n.Live {
				live++
			}
		}
		if live == 3 && len(st.Groups) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster status after 30s: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
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
