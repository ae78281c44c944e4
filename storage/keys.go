package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Tables: the first byte of every key. Each table can get its own
// replication and tier settings because its keys form one contiguous span.
const (
	TableLogs      byte = 'l' // log entries
	TableResources byte = 'r' // per-epoch resource map
	TablePostings  byte = 'p' // per-epoch posting lists
	TableActivity  byte = 't' // per-epoch resource activity, newest first
	TableEpochs    byte = 's' // per-epoch summary (time span, zones)
	TableMeta      byte = 'm' // store settings
	// TableErrors is reserved for package errors/rollup.
	TableErrors byte = 'e'
)

// KeyFormatVersion is the version of every key layout below. The layouts are
// durable: a change means a new version and a migration, never an edit.
const KeyFormatVersion = 1

// Log entry key (TableLogs), newest first within a resource:
//
//	| 'l' | instance | 0x00 | zone | 0x00 | ^EpochStart (8B BE) | ResourceHash (8B BE) | ^Delta (8B BE) | Uniquifier (4B) |
//
// EpochStart is the epoch's first Unix nanosecond and Delta the entry's
// nanoseconds since EpochStart; both are stored inverted (bitwise not) so that
// newer epochs and newer entries sort first. The uniquifier is derived from the
// record's content, so a retried export rewrites the same keys.
//
// Resource key (TableResources), value = zone + canonical resource:
//
//	| 'r' | instance | 0x00 | ^EpochStart | ResourceHash |
//
// Posting key (TablePostings), value = posting set (posting_set.go): the
// hashes of the resources with that attribute value in the epoch, merged:
//
//	| 'p' | instance | 0x00 | ^EpochStart | escaped name | 0x00 0x00 | escaped value | 0x00 0x00 |
//
// Activity chunk key (TableActivity), value = activity chunk
// (activity.go): the resources one write touched in the epoch, each with its
// newest timestamp there and its zone; MaxTimestamp is the newest of them.
// Scanning the table newest first names the resources worth opening for
// "latest over everything". ChunkID is derived from the chunk's content, so
// a retried export rewrites the same key.
//
//	| 't' | instance | 0x00 | ^EpochStart | ^MaxTimestamp (8B BE) | ChunkID (8B BE) | 'c' |
//
// Stores written before chunks have one activity key per resource per
// write, value = zone; queries still read them:
//
//	| 't' | instance | 0x00 | ^EpochStart | ^Timestamp (8B BE) | ResourceHash |
//
// Epoch key (TableEpochs), value = epoch summary (merged):
//
//	| 's' | instance | 0x00 | ^EpochStart |
const (
	hashLen       = 8
	uniqLen       = 4
	logSuffixLen  = 8 + hashLen + 8 + uniqLen
	maxNameLength = 64
)

// ErrBadKey marks keys that do not decode.
var ErrBadKey = errors.New("storage: malformed key")

// ValidateName checks an instance or zone name: printable, no 0x00, at most
// 64 bytes. The empty zone is valid; the empty instance is not.
func ValidateName(kind, s string) error {
	if len(s) > maxNameLength {
		return fmt.Errorf("%s name %q longer than %d bytes", kind, s, maxNameLength)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("%s name %q has a control character", kind, s)
		}
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s name %q is not valid UTF-8", kind, s)
	}
	return nil
}

func appendPrefix(dst []byte, table byte, instance string) []byte {
	dst = append(dst, table)
	dst = append(dst, instance...)
	return append(dst, 0)
}

func inv(v uint64) uint64 { return ^v }

// AppendLogKeyPrefix appends the key prefix shared by every entry of a
// resource in an epoch.
func AppendLogKeyPrefix(dst []byte, instance, zone string, epochStart int64, hash uint64) []byte {
	dst = appendPrefix(dst, TableLogs, instance)
	dst = append(dst, zone...)
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint64(dst, inv(uint64(epochStart)))
	return binary.BigEndian.AppendUint64(dst, hash)
}

// AppendLogKey appends the key of one log entry.
func AppendLogKey(dst []byte, instance, zone string, epochStart int64, hash uint64, ts int64, uniq uint32) []byte {
	dst = AppendLogKeyPrefix(dst, instance, zone, epochStart, hash)
	dst = binary.BigEndian.AppendUint64(dst, inv(uint64(ts-epochStart)))
	return binary.BigEndian.AppendUint32(dst, uniq)
}

// LogKey is a decoded log entry key.
type LogKey struct {
	Instance   string
	Zone       string
	EpochStart int64
	Hash       uint64
	Timestamp  int64
	Uniq       uint32
}

// DecodeLogKey decodes a key written by AppendLogKey.
func DecodeLogKey(k []byte) (LogKey, error) {
	var lk LogKey
	if len(k) < 1+2+logSuffixLen || k[0] != TableLogs {
		return lk, fmt.Errorf("%w: log key %x", ErrBadKey, k)
	}
	rest := k[1:]
	i := indexZero(rest)
	if i < 0 {
		return lk, fmt.Errorf("%w: log key %x has no instance terminator", ErrBadKey, k)
	}
	lk.Instance = string(rest[:i])
	rest = rest[i+1:]
	i = indexZero(rest)
	if i < 0 || len(rest)-i-1 != logSuffixLen {
		return lk, fmt.Errorf("%w: log key %x has a bad zone or suffix", ErrBadKey, k)
	}
	lk.Zone = string(rest[:i])
	rest = rest[i+1:]
	lk.EpochStart = int64(inv(binary.BigEndian.Uint64(rest)))
	lk.Hash = binary.BigEndian.Uint64(rest[8:])
	lk.Timestamp = lk.EpochStart + int64(inv(binary.BigEndian.Uint64(rest[16:])))
	lk.Uniq = binary.BigEndian.Uint32(rest[24:])
	return lk, nil
}

// logKeyTail decodes the timestamp and uniquifier from the fixed-size end of
// a log key, without parsing the rest.
func logKeyTail(k []byte, epochStart int64) (ts int64, uniq uint32) {
	t := k[len(k)-12:]
	return epochStart + int64(inv(binary.BigEndian.Uint64(t))), binary.BigEndian.Uint32(t[8:])
}

func indexZero(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// AppendEpochPrefix appends the prefix of a per-epoch table for one epoch.
func AppendEpochPrefix(dst []byte, table byte, instance string, epochStart int64) []byte {
	dst = appendPrefix(dst, table, instance)
	return binary.BigEndian.AppendUint64(dst, inv(uint64(epochStart)))
}

// AppendResourceKey appends the resource-map key of a resource in an epoch.
func AppendResourceKey(dst []byte, instance string, epochStart int64, hash uint64) []byte {
	dst = AppendEpochPrefix(dst, TableResources, instance, epochStart)
	return binary.BigEndian.AppendUint64(dst, hash)
}

// AppendActivityKey appends the activity key of a resource that wrote up to ts.
func AppendActivityKey(dst []byte, instance string, epochStart, ts int64, hash uint64) []byte {
	dst = AppendEpochPrefix(dst, TableActivity, instance, epochStart)
	dst = binary.BigEndian.AppendUint64(dst, inv(uint64(ts)))
	return binary.BigEndian.AppendUint64(dst, hash)
}

// activityChunkMark ends an activity chunk key, one byte longer than the
// one-resource activity key it replaced.
const activityChunkMark = 'c'

// AppendActivityChunkKey appends the key of an activity chunk whose newest
// resource wrote up to maxTs.
func AppendActivityChunkKey(dst []byte, instance string, epochStart, maxTs int64, id uint64) []byte {
	dst = AppendActivityKey(dst, instance, epochStart, maxTs, id)
	return append(dst, activityChunkMark)
}

// decodeActivitySuffix decodes the timestamp and hash at the end of an activity key.
func decodeActivitySuffix(k []byte) (ts int64, hash uint64) {
	t := k[len(k)-16:]
	return int64(inv(binary.BigEndian.Uint64(t))), binary.BigEndian.Uint64(t[8:])
}

// AppendPostingPrefix appends the posting-list prefix of an attribute name,
// or of one of its values when value is not nil.
func AppendPostingPrefix(dst []byte, instance string, epochStart int64, name string, value *string) []byte {
	dst = AppendEpochPrefix(dst, TablePostings, instance, epochStart)
	dst = appendEscaped(dst, name)
	dst = append(dst, 0, 0)
	if value != nil {
		dst = appendEscaped(dst, *value)
		dst = append(dst, 0, 0)
	}
	return dst
}

// AppendPostingKey appends the posting key of (name, value).
func AppendPostingKey(dst []byte, instance string, epochStart int64, name, value string) []byte {
	return AppendPostingPrefix(dst, instance, epochStart, name, &value)
}

// appendEscaped writes s so that 0x00 0x00 can terminate it and the order of
// strings is kept: 0x00 becomes 0x00 0xff.
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			dst = append(dst, 0, 0xff)
		} else {
			dst = append(dst, s[i])
		}
	}
	return dst
}

// readEscaped reads an escaped string up to its 0x00 0x00 terminator and
// returns the string and the rest after the terminator.
func readEscaped(b []byte) (string, []byte, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != 0 {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch b[i+1] {
		case 0:
			return string(out), b[i+2:], nil
		case 0xff:
			out = append(out, 0)
			i++
		default:
			return "", nil, fmt.Errorf("%w: bad escape %x", ErrBadKey, b[i+1])
		}
	}
	return "", nil, fmt.Errorf("%w: unterminated string", ErrBadKey)
}

// EpochKey returns the epoch summary key.
func EpochKey(instance string, epochStart int64) []byte {
	return AppendEpochPrefix(nil, TableEpochs, instance, epochStart)
}

// decodeEpochSuffix returns the epoch start at the end of an epoch-table key
// prefix of length n.
func decodeEpochAt(k []byte, off int) (int64, error) {
	if len(k) < off+8 {
		return 0, fmt.Errorf("%w: %x too short for an epoch", ErrBadKey, k)
	}
	return int64(inv(binary.BigEndian.Uint64(k[off:]))), nil
}

// splitInstance returns the instance of a key in any instance-prefixed table
// and the offset of what follows it.
func splitInstance(k []byte) (string, int, error) {
	if len(k) < 2 {
		return "", 0, fmt.Errorf("%w: %x", ErrBadKey, k)
	}
	i := indexZero(k[1:])
	if i < 0 {
		return "", 0, fmt.Errorf("%w: %x has no instance terminator", ErrBadKey, k)
	}
	return string(k[1 : 1+i]), 2 + i, nil
}
