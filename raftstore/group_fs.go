package raftstore

import "github.com/cockroachdb/pebble/v2/vfs"

// noPreallocFS is the filesystem of group Pebbles: Pebble preallocates each
// WAL file at 110% of the memtable size (70 MiB here) once it is written
// to, which across many lightly written groups would reserve gigabytes of
// disk for files that stay small. Files are written without preallocation.
// (Group Pebbles now run with DisableWAL: Pebble still creates an empty WAL
// file but never writes to it, so this only guards against that changing.)
type noPreallocFS struct{ vfs.FS }

func (fs noPreallocFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, category)
	if err != nil {
		return nil, err
	}
	return noPreallocFile{f}, nil
}

func (fs noPreallocFS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.ReuseForWrite(oldname, newname, category)
	if err != nil {
		return nil, err
	}
	return noPreallocFile{f}, nil
}

func (fs noPreallocFS) Unwrap() vfs.FS { return fs.FS }

type noPreallocFile struct{ vfs.File }

func (noPreallocFile) Preallocate(offset, length int64) error { return nil }
