package raftstore

import (
	"sync"
)

// future is the outcome of an asynchronous proposal or read. It completes
// once; done is closed then. index is the read index of a read.
type future struct {
	done  chan struct{}
	once  sync.Once
	err   error
	index uint64
}

func newFuture() *future { return &future{done: make(chan struct{})} }

func (f *future) complete(index uint64, err error) {
	f.once.Do(func() {
		f.index, f.err = index, err
		close(f.done)
	})
}

// ready reports whether the future has completed.
func (f *future) ready() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// proposal is a write waiting to be committed and applied.
type proposal struct {
	id   uint64
	data []byte // a command (command.go) carrying id
	fut  *future
	// index and term are where the entry landed in this replica's log, once
	// seen in a Ready (0 before).
	index, term uint64
	// tick is the group tick at which the proposal entered raft, and
	// proposedTick the last time it was handed to raft.
	tick, proposedTick uint64
}

// readRequest is a linearizable read waiting for its read index to be
// applied.
type readRequest struct {
	fut   *future
	index uint64
}

// readBatch is one raft ReadIndex request serving many reads.
type readBatch struct {
	reqs []*readRequest
	tick uint64 // group tick when (re)issued
}
