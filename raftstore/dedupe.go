package raftstore

import (
	"encoding/binary"
	"errors"

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
//
// A command is checked against the current and the previous window, and
// windows older than that are deleted with one DeleteRange when a new one
// starts. A proposer re-proposes only for a few election timeouts
// (timeoutTicks), far fewer entries than a window.
const dedupeWindow = 1 << 20

func dedupeKey(window, id uint64) []byte {
	k := make([]byte, 0, 18)
	k = append(k, localKeyPrefix, 'p')
	k = binary.BigEndian.AppendUint64(k, window)
	return binary.BigEndian.AppendUint64(k, id)
}

// deduper checks and records proposal ids during one apply batch.
type deduper struct {
	db    *pebble.DB
	batch map[uint64]struct{} // ids applied earlier in this batch
	last  uint64              // index applied before this batch
}

func newDeduper(db *pebble.DB, applied uint64) *deduper {
	return &deduper{db: db, last: applied}
}

// seen reports whether proposal id was applied already, and records it as
// applied at index otherwise (in b).
func (d *deduper) seen(b *pebble.Batch, id, index uint64) (bool, error) {
	w := index / dedupeWindow
	if w != d.last/dedupeWindow && w >= 2 {
		// A new window starts: forget windows before the previous one.
		if err := b.DeleteRange(dedupeKey(0, 0), dedupeKey(w-1, 0), nil); err != nil {
			return false, err
		}
	}
	d.last = index
	if id == 0 {
		return false, nil
	}
	if _, ok := d.batch[id]; ok {
		return true, nil
	}
	for _, win := range []uint64{w, w - 1} {
		if win > w {
			continue // w == 0
		}
		_, closer, err := d.db.Get(dedupeKey(win, id))
		if err == nil {
			closer.Close()
			return true, nil
		} else if !errors.Is(err, pebble.ErrNotFound) {
			return false, err
		}
	}
	if d.batch == nil {
		d.batch = map[uint64]struct{}{}
	}
	d.batch[id] = struct{}{}
	return false, b.Set(dedupeKey(w, id), nil, nil)
}
