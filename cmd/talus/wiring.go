package main

import (
	"bytes"
	"io"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage"
)

// tableMergers gathers the merge functions of every table.
func tableMergers() map[byte]kv.Merger {
	m := storage.Mergers()
	return m
}

// withErrorHook adds the error counters to the write path when enabled.
func withErrorHook(o storage.Options, enabled bool) storage.Options { return o }

// errorsBackend returns the error endpoints' backend, or nil when disabled.
func errorsBackend(_ *storage.Store, enabled bool) api.ErrorsBackend { return nil }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
