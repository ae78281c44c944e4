package pebblekv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/talus-logs/talus/kv"
)

// Idempotency records (kv.IdempotentBatch) live in windows of wall-clock
// time, in the same database as the data, written in the batch they
// describe, so a crash keeps both or neither:
//
//	| kv.ReservedPrefix | 'i' | window = unix seconds / idemWindow (8B BE) | key (16B) | → ∅
//
// A keyed batch is checked against the current and the previous window, so
// a key is remembered for 10 to 20 minutes; older windows are deleted with
// one DeleteRange in the first keyed batch of a new window.
const idemWindow = 10 * 60

func idemKey(window uint64, key [16]byte) []byte {
	k := make([]byte, 0, 26)
	k = append(k, kv.ReservedPrefix, 'i')
	k = binary.BigEndian.AppendUint64(k, window)
	return append(k, key[:]...)
}

// idempotency serializes the commits of batches with the same key: the
// second waits for the first, then finds its record.
type idempotency struct {
	now      func() time.Time
	mu       sync.Mutex
	inflight map[[16]byte]chan struct{}
	window   uint64 // the newest window a keyed batch committed in
}

func (ix *idempotency) commit(db *pebble.DB, b *pebble.Batch, key [16]byte, opts *pebble.WriteOptions) error {
	for {
		ix.mu.Lock()
		ch, busy := ix.inflight[key]
		if !busy {
			ix.inflight[key] = make(chan struct{})
			ix.mu.Unlock()
			break
		}
		ix.mu.Unlock()
		<-ch
	}
	defer func() {
		ix.mu.Lock()
		close(ix.inflight[key])
		delete(ix.inflight, key)
		ix.mu.Unlock()
	}()
	w := uint64(ix.now().Unix()) / idemWindow
	for _, win := range []uint64{w, w - 1} {
		_, closer, err := db.Get(idemKey(win, key))
		if err == nil {
			closer.Close()
			return nil // applied already
		}
		if !errors.Is(err, pebble.ErrNotFound) {
			return fmt.Errorf("idempotency record: %w", err)
		}
	}
	if err := b.Set(idemKey(w, key), nil, nil); err != nil {
		return err
	}
	ix.mu.Lock()
	newWindow := w > ix.window
	if newWindow {
		ix.window = w
	}
	ix.mu.Unlock()
	if newWindow && w >= 2 {
		if err := b.DeleteRange(idemKey(0, [16]byte{}), idemKey(w-1, [16]byte{}), nil); err != nil {
			return err
		}
	}
	return b.Commit(opts)
}
