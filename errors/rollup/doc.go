// Package rollup keeps the error counters: at ingest it counts error records
// by their v1 fingerprint, per epoch and service, in the store's errors table
// (storage.TableErrors); at query time it sums them into the top-errors and
// error-group answers of the query API (wire.ErrorsBackend, re-exported as api.ErrorsBackend).
//
// The package owns:
//
//   - the counter key (keys.go) and the counter value with its merge function
//     (value.go), both durable, versioned and drawn there;
//   - the ingest hook (Recorder.Hook, a storage.RecordHook) and its
//     pre-aggregating form for one write (Recorder.NewWrite);
//   - the query side (Backend: Top, Group, Fingerprint).
//
// What lives elsewhere: the fingerprint itself (which records are errors,
// how they are grouped) is errors/fingerprint, used through its exported API
// only; the table byte, the epoch prefix and retention are storage's.
//
// # Usage
//
//  1. Open the KV with the merge functions of Mergers registered under
//     kv.MergerByTable (always, even with counting off, so that counters
//     already on disk keep merging).
//  2. Set storage.Options.OnRecord to NewRecorder().Hook (one Recorder per
//     store). Every accepted error record then merges one operand into its
//     counter, in the same batch as the record: counters and entries commit
//     or fail together.
//  3. Serve queries with NewBackend(store).
//
// # Invariants
//
// A counter is keyed by [epoch][fingerprint][service] and its key starts
// with the epoch prefix of storage.TableErrors, so dropping an epoch drops
// its counters. The merge is associative and commutative and every field is
// a sum, a min, a max or a deterministic choice (the sample), so the same
// records written in one batch, in many batches, or into several stores
// whose counters are merged give the same counters.
//
// # Selectors
//
// The service is a key dimension, not part of the fingerprint. A selector
// of service.name matchers only (=, !=, =~, !~) is matched exactly against
// each counter's service. Any other selector (another resource attribute, a
// line or severity filter) is answered from the stored log records of the
// matching resources (records.go): each error is fingerprinted again as the
// hook did at ingest, over the minutes the range overlaps, so it gives the
// counters' counts and trends, at the cost of reading those records. The
// trade-off: keying counters by service keeps a day of them small
// (fingerprints × services × epochs) so top errors stays fast, where keying
// by resource hash would multiply the keys by the number of pods.
//
// # Known inexactness
//
// An export retried after a lost acknowledgement is written again: its log
// entries rewrite the same keys (content-derived uniquifiers), but its
// counter operands are merged a second time, so the errors of that export are
// counted twice. Avoiding it would need an idempotent operand: for example a
// per-write id remembered per counter (a set that grows with every write), or
// reading the entry key before counting (a point read per error record on the
// write path, and still racy between concurrent retries). Neither is worth
// its cost for a counter whose purpose is ranking; the receiver's retries are
// rare, and the logs endpoint (?fingerprint=) always shows the exact entries.
//
// # Write cost
//
// Write is the path talus server uses (through storage.Options.NewWriteHook):
// Record per record, Flush once per write, so each counter gets one merge
// operand per write. Recorder.Hook (a storage.RecordHook) merges one operand
// per error record instead; operands are small (about 25 bytes; the sample
// is carried only while it may be the earliest of its counter) and Pebble
// folds them when a memtable is flushed. The two are tested to give the same
// counters. See docs/errors.md.
package rollup
