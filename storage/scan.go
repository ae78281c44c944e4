package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage/selector"
)

// ScanEntry is what Scan hands to its callback; it is valid only during the call.
type ScanEntry struct {
	Timestamp      int64
	SeverityNumber int32
	SeverityText   string
	// Entry is the decoded entry when the query has a Filter (which needs
	// it decoded), else nil.
	Entry *Entry
}

// Scan calls fn for every entry that q's selector, filters and Filter
// accept within [q.Start, q.End], in no particular order, visiting at most
// max entries (0 means no bound). It reports whether it visited them all.
// It serves aggregations such as the logs volume, which need every entry of
// a range rather than the newest few.
func (s *Store) Scan(ctx context.Context, q Query, max int, fn func(*ScanEntry)) (complete bool, err error) {
	if q.Selector == nil {
		q.Selector = &selector.Query{}
	}
	epochs, err := s.epochsIn(q.Instance, q.Start, q.End)
	if err != nil {
		return false, err
	}
	it, err := s.kv.NewIter(&kv.IterOptions{
		LowerBound: appendPrefix(nil, TableLogs, q.Instance),
		UpperBound: kv.PrefixEnd(appendPrefix(nil, TableLogs, q.Instance)),
	})
	if err != nil {
		return false, err
	}
	defer it.Close()
	w := &walk{s: s, q: q, end: q.End, logs: it, resources: make(map[uint64]*StoredResource)}
	visited := 0
	var se ScanEntry
	// span visits the entries of one key prefix (a zone's or a resource's
	// part of an epoch) between the query's bounds.
	span := func(epoch int64, prefix []byte, byResource bool) error {
		for ok := it.SeekGE(prefix); ok; ok = it.Next() {
			k := it.Key()
			if !bytes.HasPrefix(k, prefix) {
				return nil
			}
			if visited++; visited%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if max > 0 && visited > max {
				return errScanFull
			}
			ts, _ := logKeyTail(k, epoch)
			if ts > q.End || ts < q.Start {
				if byResource && ts < q.Start {
					return nil // a resource's entries are newest first
				}
				continue
			}
			v := it.Value()
			sev, body, err := recordHead(v)
			if err != nil {
				return fmt.Errorf("entry %x: %w", k, err)
			}
			if !q.Selector.MatchesRecord(body, sev) {
				continue
			}
			if q.Prefilter != nil && !q.Prefilter(RawRecord{v}) {
				continue
			}
			if q.Filter != nil {
				lk, err := DecodeLogKey(k)
				if err != nil {
					return err
				}
				var e Entry
				if err := decodeRecord(v, ts, &e); err != nil {
					return fmt.Errorf("entry %x: %w", k, err)
				}
				e.Key = lk
				if e.Resource, err = w.resource(epoch, lk.Hash); err != nil {
					return err
				}
				if e.Resource == nil {
					e.Resource = &StoredResource{Hash: lk.Hash, Zone: lk.Zone}
				}
				if !q.Filter(&e) {
					continue
				}
				se = ScanEntry{Timestamp: ts, SeverityNumber: e.SeverityNumber, SeverityText: e.SeverityText, Entry: &e}
			} else {
				se = ScanEntry{Timestamp: ts, SeverityNumber: sev, SeverityText: severityTextOf(v, sev)}
			}
			fn(&se)
		}
		return it.Error()
	}
	for _, e := range epochs {
		var err error
		if q.Selector.MatchesAll() {
			for _, z := range e.summary.zones {
				zp := append(append(appendPrefix(nil, TableLogs, q.Instance), z...), 0)
				zp = binary.BigEndian.AppendUint64(zp, inv(uint64(e.start)))
				if err = span(e.start, zp, false); err != nil {
					break
				}
			}
		} else {
			var rs []*StoredResource
			if err = s.matchingResources(q.Instance, e.start, q.Selector, func(r *StoredResource) { rs = append(rs, r) }); err == nil {
				for _, r := range rs {
					w.resources[r.Hash] = r
					if err = span(e.start, AppendLogKeyPrefix(nil, q.Instance, r.Zone, e.start, r.Hash), true); err != nil {
						break
					}
				}
			}
		}
		if err == errScanFull {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

var errScanFull = fmt.Errorf("storage: scan bound reached")

// severityTextOf decodes only the severity text of a record value.
func severityTextOf(v []byte, sev int32) string {
	d := decoder{b: v}
	d.byte1("format")
	d.varint("observed time")
	d.uvarint("severity")
	return d.severityText(sev)
}

// RawRecord is a stored record not decoded yet (Query.Prefilter); each
// method reads only what it returns. A record it cannot read answers its
// zero values, and decoding it later reports the corruption.
type RawRecord struct{ v []byte }

// head skips the record's format, observed time and severity number.
func (r RawRecord) head() (decoder, int32) {
	d := decoder{b: r.v}
	d.byte1("format")
	d.varint("observed time")
	return d, int32(d.uvarint("severity"))
}

// SeverityNumber returns the record's severity number.
func (r RawRecord) SeverityNumber() int32 {
	_, sev := r.head()
	return sev
}

// SeverityText returns the record's severity text.
func (r RawRecord) SeverityText() string {
	d, sev := r.head()
	return d.severityText(sev)
}

// HasAttributePrefix reports whether one of the record's attribute keys
// starts with prefix, without building its attributes.
func (r RawRecord) HasAttributePrefix(prefix string) bool {
	d, sev := r.head()
	d.severityText(sev)
	d.skipValue(1) // the body
	n := d.count("map length")
	for i := 0; i < n && d.err == nil; i++ {
		if d.keyHasPrefix(prefix) {
			return d.err == nil
		}
		d.skipValue(1)
	}
	return false
}
