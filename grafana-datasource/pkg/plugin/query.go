package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/talus-logs/talus/api"
)

// Query types of queryModel.QueryType.
const (
	QueryTypeLogs       = "logs"
	QueryTypeTopErrors  = "topErrors"
	QueryTypeErrorTrend = "errorTrend"
	QueryTypeLogsVolume = "logsVolume"
)

// Limits of a query. A request path never trusts the panel's numbers.
const (
	// defaultLogsLimit is the row limit of a logs query without "limit".
	defaultLogsLimit = 1000
	// maxLogsLimit caps "limit" of a logs query; Grafana's own line limit default is 1000.
	maxLogsLimit = 5000
	// defaultTopErrorsLimit is the row limit of a topErrors query without "limit".
	defaultTopErrorsLimit = 20
	// maxTopErrorsLimit caps "limit" of topErrors and errorTrend.
	maxTopErrorsLimit = 500
	// maxBuckets caps the buckets of a time series; the step grows to fit.
	maxBuckets = 11000
)

// queryModel is the JSON a panel sends (frontend src/types.ts TalusQuery).
type queryModel struct {
	QueryType string `json:"queryType"`
	// Query is a stream selector with optional line filters,
	// e.g. {service.name="checkout"} |= "timeout".
	Query string `json:"query"`
	// Limit is the row limit (logs) or the number of groups (topErrors, errorTrend).
	Limit int `json:"limit"`
	// Fingerprint narrows logs to one error group, and errorTrend to one series.
	Fingerprint string `json:"fingerprint"`
	// GroupBy of errorTrend: "fingerprint" (default), "service" or "total".
	GroupBy string `json:"groupBy"`
	// Context, when set on a logs query, asks for the rows around one row
	// (Grafana's log context); see logcontext.go.
	Context *logContext `json:"context,omitempty"`
}

func parseQuery(q backend.DataQuery) (queryModel, error) {
	var m queryModel
	if len(q.JSON) > 0 {
		if err := json.Unmarshal(q.JSON, &m); err != nil {
			return m, fmt.Errorf("cannot parse the query JSON: %w", err)
		}
	}
	if m.QueryType == "" {
		m.QueryType = q.QueryType
	}
	if m.QueryType == "" {
		m.QueryType = QueryTypeLogs
	}
	m.Query = strings.TrimSpace(m.Query)
	if m.Limit < 0 {
		return m, fmt.Errorf("limit (%d) must be >= 0", m.Limit)
	}
	return m, nil
}

// QueryData runs each query of the request; one failing query does not fail the others.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = d.query(ctx, q)
	}
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	m, err := parseQuery(q)
	if err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	var dr backend.DataResponse
	switch m.QueryType {
	case QueryTypeLogs:
		dr, err = d.queryLogs(ctx, q, m)
	case QueryTypeTopErrors:
		dr, err = d.queryTopErrors(ctx, q, m)
	case QueryTypeErrorTrend:
		dr, err = d.queryErrorTrend(ctx, q, m)
	case QueryTypeLogsVolume:
		dr, err = d.queryLogsVolume(ctx, q, m)
	default:
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream,
			fmt.Sprintf("unknown queryType %q; use logs, topErrors, errorTrend or logsVolume", m.QueryType))
	}
	if err != nil {
		return errorResponse(err)
	}
	for _, f := range dr.Frames {
		f.RefID = q.RefID
	}
	return dr
}

// errorResponse maps an API error to a data response: 4xx answers are the
// query's fault (downstream of Grafana, shown to the user), the rest are the
// server's.
func errorResponse(err error) backend.DataResponse {
	var se *api.StatusError
	if errors.As(err, &se) {
		st := backend.Status(se.StatusCode)
		if se.StatusCode == http.StatusTooManyRequests || se.StatusCode >= 500 {
			st = backend.StatusBadGateway
		}
		return backend.ErrDataResponseWithSource(st, backend.ErrorSourceDownstream, "Talus: "+se.Message)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return backend.ErrDataResponseWithSource(backend.StatusTimeout, backend.ErrorSourceDownstream, err.Error())
	}
	return backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourceDownstream, err.Error())
}

func clampLimit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	if n > max {
		return max
	}
	return n
}

// bucketStep picks the width of a time series bucket: Grafana's interval,
// widened so that [from, to] has at most maxBuckets buckets, at least 1 s.
func bucketStep(q backend.DataQuery) time.Duration {
	step := q.Interval
	if step < time.Second {
		step = time.Second
	}
	span := q.TimeRange.To.Sub(q.TimeRange.From)
	if min := span / maxBuckets; step < min {
		step = min.Truncate(time.Second) + time.Second
	}
	return step
}
