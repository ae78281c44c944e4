package plugin

import (
	"context"
	"fmt"
	"sort"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// volumeMaxPages bounds the logs pages one logsVolume query reads
// (volumeMaxPages × pageSize rows). The API has no volume endpoint; until
// it has one, a range with more rows gets a histogram of its newest rows
// and a warning notice saying so.
const volumeMaxPages = 20

// levelOrder is the order of the volume series, most severe first, as Grafana's legend lists them.
var levelOrder = map[string]int{"critical": 0, "error": 1, "warning": 2, "info": 3, "debug": 4, "trace": 5, "unknown": 6}

// queryLogsVolume answers the supplementary "logs volume" query: one
// zero-filled timeseries-multi frame per level, the count field labelled
// {level="…"}, which Grafana reads to colour the bars.
func (d *Datasource) queryLogsVolume(ctx context.Context, q backend.DataQuery, m queryModel) (backend.DataResponse, error) {
	step := bucketStep(q)
	g := newGrid(q.TimeRange.From, q.TimeRange.To, step)
	rows, complete, err := d.collectLogs(ctx, api.LogsQuery{
		Query: m.Query, Start: q.TimeRange.From, End: q.TimeRange.To, Fingerprint: m.Fingerprint,
	}, volumeMaxPages)
	if err != nil {
		return backend.DataResponse{}, err
	}
	perLevel := map[string][]float64{}
	for i := range rows {
		e := &rows[i]
		t, err := entryTime(e)
		if err != nil {
			return backend.DataResponse{}, err
		}
		b := g.index(t)
		if b < 0 {
			continue
		}
		lvl := severityLevel(e.SeverityNumber, e.SeverityText)
		c := perLevel[lvl]
		if c == nil {
			c = make([]float64, g.n)
			perLevel[lvl] = c
		}
		c[b]++
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
	meta.ExecutedQueryString = fmt.Sprintf("logs volume from GET /api/v1/logs query=%q step=%s rows=%d", m.Query, step, len(rows))
	if !complete {
		meta.Notices = append(meta.Notices, data.Notice{
			Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("The volume counts only the newest %d rows of the range: the Talus API has no volume endpoint yet, so the plugin counts rows itself.",
				len(rows)),
		})
	}
	return backend.DataResponse{Frames: frames}, nil
}
