//go:build !(cgo && libdeflate)

package gunzip

// Available reports whether this build decompresses with libdeflate.
const Available = false

// Decompress handles nothing in a build without libdeflate: the caller's
// streaming reader decompresses src.
func Decompress(dst, src []byte, limit int) ([]byte, bool) { return dst, false }
