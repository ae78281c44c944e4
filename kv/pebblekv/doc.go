// Package pebblekv implements kv.Store on one Pebble database: the embedded
// single-node store, and the ceiling the benchmark compares Talus against.
//
// Blocks are compressed with zstd on every level (log data compresses well and
// is written once), and merges go through the kv.Merger given at open.
package pebblekv
