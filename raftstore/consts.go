package raftstore

// File and directory names under Config.DataDir.
const (
	raftLogDirname   = "raftlog"     // the shared raft-log engine
	raftEntriesDir   = "raftentries" // the entry log's segments (entry_log.go)
	groupsDirname    = "groups"      // one Pebble per group: groups/<gid>_<n>
	snapTmpDirname   = "snap"        // snapshots being received, renamed into groups/
	groupPebbleMerge = "talus.raftstore.merge.v1"
)

// Keys in a group's Pebble. User keys are stored behind userKeyPrefix so that
// no user key can collide with the group's local keys.
const (
	localKeyPrefix = 0x01
	userKeyPrefix  = 0x02
)

var (
	// localAppliedKey holds | applied index (8B BE) | applied term (8B BE) |.
	localAppliedKey = []byte{localKeyPrefix, 'a'}
	// localConfStateKey holds the protobuf ConfState as of the applied index.
	localConfStateKey = []byte{localKeyPrefix, 'c'}
	// localDescriptorKey holds the group's RangeDescriptor (see descriptor.go).
	localDescriptorKey = []byte{localKeyPrefix, 'd'}
	// userKeysEnd is the exclusive upper bound of all user keys.
	userKeysEnd = []byte{userKeyPrefix + 1}
)

// Keys in the raft-log engine. All group keys are
//
//	| 'g' | groupID (8B BE) | suffix |
//
// with suffix 'l' + index (8B BE) for an entry: a pointer into the entry log
// (entry_log.go), or, written before the entry log, the protobuf
// raftpb.Entry itself; 'h' for the HardState (protobuf), 't' for the
// truncated state (| index 8B BE | term 8B BE |).
//
// The registry of the groups this node holds is a separate family,
//
//	| 'r' | groupID (8B BE) | → name of the group's Pebble directory under groups/
//
// A group exists on a node iff its registry key exists.
const (
	logGroupPrefix    = 'g'
	logEntrySuffix    = 'l'
	logHardSuffix     = 'h'
	logTruncSuffix    = 't'
	logRegistryPrefix = 'r'
	logGroupKeyLen    = 1 + 8 + 1
	logEntryKeyLen    = logGroupKeyLen + 8
	logNodeIdentKey   = "n/ident" // | nodeID 8B BE |, written once
)

// Raft bootstrap state: a new group starts with a log truncated at
// bootstrapIndex in term bootstrapTerm, its ConfState already applied, so that
// a replica added later always needs a snapshot and never replays bootstrap
// entries (the approach etcd raft recommends over RawNode.Bootstrap).
const (
	bootstrapIndex = 5
	bootstrapTerm  = 5
)

// Group ids. Group 1 is reserved for a future meta group; data groups start
// at firstDataGroupID.
const (
	firstDataGroupID = 2
)
