//go:build cgo

package gunzip

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>

// The three functions of libdeflate's API (stable since 1.0) that
// Decompress uses, found at run time.
typedef void *(*alloc_fn)(void);
typedef int (*gunzip_fn)(void *, const void *, size_t, void *, size_t, size_t *, size_t *);
typedef void (*free_fn)(void *);

static alloc_fn alloc_decompressor;
static gunzip_fn gzip_decompress_ex;
static free_fn free_decompressor;

static int load_libdeflate(void) {
	void *h = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		return 0;
	}
	alloc_decompressor = (alloc_fn)dlsym(h, "libdeflate_alloc_decompressor");
	gzip_decompress_ex = (gunzip_fn)dlsym(h, "libdeflate_gzip_decompress_ex");
	free_decompressor = (free_fn)dlsym(h, "libdeflate_free_decompressor");
	return alloc_decompressor != NULL && gzip_decompress_ex != NULL && free_decompressor != NULL;
}

static void *new_decompressor(void) { return alloc_decompressor(); }
static void del_decompressor(void *d) { free_decompressor(d); }

// inflate is 1 when in is one whole gzip member that inflates to exactly
// out_len bytes (LIBDEFLATE_SUCCESS is 0).
static int inflate(void *d, const void *in, size_t in_len, void *out, size_t out_len) {
	size_t in_used = 0, out_used = 0;
	int r = gzip_decompress_ex(d, in, in_len, out, out_len, &in_used, &out_used);
	return r == 0 && in_used == in_len && out_used == out_len;
}
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

func loadLibdeflate() bool { return C.load_libdeflate() == 1 }

// decompressor owns a libdeflate decompressor (~32 KiB of tables); one
// must not be used by two goroutines at once, so they are pooled.
type decompressor struct {
	d unsafe.Pointer
}

var pool = sync.Pool{New: func() any {
	d := &decompressor{C.new_decompressor()}
	if d.d == nil {
		return (*decompressor)(nil)
	}
	runtime.AddCleanup(d, func(p unsafe.Pointer) { C.del_decompressor(p) }, d.d)
	return d
}}

// inflate fills out from src, one gzip member, and reports whether src
// held exactly that.
func inflate(out, src []byte) bool {
	d, _ := pool.Get().(*decompressor)
	if d == nil {
		return false
	}
	defer pool.Put(d)
	return C.inflate(d.d, unsafe.Pointer(unsafe.SliceData(src)), C.size_t(len(src)),
		unsafe.Pointer(unsafe.SliceData(out)), C.size_t(len(out))) == 1
}
