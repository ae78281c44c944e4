//go:build cgo && libdeflate

package gunzip

/*
#cgo LDFLAGS: -l:libdeflate.a
#include <libdeflate.h>
*/
import "C"

import (
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// Available reports whether this build decompresses with libdeflate.
const Available = true

// decompressor owns a libdeflate decompressor (~32 KiB of tables); one
// must not be used by two goroutines at once, so they are pooled.
type decompressor struct {
	d *C.struct_libdeflate_decompressor
}

var pool = sync.Pool{New: func() any {
	d := &decompressor{C.libdeflate_alloc_decompressor()}
	if d.d == nil {
		return (*decompressor)(nil)
	}
	runtime.AddCleanup(d, func(p *C.struct_libdeflate_decompressor) { C.libdeflate_free_decompressor(p) }, d.d)
	return d
}}

// Decompress appends the uncompressed content of src, one whole gzip
// member, to dst and reports true, when the member's trailer says it holds
// at most limit bytes and decompressing it gives exactly that many. Else it
// returns dst unchanged and false, and the caller should decompress src
// with a streaming reader, which reports what is wrong.
func Decompress(dst, src []byte, limit int) ([]byte, bool) {
	n, ok := size(src)
	if !ok || n == 0 || n > limit {
		return dst, false
	}
	d, _ := pool.Get().(*decompressor)
	if d == nil {
		return dst, false
	}
	defer pool.Put(d)
	full := slices.Grow(dst, n)[:len(dst)+n]
	out := full[len(dst):]
	var in, got C.size_t
	r := C.libdeflate_gzip_decompress_ex(d.d, unsafe.Pointer(unsafe.SliceData(src)), C.size_t(len(src)),
		unsafe.Pointer(unsafe.SliceData(out)), C.size_t(n), &in, &got)
	if r != C.LIBDEFLATE_SUCCESS || int(in) != len(src) || int(got) != n {
		return dst, false
	}
	return full, true
}
