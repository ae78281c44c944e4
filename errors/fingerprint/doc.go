// Package fingerprint computes the Talus error fingerprint: a pure, versioned,
// stateless 64-bit key that groups error records (and, more generally, log
// lines) that come from the same statement or the same bug.
//
// The package owns:
//
//   - the error predicate (IsError: severity >= ERROR or any exception.* attribute);
//   - the v5 algorithm (Fingerprinter, Compute, Explain): an explicit
//     error.fingerprint attribute wins; else the exception type chain plus the
//     top in-app frames of exception.stacktrace; else the exception type plus
//     the normalized message; else code.function plus the normalized first line
//     of the body;
//   - the message normalizer (AppendTemplate): header stripping and a
//     single-pass tokenizer that masks variable tokens with "<*>";
//   - the stack-trace parsers for Java/Kotlin, Python, Go, Node.js, .NET and Ruby;
//   - the durable forms of a fingerprint: the text form "v5:" + 16 lowercase hex
//     digits and the 9-byte binary form (version byte + big-endian hash); v1,
//     v2, v3 and v4 fingerprints still parse.
//
// Invariants. A fingerprint depends only on the Record passed in: no clock, no
// configuration, no state shared between calls, no map iteration order. Every
// range of a sharded store therefore computes the same value for the same record
// on its own, and counters keyed by fingerprint merge exactly. The service name is
// deliberately not an input. The mask rules, the header rules, the frame rules and
// the in-app tables are all part of the version (5): changing any of them in a
// way that changes an output is a new version (v6), never an edit in place.
//
// What lives elsewhere: counting, first/last seen and per-service trends are kept
// by the errors rollup (errors/rollup); merging fingerprints into issues is an
// offline job. This package imports only the standard library and must never
// import storage, raftstore or any I/O package.
package fingerprint
