package raftstore

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// fileBytes returns the content of the file at path.
func fileBytes(t *testing.T, fs vfs.FS, path string) []byte {
	t.Helper()
	f, err := fs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The active segment is zero-filled ahead of its end, a chunk past the
// writer's end at first; records written over the zeros read back, and after
// a crash a pointer to a record that did not reach the disk finds zeros and
// is refused as torn.
func TestEntryLogZeroFilledTail(t *testing.T) {
	fs := vfs.NewCrashableMem()
	l, err := openEntryLog(fs, "d")
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	const chunk = 64 << 10
	l.fillAhead = chunk
	l.segmentBytes = 1 << 20
	l.active.tail = l.newTailFiller(fs.PathJoin("d", entrySegName(l.active.seq)))
	synced, seg := writeRound(t, l, 3, 1, 20, 700)
	end := l.active.size
	l.active.tail.wait()
	data := fileBytes(t, fs, fs.PathJoin("d", entrySegName(seg.seq)))
	if want := end + 2*chunk; int64(len(data)) != want {
		t.Fatalf("segment of %d bytes after writing %d; want the zero-fill of [%d, %d)", len(data), end, end+chunk, want)
	}
	if !bytes.Equal(data[end:], make([]byte, len(data)-int(end))) {
		t.Fatal("segment tail is not zeros")
	}
	if err := l.sync(seg); err != nil {
		t.Fatal(err)
	}
	// The fill is ahead by a chunk: the next round neither waits for nor
	// starts one, so nothing syncs it.
	unsynced, _ := writeRound(t, l, 3, 21, 25, 700)
	if l.active.tail.fill != nil {
		t.Fatal("a fill started with a chunk filled ahead")
	}
	crashed := fs.CrashClone(vfs.CrashCloneCfg{})
	l2, err := openEntryLog(crashed, "d")
	if err != nil {
		t.Fatal(err)
	}
	defer l2.close()
	for i, p := range synced {
		if got, err := l2.read(p, 3, i); err != nil || !bytes.Equal(got, testPayload(3, i, 700)) {
			t.Fatalf("synced entry %d: %q, %v", i, got, err)
		}
	}
	for i, p := range unsynced {
		if _, err := l2.read(p, 3, i); !errors.Is(err, errTornRecord) {
			t.Fatalf("unsynced entry %d over the zeroed tail: %v, want torn", i, err)
		}
	}
}

// The raft-log engine's WAL is zero-filled ahead of its end, and Pebble
// reads the zeros as the end of the log: after a crash (taken while a fill
// may run) every synced batch is there.
func TestRaftLogWALZeroFilled(t *testing.T) {
	fs := vfs.NewCrashableMem()
	open := func(fs vfs.FS) *pebble.DB {
		db, err := pebble.Open("raftlog", &pebble.Options{FS: walFillFS{fs}, Logger: quietLogger{}})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open(fs)
	val := bytes.Repeat([]byte("v"), 100)
	for i := 0; i < 200; i++ {
		if err := db.Set([]byte{byte(i)}, val, pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	// Closing waits for the WAL's running fill.
	crashed := fs.CrashClone(vfs.CrashCloneCfg{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var wal string
	var walData []byte
	names, err := fs.List("raftlog")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if b := fileBytes(t, fs, fs.PathJoin("raftlog", name)); len(name) > 4 && name[len(name)-4:] == ".log" && len(b) > len(walData) {
			wal, walData = name, b
		}
	}
	// 200 batches of ~120 bytes: ~24 KiB of log, then zeros.
	if len(walData) < walFillChunk || walData[len(walData)-1] != 0 {
		t.Fatalf("WAL %s has %d bytes ending in %x; want a zero-filled tail of at least %d", wal, len(walData), walData[len(walData)-1:], walFillChunk)
	}
	db2 := open(crashed)
	defer db2.Close()
	for i := 0; i < 200; i++ {
		v, closer, err := db2.Get([]byte{byte(i)})
		if err != nil || !bytes.Equal(v, val) {
			t.Fatalf("key %d after the crash: %v", i, err)
		}
		closer.Close()
	}
}
