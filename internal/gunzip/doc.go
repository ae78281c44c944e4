// Package gunzip decompresses whole gzip streams in one call, for request
// bodies that are read into memory anyway.
//
// Exporters gzip every OTLP request by default, and with Go's fastest
// inflater (klauspost/compress) decompressing took ~19% of the server's CPU
// during an ingest. libdeflate inflates OTLP requests ~2.5× faster, because
// it decodes a whole buffer at once instead of a stream. The package loads
// it at run time (dlopen of libdeflate.so.0, which Debian and Ubuntu ship
// as libdeflate0, a dependency of libtiff), so any build of talus uses it
// where it is installed and needs nothing where it is not: Available is
// then false and Decompress never handles anything, so callers keep their
// streaming reader. TALUS_INFLATER=go turns it off.
//
// Decompress handles only what it can do exactly: one gzip member whose
// trailer's size fits the limit and matches what the member holds. For
// anything else (several members, a lying trailer, corrupt data) it
// reports that it did not handle src, and the caller's streaming reader
// decodes src instead and reports the error as before.
package gunzip
