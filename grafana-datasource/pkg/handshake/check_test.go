package handshake

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// field returns the frame's field by name or fails.
func field(t *testing.T, f *data.Frame, name string) *data.Field {
	t.Helper()
	fd, i := f.FieldByName(name)
	if i < 0 {
		t.Fatalf("frame %q has no field %q", f.Name, name)
	}
	return fd
}

// checkLogsMatch asserts that a log-lines frame holds exactly the entries
// the API returned, in the same order, with nanosecond times.
func checkLogsMatch(t *testing.T, f *data.Frame, want []api.LogEntry) {
	t.Helper()
	if f.Meta == nil || f.Meta.Type != data.FrameTypeLogLines {
		t.Fatalf("frame meta %+v, want type log-lines", f.Meta)
	}
	if f.Rows() != len(want) {
		t.Fatalf("frame has %d rows, the API returned %d", f.Rows(), len(want))
	}
	ts, body, sev, id, labels := field(t, f, "timestamp"), field(t, f, "body"), field(t, f, "severity"), field(t, f, "id"), field(t, f, "labels")
	for i, e := range want {
		ns, _ := strconv.ParseInt(e.TimeUnixNano, 10, 64)
		if got := ts.At(i).(time.Time).UnixNano(); got != ns {
			t.Errorf("row %d: timestamp %d, API %d", i, got, ns)
		}
		if got := id.At(i).(string); got != e.ID {
			t.Errorf("row %d: id %s, API %s", i, got, e.ID)
		}
		var s string
		if json.Unmarshal(e.Body, &s) != nil {
			s = string(e.Body)
		}
		if got := body.At(i).(string); got != s {
			t.Errorf("row %d: body %q, API %q", i, got, s)
		}
		if got := sev.At(i).(string); got == "" || strings.ToLower(got) != got {
			t.Errorf("row %d: severity %q, want a lower-case level word", i, got)
		}
		var lm map[string]string
		if err := json.Unmarshal(labels.At(i).(json.RawMessage), &lm); err != nil {
			t.Fatalf("row %d: labels: %v", i, err)
		}
		for k, v := range e.Resource {
			if sv, ok := v.(string); ok && lm[k] != sv {
				t.Errorf("row %d: label %s=%q, API resource %q", i, k, lm[k], sv)
			}
		}
	}
}

// checkTopMatch asserts a topErrors table equals the API's groups, in order.
func checkTopMatch(t *testing.T, f *data.Frame, want []api.ErrorGroup) {
	t.Helper()
	if f.Rows() != len(want) {
		t.Fatalf("table has %d rows, the API returned %d groups", f.Rows(), len(want))
	}
	fp, count := field(t, f, "fingerprint"), field(t, f, "count")
	for i, g := range want {
		if fp.At(i).(string) != g.Fingerprint || count.At(i).(int64) != int64(g.Count) {
			t.Errorf("row %d: %s × %d, API %s × %d", i, fp.At(i), count.At(i), g.Fingerprint, g.Count)
		}
	}
	if len(fp.Config.Links) == 0 || fp.Config.Links[0].Internal == nil {
		t.Errorf("fingerprint field has no internal data link: %+v", fp.Config)
	}
}
