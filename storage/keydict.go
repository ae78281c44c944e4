package storage

import "strings"

// keyDict holds attribute keys that OpenTelemetry semantic conventions and
// common loggers use, so that a stored record spends one byte on each
// instead of the key's text. The list is part of record format v1: entries
// may be appended (up to 128) but never reordered or changed.
var keyDict = [...]string{
	"exception.type", "exception.message", "exception.stacktrace", "exception.escaped",
	"code.function", "code.function.name", "code.filepath", "code.file.path",
	"code.lineno", "code.line.number", "code.namespace", "code.column", "code.stacktrace",
	"thread.id", "thread.name", "log.file.name", "log.file.path", "log.iostream",
	"log.record.uid", "log.record.original", "http.request.method", "http.response.status_code",
	"http.route", "http.method", "http.status_code", "http.target", "http.url", "http.scheme",
	"url.full", "url.path", "url.query", "url.scheme", "server.address", "server.port",
	"client.address", "client.port", "network.peer.address", "network.peer.port",
	"network.protocol.name", "network.protocol.version", "user_agent.original", "user.id",
	"user.name", "user.email", "enduser.id", "session.id", "error.type", "error.fingerprint",
	"error.message", "event.name", "db.system", "db.system.name", "db.statement",
	"db.query.text", "db.operation", "db.operation.name", "db.name", "db.namespace",
	"db.collection.name", "rpc.system", "rpc.service", "rpc.method", "rpc.grpc.status_code",
	"messaging.system", "messaging.destination.name", "messaging.operation",
	"messaging.message.id", "k8s.pod.name", "k8s.namespace.name", "k8s.container.name",
	"k8s.node.name", "k8s.deployment.name", "k8s.job.name", "service.name",
	"service.namespace", "service.version", "service.instance.id", "host.name", "host.id",
	"host.arch", "os.type", "process.pid", "process.executable.name", "process.command_line",
	"process.runtime.name", "process.runtime.version", "container.id", "container.name",
	"container.image.name", "cloud.provider", "cloud.region", "cloud.availability_zone",
	"cloud.platform", "cloud.account.id", "telemetry.sdk.language", "telemetry.sdk.name",
	"telemetry.sdk.version", "deployment.environment", "deployment.environment.name",
	"duration_ms", "duration", "level", "logger", "logger.name", "message", "msg",
	"component", "trace_id", "span_id", "request_id", "request.id", "status", "method",
	"path", "source", "stream", "time", "timestamp", "caller", "error", "err", "name",
	"id", "type", "count", "size", "user", "host",
}

var keyDictIndex = func() map[string]byte {
	if len(keyDict) > 128 {
		panic("storage: keyDict holds more than 128 keys")
	}
	m := make(map[string]byte, len(keyDict))
	for i, k := range keyDict {
		if _, dup := m[k]; dup {
			panic("storage: keyDict repeats " + k)
		}
		m[k] = byte(0x80 + i)
	}
	return m
}()

// appendKey writes a map key: a dictionary key as 0x80+index; any other as
// its length (0–0x7e) and bytes, or 0x7f, a uvarint length and the bytes.
func appendKey(dst []byte, k string) []byte {
	k = sanitizeUTF8(k)
	if b, ok := keyDictIndex[k]; ok {
		return append(dst, b)
	}
	if len(k) < 0x7f {
		dst = append(dst, byte(len(k)))
		return append(dst, k...)
	}
	dst = append(dst, 0x7f)
	return appendUvarintString(dst, k)
}

// keyHasPrefix reads a map key written by appendKey and reports whether it
// starts with prefix, without making a string of it.
func (d *decoder) keyHasPrefix(prefix string) bool {
	b := d.byte1("map key")
	var k []byte
	switch {
	case b >= 0x80:
		i := int(b - 0x80)
		if i >= len(keyDict) {
			d.fail("map key dictionary index")
			return false
		}
		return strings.HasPrefix(keyDict[i], prefix)
	case b == 0x7f:
		k = d.raw(d.uvarint("map key"), "map key")
	default:
		k = d.raw(uint64(b), "map key")
	}
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == prefix
}

// key reads a map key written by appendKey.
func (d *decoder) key() string {
	b := d.byte1("map key")
	switch {
	case b >= 0x80:
		i := int(b - 0x80)
		if i >= len(keyDict) {
			d.fail("map key dictionary index")
			return ""
		}
		return keyDict[i]
	case b == 0x7f:
		return d.str("map key")
	default:
		return string(d.raw(uint64(b), "map key"))
	}
}
