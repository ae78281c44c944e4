package raftstore

import (
	"strings"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Zero-filled tails. The files a round fsyncs (the entry log's active
// segment, the raft-log engine's WAL) are written at their end. An
// fdatasync that follows a write growing a file must make the new size
// durable, which ext4 does with a journal commit, and a journal commit
// waits for the other writes of the whole filesystem (here Pebble's flushes
// and compactions). So these files are zero-filled, written and synced, in
// the background ahead of their writer: a round's fdatasync then overwrites
// blocks the file already has, and only flushes data. On the 2-core dev VM,
// beside a buffered writer, an appending fdatasync of 120 KiB took 230 µs
// at p50 and 54 ms at p99, an overwriting one 115 µs and 184 µs.
//
// Readers must take zeros for the end of the data: a zeroed entry-log
// record fails its checksum (entry_log.go), and Pebble reads a zeroed WAL
// chunk as the end of the log, as it does after its own preallocation.

// zeros is the source of zero-fills (never written).
var zeros = make([]byte, 1<<20)

// tailFiller zero-fills a file ahead of its one sequential writer, chunk
// bytes at a time, until ahead bytes past the writer's end are filled. A
// fill never covers bytes the writer may write while it runs: it starts at
// least chunk bytes past the writer's end (before the first fill, the bytes
// up to there are appended as before), and a write that would reach a
// running fill waits for it. It is not safe for concurrent use: its owner
// calls it under the lock that orders the writes. A nil *tailFiller does
// nothing.
type tailFiller struct {
	fs   vfs.FS
	path string
	// ahead is how far past the writer's end fills go, chunk the size of
	// one fill; limit is where fills stop (0: nowhere).
	ahead, chunk, limit int64
	// prepared is the end of the zero-filled part of the file.
	prepared int64
	// fill is closed once the fill of [fillFrom, fillTo) running in the
	// background is done (nil when none runs), fillErr set before. After a
	// failed fill the file is only appended to (noFill).
	fill             chan struct{}
	fillFrom, fillTo int64
	fillErr          error
	noFill           bool
}

// newTailFiller returns the filler of the file at path, whose first size
// bytes are written.
func newTailFiller(fs vfs.FS, path string, size, ahead, chunk, limit int64) *tailFiller {
	return &tailFiller{fs: fs, path: path, ahead: ahead, chunk: chunk, limit: limit, prepared: size}
}

// beforeWrite must be called before the writer writes up to end: it waits
// for a fill that the write would reach.
func (t *tailFiller) beforeWrite(end int64) {
	if t != nil && t.fill != nil && end > t.fillFrom {
		t.wait()
	}
}

// afterWrite is called once the writer wrote up to end; it starts the next
// fill unless one runs or ahead bytes past end are filled.
func (t *tailFiller) afterWrite(end int64) {
	if t == nil {
		return
	}
	if t.fill != nil {
		select {
		case <-t.fill:
			t.done()
		default:
			return
		}
	}
	if t.noFill || t.prepared >= end+t.ahead {
		return
	}
	from := max(t.prepared, end+t.chunk)
	to := from + t.chunk
	if t.limit > 0 {
		to = min(to, t.limit)
	}
	if to <= from {
		return
	}
	t.fillFrom, t.fillTo = from, to
	done := make(chan struct{})
	t.fill = done
	go func() {
		t.fillErr = zeroFill(t.fs, t.path, from, to)
		close(done)
	}()
}

// wait waits for the running fill, if any.
func (t *tailFiller) wait() {
	if t != nil && t.fill != nil {
		<-t.fill
		t.done()
	}
}

// done records the end of the fill (t.fill closed).
func (t *tailFiller) done() {
	if t.fillErr != nil {
		t.noFill = true
	} else {
		t.prepared = t.fillTo
	}
	t.fill = nil
}

// zeroFill writes zeros over [from, to) of the file at path and syncs them,
// through a handle of its own.
func zeroFill(fs vfs.FS, path string, from, to int64) error {
	f, err := fs.OpenReadWrite(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	for off := from; off < to; {
		n := min(int64(len(zeros)), to-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			f.Close()
			return err
		}
		off += n
	}
	if err := f.SyncData(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// walFillFS is the raft-log engine's filesystem: its WAL files (the only
// files Pebble writes with a sync on every round) are zero-filled ahead of
// their end, walFillBytes at a time. The engine's WAL grows by ~100 bytes a
// round (pointers, HardStates), so a small fill lasts long and adds little
// to the data directory.
type walFillFS struct{ vfs.FS }

// walFillAhead is how far ahead of its end the raft-log engine's WAL is
// zero-filled, walFillChunk at a time: at ~1,000 rounds a second, a chunk
// lasts a few tenths of a second, and the filled tail adds at most
// walFillAhead + walFillChunk bytes to the data directory.
const (
	walFillAhead = 64 << 10
	walFillChunk = 32 << 10
)

func (fs walFillFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, category)
	if err != nil || !strings.HasSuffix(name, ".log") {
		return f, err
	}
	return &walFillFile{File: f, tail: newTailFiller(fs.FS, name, 0, walFillAhead, walFillChunk, 0)}, nil
}

func (fs walFillFS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.ReuseForWrite(oldname, newname, category)
	if err != nil || !strings.HasSuffix(newname, ".log") {
		return f, err
	}
	// A recycled WAL is overwritten from its start: what it held is
	// already there to overwrite.
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &walFillFile{File: f, tail: newTailFiller(fs.FS, newname, st.Size(), walFillAhead, walFillChunk, 0)}, nil
}

func (fs walFillFS) Unwrap() vfs.FS { return fs.FS }

// walFillFile is a WAL file of the raft-log engine. Pebble writes a WAL from
// one goroutine, with Write only.
type walFillFile struct {
	vfs.File
	off  int64
	tail *tailFiller
}

func (f *walFillFile) Write(p []byte) (int, error) {
	f.tail.beforeWrite(f.off + int64(len(p)))
	n, err := f.File.Write(p)
	f.off += int64(n)
	f.tail.afterWrite(f.off)
	return n, err
}

func (f *walFillFile) Close() error {
	f.tail.wait()
	return f.File.Close()
}
