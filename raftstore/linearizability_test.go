package raftstore

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// kvInput is one client operation of the linearizability workload.
type kvInput struct {
	op    byte // 'g' get, 'p' put (Set), 'a' append (Merge with appendMerger)
	key   string
	value string
}

// kvModel is a register per key; append concatenates, matching
// appendMerger, so a write applied twice or in a wrong order is visible.
var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range history {
			k := op.Input.(kvInput).key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		var out [][]porcupine.Operation
		for _, k := range keys {
			out = append(out, byKey[k])
		}
		return out
	},
	Init: func() interface{} { return "" },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		in, st := input.(kvInput), state.(string)
		switch in.op {
		case 'g':
			return output.(string) == st, st
		case 'p':
			return true, in.value
		default:
			return true, st + in.value
		}
	},
	DescribeOperation: func(input, output interface{}) string {
		in := input.(kvInput)
		if in.op == 'g' {
			return fmt.Sprintf("get(%s) -> %q", in.key, output)
		}
		return fmt.Sprintf("%c(%s, %q)", in.op, in.key, in.value)
	},
}

// pruneUnknownAppends drops the appends whose outcome was unknown (Return
// is math.MaxInt64) and whose unique value is not in the key's final value:
// they never took effect. This keeps porcupine's search small; it is sound
// because values are unique, keys with appends never get puts, and apply
// deduplicates re-proposals.
func pruneUnknownAppends(history []porcupine.Operation, final map[string]string) []porcupine.Operation {
	kept := history[:0]
	for _, op := range history {
		in := op.Input.(kvInput)
		if op.Return == math.MaxInt64 && in.op == 'a' && !strings.Contains(final[in.key], in.value) {
			continue
		}
		kept = append(kept, op)
	}
	return kept
}

type pendingOp struct {
	client int
	in     kvInput
	node   uint64
	gid    uint64
	call   int64
	issued int64 // step
	fut    *future
}

// runLinearizability drives a 3-node cluster under random faults with a
// client workload and checks the history with porcupine.
func runLinearizability(t *testing.T, seed uint64, steps int, crashes bool) {
	// A short log makes lagging replicas catch up by snapshot; odd seeds
	// start from one node and grow to three by membership changes.
	bootstrap := 3
	if seed%2 == 1 {
		bootstrap = 1
	}
	h := newHarnessBootstrap(t, seed, 3, bootstrap, func(c *Config) { c.LogTruncateEntries = 20 })
	defer h.close()
	h.net.maxDelay = 3
	keys := []string{"a", "b", "n", "z"} // two per group (split at "m")
	const clients = 4
	var history []porcupine.Operation
	pending := make([]*pendingOp, clients)
	seq := 0
	infinite := int64(math.MaxInt64)

	finish := func(p *pendingOp, ret int64, ok bool) {
		pending[p.client] = nil
		if p.in.op == 'g' {
			if !ok {
				return
			}
			r := h.nodes[p.node].replica(p.gid)
			if d := r.desc.Load(); d == nil || !d.ContainsKey([]byte(p.in.key)) {
				return // the range split before the read was served: retry-worthy, not an observation
			}
			v, _ := h.readLocal(p.node, p.gid, []byte(p.in.key))
			history = append(history, porcupine.Operation{ClientId: p.client, Input: p.in, Call: p.call, Output: v, Return: ret})
			return
		}
		if !ok {
			ret = infinite // outcome unknown: it may take effect at any time
		}
		history = append(history, porcupine.Operation{ClientId: p.client, Input: p.in, Call: p.call, Output: "", Return: ret})
	}
	collect := func() {
		for _, p := range pending {
			if p == nil {
				continue
			}
			if p.fut.ready() {
				switch {
				case p.fut.err == nil:
					finish(p, 2*h.now, true)
				case p.in.op != 'g' && (errors.Is(p.fut.err, ErrProposalDropped) || errors.As(p.fut.err, new(*RangeMismatchError))):
					pending[p.client] = nil // certainly not applied
				default:
					finish(p, 0, false)
				}
			} else if h.now-p.issued > 300 {
				finish(p, 0, false) // give up waiting
			}
		}
	}
	splitAt := -1
	if seed%3 == 0 {
		splitAt = steps/4 + h.rng.IntN(steps/2)
	}
	var split *future
	for i := 0; i < steps; i++ {
		if i == splitAt {
			split = h.proposeSplit(2, []byte("b"), 1<<40)
		}
		// Faults.
		r := h.rng.IntN(1000)
		switch {
		case r < 10:
			a := h.ids[h.rng.IntN(3)]
			var rest []uint64
			for _, id := range h.ids {
				if id != a {
					rest = append(rest, id)
				}
			}
			h.partition([]uint64{a}, rest)
		case r < 25:
			h.heal()
		case r < 30 && crashes:
			down := 0
			for _, id := range h.ids {
				if h.nodes[id] == nil {
					down++
				}
			}
			if down == 0 {
				id := h.ids[h.rng.IntN(3)]
				h.crash(id, []int{0, 50}[h.rng.IntN(2)])
				collect()
			}
		case r < 60:
			for _, id := range h.ids {
				h.restart(id)
			}
		case r < 70:
			h.net.dropPct = h.rng.IntN(10)
		}
		// Client operations.
		for c := 0; c < clients; c++ {
			if pending[c] != nil || h.rng.IntN(100) >= 30 {
				continue
			}
			id := h.ids[h.rng.IntN(3)]
			if h.nodes[id] == nil {
				continue
			}
			key := keys[h.rng.IntN(len(keys))]
			d, err := h.nodes[id].lookup([]byte(key))
			if err != nil {
				continue
			}
			gid := d.GroupID
			if h.nodes[id].servingReplica(gid) == nil {
				continue // this node does not hold the range (yet)
			}
			seq++
			in := kvInput{key: key, value: "v" + strconv.Itoa(seq) + ","}
			p := &pendingOp{client: c, node: id, gid: gid, call: 2*h.now + 1, issued: h.now}
			choice := h.rng.IntN(3)
			if choice != 0 {
				// "a" and "n" only get appends (so an unknown append's
				// effect can be decided from the final value), "b" and
				// "z" only puts.
				choice = 1
				if key == "a" || key == "n" {
					choice = 2
				}
			}
			switch choice {
			case 0:
				in.op, in.value = 'g', ""
				p.fut = h.nodes[id].readIndex(gid)
			case 1:
				in.op = 'p'
				p.fut = h.proposeOps(id, gid, setOp(key, in.value))
			default:
				in.op = 'a'
				p.fut = h.proposeOps(id, gid, appendOp(nil, opMerge, []byte(key), []byte(in.value)))
			}
			p.in = in
			pending[c] = p
		}
		h.step()
		collect()
	}
	h.converge(2000)
	if split != nil {
		t.Logf("seed %d: split proposed at step %d: done=%v err=%v", seed, splitAt, split.ready(), split.err)
	}
	for i := 0; i < 400; i++ {
		busy := false
		for _, p := range pending {
			busy = busy || p != nil
		}
		if !busy {
			break
		}
		h.step()
		collect()
	}
	for _, p := range pending {
		if p != nil {
			finish(p, 0, false)
		}
	}
	// An append whose outcome was unknown and whose unique value is not in
	// the final state never took effect: drop it, which keeps the search
	// small. (Values are unique, keys with appends never get puts, and
	// apply deduplicates re-proposals.)
	final := map[string]string{}
	for _, k := range keys {
		d, err := h.nodes[h.ids[0]].lookup([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		final[k], _ = h.readLocal(h.ids[0], d.GroupID, []byte(k))
	}
	history = pruneUnknownAppends(history, final)
	acked := 0
	for _, op := range history {
		if op.Return != infinite {
			acked++
		}
	}
	if acked < steps/20 {
		t.Fatalf("seed %d: only %d operations completed in %d steps", seed, acked, steps)
	}
	t.Logf("seed %d: %d operations, %d acknowledged, %d messages, %d snapshots", seed, len(history), acked, h.net.sent, h.net.snapshots)
	res, info := porcupine.CheckOperationsVerbose(kvModel, history, 5*time.Second)
	if res == porcupine.Unknown {
		t.Logf("seed %d: the checker timed out (history too ambiguous); not a violation", seed)
		return
	}
	if res != porcupine.Ok {
		path := fmt.Sprintf("%s/porcupine-seed-%d.html", t.TempDir(), seed)
		if f, err := os.Create(path); err == nil {
			_ = porcupine.Visualize(kvModel, info, f)
			f.Close()
		}
		t.Fatalf("seed %d: history of %d operations is %v (visualization: %s)", seed, len(history), res, path)
	}
}

// TestLinearizable checks histories under partitions, drops, delays and
// reordering, and crashes that lose unsynced data, over many seeds.
// RAFTSTORE_SEEDS raises the number of seeds (soak).
func TestLinearizable(t *testing.T) {
	seeds := 12
	if s, err := strconv.Atoi(os.Getenv("RAFTSTORE_SEEDS")); err == nil {
		seeds = s
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runLinearizability(t, seed, 1500, true) })
	}
}
