package receiver_test

import (
	"encoding/binary"
	"net/http"
	"testing"

	"github.com/talus-logs/talus/internal/gunzip"
	"go.opentelemetry.io/collector/pdata/plog"
)

// TestGzipBodiesOfEveryShape: a gzip'd body is stored intact however it is
// framed, and a corrupt one is refused. With libdeflate (internal/gunzip) a
// body is inflated in one call only when it is one member whose trailer
// tells its size; the other shapes must reach the streaming reader and be
// judged as before.
func TestGzipBodiesOfEveryShape(t *testing.T) {
	t.Logf("inflater: %s", gunzip.Inflater())
	e := newEnv(t, envOptions{})
	want := plog.NewLogs()
	accepted := func(name string, ld plog.Logs, body []byte) {
		t.Helper()
		if status, _, answer := e.post(ctProto, "gzip", body); status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", name, status, answer)
		}
		ld.ResourceLogs().MoveAndAppendTo(want.ResourceLogs())
	}

	ld := genLogs("one-member", 50)
	accepted("one member", ld, compressed(t, "gzip", protoLogs(t, ld)))

	ld = genLogs("two-members", 50)
	raw := protoLogs(t, ld)
	accepted("two members", ld, append(compressed(t, "gzip", raw[:len(raw)/3]), compressed(t, "gzip", raw[len(raw)/3:])...))

	// A wrong size in the trailer is a corrupt body (the streaming reader
	// checks it too), never a shorter or a padded request.
	for name, isize := range map[string]uint32{"trailer-says-less": 1, "trailer-says-more": 1 << 20} {
		z := compressed(t, "gzip", protoLogs(t, genLogs(name, 50)))
		binary.LittleEndian.PutUint32(z[len(z)-4:], isize)
		if status, _, answer := e.post(ctProto, "gzip", z); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", name, status, answer)
		}
	}
	e.assertIntact("default", want)
}
