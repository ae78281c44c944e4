// Package kv defines the small sorted key-value interface that the log model
// (package storage) and the error counters (package errors/rollup) are written
// against, and that every store implements: one Pebble (kv/pebblekv) for the
// embedded default, and the multi-Raft store (package raftstore) for a cluster.
//
// It is a leaf package: it imports nothing of Talus, so a store implementation
// never has to import the packages that use it. DESIGN.md §1 puts this
// interface "in storage"; it lives here instead so that raftstore can return
// the interface's own Batch and Iterator types without importing storage.
//
// The contract, in the order a caller meets it:
//
//  1. Keys are compared bytewise. A key's first byte names its table
//     (logs, index, errors, ...); stores may place tables in separate ranges.
//  2. A Batch collects Set, Merge, Delete and DeleteRange operations and is
//     applied by Commit. Commit returns only after the batch is durable when
//     sync is true. A batch is atomic within one range; a store that shards
//     keys may commit the parts of a batch that fall in different ranges
//     independently, so callers must make writes idempotent (Talus keys are
//     derived from content, so a retried write rewrites the same keys).
//  3. Merge combines operands with the store's Merger, an associative
//     function fixed when the store is opened.
//  4. An Iterator reads a consistent point-in-time view; it must be closed.
package kv
