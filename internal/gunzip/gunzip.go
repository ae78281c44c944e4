package gunzip

import (
	"encoding/binary"
	"os"
	"slices"
	"sync"
)

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

var load = sync.OnceValue(func() bool {
	return os.Getenv("TALUS_INFLATER") != "go" && loadLibdeflate()
})

// Available reports whether Decompress can inflate: libdeflate.so.0 was
// found and TALUS_INFLATER is not "go".
func Available() bool { return load() }

// Inflater names what inflates gzip'd requests, for `talus version`.
func Inflater() string {
	if Available() {
		return "libdeflate (libdeflate.so.0)"
	}
	if os.Getenv("TALUS_INFLATER") == "go" {
		return "Go (klauspost/compress; TALUS_INFLATER=go)"
	}
	return "Go (klauspost/compress); installing libdeflate0 (Debian, Ubuntu) makes it ~2.5× faster"
}

// Decompress appends the uncompressed content of src, one whole gzip
// member, to dst and reports true, when the member's trailer says it holds
// at most limit bytes and inflating it gives exactly that many. Else it
// returns dst unchanged and false, and the caller should decompress src
// with a streaming reader, which reports what is wrong.
func Decompress(dst, src []byte, limit int) ([]byte, bool) {
	n, ok := size(src)
	if !ok || n == 0 || n > limit || !Available() {
		return dst, false
	}
	full := slices.Grow(dst, n)[:len(dst)+n]
	if !inflate(full[len(dst):], src) {
		return dst, false
	}
	return full, true
}
