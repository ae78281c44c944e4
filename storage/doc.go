// Package storage is the log data model on a sorted key-value store (package
// kv): the key codec, resource hashing, the per-epoch resource map, posting
// lists and activity index, the write path, the latest-logs query engine and
// retention. It knows nothing of how the store is replicated.
//
// Keys follow the notes' layout, [Instance][Zone][Epoch][ResourceHash]
// [TimestampDelta], newest first, behind a one-byte table prefix; keys.go
// draws every layout. A write stores each record under its resource and
// time, and, once per resource and epoch, the resource itself and one
// posting key per attribute. Each write batch also adds, per epoch, one
// activity chunk naming the resources it touched with their newest
// timestamps; "latest over everything" walks those newest first and opens
// only the resources that can still win.
//
// Writes take OTLP protobuf as it arrives (WriteOTLP): otlp_wire.go reads
// the request's bytes as the collector's pdata unmarshaler would, and the
// records and resources are encoded from views of those bytes, with no
// message tree. Write takes pdata and goes the same way after marshaling.
//
// A Store is safe for concurrent use.
package storage
