package raftstore

import (
	"bytes"
	"errors"
	"sort"

	"github.com/cockroachdb/pebble/v2"

	"github.com/talus-logs/talus/kv"
)

// A range's part of a rangeIter is a kv.Iterator: a local *pebble.Iterator
// or a sliceIter holding a range scanned on another node. Keys carry
// userKeyPrefix.
var _ kv.Iterator = (*pebble.Iterator)(nil)
var _ kv.Iterator = (*sliceIter)(nil)

// sliceIter iterates sorted key/value pairs held in memory.
type sliceIter struct {
	keys, values [][]byte
	pos          int // -1 or len(keys) when not valid
}

func (s *sliceIter) set(i int) bool {
	if i < 0 || i >= len(s.keys) {
		s.pos = -1
		return false
	}
	s.pos = i
	return true
}

func (s *sliceIter) First() bool { return s.set(0) }
func (s *sliceIter) Last() bool  { return s.set(len(s.keys) - 1) }
func (s *sliceIter) SeekGE(key []byte) bool {
	return s.set(sort.Search(len(s.keys), func(i int) bool { return bytes.Compare(s.keys[i], key) >= 0 }))
}
func (s *sliceIter) SeekLT(key []byte) bool {
	return s.set(sort.Search(len(s.keys), func(i int) bool { return bytes.Compare(s.keys[i], key) >= 0 }) - 1)
}
func (s *sliceIter) Next() bool {
	if s.pos < 0 {
		return false
	}
	return s.set(s.pos + 1)
}
func (s *sliceIter) Prev() bool {
	if s.pos < 0 {
		return false
	}
	return s.set(s.pos - 1)
}
func (s *sliceIter) Valid() bool   { return s.pos >= 0 && s.pos < len(s.keys) }
func (s *sliceIter) Key() []byte   { return s.keys[s.pos] }
func (s *sliceIter) Value() []byte { return s.values[s.pos] }
func (s *sliceIter) Error() error  { return nil }
func (s *sliceIter) Close() error  { return nil }

// rangeIter stitches the iterators of consecutive ranges in key order. Each
// part is bounded to its range's span, so parts never overlap. Keys in the
// parts carry userKeyPrefix, which Key strips.
type rangeIter struct {
	parts   []kv.Iterator
	dbs     []*groupDB // the Pebbles of parts, released on Close
	cur     int        // part of the current position, -1 if none
	scratch []byte
	err     error
}

func (it *rangeIter) prefixed(k []byte) []byte {
	it.scratch = append(append(it.scratch[:0], userKeyPrefix), k...)
	return it.scratch
}

// forwardFrom positions on the first key of parts i, i+1, ...
func (it *rangeIter) forwardFrom(i int) bool {
	for ; i < len(it.parts); i++ {
		if it.parts[i].First() {
			it.cur = i
			return true
		}
		if it.partErr(i) {
			return false
		}
	}
	it.cur = len(it.parts)
	return false
}

// backwardFrom positions on the last key of parts i, i-1, ...
func (it *rangeIter) backwardFrom(i int) bool {
	for ; i >= 0; i-- {
		if it.parts[i].Last() {
			it.cur = i
			return true
		}
		if it.partErr(i) {
			return false
		}
	}
	it.cur = -1
	return false
}

func (it *rangeIter) partErr(i int) bool {
	if err := it.parts[i].Error(); err != nil && it.err == nil {
		it.err = err
	}
	return it.err != nil
}

func (it *rangeIter) First() bool { return it.forwardFrom(0) }
func (it *rangeIter) Last() bool  { return it.backwardFrom(len(it.parts) - 1) }

// SeekGE positions on the first key >= key.
func (it *rangeIter) SeekGE(key []byte) bool {
	pk := it.prefixed(key)
	for i, p := range it.parts {
		if p.SeekGE(pk) {
			it.cur = i
			return true
		}
		if it.partErr(i) {
			return false
		}
		// Every key of part i is < key; try the next part.
	}
	it.cur = len(it.parts)
	return false
}

// SeekLT positions on the last key < key.
func (it *rangeIter) SeekLT(key []byte) bool {
	pk := it.prefixed(key)
	for i := len(it.parts) - 1; i >= 0; i-- {
		if it.parts[i].SeekLT(pk) {
			it.cur = i
			return true
		}
		if it.partErr(i) {
			return false
		}
	}
	it.cur = -1
	return false
}

func (it *rangeIter) Next() bool {
	if it.cur < 0 {
		return it.First()
	}
	if it.cur >= len(it.parts) {
		return false
	}
	if it.parts[it.cur].Next() {
		return true
	}
	if it.partErr(it.cur) {
		return false
	}
	return it.forwardFrom(it.cur + 1)
}

func (it *rangeIter) Prev() bool {
	if it.cur >= len(it.parts) {
		return it.Last()
	}
	if it.cur < 0 {
		return false
	}
	if it.parts[it.cur].Prev() {
		return true
	}
	if it.partErr(it.cur) {
		return false
	}
	return it.backwardFrom(it.cur - 1)
}

func (it *rangeIter) Valid() bool {
	return it.err == nil && it.cur >= 0 && it.cur < len(it.parts) && it.parts[it.cur].Valid()
}

func (it *rangeIter) Key() []byte   { return it.parts[it.cur].Key()[1:] }
func (it *rangeIter) Value() []byte { return it.parts[it.cur].Value() }
func (it *rangeIter) Error() error  { return it.err }

func (it *rangeIter) Close() error {
	errs := []error{it.err}
	for _, p := range it.parts {
		errs = append(errs, p.Close())
	}
	for _, g := range it.dbs {
		g.release()
	}
	it.parts, it.dbs = nil, nil
	return errors.Join(errs...)
}
