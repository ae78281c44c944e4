// Package receiver accepts OTLP logs over gRPC (LogsService/Export) and
// HTTP (POST /v1/logs, protobuf or JSON, gzip/zstd/deflate) and hands them
// to a Writer, answering only after the write is durable. Protobuf requests,
// over either transport, reach the Writer as bytes (Writer.WriteOTLP): the
// store decodes them itself; JSON is decoded into pdata here.
//
// Status codes follow the OTLP specification and what the collector's own
// exporters expect:
//
//	malformed body                 → HTTP 400 / INVALID_ARGUMENT (not retried)
//	body over 64 MiB (decompressed)→ HTTP 413 / RESOURCE_EXHAUSTED (not retried)
//	unsupported Content-Type       → HTTP 415; unsupported Content-Encoding → 415
//	some records invalid           → 200 / OK with partial_success (not retried)
//	overloaded, store unavailable  → HTTP 503 + Retry-After / UNAVAILABLE + RetryInfo (retried)
//
// The tenant comes from the X-Talus-Instance header (gRPC metadata
// x-talus-instance), default "default".
package receiver
