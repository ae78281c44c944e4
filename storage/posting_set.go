package storage

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// A posting set is the value of a posting key: the resource hashes that have
// one attribute value in one epoch, as 8-byte big-endian numbers in
// ascending order, each once. Writes add hashes with Merge operands in the
// same encoding, and mergePostingSet (a sorted union) combines them, so a
// write batch adds one operand per (name, value) however many new resources
// share the value — a posting key per resource would cost one memtable
// insert per attribute per resource. The layout is durable (format v1).

// appendPostingSet sorts hashes and appends them as a posting set.
func appendPostingSet(dst []byte, hashes []uint64) []byte {
	sort.Slice(hashes, func(i, j int) bool { return hashes[i] < hashes[j] })
	for i, h := range hashes {
		if i > 0 && hashes[i-1] == h {
			continue
		}
		dst = binary.BigEndian.AppendUint64(dst, h)
	}
	return dst
}

func checkPostingSet(b []byte) error {
	if len(b)%8 != 0 {
		return fmt.Errorf("%w: posting set of %d bytes", ErrCorrupt, len(b))
	}
	return nil
}

// forEachPosting calls fn for each hash of a posting set.
func forEachPosting(b []byte, fn func(uint64)) error {
	if err := checkPostingSet(b); err != nil {
		return err
	}
	for i := 0; i < len(b); i += 8 {
		fn(binary.BigEndian.Uint64(b[i:]))
	}
	return nil
}

// mergePostingSet is the sorted union of two posting sets.
func mergePostingSet(_, older, newer []byte) ([]byte, error) {
	if err := checkPostingSet(older); err != nil {
		return nil, err
	}
	if err := checkPostingSet(newer); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(older)+len(newer))
	i, j := 0, 0
	for i < len(older) || j < len(newer) {
		switch {
		case j >= len(newer):
			out = append(out, older[i:i+8]...)
			i += 8
		case i >= len(older):
			out = append(out, newer[j:j+8]...)
			j += 8
		default:
			a, b := binary.BigEndian.Uint64(older[i:]), binary.BigEndian.Uint64(newer[j:])
			switch {
			case a < b:
				out = append(out, older[i:i+8]...)
				i += 8
			case b < a:
				out = append(out, newer[j:j+8]...)
				j += 8
			default:
				out = append(out, older[i:i+8]...)
				i += 8
				j += 8
			}
		}
	}
	return out, nil
}
