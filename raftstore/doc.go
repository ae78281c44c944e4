// Package raftstore is a generic multi-Raft sorted key-value store: it
// implements kv.Store on many Raft groups (go.etcd.io/raft/v3), each owning a
// contiguous key span and its own Pebble database. It knows nothing about
// logs and must never import storage, receiver or api.
//
// # Layout on one node
//
//	<DataDir>/raftlog/            shared raft-log engine (one Pebble, WAL synced)
//	<DataDir>/raftentries/        the entry log: raft entries of all groups in
//	                              append-only segment files (entry_log.go)
//	<DataDir>/groups/<gid>_<n>/   one Pebble per group (no WAL): state-machine
//	                              data and the group's applied state, written
//	                              together
//	<DataDir>/snap/               snapshots being received (renamed into groups/)
//	<DataDir>/snap-out/           checkpoints being sent
//
// The raft-log engine holds, per group, a pointer into the entry log per log
// entry, the HardState, the truncated state and the name of the group's
// Pebble directory. A group's
// Pebble holds the user keys (prefixed by userKeyPrefix) and local keys
// (localKeyPrefix): applied index, ConfState and range descriptor, always
// written in the same batch as the entries they describe.
//
// # The Ready loop
//
// Groups are driven by a few workers (Config.Workers). A worker takes every
// group with pending work in its shard, and for each one in turn, in the
// order the etcd raft Ready contract prescribes:
//
//  1. drains the group's inbox (ticks, messages, proposals, read requests)
//     into its RawNode;
//  2. collects the Ready of every group that has one;
//  3. writes the entries of all those groups into the entry log with one
//     write, and snapshots, HardStates and the entries' pointers into one
//     raft-log batch, committed with one fsync beside the segment's
//     fdatasync (if any Ready MustSync or installs a snapshot);
//  4. applies committed entries to each group's Pebble (the applied index in
//     the same batch) and answers waiting proposals and reads;
//  5. calls Advance, and handles at once the Ready that Advance made
//     possible (a lone voter commits what it just persisted);
//  6. only then hands the outgoing messages to the transport. A leader's
//     messages in a Ready that changes neither term nor vote are the
//     exception: they go out before step 3, so followers write while the
//     leader does.
//
// testdata/ready holds transcripts of this loop (TestReadyOrder).
//
// Group Pebbles run without a WAL: the raft log is their write-ahead log. A
// group's raft log is truncated only up to an applied index that is durable
// in its Pebble (flushed: log_truncate.go), so a crash that loses unflushed
// applies replays them from the log. Each entry is thus written once.
//
// # Writes and reads
//
// Store.NewBatch collects operations; Commit splits them by range, proposes
// each part to its group (the parts this node serves are all queued before
// their worker wakes, so that one round persists them) and returns once
// every part is committed by a quorum and applied on this node. Parts in different groups commit
// independently (no distributed transactions, see package kv). Reads use
// ReadIndex (linearizable) and then read the local Pebble once it has
// applied that index; an iterator over several ranges stitches the groups'
// iterators in key order, each group's view being consistent on its own.
//
// A node without a replica of a range forwards writes, gets and scans to a
// node that has one (forward.go), found in the range directory that the meta
// group (group 1, meta.go) replicates to every node. A range splits by its
// own group's consensus (split.go); requests that raced with a split get a
// RangeMismatchError and are retried on the new ranges.
//
// A lone node is a one-voter cluster: the same code path, with no network.
//
// See docs/raftstore.md for snapshots, membership, quiescence and the tests.
package raftstore
