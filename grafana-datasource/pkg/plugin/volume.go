package plugin

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// grafanaLevel maps Talus's level words to the ones Grafana colours.
var grafanaLevel = map[string]string{"fatal": "critical", "warn": "warning"}

// levelOrder is the order of the volume series, most severe first, as Grafana's legend lists them.
var levelOrder = map[string]int{"critical": 0, "error": 1, "warning": 2, "info": 3, "debug": 4, "trace": 5, "unknown": 6}

// queryLogsVolume answers the supplementary "logs volume" query from
// GET /api/v1/logs/volume: one zero-filled timeseries-multi frame per
// level, the count field labelled {level="…"}, which Grafana reads to
// colour the bars. The server counts every entry of the range.
func (d *Datasource) queryLogsVolume(ctx context.Context, q backend.DataQuery, m queryModel) (backend.DataResponse, error) {
	step := bucketStep(q)
	g := newGrid(q.TimeRange.From, q.TimeRange.To, step)
	v, err := d.client.Volume(ctx, api.LogsQuery{
		Query: m.Query, Start: g.start, End: q.TimeRange.To, Fingerprint: m.Fingerprint,
	}, step)
	if err != nil {
		return backend.DataResponse{}, err
	}
	perLevel := map[string][]float64{}
	for _, s := range v.Series {
		lvl := s.Level
		if l, ok := grafanaLevel[lvl]; ok {
			lvl = l
		}
		c := perLevel[lvl]
		if c == nil {
			c = make([]float64, g.n)
			perLevel[lvl] = c
		}
		for _, p := range s.Points {
			ns, err := strconv.ParseInt(p.TimeUnixNano, 10, 64)
			if err != nil {
				return backend.DataResponse{}, fmt.Errorf("volume bucket time %q: %w", p.TimeUnixNano, err)
			}
			if b := g.index(time.Unix(0, ns)); b >= 0 {
				c[b] += float64(p.Count)
			}
		}
	}
	levels := make([]string, 0, len(perLevel))
	for l := range perLevel {
		levels = append(levels, l)
	}
	sort.Slice(levels, func(i, j int) bool { return levelOrder[levels[i]] < levelOrder[levels[j]] })
	var frames data.Frames
	for _, l := range levels {
		frames = append(frames, seriesFrame("volume", g, data.Labels{"level": l}, perLevel[l], l))
	}
	if len(frames) == 0 {
		return backend.DataResponse{Frames: data.Frames{}}, nil
	}
	meta := frames[0].Meta
	meta.ExecutedQueryString = fmt.Sprintf("GET /api/v1/logs/volume query=%q step=%s", m.Query, step)
	if !v.Complete {
		meta.Notices = append(meta.Notices, data.Notice{
			Severity: data.NoticeSeverityWarning,
			Text:     "The range holds more entries than Talus counts in one request; the volume covers only part of it. Narrow the range or the selector.",
		})
	}
	return backend.DataResponse{Frames: frames}, nil
}
