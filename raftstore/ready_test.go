package raftstore

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestReadyOrder replays the files in testdata/ready: each is a transcript of
// the Ready loop on a small cluster driven by hand (no ticks, so elections
// happen only on "campaign" and the output is deterministic). The trace
// shows, per round, what each Ready asks, the raft-log commit (with or
// without fsync), the applies, the Advance calls and the messages handed to
// the transport, in the order they happen. The contract checked: messages
// and applies come only after the batch that persists their Ready (except a
// leader's appends and heartbeats in a Ready that changes neither term nor
// vote, sent first so followers write while the leader does), and a Ready
// with entries, a vote or a snapshot is fsynced.
//
// Commands:
//
//	cluster nodes=N                 start N nodes (all voters of every group)
//	campaign node=N group=G         ask a replica to campaign
//	propose node=N group=G key=K value=V
//	read node=N group=G             a linearizable read (ReadIndex)
//	tick node=N                     one tick (groups and liveness pings), then process
//	process node=N                  run node N's workers until idle
//	deliver [to=N]                  deliver queued messages (all, or to N)
//	drop                            drop every queued message
//	crash node=N                    crash node N, keeping only synced data
//	restart node=N                  reopen node N
//	state node=N group=G            print the replica's durable-facing state
//
// Regenerate with go test ./raftstore -run TestReadyOrder -rewrite, and
// review the diff.
func TestReadyOrder(t *testing.T) {
	datadriven.Walk(t, "testdata/ready", func(t *testing.T, path string) {
		var h *harness
		var trace strings.Builder
		hook := func(id uint64) func(string, ...interface{}) {
			return func(format string, args ...interface{}) {
				fmt.Fprintf(&trace, "n%d: %s\n", id, fmt.Sprintf(format, args...))
			}
		}
		defer func() {
			if h != nil {
				h.close()
			}
		}()
		var arg = func(d *datadriven.TestData, key string) uint64 {
			var v uint64
			d.ScanArgs(t, key, &v)
			return v
		}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			trace.Reset()
			switch d.Cmd {
			case "cluster":
				h = newHarness(t, 1, int(arg(d, "nodes")), func(c *Config) { c.InitialSplits = nil })
				for _, id := range h.ids {
					h.nodes[id].trace = hook(id)
				}
				return "ok"
			case "campaign":
				r := h.nodes[arg(d, "node")].replica(arg(d, "group"))
				r.enqueue(func(in *inbox) { in.campaign = true })
				return "ok"
			case "propose":
				var key, value string
				d.ScanArgs(t, "key", &key)
				d.ScanArgs(t, "value", &value)
				f := h.proposeOps(arg(d, "node"), arg(d, "group"), setOp(key, value))
				h.pending = append(h.pending, f)
				return "ok"
			case "tick":
				id := arg(d, "node")
				h.nodes[id].tick()
				h.runNode(id, h.nodes[id])
			case "read":
				h.pending = append(h.pending, h.nodes[arg(d, "node")].readIndex(arg(d, "group")))
				return "ok"
			case "process":
				id := arg(d, "node")
				h.runNode(id, h.nodes[id])
			case "deliver":
				var to uint64
				if d.HasArg("to") {
					to = arg(d, "to")
				}
				kept := h.net.queue[:0]
				var due []inflight
				for _, m := range h.net.queue {
					if to == 0 || m.env.ToNode == to {
						due = append(due, m)
					} else {
						kept = append(kept, m)
					}
				}
				h.net.queue = kept
				for _, m := range due {
					fmt.Fprintf(&trace, "deliver g%d n%d→n%d %s\n", m.env.GroupID, m.env.FromNode, m.env.ToNode, describeMsg(m.env))
					if n := h.nodes[m.env.ToNode]; n != nil {
						n.receive([]envelope{m.env})
					}
				}
			case "drop":
				fmt.Fprintf(&trace, "dropped %d messages\n", len(h.net.queue))
				h.net.queue = nil
			case "crash":
				h.crash(arg(d, "node"), 0)
				return "ok"
			case "restart":
				id := arg(d, "node")
				h.restart(id)
				h.nodes[id].trace = hook(id)
				return "ok"
			case "state":
				r := h.nodes[arg(d, "node")].replica(arg(d, "group"))
				r.mu.Lock()
				defer r.mu.Unlock()
				return fmt.Sprintf("applied=%d hs=%s first=%d last=%d", r.applied, describeHS(r), r.ls.truncIndex+1, r.ls.lastIndex)
			default:
				t.Fatalf("unknown command %s", d.Cmd)
			}
			for i, f := range h.pending {
				if f != nil && f.ready() {
					fmt.Fprintf(&trace, "proposal %d done: err=%v\n", i, f.err)
					h.pending[i] = nil
				}
			}
			checkTraceOrder(t, trace.String())
			if trace.Len() == 0 {
				return "(nothing)"
			}
			return trace.String()
		})
	})
}

func describeMsg(e envelope) string {
	if e.GroupID == 0 {
		return "liveness ping"
	}
	m := e.Msg
	return fmt.Sprintf("%s term=%d index=%d commit=%d entries=%d", m.GetType(), m.GetTerm(), m.GetIndex(), m.GetCommit(), len(m.GetEntries()))
}

func describeHS(r *replica) string {
	hs := r.ls.hs
	return fmt.Sprintf("{term:%d vote:%d commit:%d}", hs.GetTerm(), hs.GetVote(), hs.GetCommit())
}

// checkTraceOrder fails if, within one node's round, a send or an apply
// comes before the raft-log commit of that round (and, for a synced
// commit, before its fsync is done: only entries an earlier batch made
// durable may be applied during the fsync), or a Ready that must sync is
// committed without sync.
func checkTraceOrder(t *testing.T, trace string) {
	t.Helper()
	committed := map[string]bool{}
	syncing := map[string]bool{}
	early := map[string]bool{}
	mustSync := map[string]bool{}
	for _, line := range strings.Split(trace, "\n") {
		node, rest, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "ready "):
			committed[node] = false
			if strings.Contains(rest, "mustSync=true") || strings.Contains(rest, "snapshot=") {
				mustSync[node] = true
			}
		case strings.HasPrefix(rest, "commit raft-log batch"):
			committed[node] = true
			syncing[node] = strings.HasSuffix(rest, "sync=true")
			if mustSync[node] && !syncing[node] {
				t.Fatalf("a Ready that must sync was committed without fsync:\n%s", trace)
			}
			mustSync[node] = false
		case rest == "fsync done":
			syncing[node] = false
		case strings.Contains(rest, "durable in an earlier batch: apply during the fsync"):
			early[node] = true
		case strings.HasPrefix(rest, "send before persisting "):
			// A leader's appends may go out first, but never a new term
			// or vote, nor anything from a follower.
			if strings.Contains(rest, "MsgVote") || strings.Contains(rest, "Resp") {
				t.Fatalf("%q before its Ready was persisted:\n%s", rest, trace)
			}
		case strings.HasPrefix(rest, "send ") || strings.HasPrefix(rest, "apply "):
			if c, seen := committed[node]; seen && !c {
				t.Fatalf("%q before its Ready was persisted:\n%s", rest, trace)
			}
			if syncing[node] && !(strings.HasPrefix(rest, "apply ") && early[node]) {
				t.Fatalf("%q before the fsync of its Ready was done:\n%s", rest, trace)
			}
			early[node] = false
		}
	}
}
