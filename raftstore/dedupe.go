package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Proposal deduplication. A proposer hands a command to raft again when it
// may have been lost (forwarded to a leader that died, overwritten by a new
// leader), so the same command can commit twice. Apply skips a command whose
// proposal id it already applied; the record of applied ids is part of the
// state machine (written in the apply batch), so every replica and every
// restart decides the same.
//
// Records live in windows of dedupeWindow log indexes:
//
//	| localKeyPrefix | 'p' | window = index/dedupeWindow (8B BE) | proposal id (8B BE) | → ∅
//	| localKeyPrefix | 'q' | window (8B BE) | proposal id (8B BE) | → ∅   (applied from a retried copy)
//
// Every applied id gets a 'p' record. A command is checked against the
// current and the previous window, and windows older than that are deleted
// with one DeleteRange when a new one starts. A proposer re-proposes only
// for a few election timeouts (timeoutTicks), far fewer entries than a
// window.
//
// Most commands are first attempts (cmdBatchFirst): exactly one copy of an
// id is ever proposed as such, every other copy is a retry (cmdBatch). A
// first attempt can only repeat an id applied from a retry, so it is checked
// against the 'q' records alone, which are rare and kept in memory (loaded
// from the group's Pebble once per Pebble): no Pebble read. A retry is
// checked against the 'p' records (a Pebble Get per window) and the 'q'
// records, and gets both.
const dedupeWindow = 1 << 20

func dedupeKey(window, id uint64) []byte { return dedupeKeyOf('p', window, id) }

func dedupeKeyOf(tag byte, window, id uint64) []byte {
	k := make([]byte, 0, 18)
	k = append(k, localKeyPrefix, tag)
	k = binary.BigEndian.AppendUint64(k, window)
	return binary.BigEndian.AppendUint64(k, id)
}

// retrySet mirrors the 'q' records of one group Pebble: id → window.
type retrySet struct {
	g   *groupDB
	ids map[uint64]uint64
}

// retriesOf returns the replica's retry set for its current Pebble,
// loading it first if needed. Called with mu held.
func (r *replica) retriesOf() (*retrySet, error) {
	if r.retries != nil && r.retries.g == r.g {
		return r.retries, nil
	}
	rs, err := loadRetrySet(r.g.db)
	if err != nil {
		return nil, err
	}
	rs.g = r.g
	r.retries = rs
	return rs, nil
}

// loadRetrySet reads the 'q' records of db.
func loadRetrySet(db *pebble.DB) (*retrySet, error) {
	rs := &retrySet{ids: map[uint64]uint64{}}
	it, err := db.NewIter(&pebble.IterOptions{
		LowerBound: []byte{localKeyPrefix, 'q'},
		UpperBound: []byte{localKeyPrefix, 'q' + 1},
	})
	if err != nil {
		return nil, err
	}
	for valid := it.First(); valid; valid = it.Next() {
		if k := it.Key(); len(k) == 18 {
			rs.ids[binary.BigEndian.Uint64(k[10:])] = binary.BigEndian.Uint64(k[2:10])
		}
	}
	return rs, it.Close()
}

// deduper checks and records proposal ids during one apply batch.
type deduper struct {
	db      *pebble.DB
	retries *retrySet
	batch   map[uint64]struct{}   // ids applied earlier in this batch
	keys    map[[16]byte]struct{} // idempotency keys applied earlier in this batch
	last    uint64                // index applied before this batch
}

func newDeduper(db *pebble.DB, retries *retrySet, applied uint64) *deduper {
	return &deduper{db: db, retries: retries, last: applied}
}

// seen reports whether proposal id was applied already, and records it as
// applied at index otherwise (in b). first says the command is a first
// attempt (cmdBatchFirst).
func (d *deduper) seen(b *pebble.Batch, id, index uint64, first bool) (bool, error) {
	w := index / dedupeWindow
	if w != d.last/dedupeWindow && w >= 2 {
		// A new window starts: forget windows before the previous one.
		for _, tag := range []byte{'p', 'q', 'i'} {
			if err := b.DeleteRange(dedupeKeyOf(tag, 0, 0), dedupeKeyOf(tag, w-1, 0), nil); err != nil {
				return false, err
			}
		}
		for id, win := range d.retries.ids {
			if win < w-1 {
				delete(d.retries.ids, id)
			}
		}
	}
	d.last = index
	if id == 0 {
		return false, nil
	}
	if _, ok := d.batch[id]; ok {
		return true, nil
	}
	if win, ok := d.retries.ids[id]; ok && win+1 >= w && win <= w {
		return true, nil
	}
	if !first {
		if found, err := d.inWindows(w, func(win uint64) []byte { return dedupeKey(win, id) }); found || err != nil {
			return found, err
		}
	}
	if d.batch == nil {
		d.batch = map[uint64]struct{}{}
	}
	d.batch[id] = struct{}{}
	if !first {
		if err := b.Set(dedupeKeyOf('q', w, id), nil, nil); err != nil {
			return false, err
		}
		d.retries.ids[id] = w
	}
	return false, b.Set(dedupeKey(w, id), nil, nil)
}

// Idempotency keys (kv.IdempotentBatch) are content keys of client writes,
// not proposal ids: the same key may come in two proposals (an export sent
// again after its acknowledgement was lost). A batch part whose key the
// group applied in the current or the previous window is not applied again.
// Their records share the windows of the proposal ids:
//
//	| localKeyPrefix | 'i' | window (8B BE) | key (16B) | → ∅
func idempotencyKey(window uint64, key []byte) []byte {
	k := make([]byte, 0, 26)
	k = append(k, localKeyPrefix, 'i')
	k = binary.BigEndian.AppendUint64(k, window)
	return append(k, key...)
}

// seenKey reports whether a batch with idempotency key was applied
// already, and records it as applied at index otherwise (in b). Call it
// after seen for the same entry, which starts new windows.
func (d *deduper) seenKey(b *pebble.Batch, key []byte, index uint64) (bool, error) {
	if len(key) != 16 {
		return false, fmt.Errorf("idempotency key of %d bytes: %w", len(key), ErrCorruption)
	}
	k := [16]byte(key)
	if _, ok := d.keys[k]; ok {
		return true, nil
	}
	w := index / dedupeWindow
	if found, err := d.inWindows(w, func(win uint64) []byte { return idempotencyKey(win, key) }); found || err != nil {
		return found, err
	}
	if d.keys == nil {
		d.keys = map[[16]byte]struct{}{}
	}
	d.keys[k] = struct{}{}
	return false, b.Set(idempotencyKey(w, key), nil, nil)
}

// inWindows reports whether the group's Pebble holds the record keyOf
// names in window w or the one before.
func (d *deduper) inWindows(w uint64, keyOf func(window uint64) []byte) (bool, error) {
	for _, win := range []uint64{w, w - 1} {
		if win > w {
			continue // w == 0
		}
		_, closer, err := d.db.Get(keyOf(win))
		if err == nil {
			closer.Close()
			return true, nil
		} else if !errors.Is(err, pebble.ErrNotFound) {
			return false, err
		}
	}
	return false, nil
}
