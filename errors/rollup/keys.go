package rollup

import (
	"fmt"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

// Counter key (storage.TableErrors), one per (epoch, fingerprint, service):
//
//	| 'e' | instance | 0x00 | ^EpochStart (8B BE) | fingerprint (9B: version, hash BE) | service.name (rest of the key) |
//
// The key starts with storage.AppendEpochPrefix(nil, storage.TableErrors,
// instance, epochStart), so retention (storage.Store.DropBefore) deletes the
// counters together with the epoch's entries. Within an epoch the counters of
// one fingerprint are adjacent (one per service), so a scan sums a
// fingerprint's services without sorting, and a seek to
// [epoch][fingerprint] finds one group. The service name is the raw
// resource attribute service.name in its selector string form ("" when the
// resource has none), cut to MaxServiceLen bytes; it needs no terminator
// because it ends the key.
//
// The layout is durable (part of counter format v1, see value.go).

// MaxServiceLen bounds the service name stored in a counter key. A longer
// name is cut (on a UTF-8 boundary); a selector on it then compares the cut
// name.
const MaxServiceLen = 128

// AppendKey appends the counter key of (instance, epoch, fp, service).
func AppendKey(dst []byte, instance string, epochStart int64, fp fingerprint.Fingerprint, service string) []byte {
	dst = storage.AppendEpochPrefix(dst, storage.TableErrors, instance, epochStart)
	dst = fp.AppendBinary(dst)
	return append(dst, cutUTF8(service, MaxServiceLen)...)
}

// keySuffix splits the part of a counter key after its epoch prefix into the
// fingerprint and the service. The service aliases k.
func keySuffix(k []byte) (fingerprint.Fingerprint, []byte, error) {
	fp, rest, err := fingerprint.ParseBinary(k)
	if err != nil {
		return fp, nil, fmt.Errorf("counter key suffix %x: %w", k, err)
	}
	return fp, rest, nil
}

// epochPrefixLen is the length of the epoch prefix of an instance's keys.
func epochPrefixLen(instance string) int { return 1 + len(instance) + 1 + 8 }

// epochOf returns the epoch start of a counter key of instance.
func epochOf(k []byte, instance string) int64 {
	n := epochPrefixLen(instance)
	var inv uint64
	for _, c := range k[n-8 : n] {
		inv = inv<<8 | uint64(c)
	}
	return int64(^inv)
}
