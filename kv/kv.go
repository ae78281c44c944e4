package kv

import "errors"

// ErrNotFound is returned by Store.Get when the key does not exist.
var ErrNotFound = errors.New("kv: not found")

// ErrClosed is returned by operations on a closed store.
var ErrClosed = errors.New("kv: store closed")

// Store is a sorted, durable key-value store.
//
// A Store is safe for concurrent use by multiple goroutines. Batches and
// iterators it returns are not; each belongs to one goroutine at a time.
type Store interface {
	// NewBatch returns an empty batch. The caller must Close it.
	NewBatch() Batch
	// NewIter returns an iterator over a consistent view of the store,
	// restricted to the bounds in o (nil means the whole key space).
	// The caller must Close it.
	NewIter(o *IterOptions) (Iterator, error)
	// Get returns a copy of the value stored at key, or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// DiskUsage returns the bytes the store occupies on disk.
	DiskUsage() uint64
	// Close flushes nothing that was not committed; committed batches
	// stay durable. Close must be called once, after every iterator is closed.
	Close() error
}

// Batch is a set of writes applied together by Commit.
//
// The slices passed to a batch are copied; the caller may reuse them.
type Batch interface {
	Set(key, value []byte) error
	// Merge adds an operand that the store's Merger combines with what is
	// already stored at key.
	Merge(key, value []byte) error
	Delete(key []byte) error
	// DeleteRange deletes every key in [start, end).
	DeleteRange(start, end []byte) error
	// Count returns the number of operations in the batch.
	Count() uint32
	// Len returns the size of the batch's encoded operations in bytes.
	Len() int
	// Commit applies the batch. With sync true it returns only after the
	// batch is durable (fsynced, or committed by a quorum).
	Commit(sync bool) error
	// Close releases the batch; it must be called even after Commit.
	Close() error
}

// IdempotentBatch is a Batch that may carry an idempotency key. A batch
// committed with the same key as one the store committed recently is not
// applied again, and its Commit succeeds: the writes are there. "Recently"
// is the store's dedupe window, at least ten minutes, longer than the five
// minutes an OTLP exporter keeps retrying. The write path keys a batch by
// the content of the export it stores, so an export retried after a lost
// acknowledgement neither counts its errors twice nor stores again the
// records whose time came from the server's clock.
//
// Stores keep their records of keys under ReservedPrefix; callers must not
// write keys that start with it.
type IdempotentBatch interface {
	Batch
	SetIdempotencyKey(key [16]byte)
}

// ReservedPrefix starts the keys a store keeps for itself.
const ReservedPrefix = 0x00

// IterOptions bounds an iterator. A nil *IterOptions means no bounds.
type IterOptions struct {
	// LowerBound is the smallest key the iterator returns (inclusive); nil
	// means the start of the key space.
	LowerBound []byte
	// UpperBound is the key the iterator stops before (exclusive); nil means
	// the end of the key space.
	UpperBound []byte
}

// Iterator walks keys in order. Key and Value return slices that stay valid
// only until the next positioning call. An iterator that meets an error
// becomes invalid and reports the error from Error and Close.
type Iterator interface {
	First() bool
	Last() bool
	SeekGE(key []byte) bool
	SeekLT(key []byte) bool
	Next() bool
	Prev() bool
	Valid() bool
	Key() []byte
	Value() []byte
	Error() error
	Close() error
}

// Merger combines two operands of the same key into one. older holds
// everything merged before newer. The function must be associative,
// Merger(k, Merger(k, a, b), c) == Merger(k, a, Merger(k, b, c)), because a
// store may merge any adjacent run of operands (for example during
// compaction, or on different replicas). It must not retain its arguments.
type Merger func(key, older, newer []byte) ([]byte, error)

// MergerByTable dispatches a merge by the key's first byte (its table), so
// that each package owning a table can own that table's merge function.
// A key whose table has no merger keeps the newer operand.
func MergerByTable(byTable map[byte]Merger) Merger {
	var tables [256]Merger
	for t, m := range byTable {
		tables[t] = m
	}
	return func(key, older, newer []byte) ([]byte, error) {
		if len(key) > 0 {
			if m := tables[key[0]]; m != nil {
				return m(key, older, newer)
			}
		}
		return append([]byte(nil), newer...), nil
	}
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, or nil when no such key exists (prefix is all 0xff).
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}
