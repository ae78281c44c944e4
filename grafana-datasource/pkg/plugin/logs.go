package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/talus-logs/talus/api"
)

// queryLogs answers a logs query with one dataplane log-lines frame, newest first.
func (d *Datasource) queryLogs(ctx context.Context, q backend.DataQuery, m queryModel) (backend.DataResponse, error) {
	if m.Context != nil {
		return d.queryLogContext(ctx, q, m)
	}
	limit := clampLimit(m.Limit, defaultLogsLimit, maxLogsLimit)
	lq := api.LogsQuery{
		Query:       m.Query,
		Start:       q.TimeRange.From,
		End:         q.TimeRange.To,
		Limit:       limit,
		Fingerprint: m.Fingerprint,
	}
	res, err := d.client.Logs(ctx, lq)
	if err != nil {
		return backend.DataResponse{}, err
	}
	f, err := logsFrame(res.Logs, limit)
	if err != nil {
		return backend.DataResponse{}, err
	}
	f.Meta.ExecutedQueryString = executedLogsQuery(lq)
	if words := searchWords(m.Query); len(words) > 0 {
		f.Meta.Custom.(map[string]any)["searchWords"] = words
	}
	return backend.DataResponse{Frames: data.Frames{f}}, nil
}

// containsFilterRE finds the |= "..." (and |= `...`) line filters of a query.
var containsFilterRE = regexp.MustCompile("\\|=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)")

// searchWords are the strings of the query's |= filters, which Grafana
// highlights in the log lines (meta.custom.searchWords).
func searchWords(query string) []string {
	var words []string
	for _, m := range containsFilterRE.FindAllStringSubmatch(query, -1) {
		w := strings.Trim(m[1], "`")
		if m[1][0] == '"' {
			var err error
			if w, err = strconv.Unquote(m[1]); err != nil {
				continue
			}
		}
		if w != "" {
			words = append(words, w)
		}
	}
	return words
}

func executedLogsQuery(lq api.LogsQuery) string {
	s := fmt.Sprintf("GET /api/v1/logs query=%q limit=%d", lq.Query, lq.Limit)
	if lq.Fingerprint != "" {
		s += " fingerprint=" + lq.Fingerprint
	}
	return s
}

// logsFrame builds the dataplane log-lines frame (grafana/dataplane
// docs/contract/logs.md) from API entries, keeping their order:
//
//	timestamp  time      record time (observed time when unset), nanoseconds kept
//	body       string    the body; non-string bodies as compact JSON
//	severity   string    Grafana level word (severityLevel)
//	id         string    LogEntry.ID, stable across queries
//	labels     json      resource attributes, flat, string values: what a
//	                     selector matches, so "filter for value" is correct
//	attributes json      the record's own attributes
//	trace_id, span_id, fingerprint, scope   string, empty when absent
//
// limit goes to meta.custom.limit (Grafana's "line limit reached" notice).
func logsFrame(entries []api.LogEntry, limit int) (*data.Frame, error) {
	n := len(entries)
	var (
		ts        = make([]time.Time, n)
		bodies    = make([]string, n)
		levels    = make([]string, n)
		ids       = make([]string, n)
		labels    = make([]json.RawMessage, n)
		attrs     = make([]json.RawMessage, n)
		traceIDs  = make([]string, n)
		spanIDs   = make([]string, n)
		fps       = make([]string, n)
		scopes    = make([]string, n)
		marshaled []byte
		err       error
	)
	for i := range entries {
		e := &entries[i]
		if ts[i], err = entryTime(e); err != nil {
			return nil, err
		}
		bodies[i] = bodyText(e.Body)
		levels[i] = severityLevel(e.SeverityNumber, e.SeverityText)
		ids[i] = e.ID
		if marshaled, err = json.Marshal(flattenAttributes(e.Resource)); err != nil {
			return nil, fmt.Errorf("cannot encode resource of %s: %w", e.ID, err)
		}
		labels[i] = marshaled
		if marshaled, err = json.Marshal(flattenAttributes(e.Attributes)); err != nil {
			return nil, fmt.Errorf("cannot encode attributes of %s: %w", e.ID, err)
		}
		attrs[i] = marshaled
		traceIDs[i], spanIDs[i], fps[i] = e.TraceID, e.SpanID, e.Fingerprint
		if e.Scope != nil {
			scopes[i] = e.Scope.Name
			if e.Scope.Version != "" {
				scopes[i] += "@" + e.Scope.Version
			}
		}
	}
	f := data.NewFrame("logs",
		data.NewField("timestamp", nil, ts),
		data.NewField("body", nil, bodies),
		data.NewField("severity", nil, levels),
		data.NewField("id", nil, ids),
		data.NewField("labels", nil, labels),
		data.NewField("attributes", nil, attrs),
		data.NewField("trace_id", nil, traceIDs),
		data.NewField("span_id", nil, spanIDs),
		data.NewField("fingerprint", nil, fps),
		data.NewField("scope", nil, scopes),
	)
	f.SetMeta(&data.FrameMeta{
		Type:                   data.FrameTypeLogLines,
		TypeVersion:            data.FrameTypeVersion{0, 0},
		PreferredVisualization: data.VisTypeLogs,
		Custom:                 map[string]any{"limit": limit},
	})
	return f, nil
}

// entryTime is the record's time, or its observed time when the record has none.
func entryTime(e *api.LogEntry) (time.Time, error) {
	s := e.TimeUnixNano
	if s == "" || s == "0" {
		s = e.ObservedTimeUnixNano
	}
	ns, err := parseUnixNano(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("entry %s: bad time_unix_nano: %w", e.ID, err)
	}
	return time.Unix(0, ns).UTC(), nil
}

func parseUnixNano(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// bodyText renders an OTLP body: a JSON string as its text, anything else
// (map, array, number, bytes as base64 string) as compact JSON.
func bodyText(b json.RawMessage) string {
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	var s string
	if b[0] == '"' && json.Unmarshal(b, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, b) == nil {
		return buf.String()
	}
	return string(b)
}

// severityLevel maps OTel severity to the lower-case words Grafana's log
// level parser knows (@grafana/data LogLevel). SeverityNumber ranges: 1–4
// trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal, which
// Grafana calls critical. Without a number the text decides; OTel numbers
// are never emitted, since Grafana reads numbers as syslog levels.
func severityLevel(num int32, text string) string {
	switch {
	case num >= 1 && num <= 4:
		return "trace"
	case num >= 5 && num <= 8:
		return "debug"
	case num >= 9 && num <= 12:
		return "info"
	case num >= 13 && num <= 16:
		return "warning"
	case num >= 17 && num <= 20:
		return "error"
	case num >= 21 && num <= 24:
		return "critical"
	}
	switch t := strings.ToLower(strings.TrimSpace(text)); {
	case t == "":
		return "unknown"
	case strings.HasPrefix(t, "trace"):
		return "trace"
	case strings.HasPrefix(t, "debug"), t == "dbug":
		return "debug"
	case strings.HasPrefix(t, "info"), t == "notice":
		return "info"
	case strings.HasPrefix(t, "warn"):
		return "warning"
	case strings.HasPrefix(t, "err"), t == "eror":
		return "error"
	case strings.HasPrefix(t, "fatal"), strings.HasPrefix(t, "crit"), strings.HasPrefix(t, "emerg"), t == "alert", t == "panic":
		return "critical"
	}
	return "unknown"
}

// flattenAttributes turns attribute values into strings (strings as they
// are, everything else as JSON) so label values are selector-ready. Nested
// maps keep their JSON form under their key. A nil map becomes {}.
func flattenAttributes(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			out[k] = v
		case nil:
			out[k] = ""
		default:
			b, err := json.Marshal(v)
			if err != nil {
				out[k] = fmt.Sprint(v)
				continue
			}
			out[k] = string(b)
		}
	}
	return out
}
