package gunzip

import "encoding/binary"

// trailerSize is the gzip trailer: CRC-32 and ISIZE, the size of the
// uncompressed data modulo 2³².
const trailerSize = 8

// minMember is the smallest gzip member: a 10-byte header, an empty
// deflate block and the trailer.
const minMember = 10 + 2 + trailerSize

// size is the uncompressed size the last member's trailer of src claims.
func size(src []byte) (int, bool) {
	if len(src) < minMember || src[0] != 0x1f || src[1] != 0x8b {
		return 0, false
	}
	return int(binary.LittleEndian.Uint32(src[len(src)-4:])), true
}
