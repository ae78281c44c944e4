package plugin

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// logContext asks for the rows next to one row of the same resource
// (Grafana's "show context"). The frontend puts the row's resource
// attributes into queryModel.Query as a selector.
type logContext struct {
	// TimeNs is the row's timestamp, Unix nanoseconds as a decimal string.
	TimeNs string `json:"timeNs"`
	// Direction is "backward" (older rows, the default) or "forward" (newer rows).
	Direction string `json:"direction"`
	// ID is the row's id; the row itself is left out of the answer.
	ID string `json:"id"`
}

const (
	// contextLookback bounds how far back a backward context query looks.
	contextLookback = 24 * time.Hour
	// contextFirstWindow is the first window a forward context query tries;
	// it grows (or shrinks when too dense) by contextWindowFactor.
	contextFirstWindow  = time.Minute
	contextWindowFactor = 8
	// contextMaxAttempts bounds the window search of a forward query.
	contextMaxAttempts = 10
	// pageSize is the limit of each page when the plugin pages through the logs API.
	pageSize = 1000
	// contextMaxPages bounds the pages read per forward window.
	contextMaxPages = 5
)

// queryLogContext answers a logs query that carries a context: newest first
// like every logs frame. The logs API only pages newest first, so the rows
// just after a row are found by reading a window [ts, ts+w] completely and
// keeping its oldest rows; w adapts to the row density.
func (d *Datasource) queryLogContext(ctx context.Context, q backend.DataQuery, m queryModel) (backend.DataResponse, error) {
	c := m.Context
	ns, err := parseUnixNano(c.TimeNs)
	if err != nil || ns <= 0 {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream,
			fmt.Sprintf("context.timeNs %q is not Unix nanoseconds", c.TimeNs)), nil
	}
	at := time.Unix(0, ns).UTC()
	limit := clampLimit(m.Limit, 50, maxLogsLimit)
	var rows []api.LogEntry
	switch strings.ToLower(c.Direction) {
	case "", "backward":
		res, err := d.client.Logs(ctx, api.LogsQuery{Query: m.Query, Start: at.Add(-contextLookback), End: at, Limit: limit + 1})
		if err != nil {
			return backend.DataResponse{}, err
		}
		rows = withoutID(res.Logs, c.ID)
		if len(rows) > limit {
			rows = rows[:limit]
		}
	case "forward":
		if rows, err = d.forwardContext(ctx, m.Query, at, c.ID, limit); err != nil {
			return backend.DataResponse{}, err
		}
	default:
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream,
			fmt.Sprintf("context.direction %q: use backward or forward", c.Direction)), nil
	}
	f, err := logsFrame(rows, limit)
	if err != nil {
		return backend.DataResponse{}, err
	}
	f.Meta.ExecutedQueryString = fmt.Sprintf("log context %s of %s at %d: %s", c.Direction, c.ID, ns, m.Query)
	return backend.DataResponse{Frames: data.Frames{f}}, nil
}

func (d *Datasource) forwardContext(ctx context.Context, query string, at time.Time, id string, limit int) ([]api.LogEntry, error) {
	w := contextFirstWindow
	var best []api.LogEntry
	for range contextMaxAttempts {
		end := at.Add(w)
		rows, complete, err := d.collectLogs(ctx, api.LogsQuery{Query: query, Start: at, End: end}, contextMaxPages)
		if err != nil {
			return nil, err
		}
		if !complete {
			// Too dense: the oldest rows of this window were not reached.
			if w <= time.Millisecond {
				break
			}
			w /= contextWindowFactor
			continue
		}
		rows = withoutID(rows, id)
		best = rows
		if len(rows) >= limit || end.After(d.now()) {
			break
		}
		w *= contextWindowFactor
	}
	if len(best) > limit {
		best = best[len(best)-limit:]
	}
	return best, nil
}

// collectLogs reads every page of q (newest first) up to maxPages pages of
// pageSize rows. complete is false when rows were left unread.
func (d *Datasource) collectLogs(ctx context.Context, q api.LogsQuery, maxPages int) (rows []api.LogEntry, complete bool, err error) {
	q.Limit = pageSize
	for range maxPages {
		res, err := d.client.Logs(ctx, q)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, res.Logs...)
		if res.NextCursor == "" || len(res.Logs) == 0 {
			return rows, true, nil
		}
		q.Cursor = res.NextCursor
	}
	return rows, false, nil
}

func withoutID(es []api.LogEntry, id string) []api.LogEntry {
	if id == "" {
		return es
	}
	out := es[:0:0]
	for _, e := range es {
		if e.ID != id {
			out = append(out, e)
		}
	}
	return out
}
