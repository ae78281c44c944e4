package storage

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// Cursor marks the last entry of a page; the next page starts just after it.
// Entries are ordered by timestamp descending, then zone, resource hash and
// uniquifier ascending, a total order that every query walks.
type Cursor struct {
	Timestamp int64
	Zone      string
	Hash      uint64
	Uniq      uint32
	// Start is the start of the time range of the query that made the
	// cursor (when HasStart): a next page asked for without a start keeps
	// the first page's range, rather than a default range that has moved
	// on with the clock and would skip the oldest entries.
	Start    int64
	HasStart bool
}

// Cursor versions: 1 has no start; 2 (what Encode writes when the cursor
// has one) adds it.
const (
	cursorV1 = 1
	cursorV2 = 2
)

// Encode renders the cursor as URL-safe text:
// base64url(| 2 | Timestamp 8B | Hash 8B | Uniq 4B | Start 8B | Zone |), or
// version 1 without Start.
func (c *Cursor) Encode() string {
	b := []byte{cursorV1}
	if c.HasStart {
		b[0] = cursorV2
	}
	b = binary.BigEndian.AppendUint64(b, uint64(c.Timestamp))
	b = binary.BigEndian.AppendUint64(b, c.Hash)
	b = binary.BigEndian.AppendUint32(b, c.Uniq)
	if c.HasStart {
		b = binary.BigEndian.AppendUint64(b, uint64(c.Start))
	}
	b = append(b, c.Zone...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a cursor made by Encode.
func ParseCursor(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 21 || (b[0] != cursorV1 && b[0] != cursorV2) || (b[0] == cursorV2 && len(b) < 29) {
		return nil, fmt.Errorf("invalid cursor %q: pass back the next_cursor of a previous answer", s)
	}
	c := &Cursor{
		Timestamp: int64(binary.BigEndian.Uint64(b[1:])),
		Hash:      binary.BigEndian.Uint64(b[9:]),
		Uniq:      binary.BigEndian.Uint32(b[17:]),
	}
	zone := b[21:]
	if b[0] == cursorV2 {
		c.Start, c.HasStart = int64(binary.BigEndian.Uint64(b[21:])), true
		zone = b[29:]
	}
	c.Zone = string(zone)
	return c, nil
}

// before reports whether an entry at (ts, zone, hash, uniq) comes at or
// before c in walk order, i.e. was already returned.
func (c *Cursor) covers(ts int64, zone string, hash uint64, uniq uint32) bool {
	if ts != c.Timestamp {
		return ts > c.Timestamp
	}
	if zone != c.Zone {
		return zone < c.Zone
	}
	if hash != c.Hash {
		return hash < c.Hash
	}
	return uniq <= c.Uniq
}

// entryLess is the walk order: newer first, then zone, hash, uniquifier.
func entryLess(ats int64, azone string, ahash uint64, auniq uint32, bts int64, bzone string, bhash uint64, buniq uint32) bool {
	if ats != bts {
		return ats > bts
	}
	if azone != bzone {
		return azone < bzone
	}
	if ahash != bhash {
		return ahash < bhash
	}
	return auniq < buniq
}
