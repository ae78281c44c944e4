package main

import (
	"bytes"
	"io"

	"github.com/talus-logs/talus/api"
	"github.com/talus-logs/talus/errors/rollup"
	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage"
)

// tableMergers gathers the merge functions of every table. The error
// counters' merger is registered even when counting is off, so that counters
// already on disk keep merging correctly.
func tableMergers() map[byte]kv.Merger {
	m := storage.Mergers()
	for t, f := range rollup.Mergers() {
		m[t] = f
	}
	return m
}

// withErrorHook adds the error counters to the write path when enabled.
func withErrorHook(o storage.Options, enabled bool) storage.Options {
	if !enabled {
		return o
	}
	hook := rollup.NewRecorder().Hook
	if prev := o.OnRecord; prev != nil {
		o.OnRecord = func(b storage.RecordBatch, rc *storage.RecordContext) error {
			if err := prev(b, rc); err != nil {
				return err
			}
			return hook(b, rc)
		}
		return o
	}
	o.OnRecord = hook
	return o
}

// errorsBackend returns the error endpoints' backend, or nil when disabled.
func errorsBackend(store *storage.Store, enabled bool) api.ErrorsBackend {
	if !enabled {
		return nil
	}
	return rollup.NewBackend(store)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
