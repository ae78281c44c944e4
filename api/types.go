package api

import (
	"encoding/json"

	"github.com/talus-logs/talus/api/wire"
)

// InstanceHeader names the tenant of a request; a query never crosses instances.
const InstanceHeader = "X-Talus-Instance"

// LogEntry is one log record as the query API returns it. Times are Unix
// nanoseconds as decimal strings, because JSON numbers lose precision past 2^53.
type LogEntry struct {
	TimeUnixNano         string          `json:"time_unix_nano"`
	ObservedTimeUnixNano string          `json:"observed_time_unix_nano"`
	SeverityNumber       int32           `json:"severity_number"`
	SeverityText         string          `json:"severity_text"`
	Body                 json.RawMessage `json:"body"`
	Attributes           map[string]any  `json:"attributes"`
	Resource             map[string]any  `json:"resource"`
	Scope                *Scope          `json:"scope,omitempty"`
	TraceID              string          `json:"trace_id,omitempty"`
	SpanID               string          `json:"span_id,omitempty"`
	Flags                uint32          `json:"flags,omitempty"`
	EventName            string          `json:"event_name,omitempty"`
	// ID identifies the entry stably (its storage key, hex): the same record
	// always has the same ID, which the Grafana plugin uses as the row id.
	ID string `json:"id"`
	// Fingerprint is the error fingerprint of an error record, else empty.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Scope is the instrumentation scope of a record.
type Scope struct {
	Name       string         `json:"name,omitempty"`
	Version    string         `json:"version,omitempty"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// LogsResponse answers GET /api/v1/logs, newest first. NextCursor, when not
// empty, fetches the next older page when passed back as cursor=.
type LogsResponse struct {
	Logs       []LogEntry `json:"logs"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// LabelsResponse answers GET /api/v1/labels and /api/v1/label/NAME/values.
type LabelsResponse struct {
	Data []string `json:"data"`
}

// ErrorGroup is one error fingerprint and its counters over a time range.
type ErrorGroup = wire.ErrorGroup

// TrendPoint is one bucket of an error trend or a volume series.
type TrendPoint = wire.TrendPoint

// ErrorsTopResponse answers GET /api/v1/errors/top, sorted by count descending.
type ErrorsTopResponse struct {
	Errors []ErrorGroup `json:"errors"`
}

// ErrorResponse is the body of every non-2xx answer.
type ErrorResponse struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// VolumeResponse answers GET /api/v1/logs/volume: how many entries match,
// per level and per time bucket. Bucket i starts at start + i×step; every
// series has every bucket (zero-filled). Complete is false when the range
// held more entries than one request counts, in which case the counts
// cover only part of it.
type VolumeResponse struct {
	StepSeconds float64        `json:"step_seconds"`
	Series      []VolumeSeries `json:"series"`
	Complete    bool           `json:"complete"`
}

// VolumeSeries is the histogram of one level: trace, debug, info, warn,
// error, fatal or unknown.
type VolumeSeries struct {
	Level  string       `json:"level"`
	Points []TrendPoint `json:"points"`
}
