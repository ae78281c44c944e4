package plugin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// queryTopErrors answers a topErrors query with one table frame, sorted by
// count descending as the API returns it:
//
//	fingerprint     string  data link "Show logs" → logs query with this fingerprint
//	message         string  sample message
//	template        string  normalized message the fingerprint was taken from
//	exception_type  string
//	services        string  comma-separated service names
//	count           int64
//	first_seen, last_seen   time
//	trend           string  unicode sparkline of the group's trend
func (d *Datasource) queryTopErrors(ctx context.Context, q backend.DataQuery, m queryModel) (backend.DataResponse, error) {
	eq := api.ErrorsQuery{
		Query: m.Query,
		Start: q.TimeRange.From,
		End:   q.TimeRange.To,
		Limit: clampLimit(m.Limit, defaultTopErrorsLimit, maxTopErrorsLimit),
		Step:  sparklineStep(q),
	}
	res, err := d.client.ErrorsTop(ctx, eq)
	if err != nil {
		return backend.DataResponse{}, err
	}
	groups := res.Errors
	// The API sorts already; sorting again keeps the table's contract when a
	// server answers in another order.
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Count > groups[j].Count })
	n := len(groups)
	var (
		fps      = make([]string, n)
		msgs     = make([]string, n)
		tmpls    = make([]string, n)
		types    = make([]string, n)
		services = make([]string, n)
		counts   = make([]int64, n)
		first    = make([]time.Time, n)
		last     = make([]time.Time, n)
		trends   = make([]string, n)
	)
	for i, g := range groups {
		fps[i], msgs[i], tmpls[i], types[i] = g.Fingerprint, g.Message, g.Template, g.ExceptionType
		services[i] = strings.Join(g.Services, ", ")
		counts[i] = int64(g.Count)
		fns, err := parseUnixNano(g.FirstSeenUnixNano)
		if err != nil {
			return backend.DataResponse{}, fmt.Errorf("error group %s: bad first_seen_unix_nano: %w", g.Fingerprint, err)
		}
		lns, err := parseUnixNano(g.LastSeenUnixNano)
		if err != nil {
			return backend.DataResponse{}, fmt.Errorf("error group %s: bad last_seen_unix_nano: %w", g.Fingerprint, err)
		}
		first[i], last[i] = time.Unix(0, fns).UTC(), time.Unix(0, lns).UTC()
		trends[i] = sparkline(g.Trend)
	}
	fpField := data.NewField("fingerprint", nil, fps)
	fpField.Config = &data.FieldConfig{Links: []data.DataLink{{
		Title: "Show logs",
		Internal: &data.InternalDataLink{
			DatasourceUID:  d.uid,
			DatasourceName: d.name,
			Query: map[string]any{
				"refId":       "A",
				"queryType":   QueryTypeLogs,
				"query":       m.Query,
				"fingerprint": "${__value.raw}",
				"limit":       defaultLogsLimit,
			},
		},
	}}}
	f := data.NewFrame("top_errors",
		fpField,
		data.NewField("message", nil, msgs),
		data.NewField("template", nil, tmpls),
		data.NewField("exception_type", nil, types),
		data.NewField("services", nil, services),
		data.NewField("count", nil, counts),
		data.NewField("first_seen", nil, first),
		data.NewField("last_seen", nil, last),
		data.NewField("trend", nil, trends),
	)
	f.SetMeta(&data.FrameMeta{
		PreferredVisualization: data.VisTypeTable,
		ExecutedQueryString:    fmt.Sprintf("GET /api/v1/errors/top query=%q limit=%d step=%s", eq.Query, eq.Limit, eq.Step),
	})
	return backend.DataResponse{Frames: data.Frames{f}}, nil
}

const (
	// minErrorStep is the smallest error trend bucket: the server keeps
	// error counters per minute (DESIGN §3), finer buckets would only
	// alternate between a minute's count and zeros.
	minErrorStep = time.Minute
	// sparklineBuckets is about the number of characters of a trend sparkline.
	sparklineBuckets = 24
)

// sparklineStep is the trend step of a topErrors table: the range in about
// sparklineBuckets whole minutes, whatever the panel's interval.
func sparklineStep(q backend.DataQuery) time.Duration {
	step := q.TimeRange.To.Sub(q.TimeRange.From) / sparklineBuckets
	if r := step % time.Minute; r != 0 {
		step += time.Minute - r
	}
	return max(step, minErrorStep)
}

// sparkline draws counts as eight-level unicode blocks, scaled to the
// largest bucket; an all-zero trend is a flat line.
func sparkline(points []api.TrendPoint) string {
	const blocks = "▁▂▃▄▅▆▇█"
	levels := []rune(blocks)
	var max uint64
	for _, p := range points {
		if p.Count > max {
			max = p.Count
		}
	}
	var b strings.Builder
	for _, p := range points {
		i := 0
		if max > 0 && p.Count > 0 {
			top := uint64(len(levels) - 1)
			i = int((p.Count*top + max - 1) / max)
		}
		b.WriteRune(levels[i])
	}
	return b.String()
}

// grid is a run of equal time buckets covering [from, to], the first one
// starting at from truncated to step.
type grid struct {
	start time.Time
	step  time.Duration
	n     int
}

func newGrid(from, to time.Time, step time.Duration) grid {
	start := from.Truncate(step)
	n := int(to.Sub(start)/step) + 1
	if n < 1 {
		n = 1
	}
	return grid{start: start, step: step, n: n}
}

// index is the bucket of t, or -1 outside the grid.
func (g grid) index(t time.Time) int {
	if t.Before(g.start) {
		return -1
	}
	i := int(t.Sub(g.start) / g.step)
	if i >= g.n {
		return -1
	}
	return i
}

func (g grid) times() []time.Time {
	ts := make([]time.Time, g.n)
	for i := range ts {
		ts[i] = g.start.Add(time.Duration(i) * g.step).UTC()
	}
	return ts
}

// addTrend adds an API trend to counts on g. Points are bucket starts of the
// server's step, which may differ from g's.
func (g grid) addTrend(counts []float64, trend []api.TrendPoint) error {
	for _, p := range trend {
		ns, err := parseUnixNano(p.TimeUnixNano)
		if err != nil {
			return fmt.Errorf("bad trend time_unix_nano: %w", err)
		}
		if i := g.index(time.Unix(0, ns)); i >= 0 {
			counts[i] += float64(p.Count)
		}
	}
	return nil
}

// series is one zero-filled time series of a timeseries-multi answer.
func seriesFrame(name string, g grid, labels data.Labels, counts []float64, displayName string) *data.Frame {
	v := data.NewField("count", labels, counts)
	if displayName != "" {
		v.Config = &data.FieldConfig{DisplayNameFromDS: displayName}
	}
	f := data.NewFrame(name, data.NewField("time", nil, g.times()), v)
	f.SetMeta(&data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}})
	return f
}

// maxServiceSeries bounds the per-service calls of errorTrend groupBy=service.
const maxServiceSeries = 20

// queryErrorTrend answers with zero-filled error counts per bucket:
// per fingerprint (default; one series when m.Fingerprint is set), per
// service, or in total. The frames are numeric timeseries-multi, which
// alert rules accept.
func (d *Datasource) queryErrorTrend(ctx context.Context, q backend.DataQuery, m queryModel) (backend.DataResponse, error) {
	step := max(bucketStep(q), minErrorStep)
	g := newGrid(q.TimeRange.From, q.TimeRange.To, step)
	eq := api.ErrorsQuery{Query: m.Query, Start: q.TimeRange.From, End: q.TimeRange.To, Step: step,
		Limit: clampLimit(m.Limit, defaultTopErrorsLimit, maxTopErrorsLimit)}
	var frames data.Frames
	switch m.GroupBy {
	case "", "fingerprint":
		var groups []api.ErrorGroup
		if m.Fingerprint != "" {
			eg, err := d.client.Error(ctx, m.Fingerprint, eq)
			if err != nil {
				return backend.DataResponse{}, err
			}
			groups = []api.ErrorGroup{*eg}
		} else {
			res, err := d.client.ErrorsTop(ctx, eq)
			if err != nil {
				return backend.DataResponse{}, err
			}
			groups = res.Errors
		}
		for _, eg := range groups {
			counts := make([]float64, g.n)
			if err := g.addTrend(counts, eg.Trend); err != nil {
				return backend.DataResponse{}, fmt.Errorf("error group %s: %w", eg.Fingerprint, err)
			}
			frames = append(frames, seriesFrame("errors", g, data.Labels{"fingerprint": eg.Fingerprint}, counts, shorten(eg.Message, 60)))
		}
	case "total":
		eq.Limit = maxTopErrorsLimit
		res, err := d.client.ErrorsTop(ctx, eq)
		if err != nil {
			return backend.DataResponse{}, err
		}
		counts := make([]float64, g.n)
		for _, eg := range res.Errors {
			if err := g.addTrend(counts, eg.Trend); err != nil {
				return backend.DataResponse{}, fmt.Errorf("error group %s: %w", eg.Fingerprint, err)
			}
		}
		frames = append(frames, seriesFrame("errors", g, nil, counts, "errors"))
	case "service":
		var err error
		if frames, err = d.errorTrendByService(ctx, eq, g); err != nil {
			return backend.DataResponse{}, err
		}
	default:
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream,
			fmt.Sprintf("groupBy %q: use fingerprint, service or total", m.GroupBy)), nil
	}
	if len(frames) == 0 {
		// No errors at all is a zero line, not "no data": an alert on the
		// error count must see 0.
		frames = append(frames, seriesFrame("errors", g, nil, make([]float64, g.n), "errors"))
	}
	frames[0].Meta.ExecutedQueryString = fmt.Sprintf("errors trend query=%q groupBy=%s step=%s", m.Query, m.GroupBy, step)
	return backend.DataResponse{Frames: frames}, nil
}

// errorTrendByService sums group trends per service. A group's trend is not
// split by service in the API, so each service gets its own errors/top call
// narrowed by a service.name matcher (at most maxServiceSeries services).
func (d *Datasource) errorTrendByService(ctx context.Context, eq api.ErrorsQuery, g grid) (data.Frames, error) {
	eq.Limit = maxTopErrorsLimit
	res, err := d.client.ErrorsTop(ctx, eq)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var services []string
	for _, eg := range res.Errors {
		for _, s := range eg.Services {
			if !seen[s] {
				seen[s] = true
				services = append(services, s)
			}
		}
	}
	sort.Strings(services)
	if len(services) > maxServiceSeries {
		services = services[:maxServiceSeries]
	}
	var frames data.Frames
	for _, s := range services {
		sq := eq
		sq.Query = addMatcher(eq.Query, "service.name", s)
		res, err := d.client.ErrorsTop(ctx, sq)
		if err != nil {
			return nil, err
		}
		counts := make([]float64, g.n)
		for _, eg := range res.Errors {
			if err := g.addTrend(counts, eg.Trend); err != nil {
				return nil, fmt.Errorf("error group %s: %w", eg.Fingerprint, err)
			}
		}
		frames = append(frames, seriesFrame("errors", g, data.Labels{"service.name": s}, counts, s))
	}
	return frames, nil
}

// addMatcher adds name="value" to the stream selector of query, which may
// be empty, a bare selector or a selector followed by line filters.
func addMatcher(query, name, value string) string {
	m := name + "=" + quoteLabelValue(value)
	q := strings.TrimSpace(query)
	if !strings.HasPrefix(q, "{") {
		return strings.TrimSpace("{" + m + "} " + q)
	}
	inner := strings.TrimSpace(q[1:])
	if strings.HasPrefix(inner, "}") {
		return "{" + m + inner
	}
	return "{" + m + ", " + inner
}

// quoteLabelValue quotes v as a selector string (backslash and double quote escaped).
func quoteLabelValue(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
