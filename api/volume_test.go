package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/talus-logs/talus/api"
)

func TestVolume(t *testing.T) {
	e := newAPIEnv(t)
	recs := manyRecords(600) // 24 severities over 3 jobs, 300 s from t0+59m
	e.write("default", recs...)
	start, end := t0.Add(59*time.Minute), t0.Add(64*time.Minute)
	want := map[string]map[int64]uint64{}
	for _, r := range recs {
		if r.job != "job-1" {
			continue
		}
		lvl := api.LevelOf(int32(r.sev), "")
		if want[lvl] == nil {
			want[lvl] = map[int64]uint64{}
		}
		want[lvl][start.Add(r.ts.Sub(start).Truncate(time.Minute)).UnixNano()]++
	}
	v, err := e.client.Volume(ctx(), api.LogsQuery{Query: `{k8s.job.name="job-1"}`, Start: start, End: end}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Complete || v.StepSeconds != 60 || len(v.Series) != len(want) {
		t.Fatalf("volume = complete %v step %v, %d series; want %d", v.Complete, v.StepSeconds, len(v.Series), len(want))
	}
	order := []string{"fatal", "error", "warn", "info", "debug", "trace"}
	for i, s := range v.Series {
		if s.Level != order[i] {
			t.Fatalf("series %d is %q, want %q (most severe first)", i, s.Level, order[i])
		}
		if len(s.Points) != 6 {
			t.Fatalf("%s: %d buckets, want 6 (zero-filled)", s.Level, len(s.Points))
		}
		for _, p := range s.Points {
			ns, _ := strconv.ParseInt(p.TimeUnixNano, 10, 64)
			if p.Count != want[s.Level][ns] {
				t.Fatalf("%s at %s: %d, want %d", s.Level, time.Unix(0, ns).UTC(), p.Count, want[s.Level][ns])
			}
		}
	}
	if code, _ := e.get("/api/v1/logs/volume?step=1ms&start=0&end=" + strconv.FormatInt(end.UnixNano(), 10)); code != http.StatusBadRequest {
		t.Fatalf("a step making too many buckets: %d, want 400", code)
	}
	if code, _ := e.get("/api/v1/logs/volume?query=%7Bx%7D"); code != http.StatusBadRequest {
		t.Fatalf("bad query: %d, want 400", code)
	}
}

func TestLevelOf(t *testing.T) {
	f := func(num int32, text, want string) {
		t.Helper()
		if got := api.LevelOf(num, text); got != want {
			t.Fatalf("LevelOf(%d, %q) = %q, want %q", num, text, got, want)
		}
	}
	f(9, "", "info")
	f(12, "whatever", "info")
	f(17, "", "error")
	f(24, "", "fatal")
	f(0, "Warning", "warn")
	f(0, "CRITICAL", "fatal")
	f(0, "", "unknown")
}
