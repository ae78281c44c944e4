package raftstore

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/talus-logs/talus/kv"
)

// TestHelperNode is not a test: TestProcessKill runs the test binary again
// with RAFTSTORE_HELPER_NODE set, making this a raftstore node in its own
// process that serves until its stdin closes (or it is killed).
func TestHelperNode(t *testing.T) {
	id, err := strconv.ParseUint(os.Getenv("RAFTSTORE_HELPER_NODE"), 10, 64)
	if err != nil {
		t.Skip("helper process for TestProcessKill")
	}
	cfg := Config{
		NodeID:       id,
		DataDir:      os.Getenv("RAFTSTORE_HELPER_DIR"),
		RaftAddr:     os.Getenv("RAFTSTORE_HELPER_ADDR"),
		Merger:       appendMerger,
		TickInterval: 10 * time.Millisecond,
	}
	if j := os.Getenv("RAFTSTORE_HELPER_JOIN"); j != "" {
		cfg.Join = []string{j}
	}
	s, err := Open(cfg)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := s.Close(); err != nil {
		os.Exit(3)
	}
	os.Exit(0)
}

type helperProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startHelper(t *testing.T, id uint64, dir, addr, join string) *helperProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperNode$", "-test.v=false")
	cmd.Env = append(os.Environ(),
		"RAFTSTORE_HELPER_NODE="+strconv.FormatUint(id, 10),
		"RAFTSTORE_HELPER_DIR="+dir, "RAFTSTORE_HELPER_ADDR="+addr, "RAFTSTORE_HELPER_JOIN="+join)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for "ready" (Open returned), bounded by the read deadline of the
	// process itself: a helper that fails exits and closes stdout.
	buf := make([]byte, 0, 64)
	one := make([]byte, 1)
	for !strings.Contains(string(buf), "ready") {
		if _, err := stdout.Read(one); err != nil {
			t.Fatalf("helper node %d: %v (output %q)", id, err, buf)
		}
		buf = append(buf, one[0])
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return &helperProc{cmd: cmd, stdin: stdin}
}

func (p *helperProc) kill() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() }

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestProcessKill runs three nodes as separate processes on 127.0.0.1 (this
// test process joins as a fourth node without data replicas, so its reads
// and writes go over the network), kills one with SIGKILL mid-stream, keeps
// writing, restarts it on its data dir, and checks that every acknowledged
// write is there and that the restarted node serves again.
func TestProcessKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	base := t.TempDir()
	addrs := []string{freeAddr(t), freeAddr(t), freeAddr(t)}
	procs := make([]*helperProc, 3)
	defer func() {
		for _, p := range procs {
			if p != nil {
				p.kill()
			}
		}
	}()
	for i := range procs {
		join := ""
		if i > 0 {
			join = addrs[0]
		}
		procs[i] = startHelper(t, uint64(i+1), fmt.Sprintf("%s/n%d", base, i+1), addrs[i], join)
	}
	s4 := mustOpen(t, Config{NodeID: 4, DataDir: base + "/n4", RaftAddr: "127.0.0.1:0", Join: []string{addrs[0]},
		Merger: appendMerger, TickInterval: 10 * time.Millisecond})
	defer s4.Close()
	waitFor(t, 30*time.Second, "three voters in the data group", func() bool {
		d, err := s4.n.descriptor(firstDataGroupID)
		if err != nil {
			return false
		}
		voters := 0
		for _, r := range d.Replicas {
			if !r.Learner {
				voters++
			}
		}
		return voters == 3 && s4.n.replica(firstDataGroupID) == nil
	})
	acked := map[string]bool{}
	write := func(i int) {
		k := fmt.Sprintf("k%03d", i)
		if err := commitErr(s4, func(b kv.Batch) { _ = b.Merge([]byte("log"), []byte(k+",")); _ = b.Set([]byte(k), []byte("v")) }); err == nil {
			acked[k] = true
		}
	}
	for i := 0; i < 30; i++ {
		write(i)
	}
	procs[0].kill() // SIGKILL: no Close, unsynced data lost
	procs[0] = nil
	for i := 30; i < 60; i++ {
		write(i)
	}
	procs[0] = startHelper(t, 1, base+"/n1", addrs[0], "")
	for i := 60; i < 80; i++ {
		write(i)
	}
	t.Logf("%d of 80 writes acknowledged, forwarded requests: %d", len(acked), s4.Metrics().ForwardedRequests)
	if len(acked) < 70 {
		t.Fatalf("only %d of 80 writes acknowledged", len(acked))
	}
	log, err := s4.Get([]byte("log"))
	if err != nil {
		t.Fatal(err)
	}
	for k := range acked {
		if v, err := s4.Get([]byte(k)); err != nil || string(v) != "v" {
			t.Fatalf("acknowledged %s: %q, %v", k, v, err)
		}
		if strings.Count(string(log), k+",") != 1 {
			t.Fatalf("acknowledged %s appears %d times in the merged log", k, strings.Count(string(log), k+","))
		}
	}
	// Only node 1 left standing with node 4: the restarted node must serve.
	procs[1].kill()
	procs[1] = nil
	write(80)
	if !acked["k080"] {
		t.Fatal("no write accepted by the restarted node and node 3")
	}
}
