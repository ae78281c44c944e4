package raftstore

import (
	"errors"
	"fmt"
)

var (
	// ErrStopped is returned by operations on a node that is closing.
	ErrStopped = errors.New("raftstore: stopped")
	// ErrProposalDropped means raft refused the proposal (no leader, a
	// leadership transfer, or another entry committed at its index). The
	// write was not applied; retrying it is safe.
	ErrProposalDropped = errors.New("raftstore: proposal dropped")
	// ErrAmbiguousResult means the outcome of a write is unknown: it may or
	// may not have been applied (for example the proposer timed out while
	// partitioned from the leader). Only idempotent writes may be retried.
	ErrAmbiguousResult = errors.New("raftstore: result of write unknown")
	// ErrTimeout is returned when a read could not be served in time
	// (no quorum reachable). Retrying reads is always safe.
	ErrTimeout = errors.New("raftstore: timed out")
	// ErrGroupNotFound means this node holds no replica of the group.
	ErrGroupNotFound = errors.New("raftstore: group not found on this node")
	// ErrDirectoryIncomplete marks a key this node's copy of the range
	// directory does not place yet (it joined a moment ago). It wraps
	// ErrGroupNotFound; reads and writes wait for the directory a while
	// before returning it.
	ErrDirectoryIncomplete = fmt.Errorf("raftstore: range directory incomplete on this node: %w", ErrGroupNotFound)
	// ErrCorruption marks durable state that cannot be decoded.
	ErrCorruption = errors.New("raftstore: corruption")
)
