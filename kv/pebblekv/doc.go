// Package pebblekv implements kv.Store on one Pebble database: the embedded
// single-node store, and the ceiling the benchmark compares Talus against.
//
// The bottom level, where log data settles, is compressed with zstd level 3
// on 512 KiB blocks; the upper levels, rewritten soon, with Pebble's fastest
// compression. Merges go through the kv.Merger given at open.
package pebblekv
