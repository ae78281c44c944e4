package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// The entry log holds the raft entries of every group on a node in
// append-only segment files under <DataDir>/raftentries/, so that an entry
// is written once: the raft-log engine (Pebble) keeps, under the entry's
// key, only a pointer to it (log_storage.go). Entries are never flushed or
// compacted; a segment is deleted as a whole once every group truncated its
// log past the entries it holds.
//
// A segment file is named <seq, 16 hex digits>.seg and is
//
//	| magic "TLSRLOG1" (8B) | record | record | ...
//
// with each record
//
//	| crc32c (4B LE) | len(payload) (4B LE) | groupID (8B LE) | index (8B LE) | payload |
//
// where the checksum covers everything after itself, and the payload is the
// protobuf raftpb.Entry. A pointer in the raft-log engine is
//
//	| 0x00 | segment seq (8B BE) | record offset (8B BE) | len(payload) (4B BE) |
//
// (an inline protobuf entry, the format before the entry log, never starts
// with 0x00, so both can be read). This layout is durable and stable; a
// breaking change needs a new magic.
//
// Durability: the records of a worker round are written with one write and
// made durable by one fdatasync, run in parallel with the fsync of the
// round's raft-log batch (which holds the pointers); the round completes
// when both are done. After a crash a pointer may therefore name a record
// that never reached the disk: loadLogStorage checks a group's last entries
// and drops pointers to missing or torn records (a group's durable entries
// are always a prefix of its log, since its rounds run one after another).
// A restarted node always appends to a new segment, so a torn tail is never
// overwritten. After a power loss (not a killed process, whose writes the
// page cache keeps) some blocks of an unsynced round may reach the disk and
// others not, so any record of the unsynced tail may be torn, not only the
// last: loadLogStorage reads every entry in the segment that was active
// (tailSeq) and ends the log before the first torn one.
const (
	entrySegMagic        = "TLSRLOG1"
	entryRecordHeaderLen = 24
	entryPointerLen      = 21
	// entrySegmentBytes is the size after which the next round starts a new
	// segment: large enough that rotations (one file creation and directory
	// sync) are rare, small enough that a truncated log frees space soon.
	entrySegmentBytes = 64 << 20
	// entrySegSuffix names segment files.
	entrySegSuffix = ".seg"
)

// entrySegment is one segment file.
type entrySegment struct {
	seq uint64
	// r reads records (ReadAt); w appends, on the active segment only (nil
	// once the segment is synced and closed for writing). Both are guarded
	// by entryLog.mu, except that the holder of wmu.RLock may Sync w.
	r   vfs.File
	w   vfs.File
	wmu sync.RWMutex
	// size is the number of bytes written. Guarded by entryLog.mu.
	size int64
	// maxIndex is, per group, the highest index written to the segment and
	// not yet known to be truncated. The segment is deleted once it is empty
	// and the segment is not the active one. Guarded by entryLog.mu.
	maxIndex map[uint64]uint64
}

// entryLog is a node's set of segments. It is safe for concurrent use.
type entryLog struct {
	fs  vfs.FS
	dir string
	// segmentBytes is entrySegmentBytes (tests lower it).
	segmentBytes int64

	mu sync.RWMutex
	// segs holds every segment not deleted, by seq. Guarded by mu.
	segs map[uint64]*entrySegment
	// active is the segment appended to. Guarded by mu.
	active *entrySegment
	// dead lists segments no group needs any more, to be deleted once the
	// truncations that freed them are durable (collect). Guarded by mu.
	dead []*entrySegment
	// tailSeq is the newest segment found at open that holds a record (0:
	// none): the one that was active when the node stopped. Only it, and
	// segments after it that lost even their first record, can hold
	// records that never reached the disk, since a rotation syncs the
	// segment it leaves. Set at open.
	tailSeq uint64
}

func entrySegName(seq uint64) string { return fmt.Sprintf("%016x%s", seq, entrySegSuffix) }

// openEntryLog opens the segments in dir and starts a new active segment.
func openEntryLog(fs vfs.FS, dir string) (*entryLog, error) {
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create entry log dir %s: %w", dir, err)
	}
	if err := syncDir(fs, fs.PathDir(dir)); err != nil {
		return nil, err
	}
	l := &entryLog{fs: fs, dir: dir, segmentBytes: entrySegmentBytes, segs: map[uint64]*entrySegment{}}
	names, err := fs.List(dir)
	if err != nil {
		return nil, err
	}
	var next uint64 = 1
	for _, name := range names {
		if !strings.HasSuffix(name, entrySegSuffix) {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, entrySegSuffix), 16, 64)
		if err != nil {
			continue
		}
		f, err := fs.Open(fs.PathJoin(dir, name))
		if err != nil {
			l.close()
			return nil, fmt.Errorf("cannot open entry log segment %s: %w", name, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			l.close()
			return nil, err
		}
		l.segs[seq] = &entrySegment{seq: seq, r: f, size: st.Size(), maxIndex: map[uint64]uint64{}}
		next = max(next, seq+1)
		if st.Size() > int64(len(entrySegMagic)) {
			l.tailSeq = max(l.tailSeq, seq)
		}
	}
	if err := l.rotateLocked(next); err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

// rotateLocked starts segment seq as the active one; the previous active
// segment is synced and closed for writing. Called with mu held (or before
// the log is shared).
func (l *entryLog) rotateLocked(seq uint64) error {
	if old := l.active; old != nil {
		old.wmu.Lock()
		err := old.w.Sync()
		if cerr := old.w.Close(); err == nil {
			err = cerr
		}
		old.w = nil
		old.wmu.Unlock()
		if err != nil {
			return fmt.Errorf("cannot sync entry log segment %d: %w", old.seq, err)
		}
		if len(old.maxIndex) == 0 {
			l.dead = append(l.dead, old)
		}
	}
	path := l.fs.PathJoin(l.dir, entrySegName(seq))
	w, err := l.fs.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return fmt.Errorf("cannot create entry log segment: %w", err)
	}
	if _, err := w.Write([]byte(entrySegMagic)); err != nil {
		w.Close()
		return fmt.Errorf("cannot write entry log segment: %w", err)
	}
	r, err := l.fs.Open(path)
	if err != nil {
		w.Close()
		return err
	}
	// The file's directory entry must be durable before a pointer to it is.
	if err := syncDir(l.fs, l.dir); err != nil {
		w.Close()
		r.Close()
		return err
	}
	s := &entrySegment{seq: seq, r: r, w: w, size: int64(len(entrySegMagic)), maxIndex: map[uint64]uint64{}}
	l.segs[seq] = s
	l.active = s
	return nil
}

// entryRound collects the records of one worker round before they are
// written with one call.
type entryRound struct {
	buf  []byte
	recs []entryRoundRec
}

type entryRoundRec struct {
	gid, index uint64
	off        int64 // within buf
	n          uint32
}

func (rd *entryRound) reset() {
	rd.buf = rd.buf[:0]
	rd.recs = rd.recs[:0]
}

// appendEntryRecord appends a record to dst: the header, then what
// marshal appends (the payload).
func appendEntryRecord(dst []byte, gid, index uint64, marshal func([]byte) ([]byte, error)) ([]byte, error) {
	start := len(dst)
	dst = append(dst, make([]byte, entryRecordHeaderLen)...)
	dst, err := marshal(dst)
	if err != nil {
		return dst[:start], err
	}
	n := len(dst) - start - entryRecordHeaderLen
	if n > maxEntryRecordPayload {
		return dst[:start], fmt.Errorf("raft entry %d of group %d has %d bytes, more than %d", index, gid, n, maxEntryRecordPayload)
	}
	h := dst[start:]
	binary.LittleEndian.PutUint32(h[4:], uint32(n))
	binary.LittleEndian.PutUint64(h[8:], gid)
	binary.LittleEndian.PutUint64(h[16:], index)
	binary.LittleEndian.PutUint32(h, crc32.Checksum(h[4:], crcTable))
	return dst, nil
}

// maxEntryRecordPayload bounds a record's payload (a raft entry holds at
// most maxCommandBytes of command); a larger length in a header is
// corruption.
const maxEntryRecordPayload = 1 << 30

// errTornRecord marks a record that is incomplete or fails its checksum.
var errTornRecord = errors.New("raftstore: torn or corrupt entry log record")

// decodeEntryRecord decodes the record at the start of src and returns the
// rest of src. payload aliases src.
func decodeEntryRecord(src []byte) (gid, index uint64, payload, rest []byte, err error) {
	if len(src) < entryRecordHeaderLen {
		return 0, 0, nil, src, fmt.Errorf("record header of %d bytes: %w", len(src), errTornRecord)
	}
	n := binary.LittleEndian.Uint32(src[4:])
	if n > maxEntryRecordPayload || uint64(len(src)-entryRecordHeaderLen) < uint64(n) {
		return 0, 0, nil, src, fmt.Errorf("record payload of %d bytes, %d left: %w", n, len(src)-entryRecordHeaderLen, errTornRecord)
	}
	end := entryRecordHeaderLen + int(n)
	if crc32.Checksum(src[4:end], crcTable) != binary.LittleEndian.Uint32(src) {
		return 0, 0, nil, src, fmt.Errorf("record checksum mismatch: %w", errTornRecord)
	}
	return binary.LittleEndian.Uint64(src[8:]), binary.LittleEndian.Uint64(src[16:]), src[entryRecordHeaderLen:end:end], src[end:], nil
}

// add appends the record of entry index of group gid to the round;
// marshal appends the payload.
func (rd *entryRound) add(gid, index uint64, marshal func([]byte) ([]byte, error)) error {
	off := int64(len(rd.buf))
	buf, err := appendEntryRecord(rd.buf, gid, index, marshal)
	rd.buf = buf
	if err != nil {
		return err
	}
	rd.recs = append(rd.recs, entryRoundRec{gid: gid, index: index, off: off, n: uint32(int64(len(buf)) - off - entryRecordHeaderLen)})
	return nil
}

// write appends the round's records to the active segment (starting a new
// one first if it is full) and returns the segment and the offset of the
// round's first byte. The records are not durable until sync(seg).
func (l *entryLog) write(rd *entryRound) (*entrySegment, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active.size >= l.segmentBytes {
		if err := l.rotateLocked(l.active.seq + 1); err != nil {
			return nil, 0, err
		}
	}
	s := l.active
	base := s.size
	if _, err := s.w.Write(rd.buf); err != nil {
		return nil, 0, fmt.Errorf("cannot write entry log segment %d: %w", s.seq, err)
	}
	s.size += int64(len(rd.buf))
	for _, r := range rd.recs {
		if r.index > s.maxIndex[r.gid] {
			s.maxIndex[r.gid] = r.index
		}
	}
	return s, base, nil
}

// sync makes everything written to seg durable.
func (l *entryLog) sync(s *entrySegment) error {
	s.wmu.RLock()
	defer s.wmu.RUnlock()
	if s.w == nil {
		return nil // synced when it stopped being the active segment
	}
	if err := s.w.SyncData(); err != nil {
		return fmt.Errorf("cannot sync entry log segment %d: %w", s.seq, err)
	}
	return nil
}

// appendEntryPointer appends the pointer to a record.
func appendEntryPointer(dst []byte, seq uint64, off int64, n uint32) []byte {
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint64(dst, seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(off))
	return binary.BigEndian.AppendUint32(dst, n)
}

// isEntryPointer reports whether a raft-log engine value is a pointer (else
// an inline protobuf entry).
func isEntryPointer(v []byte) bool { return len(v) > 0 && v[0] == 0 }

func decodeEntryPointer(v []byte) (seq uint64, off int64, n uint32, err error) {
	if len(v) != entryPointerLen || v[0] != 0 {
		return 0, 0, 0, fmt.Errorf("entry pointer of %d bytes: %w", len(v), ErrCorruption)
	}
	return binary.BigEndian.Uint64(v[1:]), int64(binary.BigEndian.Uint64(v[9:])), binary.BigEndian.Uint32(v[17:]), nil
}

// read returns the payload of the record a pointer names, checking that it
// is the record of entry index of group gid. A missing segment or a torn
// record is an error marked errTornRecord.
func (l *entryLog) read(ptr []byte, gid, index uint64) ([]byte, error) {
	seq, off, n, err := decodeEntryPointer(ptr)
	if err != nil {
		return nil, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	s := l.segs[seq]
	if s == nil {
		return nil, fmt.Errorf("entry %d of group %d: segment %d is gone: %w", index, gid, seq, errTornRecord)
	}
	buf := make([]byte, entryRecordHeaderLen+int(n))
	if _, err := s.r.ReadAt(buf, off); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("entry %d of group %d: segment %d ends before offset %d: %w", index, gid, seq, off+int64(len(buf)), errTornRecord)
		}
		return nil, fmt.Errorf("cannot read entry %d of group %d from segment %d: %w", index, gid, seq, err)
	}
	rg, ri, payload, _, err := decodeEntryRecord(buf)
	if err != nil {
		return nil, fmt.Errorf("entry %d of group %d in segment %d at %d: %w", index, gid, seq, off, err)
	}
	if rg != gid || ri != index || len(payload) != int(n) {
		return nil, fmt.Errorf("entry %d of group %d: segment %d at %d holds entry %d of group %d: %w", index, gid, seq, off, ri, rg, errTornRecord)
	}
	return payload, nil
}

// noteLoaded records, at open, that group gid's log holds entry index in
// segment seq (so that the segment is kept).
func (l *entryLog) noteLoaded(seq, gid, index uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.segs[seq]; s != nil && index > s.maxIndex[gid] {
		s.maxIndex[gid] = index
	}
}

// truncated records that group gid no longer needs entries up to index;
// segments left without any needed entry are queued for deletion.
func (l *entryLog) truncated(gid, index uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.segs {
		if mi, ok := s.maxIndex[gid]; ok && mi <= index {
			delete(s.maxIndex, gid)
			if len(s.maxIndex) == 0 && s != l.active {
				l.dead = append(l.dead, s)
			}
		}
	}
}

// pinsOld reports whether group gid keeps a segment older than the one
// before the active one alive: its Pebble should flush, so that its log can
// be truncated.
func (l *entryLog) pinsOld(gid uint64) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, s := range l.segs {
		if s.seq+1 < l.active.seq {
			if _, ok := s.maxIndex[gid]; ok {
				return true
			}
		}
	}
	return false
}

// dropGroup records that group gid's log is gone from this node.
func (l *entryLog) dropGroup(gid uint64) { l.truncated(gid, ^uint64(0)) }

// rotate starts a new active segment, so that the current one can be
// deleted once its groups truncate (Store.Compact).
func (l *entryLog) rotate() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rotateLocked(l.active.seq + 1)
}

// oldSegments returns how many segments besides the active one are kept.
func (l *entryLog) oldSegments() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.segs) - 1
}

// hasDead reports whether segments wait to be deleted.
func (l *entryLog) hasDead() bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.dead) > 0
}

// collect deletes the segments no group needs any more. The caller must
// first make the truncations that freed them durable (a synced raft-log
// commit): a pointer left in the engine after a crash would name a deleted
// segment.
func (l *entryLog) collect() error {
	l.mu.Lock()
	dead := l.dead
	l.dead = nil
	for _, s := range dead {
		delete(l.segs, s.seq)
	}
	l.mu.Unlock()
	var errs []error
	for _, s := range dead {
		errs = append(errs, s.r.Close())
		errs = append(errs, l.fs.Remove(l.fs.PathJoin(l.dir, entrySegName(s.seq))))
	}
	return errors.Join(errs...)
}

// collectUnreferenced queues, at open once every group's log was loaded,
// the segments no pointer names.
func (l *entryLog) collectUnreferenced() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.segs {
		if len(s.maxIndex) == 0 && s != l.active {
			l.dead = append(l.dead, s)
		}
	}
	sort.Slice(l.dead, func(i, j int) bool { return l.dead[i].seq < l.dead[j].seq })
}

// diskUsage returns the bytes of all segments.
func (l *entryLog) diskUsage() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var n uint64
	for _, s := range l.segs {
		n += uint64(s.size)
	}
	return n
}

// close closes every segment (the active one is synced first).
func (l *entryLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []error
	if s := l.active; s != nil && s.w != nil {
		errs = append(errs, s.w.Sync(), s.w.Close())
		s.w = nil
	}
	for _, s := range l.segs {
		errs = append(errs, s.r.Close())
	}
	l.segs = map[uint64]*entrySegment{}
	l.active = nil
	return errors.Join(errs...)
}
