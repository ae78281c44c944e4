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
}

// cursorVersion prefixes encoded cursors so that their layout can change.
const cursorVersion = 1

// Encode renders the cursor as URL-safe text:
// base64url(| 1 | Timestamp 8B | Hash 8B | Uniq 4B | Zone |).
func (c *Cursor) Encode() string {
	b := []byte{cursorVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(c.Timestamp))
	b = binary.BigEndian.AppendUint64(b, c.Hash)
	b = binary.BigEndian.AppendUint32(b, c.Uniq)
	b = append(b, c.Zone...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a cursor made by Encode.
func ParseCursor(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 21 || b[0] != cursorVersion {
		return nil, fmt.Errorf("invalid cursor %q: pass back the next_cursor of a previous answer", s)
	}
	return &Cursor{
		Timestamp: int64(binary.BigEndian.Uint64(b[1:])),
		Hash:      binary.BigEndian.Uint64(b[9:]),
		Uniq:      binary.BigEndian.Uint32(b[17:]),
		Zone:      string(b[21:]),
	}, nil
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
