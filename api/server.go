package api

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/talus-logs/talus/api/wire"
	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/storage"
	"github.com/talus-logs/talus/storage/selector"
)

// ErrorsRequest asks the errors backend for groups of one instance.
type ErrorsRequest = wire.ErrorsRequest

// ErrorsBackend serves the error endpoints; see wire.ErrorsBackend.
type ErrorsBackend = wire.ErrorsBackend

// ServerOptions configure the query API.
type ServerOptions struct {
	// Errors serves /api/v1/errors/...; nil answers 501.
	Errors ErrorsBackend
	// DefaultInstance is the tenant of requests without the header; default "default".
	DefaultInstance string
	// DefaultRange is the span queried when start is missing; default 1 h.
	DefaultRange time.Duration
	// DefaultLimit is the page size when limit is missing; default 100.
	DefaultLimit int
	// QueryTimeout bounds one request; default 30 s. A query that runs out
	// is answered 504.
	QueryTimeout time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives request failures; nil means slog.Default().
	Logger *slog.Logger
	// ClusterStatus, when set, serves GET /api/v1/cluster/status with its
	// JSON-encoded result; nil answers 404 (a single node on one Pebble).
	ClusterStatus func() any
	// Compact, when set, serves POST /api/v1/admin/compact: it compacts
	// this node's storage fully and answers when done (no query timeout).
	Compact func(ctx context.Context) error
}

// Server is the query API's HTTP handler.
type Server struct {
	store *storage.Store
	opts  ServerOptions
	mux   *http.ServeMux
	ready atomic.Bool
}

// NewServer returns the query API over store. It starts ready.
func NewServer(store *storage.Store, opts ServerOptions) *Server {
	if opts.DefaultInstance == "" {
		opts.DefaultInstance = "default"
	}
	if opts.DefaultRange == 0 {
		opts.DefaultRange = time.Hour
	}
	if opts.DefaultLimit == 0 {
		opts.DefaultLimit = 100
	}
	if opts.QueryTimeout == 0 {
		opts.QueryTimeout = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{store: store, opts: opts, mux: http.NewServeMux()}
	s.ready.Store(true)
	s.handle("GET /api/v1/logs", "logs", s.logs)
	s.handle("GET /api/v1/logs/volume", "logs_volume", s.volume)
	s.handle("GET /api/v1/labels", "labels", s.labels)
	s.handle("GET /api/v1/label/{name}/values", "label_values", s.labelValues)
	s.handle("GET /api/v1/errors/top", "errors_top", s.errorsTop)
	s.handle("GET /api/v1/cluster/status", "cluster_status", func(*http.Request) (any, error) {
		if s.opts.ClusterStatus == nil {
			return nil, &apiError{http.StatusNotFound, "this node is not part of a cluster (start it with --node-id/--raft-addr/--join)"}
		}
		return s.opts.ClusterStatus(), nil
	})
	s.handle("GET /api/v1/errors/{fingerprint}", "errors_group", s.errorsGroup)
	s.mux.HandleFunc("POST /api/v1/admin/compact", s.compact)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !s.ready.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// The catch-all takes every method, so the mux would answer 404
		// where an endpoint exists for another method.
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			other := r.Clone(r.Context())
			other.Method = m
			if _, pattern := s.mux.Handler(other); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed on %s: use %s", r.Method, r.URL.Path, strings.Join(allow, " or ")))
			return
		}
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint %s %s (see /api/v1/logs, /api/v1/labels, /api/v1/errors/top)", r.Method, r.URL.Path))
	})
	return s
}

// compact runs ServerOptions.Compact for as long as it takes (the client
// may go away: it then stops between groups).
func (s *Server) compact(w http.ResponseWriter, r *http.Request) {
	if s.opts.Compact == nil {
		writeError(w, http.StatusNotFound, "this node's store cannot be compacted through the API")
		return
	}
	start := time.Now()
	if err := s.opts.Compact(r.Context()); err != nil {
		s.opts.Logger.Error("compact", "err", err)
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("compact: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, "{\"compacted\":true,\"seconds\":%.3f}\n", time.Since(start).Seconds())
}

// SetReady marks the server ready or not (shutting down) for /readyz.
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// apiError is a failure with its HTTP status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func (s *Server) handle(pattern, endpoint string, fn func(r *http.Request) (any, error)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.QueryTimeout)
		defer cancel()
		out, err := fn(r.WithContext(ctx))
		metrics.QueryDuration.WithLabelValues(endpoint).Observe(time.Since(start).Seconds())
		if err != nil {
			status := http.StatusInternalServerError
			var ae *apiError
			switch {
			case errors.As(err, &ae):
				status = ae.status
			case errors.Is(err, storage.ErrBadQuery):
				status = http.StatusBadRequest
			case errors.Is(err, context.DeadlineExceeded):
				status = http.StatusGatewayTimeout
				err = fmt.Errorf("query did not finish within %s: narrow the selector, the line filters or the time range", s.opts.QueryTimeout)
			case errors.Is(err, context.Canceled):
				status = http.StatusServiceUnavailable
			default:
				s.opts.Logger.Error("query failed", "endpoint", endpoint, "url", r.URL.String(), "err", err)
			}
			metrics.QueryErrors.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
			writeError(w, status, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		if err := enc.Encode(out); err != nil {
			s.opts.Logger.Warn("write response", "endpoint", endpoint, "err", err)
		}
	})
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorResponse{Error: msg, Status: status})
}

func (s *Server) instance(r *http.Request) (string, error) {
	inst := r.Header.Get(InstanceHeader)
	if inst == "" {
		return s.opts.DefaultInstance, nil
	}
	if err := storage.ValidateName("instance", inst); err != nil {
		return "", badRequest("%s header: %v", InstanceHeader, err)
	}
	return inst, nil
}

// timeRange reads start and end: RFC 3339, or a Unix time as an integer of
// nanoseconds (also accepted: seconds and milliseconds, told apart by size)
// or a decimal number of seconds.
func (s *Server) timeRange(r *http.Request) (start, end int64, err error) {
	q := r.URL.Query()
	end = s.opts.Now().UnixNano()
	if v := q.Get("end"); v != "" {
		if end, err = ParseTime(v); err != nil {
			return 0, 0, badRequest("end: %v", err)
		}
	}
	start = end - int64(s.opts.DefaultRange)
	if v := q.Get("start"); v != "" {
		if start, err = ParseTime(v); err != nil {
			return 0, 0, badRequest("start: %v", err)
		}
	}
	if start > end {
		return 0, 0, badRequest("start (%s) is after end (%s)", time.Unix(0, start).UTC().Format(time.RFC3339Nano), time.Unix(0, end).UTC().Format(time.RFC3339Nano))
	}
	return start, end, nil
}

// ParseTime parses an API time parameter.
func ParseTime(v string) (int64, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		switch {
		case n >= 1e16 || n <= -1e16:
			return n, nil // nanoseconds
		case n >= 1e14 || n <= -1e14:
			return n * 1e3, nil // microseconds
		case n >= 1e11 || n <= -1e11:
			return n * 1e6, nil // milliseconds
		default:
			return n * 1e9, nil // seconds
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) < 9e9 {
		return int64(f * 1e9), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return 0, fmt.Errorf("%q is neither RFC 3339 nor a Unix time in nanoseconds", v)
	}
	return t.UnixNano(), nil
}

func (s *Server) limit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return s.opts.DefaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > storage.MaxLimit {
		return 0, badRequest("limit %q must be an integer from 1 to %d", v, storage.MaxLimit)
	}
	return n, nil
}

func parseSelector(v string) (*selector.Query, error) {
	sel, err := selector.Parse(v)
	if err != nil {
		return nil, badRequest("query: %v", err)
	}
	return sel, nil
}

// selection reads what every query endpoint takes: the instance, the query
// and the time range.
func (s *Server) selection(r *http.Request) (inst string, sel *selector.Query, start, end int64, err error) {
	if inst, err = s.instance(r); err != nil {
		return "", nil, 0, 0, err
	}
	if sel, err = parseSelector(r.URL.Query().Get("query")); err != nil {
		return "", nil, 0, 0, err
	}
	start, end, err = s.timeRange(r)
	return inst, sel, start, end, err
}

// parseStep reads a bucket width: a Go duration (1m) or a number of seconds.
func parseStep(v string) (time.Duration, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return d, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || secs <= 0 {
		return 0, badRequest("step %q must be a duration such as 1m or a number of seconds", v)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

func (s *Server) logs(r *http.Request) (any, error) {
	inst, sel, start, end, err := s.selection(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	limit, err := s.limit(r)
	if err != nil {
		return nil, err
	}
	sq := storage.Query{Instance: inst, Selector: sel, Start: start, End: end, Limit: limit}
	if c := q.Get("cursor"); c != "" {
		if sq.Cursor, err = storage.ParseCursor(c); err != nil {
			return nil, badRequest("%v", err)
		}
		// A next page without a start keeps the range of the first: the
		// default start (end − 1h) moves on with the clock between pages.
		if q.Get("start") == "" && sq.Cursor.HasStart && sq.Cursor.Start <= sq.End {
			sq.Start = sq.Cursor.Start
		}
	}
	if fp := q.Get("fingerprint"); fp != "" {
		er := ErrorsRequest{Instance: inst, Selector: sel, Start: start, End: end}
		if sq.Filter, err = s.fingerprintFilter(r.Context(), fp, er); err != nil {
			return nil, err
		}
		sq.Prefilter = s.opts.Errors.MayBeError // skip non-errors undecoded
	}
	res, err := s.store.Latest(r.Context(), sq)
	if err != nil {
		return nil, err
	}
	out := LogsResponse{Logs: make([]LogEntry, 0, len(res.Entries))}
	for i := range res.Entries {
		le := EntryToLog(&res.Entries[i])
		if s.opts.Errors != nil {
			le.Fingerprint = s.opts.Errors.Fingerprint(&res.Entries[i])
		}
		out.Logs = append(out.Logs, le)
	}
	if res.Next != nil {
		out.NextCursor = res.Next.Encode()
	}
	return out, nil
}

// fingerprintFilter keeps the entries of error group fp (the fingerprint=
// parameter) over the logs query's range and selector er: a key of
// /api/v1/errors/top stands for the ingest keys merged into it. A malformed
// fingerprint is a bad request, as on /api/v1/errors/FP, rather than a
// filter that matches nothing.
func (s *Server) fingerprintFilter(ctx context.Context, fp string, er ErrorsRequest) (func(*storage.Entry) bool, error) {
	if s.opts.Errors == nil {
		return nil, &apiError{http.StatusNotImplemented, "this server has no error fingerprints"}
	}
	if _, err := fingerprint.Parse(fp); err != nil {
		return nil, badRequest("fingerprint %q: %v", fp, err)
	}
	members, err := s.opts.Errors.Members(ctx, fp, er)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(members))
	for _, m := range members {
		want[m] = true
	}
	return func(e *storage.Entry) bool { return want[s.opts.Errors.Fingerprint(e)] }, nil
}

// EntryToLog converts a stored entry to its wire form.
func EntryToLog(e *storage.Entry) LogEntry {
	body, err := json.Marshal(e.Body)
	if err != nil {
		body = []byte(strconv.Quote(fmt.Sprint(e.Body)))
	}
	le := LogEntry{
		TimeUnixNano:         strconv.FormatInt(e.Key.Timestamp, 10),
		ObservedTimeUnixNano: strconv.FormatInt(e.ObservedTime, 10),
		SeverityNumber:       e.SeverityNumber,
		SeverityText:         e.SeverityText,
		Body:                 body,
		Attributes:           e.Attributes,
		Flags:                e.Flags,
		EventName:            e.EventName,
		ID:                   EntryID(e),
	}
	if le.Attributes == nil {
		le.Attributes = map[string]any{}
	}
	if e.Resource != nil && e.Resource.Attributes != nil {
		le.Resource = e.Resource.Attributes
	} else {
		le.Resource = map[string]any{}
	}
	if e.ScopeName != "" || e.ScopeVersion != "" || len(e.ScopeAttrs) > 0 {
		le.Scope = &Scope{Name: e.ScopeName, Version: e.ScopeVersion, Attributes: e.ScopeAttrs}
	}
	if e.HasTraceID {
		le.TraceID = hex.EncodeToString(e.TraceID[:])
	}
	if e.HasSpanID {
		le.SpanID = hex.EncodeToString(e.SpanID[:])
	}
	return le
}

// EntryID is the stable id of an entry: resource hash, timestamp and
// uniquifier, in hex.
func EntryID(e *storage.Entry) string {
	var b [20]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(e.Key.Hash >> (56 - 8*i))
		b[8+i] = byte(uint64(e.Key.Timestamp) >> (56 - 8*i))
	}
	for i := 0; i < 4; i++ {
		b[16+i] = byte(e.Key.Uniq >> (24 - 8*i))
	}
	return hex.EncodeToString(b[:])
}

func (s *Server) labels(r *http.Request) (any, error) {
	inst, err := s.instance(r)
	if err != nil {
		return nil, err
	}
	start, end, err := s.timeRange(r)
	if err != nil {
		return nil, err
	}
	names, err := s.store.LabelNames(inst, start, end)
	if err != nil {
		return nil, err
	}
	return LabelsResponse{Data: names}, nil
}

func (s *Server) labelValues(r *http.Request) (any, error) {
	inst, err := s.instance(r)
	if err != nil {
		return nil, err
	}
	name := r.PathValue("name")
	if strings.TrimSpace(name) == "" {
		return nil, badRequest("empty attribute name")
	}
	start, end, err := s.timeRange(r)
	if err != nil {
		return nil, err
	}
	sel, err := parseSelector(r.URL.Query().Get("query"))
	if err != nil {
		return nil, err
	}
	vals, err := s.store.LabelValues(inst, name, sel, start, end)
	if err != nil {
		return nil, err
	}
	return LabelsResponse{Data: vals}, nil
}

func (s *Server) errorsRequest(r *http.Request, defaultRange time.Duration) (ErrorsRequest, error) {
	var er ErrorsRequest
	if s.opts.Errors == nil {
		return er, &apiError{http.StatusNotImplemented, "this server has no error fingerprints"}
	}
	inst, err := s.instance(r)
	if err != nil {
		return er, err
	}
	q := r.URL.Query()
	sel, err := parseSelector(q.Get("query"))
	if err != nil {
		return er, err
	}
	if q.Get("start") == "" {
		// The error dashboard looks at a day by default.
		q.Set("start", strconv.FormatInt(s.opts.Now().Add(-defaultRange).UnixNano(), 10))
		r.URL.RawQuery = q.Encode()
	}
	start, end, err := s.timeRange(r)
	if err != nil {
		return er, err
	}
	er = ErrorsRequest{Instance: inst, Selector: sel, Start: start, End: end, Limit: 20}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return er, badRequest("limit %q must be an integer from 1 to 10000", v)
		}
		er.Limit = n
	}
	if v := q.Get("step"); v != "" {
		d, err := parseStep(v)
		if err != nil {
			return er, err
		}
		if d < time.Minute {
			return er, badRequest("step %q must be at least 1m (error trends count per minute)", v)
		}
		er.Step = d
	}
	return er, nil
}

func (s *Server) errorsTop(r *http.Request) (any, error) {
	er, err := s.errorsRequest(r, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	groups, err := s.opts.Errors.Top(r.Context(), er)
	if err != nil {
		return nil, err
	}
	if groups == nil {
		groups = []ErrorGroup{}
	}
	return ErrorsTopResponse{Errors: groups}, nil
}

func (s *Server) errorsGroup(r *http.Request) (any, error) {
	er, err := s.errorsRequest(r, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	fp := r.PathValue("fingerprint")
	g, err := s.opts.Errors.Group(r.Context(), fp, er)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, &apiError{http.StatusNotFound, fmt.Sprintf("no errors with fingerprint %q in the range", fp)}
	}
	return g, nil
}
