package raftstore

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/talus-logs/talus/kv"
)

// writeRound writes one round of records (group gid, indexes lo..hi, payload
// "g<gid>i<index>" padded to size bytes) and returns their pointers by index.
func writeRound(t *testing.T, l *entryLog, gid, lo, hi uint64, size int) (map[uint64][]byte, *entrySegment) {
	t.Helper()
	rd := &entryRound{}
	for i := lo; i <= hi; i++ {
		p := testPayload(gid, i, size)
		if err := rd.add(gid, i, func(b []byte) ([]byte, error) { return append(b, p...), nil }); err != nil {
			t.Fatal(err)
		}
	}
	seg, base, err := l.write(rd)
	if err != nil {
		t.Fatal(err)
	}
	ptrs := map[uint64][]byte{}
	for _, r := range rd.recs {
		ptrs[r.index] = appendEntryPointer(nil, seg.seq, base+r.off, r.n)
	}
	return ptrs, seg
}

func testPayload(gid, index uint64, size int) []byte {
	p := []byte(fmt.Sprintf("g%di%d", gid, index))
	for len(p) < size {
		p = append(p, byte(len(p)))
	}
	return p
}

func TestEntryLogRoundTripAndRotation(t *testing.T) {
	fs := vfs.NewMem()
	l, err := openEntryLog(fs, "d")
	if err != nil {
		t.Fatal(err)
	}
	l.segmentBytes = 1000
	all := map[uint64][]byte{}
	for r := uint64(0); r < 10; r++ {
		ptrs, seg := writeRound(t, l, 7, r*5+1, r*5+5, 60)
		if err := l.sync(seg); err != nil {
			t.Fatal(err)
		}
		for i, p := range ptrs {
			all[i] = p
		}
	}
	if len(l.segs) < 3 {
		t.Fatalf("%d segments after 10 rounds of ~420 bytes with 1000-byte segments", len(l.segs))
	}
	check := func(l *entryLog) {
		t.Helper()
		for i, p := range all {
			got, err := l.read(p, 7, i)
			if err != nil || !bytes.Equal(got, testPayload(7, i, 60)) {
				t.Fatalf("entry %d: %q, %v", i, got, err)
			}
		}
		// A pointer read as another entry is refused.
		if _, err := l.read(all[3], 7, 4); !errors.Is(err, errTornRecord) {
			t.Fatalf("entry 3 read as 4: %v", err)
		}
	}
	check(l)
	if err := l.close(); err != nil {
		t.Fatal(err)
	}
	l, err = openEntryLog(fs, "d")
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	check(l)
}

// A crash loses the unsynced round (or keeps random 4 KiB blocks of it):
// records are whole and right, or refused as torn; synced ones all survive.
func TestEntryLogTornTailAfterCrash(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		fs := vfs.NewCrashableMem()
		l, err := openEntryLog(fs, "d")
		if err != nil {
			t.Fatal(err)
		}
		synced, seg := writeRound(t, l, 2, 1, 20, 700)
		if err := l.sync(seg); err != nil {
			t.Fatal(err)
		}
		unsynced, _ := writeRound(t, l, 2, 21, 40, 700)
		pct := 0
		if seed > 0 {
			pct = 50
		}
		crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: rand.New(rand.NewPCG(seed, 1))})
		l2, err := openEntryLog(crashed, "d")
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range synced {
			if got, err := l2.read(p, 2, i); err != nil || !bytes.Equal(got, testPayload(2, i, 700)) {
				t.Fatalf("seed %d: synced entry %d: %q, %v", seed, i, got, err)
			}
		}
		torn := 0
		for i, p := range unsynced {
			got, err := l2.read(p, 2, i)
			switch {
			case errors.Is(err, errTornRecord):
				torn++
			case err != nil || !bytes.Equal(got, testPayload(2, i, 700)):
				t.Fatalf("seed %d: unsynced entry %d: %q, %v", seed, i, got, err)
			}
		}
		if pct == 0 && torn != len(unsynced) {
			t.Fatalf("seed %d: %d of %d unsynced entries survived a crash keeping nothing unsynced", seed, len(unsynced)-torn, len(unsynced))
		}
		// The restarted log appends to a new segment: the torn tail is
		// never overwritten.
		if l2.active.seq == seg.seq {
			t.Fatalf("seed %d: restarted log appends to segment %d again", seed, seg.seq)
		}
		l2.close()
		l.close()
	}
}

func TestEntryLogCollectsTruncatedSegments(t *testing.T) {
	fs := vfs.NewMem()
	l, err := openEntryLog(fs, "d")
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	l.segmentBytes = 1000
	// Groups 2 and 3 share the first segment; group 3 then goes on alone.
	p2, first := writeRound(t, l, 2, 1, 5, 100)
	writeRound(t, l, 3, 1, 5, 100)
	writeRound(t, l, 3, 6, 10, 100)
	if l.active == first {
		t.Fatal("no rotation")
	}
	files := func() int {
		names, _ := fs.List("d")
		return len(names)
	}
	n0 := files()
	l.truncated(2, 5)
	if l.hasDead() {
		t.Fatal("segment 1 is still needed by group 3")
	}
	l.truncated(3, 4) // below group 3's last index in segment 1
	if l.hasDead() {
		t.Fatal("segment 1 still holds group 3's entry 5")
	}
	l.dropGroup(3)
	if !l.hasDead() {
		t.Fatal("segment 1 not freed")
	}
	if err := l.collect(); err != nil {
		t.Fatal(err)
	}
	if files() >= n0 {
		t.Fatalf("%d files after collect, %d before", files(), n0)
	}
	if _, err := l.read(p2[1], 2, 1); !errors.Is(err, errTornRecord) {
		t.Fatalf("read from a deleted segment: %v", err)
	}
	// The active segment is never deleted, even when no group needs it.
	for _, s := range l.segs {
		if s != l.active {
			t.Fatalf("segment %d kept", s.seq)
		}
	}
}

// A group whose last round's records were torn by a crash while the
// raft-log batch with their pointers (and a commit index covering them)
// survived restarts with its log ending before them; inline entries of the
// format before the entry log are still read.
// logStorageRig is a group's raft-log engine and entry log on a crashable
// file system, written round by round as the worker does.
type logStorageRig struct {
	t  *testing.T
	db *pebble.DB
	l  *entryLog
	ls *logStorage
}

func openLogStorageRig(t *testing.T, fs vfs.FS) *logStorageRig {
	t.Helper()
	db, err := pebble.Open("raftlog", &pebble.Options{FS: fs, Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := openEntryLog(fs, "entries")
	if err != nil {
		t.Fatal(err)
	}
	return &logStorageRig{t: t, db: db, l: l}
}

func (g *logStorageRig) load() {
	g.t.Helper()
	ls, err := loadLogStorage(g.db, g.l, 2, &pb.ConfState{})
	if err != nil {
		g.t.Fatal(err)
	}
	g.ls = ls
}

func (g *logStorageRig) close() {
	g.db.Close()
	g.l.close()
}

func rigEntry(i uint64) *pb.Entry {
	return &pb.Entry{Index: proto.Uint64(i), Term: proto.Uint64(2), Data: testPayload(2, i, 300)}
}

// round persists entries lo..hi of group 2 with a HardState committing
// them: the raft-log batch synced, the entry-log segment only if syncSeg.
func (g *logStorageRig) round(lo, hi uint64, syncSeg bool) {
	t := g.t
	t.Helper()
	var ents []*pb.Entry
	for i := lo; i <= hi; i++ {
		ents = append(ents, rigEntry(i))
	}
	b := g.db.NewBatch()
	er := &entryRound{}
	if err := g.ls.stageEntries(b, er, ents); err != nil {
		t.Fatal(err)
	}
	if err := g.ls.stageHardState(b, &pb.HardState{Term: proto.Uint64(2), Commit: proto.Uint64(hi)}); err != nil {
		t.Fatal(err)
	}
	seg, base, err := g.l.write(er)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range er.recs {
		_ = b.Set(logEntryKey(r.gid, r.index), appendEntryPointer(nil, seg.seq, base+r.off, r.n), nil)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if syncSeg {
		if err := g.l.sync(seg); err != nil {
			t.Fatal(err)
		}
	}
	g.ls.commitStaged()
}

// checkPrefix checks that the loaded log is entries first..last, each
// intact, with last at least minLast and the commit index within the log.
func (g *logStorageRig) checkPrefix(what string, first, minLast uint64) {
	t := g.t
	t.Helper()
	ls := g.ls
	if ls.lastIndex < minLast || ls.hs.GetCommit() > ls.lastIndex {
		t.Fatalf("%s: last %d, commit %d; want last >= %d, commit <= last", what, ls.lastIndex, ls.hs.GetCommit(), minLast)
	}
	got, err := ls.Entries(first, ls.lastIndex+1, 0)
	if err != nil || uint64(len(got)) != ls.lastIndex+1-first {
		t.Fatalf("%s: entries %d-%d: %d, %v", what, first, ls.lastIndex, len(got), err)
	}
	for _, e := range got {
		if !proto.Equal(e, rigEntry(e.GetIndex())) {
			t.Fatalf("%s: entry %d: %v", what, e.GetIndex(), e)
		}
	}
}

func TestLogStorageDropsTornTail(t *testing.T) {
	fs := vfs.NewCrashableMem()
	g := openLogStorageRig(t, fs)
	// Entry 6 inline (old format), 7-9 in a synced round.
	b := g.db.NewBatch()
	v, _ := proto.Marshal(rigEntry(6))
	_ = b.Set(logEntryKey(2, 6), v, nil)
	_ = b.Set(logGroupKey(2, logTruncSuffix), appendAppliedState(nil, 5, 2), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
	g.load()
	g.round(7, 9, true)
	g.round(10, 11, false) // crash before the segment's sync
	g2 := openLogStorageRig(t, fs.CrashClone(vfs.CrashCloneCfg{}))
	defer g2.close()
	g2.load()
	if g2.ls.lastIndex != 9 || g2.ls.hs.GetCommit() != 9 {
		t.Fatalf("after the crash: last %d, commit %d; want 9, 9", g2.ls.lastIndex, g2.ls.hs.GetCommit())
	}
	g2.checkPrefix("after the crash", 6, 9)
	// The dropped pointers are gone from the engine too.
	if _, closer, err := g2.db.Get(logEntryKey(2, 10)); err == nil {
		closer.Close()
		t.Fatal("pointer to torn entry 10 kept")
	}
	g.close()
}

// TestLogStorageDropsTornRecordsInTheMiddle: a power loss keeps some blocks
// of unsynced data and not others, so a record of the unsynced tail may be
// torn while a later one is whole. The log must end before the first torn
// record (everything after it was not synced either), and stay so through
// a second crash right after the restart, and through a restart that
// crashed before it wrote anything.
func TestLogStorageDropsTornRecordsInTheMiddle(t *testing.T) {
	cut := 0
	for seed := uint64(0); seed < 40; seed++ {
		fs := vfs.NewCrashableMem()
		g := openLogStorageRig(t, fs)
		g.load()
		g.round(1, 9, true)
		for lo := uint64(10); lo < 70; lo += 12 {
			g.round(lo, lo+11, false)
		}
		crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 60, RNG: rand.New(rand.NewPCG(seed, 3))})
		g.close()
		what := fmt.Sprintf("seed %d", seed)
		g2 := openLogStorageRig(t, crashed)
		g2.load()
		g2.checkPrefix(what, 1, 9)
		last := g2.ls.lastIndex
		if last < 69 {
			cut++
		}
		again := crashed.CrashClone(vfs.CrashCloneCfg{})
		g2.close()
		for i := 0; i < 2; i++ {
			g3 := openLogStorageRig(t, again)
			g3.load()
			g3.checkPrefix(what+", restarted again", 1, 9)
			if g3.ls.lastIndex != last {
				t.Fatalf("%s: restarted again: last %d, was %d", what, g3.ls.lastIndex, last)
			}
			again = again.CrashClone(vfs.CrashCloneCfg{})
			g3.close()
		}
	}
	if cut == 0 {
		t.Fatal("no seed tore the unsynced tail: the test checks nothing")
	}
}

// The decoder reads segment bytes from disk: it must fail cleanly.
func FuzzDecodeEntryRecord(f *testing.F) {
	rec, _ := appendEntryRecord(nil, 2, 9, func(b []byte) ([]byte, error) { return append(b, "payload"...), nil })
	f.Add(rec)
	f.Add(append(rec, rec[:10]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		for len(b) > 0 {
			var err error
			if _, _, _, b, err = decodeEntryRecord(b); err != nil {
				return
			}
		}
	})
}

// With real goroutines, a group's log is truncated after its Pebble flushes
// by itself (full memtables), the entry log's old segments are deleted, and
// a restart replays what was not flushed: nothing is lost.
func TestLogTruncatedAfterFlushes(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	cfg.GroupMemTableSize = 1 << 20
	cfg.LogTruncateEntries = 1 << 30 // no forced flush by count
	cfg.entrySegmentBytes = 2 << 20
	s := mustOpen(t, cfg)
	val := bytes.Repeat([]byte("v"), 200)
	const batches, per = 400, 64
	for i := 0; i < batches; i++ {
		commit(t, s, func(b kv.Batch) {
			for j := 0; j < per; j++ {
				_ = b.Set([]byte(fmt.Sprintf("a%05d-%02d", i, j)), val)
			}
		})
	}
	// ~16 MiB of entries in 2 MiB segments: old ones must be gone.
	deadline := time.Now().Add(10 * time.Second)
	segs := func() int {
		names, _ := fs.List(fs.PathJoin("d", raftEntriesDir))
		return len(names)
	}
	for segs() > 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := segs(); n > 4 {
		t.Fatalf("%d segments of 2 MiB left after ~16 MiB of entries", n)
	}
	r := s.n.replica(firstDataGroupID)
	r.mu.Lock()
	trunc, applied := r.ls.truncIndex, r.applied
	r.mu.Unlock()
	if trunc <= bootstrapIndex || trunc > applied {
		t.Fatalf("group %d: truncated at %d, applied %d", firstDataGroupID, trunc, applied)
	}
	checkKeysAfterRestart(t, s, cfg, batches*per)
}

// checkKeysAfterRestart closes s, opens its data dir again and checks that
// it holds want keys.
func checkKeysAfterRestart(t *testing.T, s *Store, cfg Config, want int) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, cfg)
	defer s.Close()
	it, err := s.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for valid := it.First(); valid; valid = it.Next() {
		n++
	}
	it.Close()
	if n != want {
		t.Fatalf("%d keys after restart, want %d", n, want)
	}
}

// Several workers append to the entry log at once (each with its own
// rounds and fdatasyncs) while small segments rotate under them; every
// acknowledged write is there after a restart.
func TestEntryLogConcurrentWorkers(t *testing.T) {
	fs := vfs.NewMem()
	cfg := singleNodeConfig(fs)
	cfg.Workers = 4
	cfg.InitialSplits = [][]byte{[]byte("b"), []byte("c"), []byte("d")}
	cfg.GroupMemTableSize = 1 << 20
	cfg.entrySegmentBytes = 256 << 10
	s := mustOpen(t, cfg)
	val := bytes.Repeat([]byte("v"), 200)
	const writers, batches, per = 4, 50, 40
	errc := make(chan error, writers)
	for w := 0; w < writers; w++ {
		go func(w int) {
			for i := 0; i < batches; i++ {
				b := s.NewBatch()
				for j := 0; j < per; j++ {
					// Every batch spans the four ranges.
					_ = b.Set([]byte(fmt.Sprintf("%c%d-%03d-%02d", 'a'+j%4, w, i, j)), val)
				}
				err := b.Commit(true)
				b.Close()
				if err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}(w)
	}
	for w := 0; w < writers; w++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	s.n.elog.mu.RLock()
	seq := s.n.elog.active.seq
	s.n.elog.mu.RUnlock()
	if seq < 4 {
		t.Fatalf("~2 MiB of entries in 256 KiB segments, but the active one is segment %d", seq)
	}
	checkKeysAfterRestart(t, s, cfg, writers*batches*per)
}
