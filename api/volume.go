package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/talus-logs/talus/storage"
)

// MaxVolumeEntries bounds the entries one volume request counts, so that a
// request over a huge range answers in bounded time (with Complete false).
const MaxVolumeEntries = 5_000_000

// volumeBuckets is the number of buckets chosen when step is not given.
const volumeBuckets = 100

// levelOrder lists the levels most severe first, the order of the series.
var levelOrder = []string{"fatal", "error", "warn", "info", "debug", "trace", "unknown"}

// LevelOf names the level of a severity number, or of the severity text when
// the number is 0 (unset).
func LevelOf(num int32, text string) string {
	switch {
	case num >= 21:
		return "fatal"
	case num >= 17:
		return "error"
	case num >= 13:
		return "warn"
	case num >= 9:
		return "info"
	case num >= 5:
		return "debug"
	case num >= 1:
		return "trace"
	}
	t := strings.ToLower(strings.TrimSpace(text))
	switch {
	case strings.HasPrefix(t, "fatal"), strings.HasPrefix(t, "crit"), strings.HasPrefix(t, "panic"), strings.HasPrefix(t, "emerg"), strings.HasPrefix(t, "alert"):
		return "fatal"
	case strings.HasPrefix(t, "err"):
		return "error"
	case strings.HasPrefix(t, "warn"):
		return "warn"
	case strings.HasPrefix(t, "info"), t == "notice":
		return "info"
	case strings.HasPrefix(t, "debug"):
		return "debug"
	case strings.HasPrefix(t, "trace"):
		return "trace"
	}
	return "unknown"
}

func (s *Server) volume(r *http.Request) (any, error) {
	inst, sel, start, end, err := s.selection(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	step := time.Duration(end-start) / volumeBuckets
	if v := q.Get("step"); v != "" {
		if step, err = parseStep(v); err != nil {
			return nil, err
		}
	}
	step = max(step, time.Second)
	n := int((end-start)/int64(step)) + 1
	if n > 11000 {
		return nil, badRequest("step %s makes %d buckets over the range; at most 11000", step, n)
	}
	sq := storage.Query{Instance: inst, Selector: sel, Start: start, End: end}
	if fp := q.Get("fingerprint"); fp != "" {
		er := ErrorsRequest{Instance: inst, Selector: sel, Start: start, End: end}
		if sq.Filter, err = s.fingerprintFilter(r.Context(), fp, er); err != nil {
			return nil, err
		}
		sq.Prefilter = s.opts.Errors.MayBeError // skip non-errors undecoded
	}
	counts := map[string][]uint64{}
	complete, err := s.store.Scan(r.Context(), sq, MaxVolumeEntries, func(e *storage.ScanEntry) {
		lvl := LevelOf(e.SeverityNumber, e.SeverityText)
		c := counts[lvl]
		if c == nil {
			c = make([]uint64, n)
			counts[lvl] = c
		}
		c[int((e.Timestamp-start)/int64(step))]++
	})
	if err != nil {
		return nil, fmt.Errorf("volume: %w", err)
	}
	out := VolumeResponse{StepSeconds: step.Seconds(), Complete: complete, Series: []VolumeSeries{}}
	for _, lvl := range levelOrder {
		c, ok := counts[lvl]
		if !ok {
			continue
		}
		vs := VolumeSeries{Level: lvl, Points: make([]TrendPoint, n)}
		for i := range c {
			vs.Points[i] = TrendPoint{TimeUnixNano: strconv.FormatInt(start+int64(i)*int64(step), 10), Count: c[i]}
		}
		out.Series = append(out.Series, vs)
	}
	return out, nil
}
