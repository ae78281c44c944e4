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

// withErrorHook adds the error counters to the write path when enabled:
// one rollup.Write per write, so that each counter gets one merge operand
// per write rather than one per error record.
func withErrorHook(o storage.Options, enabled bool) storage.Options {
	if !enabled {
		return o
	}
	rec := rollup.NewRecorder()
	o.NewWriteHook = func() storage.WriteHook { return rollupWrite{rec.NewWrite()} }
	return o
}

// rollupWrite adapts a rollup.Write to storage.WriteHook.
type rollupWrite struct{ *rollup.Write }

func (w rollupWrite) Finish(b storage.RecordBatch) error { return w.Flush(b) }

// errorsBackend returns the error endpoints' backend, or nil when disabled.
func errorsBackend(store *storage.Store, enabled bool) api.ErrorsBackend {
	if !enabled {
		return nil
	}
	return rollup.NewBackend(store)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
