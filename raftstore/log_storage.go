package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

func logGroupKey(gid uint64, suffix byte) []byte {
	k := make([]byte, 0, logEntryKeyLen)
	k = append(k, logGroupPrefix)
	k = binary.BigEndian.AppendUint64(k, gid)
	return append(k, suffix)
}

func logEntryKey(gid, index uint64) []byte {
	return appendLogEntryKey(make([]byte, 0, logEntryKeyLen), gid, index)
}

func appendLogEntryKey(dst []byte, gid, index uint64) []byte {
	dst = append(dst, logGroupPrefix)
	dst = binary.BigEndian.AppendUint64(dst, gid)
	dst = append(dst, logEntrySuffix)
	return binary.BigEndian.AppendUint64(dst, index)
}

// logStorage is one group's raft.Storage on the shared raft-log engine. It is
// not goroutine-safe: only the worker holding the replica's mu uses it.
//
// Writes are staged into a raft-log batch shared by many groups (stage*) and
// become visible to raft only after that batch commits (commitStaged), which
// is what the Ready contract asks: raft reads back from Storage only what is
// durable.
type logStorage struct {
	gid  uint64
	db   *pebble.DB
	elog *entryLog

	hs         *pb.HardState
	cs         *pb.ConfState // as of the applied index; InitialState only
	truncIndex uint64        // entries <= truncIndex are gone
	truncTerm  uint64
	lastIndex  uint64

	// cache holds a contiguous tail of the log ending at lastIndex
	// (cache[i].Index == lastIndex-len(cache)+1+i), to serve appends to
	// followers and the apply path without reading Pebble.
	cache      []*pb.Entry
	cacheBytes int

	// snapshot builds a snapshot of the group's state machine (see
	// replica.snapshot).
	snapshot func() (*pb.Snapshot, error)

	// staged is what the current raft-log batch will change.
	staged struct {
		ents      []*pb.Entry
		hs        *pb.HardState
		snap      *pb.Snapshot
		truncTo   uint64
		truncTerm uint64
	}
}

var _ raft.Storage = (*logStorage)(nil)

// maxCacheBytes bounds the applied part of a group's in-memory log tail
// (entries not applied yet stay). Older entries are read from the entry log:
// a leader sends them to followers that lag by more than this.
const maxCacheBytes = 8 << 20

// loadLogStorage reads a group's raft state from the raft-log engine and
// the entry log. Pointers to entries that did not reach the entry log before
// a crash are dropped: the log ends before the first torn entry. Everything
// after it was not synced either (a sync covers all that was written before
// it), so nothing acknowledged is dropped.
func loadLogStorage(db *pebble.DB, elog *entryLog, gid uint64, cs *pb.ConfState) (*logStorage, error) {
	ls := &logStorage{gid: gid, db: db, elog: elog, hs: &pb.HardState{}, cs: cs}
	if v, closer, err := db.Get(logGroupKey(gid, logHardSuffix)); err == nil {
		err = proto.Unmarshal(v, ls.hs)
		closer.Close()
		if err != nil {
			return nil, fmt.Errorf("cannot decode hard state of group %d: %v: %w", gid, err, ErrCorruption)
		}
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return nil, err
	}
	if v, closer, err := db.Get(logGroupKey(gid, logTruncSuffix)); err == nil {
		if len(v) != 16 {
			closer.Close()
			return nil, fmt.Errorf("truncated state of group %d has %d bytes: %w", gid, len(v), ErrCorruption)
		}
		ls.truncIndex, ls.truncTerm = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
		closer.Close()
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return nil, err
	}
	ls.lastIndex = ls.truncIndex
	it, err := db.NewIter(&pebble.IterOptions{
		LowerBound: logEntryKey(gid, 0),
		UpperBound: logGroupKey(gid, logEntrySuffix+1),
	})
	if err != nil {
		return nil, err
	}
	// Every pointer keeps its segment (the entry log deletes segments no
	// pointer names). The entries in segments that may hold unsynced
	// records are checked below, in log order.
	var unsure []uint64
	for valid := it.First(); valid; valid = it.Next() {
		idx := binary.BigEndian.Uint64(it.Key()[logGroupKeyLen:])
		if v := it.Value(); isEntryPointer(v) {
			seq, _, _, err := decodeEntryPointer(v)
			if err != nil {
				it.Close()
				return nil, fmt.Errorf("entry %d of group %d: %w", idx, gid, err)
			}
			elog.noteLoaded(seq, gid, idx)
			if seq >= elog.tailSeq && idx > ls.truncIndex {
				unsure = append(unsure, idx)
			}
		}
		ls.lastIndex = max(ls.lastIndex, idx)
	}
	if err := it.Close(); err != nil {
		return nil, err
	}
	last := ls.lastIndex
	for _, idx := range unsure {
		_, err := ls.readEntries(idx, idx+1, 0)
		if err == nil {
			continue
		}
		if !errors.Is(err, errTornRecord) {
			return nil, err
		}
		ls.lastIndex = idx - 1
		break
	}
	if ls.lastIndex < last {
		// Synced, so that a crash right after this restart cannot bring
		// back pointers into a segment that is then no longer the newest.
		if err := db.DeleteRange(logEntryKey(gid, ls.lastIndex+1), logEntryKey(gid, last+1), pebble.Sync); err != nil {
			return nil, err
		}
	}
	// The HardState of a round may be durable while its entries are not
	// (their records were torn): its commit index then cannot be beyond the
	// log. Nothing was applied or acknowledged from that round.
	if ls.hs.GetCommit() > ls.lastIndex {
		ls.hs.Commit = proto.Uint64(ls.lastIndex)
	}
	return ls, nil
}

// InitialState implements raft.Storage.
func (ls *logStorage) InitialState() (*pb.HardState, *pb.ConfState, error) {
	return proto.CloneOf(ls.hs), proto.CloneOf(ls.cs), nil
}

// FirstIndex implements raft.Storage.
func (ls *logStorage) FirstIndex() (uint64, error) { return ls.truncIndex + 1, nil }

// LastIndex implements raft.Storage.
func (ls *logStorage) LastIndex() (uint64, error) { return ls.lastIndex, nil }

func (ls *logStorage) cacheFirst() uint64 { return ls.lastIndex - uint64(len(ls.cache)) + 1 }

// Term implements raft.Storage.
func (ls *logStorage) Term(i uint64) (uint64, error) {
	switch {
	case i == ls.truncIndex:
		return ls.truncTerm, nil
	case i < ls.truncIndex:
		return 0, raft.ErrCompacted
	case i > ls.lastIndex:
		return 0, raft.ErrUnavailable
	}
	if len(ls.cache) > 0 && i >= ls.cacheFirst() {
		return ls.cache[i-ls.cacheFirst()].GetTerm(), nil
	}
	ents, err := ls.readEntries(i, i+1, 0)
	if err != nil {
		return 0, err
	}
	return ents[0].GetTerm(), nil
}

// Entries implements raft.Storage.
func (ls *logStorage) Entries(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	if lo <= ls.truncIndex {
		return nil, raft.ErrCompacted
	}
	if hi > ls.lastIndex+1 {
		return nil, fmt.Errorf("entries [%d, %d) requested beyond last index %d of group %d: %w", lo, hi, ls.lastIndex, ls.gid, raft.ErrUnavailable)
	}
	if lo >= hi {
		return nil, nil
	}
	var out []*pb.Entry
	var size uint64
	cf := ls.cacheFirst()
	if len(ls.cache) == 0 || lo < cf {
		end := hi
		if len(ls.cache) > 0 && cf < end {
			end = cf
		}
		ents, err := ls.readEntries(lo, end, maxSize)
		if err != nil {
			return nil, err
		}
		out = ents
		for _, e := range ents {
			size += uint64(proto.Size(e))
		}
		if uint64(len(out)) < end-lo || end == hi {
			return out, nil
		}
		lo = end
	}
	for i := lo; i < hi; i++ {
		e := ls.cache[i-cf]
		s := uint64(proto.Size(e))
		if len(out) > 0 && maxSize > 0 && size+s > maxSize {
			break
		}
		size += s
		out = append(out, e)
	}
	return out, nil
}

// readEntries reads [lo, hi) from the raft-log engine, stopping after
// maxSize bytes (0: no limit) but returning at least one entry.
func (ls *logStorage) readEntries(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	it, err := ls.db.NewIter(&pebble.IterOptions{
		LowerBound: logEntryKey(ls.gid, lo),
		UpperBound: logEntryKey(ls.gid, hi),
	})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*pb.Entry
	var size uint64
	next := lo
	for valid := it.First(); valid; valid = it.Next() {
		idx := binary.BigEndian.Uint64(it.Key()[logGroupKeyLen:])
		if idx != next {
			return nil, fmt.Errorf("group %d log has a gap: want entry %d, found %d: %w", ls.gid, next, idx, ErrCorruption)
		}
		v := it.Value()
		if isEntryPointer(v) {
			if v, err = ls.elog.read(v, ls.gid, idx); err != nil {
				return nil, err
			}
		}
		e := &pb.Entry{}
		if err := proto.Unmarshal(v, e); err != nil {
			return nil, fmt.Errorf("cannot decode entry %d of group %d: %v: %w", idx, ls.gid, err, ErrCorruption)
		}
		size += uint64(len(v))
		if len(out) > 0 && maxSize > 0 && size > maxSize {
			break
		}
		out = append(out, e)
		next++
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("group %d: entries [%d, %d) missing from the log: %w", ls.gid, lo, hi, raft.ErrUnavailable)
	}
	return out, nil
}

// Snapshot implements raft.Storage.
func (ls *logStorage) Snapshot() (*pb.Snapshot, error) {
	if ls.snapshot == nil {
		return nil, raft.ErrSnapshotTemporarilyUnavailable
	}
	return ls.snapshot()
}

// stageSnapshot records an incoming snapshot: the log is emptied and its
// truncated state moves to the snapshot's index.
func (ls *logStorage) stageSnapshot(b *pebble.Batch, snap *pb.Snapshot) error {
	md := snap.GetMetadata()
	if err := b.DeleteRange(logEntryKey(ls.gid, 0), logGroupKey(ls.gid, logEntrySuffix+1), nil); err != nil {
		return err
	}
	var v [16]byte
	binary.BigEndian.PutUint64(v[:], md.GetIndex())
	binary.BigEndian.PutUint64(v[8:], md.GetTerm())
	if err := b.Set(logGroupKey(ls.gid, logTruncSuffix), v[:], nil); err != nil {
		return err
	}
	ls.staged.snap = snap
	return nil
}

// stageEntries appends ents (which may overwrite a suffix of the log): their
// records go to the round rd, the pointers to them into b once rd is
// written (node.runReadies).
func (ls *logStorage) stageEntries(b *pebble.Batch, rd *entryRound, ents []*pb.Entry) error {
	if len(ents) == 0 {
		return nil
	}
	for _, e := range ents {
		// Marshal straight into the round's buffer (entries are the bulk
		// of what the node writes).
		err := rd.add(ls.gid, e.GetIndex(), func(dst []byte) ([]byte, error) {
			return proto.MarshalOptions{}.MarshalAppend(dst, e)
		})
		if err != nil {
			return err
		}
	}
	last := ents[len(ents)-1].GetIndex()
	prevLast := ls.lastIndex
	if ls.staged.snap != nil {
		prevLast = ls.staged.snap.GetMetadata().GetIndex()
	}
	if last < prevLast {
		if err := b.DeleteRange(logEntryKey(ls.gid, last+1), logEntryKey(ls.gid, prevLast+1), nil); err != nil {
			return err
		}
	}
	ls.staged.ents = ents
	return nil
}

func (ls *logStorage) stageHardState(b *pebble.Batch, hs *pb.HardState) error {
	v, err := proto.Marshal(hs)
	if err != nil {
		return err
	}
	if err := b.Set(logGroupKey(ls.gid, logHardSuffix), v, nil); err != nil {
		return err
	}
	ls.staged.hs = hs
	return nil
}

// stageTruncate drops entries up to and including index.
func (ls *logStorage) stageTruncate(b *pebble.Batch, index uint64) error {
	term, err := ls.Term(index)
	if err != nil {
		return err
	}
	if err := b.DeleteRange(logEntryKey(ls.gid, 0), logEntryKey(ls.gid, index+1), nil); err != nil {
		return err
	}
	var v [16]byte
	binary.BigEndian.PutUint64(v[:], index)
	binary.BigEndian.PutUint64(v[8:], term)
	if err := b.Set(logGroupKey(ls.gid, logTruncSuffix), v[:], nil); err != nil {
		return err
	}
	ls.staged.truncTo, ls.staged.truncTerm = index, term
	return nil
}

// commitStaged makes the staged changes visible, after their batch committed.
func (ls *logStorage) commitStaged() {
	st := &ls.staged
	if st.snap != nil {
		md := st.snap.GetMetadata()
		ls.truncIndex, ls.truncTerm = md.GetIndex(), md.GetTerm()
		ls.lastIndex = md.GetIndex()
		ls.cache, ls.cacheBytes = nil, 0
		ls.cs = proto.CloneOf(md.GetConfState())
		ls.elog.truncated(ls.gid, ls.truncIndex)
	}
	if len(st.ents) > 0 {
		first := st.ents[0].GetIndex()
		if len(ls.cache) > 0 && first >= ls.cacheFirst() && first <= ls.lastIndex+1 {
			keep := first - ls.cacheFirst()
			for _, e := range ls.cache[keep:] {
				ls.cacheBytes -= proto.Size(e)
			}
			ls.cache = ls.cache[:keep:keep]
		} else {
			ls.cache, ls.cacheBytes = nil, 0
		}
		for _, e := range st.ents {
			ls.cacheBytes += proto.Size(e)
		}
		ls.cache = append(ls.cache, st.ents...)
		ls.lastIndex = st.ents[len(st.ents)-1].GetIndex()
	}
	if st.hs != nil {
		ls.hs = proto.CloneOf(st.hs)
	}
	if st.truncTo > ls.truncIndex {
		ls.truncIndex, ls.truncTerm = st.truncTo, st.truncTerm
		if ls.lastIndex < ls.truncIndex {
			ls.lastIndex = ls.truncIndex
		}
		ls.trimCache(ls.truncIndex)
		ls.elog.truncated(ls.gid, ls.truncIndex)
	}
	*st = struct {
		ents      []*pb.Entry
		hs        *pb.HardState
		snap      *pb.Snapshot
		truncTo   uint64
		truncTerm uint64
	}{}
}

// trimCache drops cached entries at or below upTo (never beyond what is
// needed) while the cache is over its budget, or all of them below the
// truncated index.
func (ls *logStorage) trimCache(upTo uint64) {
	for len(ls.cache) > 0 {
		e := ls.cache[0]
		if e.GetIndex() > ls.truncIndex && (e.GetIndex() > upTo || ls.cacheBytes <= maxCacheBytes) {
			return
		}
		ls.cacheBytes -= proto.Size(e)
		ls.cache[0] = nil
		ls.cache = ls.cache[1:]
	}
}
