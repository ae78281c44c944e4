// Package wire holds the types of the query API that the packages serving
// it share: the error groups the error counters (errors/rollup) return and
// the interface they implement. It sits below both api and errors/rollup, so
// that neither imports the other; package api re-exports every type here
// under the same name, which is how clients should use them.
package wire

import (
	"context"
	"time"

	"github.com/talus-logs/talus/storage"
	"github.com/talus-logs/talus/storage/selector"
)

// ErrorGroup is one error fingerprint and its counters over a time range.
type ErrorGroup struct {
	Fingerprint       string       `json:"fingerprint"`
	Count             uint64       `json:"count"`
	FirstSeenUnixNano string       `json:"first_seen_unix_nano"`
	LastSeenUnixNano  string       `json:"last_seen_unix_nano"`
	ExceptionType     string       `json:"exception_type,omitempty"`
	Message           string       `json:"message"`
	Template          string       `json:"template"`
	SampleTraceID     string       `json:"sample_trace_id,omitempty"`
	Services          []string     `json:"services"`
	Trend             []TrendPoint `json:"trend"`
}

// TrendPoint is one bucket of an error trend; buckets with no errors are
// present with Count 0.
type TrendPoint struct {
	TimeUnixNano string `json:"time_unix_nano"`
	Count        uint64 `json:"count"`
}

// ErrorsRequest asks the errors backend for groups of one instance.
type ErrorsRequest struct {
	Instance string
	Selector *selector.Query
	Start    int64
	End      int64
	Limit    int
	Step     time.Duration
}

// ErrorsBackend serves the error endpoints. The error rollups implement it;
// a server without one answers those endpoints 501.
type ErrorsBackend interface {
	// Top returns the groups with the most errors in the range, by count descending.
	Top(ctx context.Context, r ErrorsRequest) ([]ErrorGroup, error)
	// Group returns one fingerprint's group, or nil when it has no errors in the range.
	Group(ctx context.Context, fingerprint string, r ErrorsRequest) (*ErrorGroup, error)
	// Members returns the ingest keys that make up the group of key
	// fingerprint over the range (Top merges statements whose templates
	// differ in a word that varies): the entries of /logs?fingerprint= are
	// those whose Fingerprint is one of them.
	Members(ctx context.Context, fingerprint string, r ErrorsRequest) ([]string, error)
	// Fingerprint returns the fingerprint of an error entry, or "" for other entries.
	Fingerprint(e *storage.Entry) string
	// MayBeError reports, from a record not decoded yet, whether it can be
	// an error; for one it is false for, Fingerprint returns "".
	MayBeError(r storage.RawRecord) bool
}
