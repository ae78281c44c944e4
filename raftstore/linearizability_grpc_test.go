package raftstore

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/talus-logs/talus/kv"
)

// TestGRPCLinearizable runs concurrent clients against a real 3-node cluster
// (goroutines, gRPC on 127.0.0.1, wall-clock timestamps) while one node is
// closed and reopened, and checks the history with porcupine. Unlike the
// harness it exercises the real workers, scheduler and transport.
func TestGRPCLinearizable(t *testing.T) {
	stores := grpcCluster(t, 3, nil)
	for _, s := range stores {
		waitFor(t, 20*time.Second, "3 voters everywhere", func() bool { return fullyReplicated(s, 3) })
	}
	cfg3 := stores[2].n.cfg
	var mu sync.Mutex // guards stores[2] swaps and history
	var history []porcupine.Operation
	storeFor := func(i int) *Store {
		mu.Lock()
		defer mu.Unlock()
		return stores[i]
	}
	const clients, opsPerClient = 4, 60
	infinite := int64(math.MaxInt64)
	quarter := make(chan struct{}) // closed when a quarter of the operations are done
	var wg sync.WaitGroup
	var seq sync.Mutex
	n := 0
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for i := 0; i < opsPerClient; i++ {
				s := storeFor(rng.IntN(3))
				if s == nil {
					continue
				}
				key := []string{"a", "b", "n", "z"}[rng.IntN(4)]
				seq.Lock()
				n++
				in := kvInput{key: key, value: "v" + strconv.Itoa(n) + ","}
				seq.Unlock()
				op := porcupine.Operation{ClientId: c, Call: time.Now().UnixNano()}
				var err error
				switch {
				case rng.IntN(3) == 0:
					in.op, in.value = 'g', ""
					var v []byte
					v, err = s.Get([]byte(key))
					if errors.Is(err, kv.ErrNotFound) {
						err = nil
					}
					op.Output = string(v)
				case key == "a" || key == "n":
					in.op = 'a'
					err = commitErr(s, func(b kv.Batch) { _ = b.Merge([]byte(key), []byte(in.value)) })
					op.Output = ""
				default:
					in.op = 'p'
					err = commitErr(s, func(b kv.Batch) { _ = b.Set([]byte(key), []byte(in.value)) })
					op.Output = ""
				}
				op.Return = time.Now().UnixNano()
				op.Input = in
				if err != nil {
					if in.op == 'g' {
						continue // a failed read observed nothing
					}
					op.Return = infinite // unknown outcome
				}
				mu.Lock()
				history = append(history, op)
				if len(history) == clients*opsPerClient/4 {
					close(quarter)
				}
				mu.Unlock()
			}
		}(c)
	}
	// Close node 3 and bring it back while the clients run.
	select {
	case <-quarter:
	case <-time.After(20 * time.Second):
		t.Fatal("the clients did not complete a quarter of their operations in 20s")
	}
	mu.Lock()
	s3 := stores[2]
	stores[2] = nil
	mu.Unlock()
	if err := s3.Close(); err != nil {
		t.Fatal(err)
	}
	cfg3.transport = nil
	s3, err := Open(cfg3)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	stores[2] = s3
	mu.Unlock()
	wg.Wait()

	final := map[string]string{}
	for _, k := range []string{"a", "n"} {
		v, _ := stores[0].Get([]byte(k))
		final[k] = string(v)
	}
	kept := pruneUnknownAppends(history, final)
	res, _ := porcupine.CheckOperationsVerbose(kvModel, kept, 10*time.Second)
	t.Logf("%d operations checked: %v", len(kept), res)
	if res == porcupine.Illegal {
		t.Fatal("history is not linearizable")
	}
	if len(kept) < clients*opsPerClient/2 {
		t.Fatalf("only %d of %d operations completed", len(kept), clients*opsPerClient)
	}
}

func commitErr(s kv.Store, f func(b kv.Batch)) error {
	b := s.NewBatch()
	defer b.Close()
	f(b)
	return b.Commit(true)
}
