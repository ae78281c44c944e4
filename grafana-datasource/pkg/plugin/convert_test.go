package plugin

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/talus-logs/talus/api"
)

func TestSeverityLevel(t *testing.T) {
	f := func(num int32, text, want string) {
		t.Helper()
		if got := severityLevel(num, text); got != want {
			t.Errorf("severityLevel(%d, %q) = %q, want %q", num, text, got, want)
		}
	}
	f(1, "", "trace")
	f(4, "", "trace")
	f(5, "", "debug")
	f(9, "WARN", "info") // the number wins
	f(12, "", "info")
	f(13, "", "warning")
	f(17, "", "error")
	f(20, "", "error")
	f(21, "", "critical")
	f(24, "", "critical")
	f(0, "", "unknown")
	f(0, "Warning", "warning")
	f(0, "ERR", "error")
	f(0, "fatal", "critical")
	f(0, "Information", "info")
	f(0, "notice", "info")
	f(0, "dbug", "debug")
	f(0, "verbose", "unknown")
	f(99, "", "unknown")
}

func TestBodyText(t *testing.T) {
	f := func(raw, want string) {
		t.Helper()
		if got := bodyText(json.RawMessage(raw)); got != want {
			t.Errorf("bodyText(%s) = %q, want %q", raw, got, want)
		}
	}
	f(`"plain \"quoted\" text"`, `plain "quoted" text`)
	f(`{"a": 1, "b": [true, null]}`, `{"a":1,"b":[true,null]}`)
	f(`42`, `42`)
	f(`null`, ``)
	f(``, ``)
}

func TestAddMatcher(t *testing.T) {
	f := func(q, want string) {
		t.Helper()
		if got := addMatcher(q, "service.name", `a"b`); got != want {
			t.Errorf("addMatcher(%q) = %q, want %q", q, got, want)
		}
	}
	f(``, `{service.name="a\"b"}`)
	f(`{}`, `{service.name="a\"b"}`)
	f(`{ k="v"} |= "x"`, `{service.name="a\"b", k="v"} |= "x"`)
	f(`|= "x"`, `{service.name="a\"b"} |= "x"`)
}

func TestSparkline(t *testing.T) {
	p := func(cs ...uint64) []api.TrendPoint {
		var out []api.TrendPoint
		for _, c := range cs {
			out = append(out, api.TrendPoint{Count: c})
		}
		return out
	}
	f := func(pts []api.TrendPoint, want string) {
		t.Helper()
		if got := sparkline(pts); got != want {
			t.Errorf("sparkline = %q, want %q", got, want)
		}
	}
	f(p(0, 0, 0), "▁▁▁")
	f(p(0, 1, 7, 70), "▁▂▂█")
	f(p(10, 5, 0), "█▅▁")
	f(nil, "")
}

func TestBucketStep(t *testing.T) {
	f := func(span, interval, want time.Duration) {
		t.Helper()
		from := time.Unix(0, 0)
		q := backend.DataQuery{Interval: interval, TimeRange: backend.TimeRange{From: from, To: from.Add(span)}}
		if got := bucketStep(q); got != want {
			t.Errorf("bucketStep(span %v, interval %v) = %v, want %v", span, interval, got, want)
		}
	}
	f(time.Hour, time.Minute, time.Minute)
	f(time.Hour, 0, time.Second)
	f(30*24*time.Hour, time.Second, 236*time.Second) // ≤ maxBuckets buckets
}

func TestGridZeroFill(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)
	g := newGrid(from, from.Add(3*time.Minute), time.Minute)
	if g.n != 4 || !g.start.Equal(from.Truncate(time.Minute)) {
		t.Fatalf("grid %+v", g)
	}
	counts := make([]float64, g.n)
	ns := func(d time.Duration) string { return jsonNum(g.start.Add(d).UnixNano()) }
	err := g.addTrend(counts, []api.TrendPoint{
		{TimeUnixNano: ns(0), Count: 1}, {TimeUnixNano: ns(90 * time.Second), Count: 2},
		{TimeUnixNano: ns(-time.Minute), Count: 100}, {TimeUnixNano: ns(10 * time.Minute), Count: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] != 1 || counts[1] != 2 || counts[2] != 0 || counts[3] != 0 {
		t.Errorf("counts %v", counts)
	}
	if err := g.addTrend(counts, []api.TrendPoint{{TimeUnixNano: "soon"}}); err == nil {
		t.Error("bad time accepted")
	}
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestSparklineStep(t *testing.T) {
	f := func(span, want time.Duration) {
		t.Helper()
		from := time.Unix(0, 0)
		q := backend.DataQuery{Interval: time.Second, TimeRange: backend.TimeRange{From: from, To: from.Add(span)}}
		if got := sparklineStep(q); got != want {
			t.Errorf("sparklineStep(%v) = %v, want %v", span, got, want)
		}
	}
	f(5*time.Minute, time.Minute)
	f(6*time.Hour, 15*time.Minute)
	f(7*24*time.Hour, 7*time.Hour)
	f(25*time.Hour, 63*time.Minute) // 62.5 min rounded up to whole minutes
}

func TestSearchWords(t *testing.T) {
	f := func(q string, want ...string) {
		t.Helper()
		got := searchWords(q)
		if len(got) != len(want) {
			t.Fatalf("searchWords(%q) = %q, want %q", q, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("searchWords(%q) = %q, want %q", q, got, want)
			}
		}
	}
	f(`{a="b"}`)
	f(`{a="b"} |= "timeout" != "debug" |= `+"`raw \\d`", "timeout", `raw \d`)
	f(`{} |= "say \"hi\""`, `say "hi"`)
	f(`{} |= ""`)
	f(`{} |~ "re.*"`)
}
