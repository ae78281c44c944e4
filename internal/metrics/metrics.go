// Package metrics holds Talus's Prometheus metrics, served on /metrics.
// Each metric is registered once here so every package counts into the same
// series.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry holds every Talus metric plus the Go and process collectors.
var Registry = prometheus.NewRegistry()

var (
	// IngestRecords counts log records by result (accepted, rejected).
	IngestRecords = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "talus_ingest_records_total", Help: "Log records received over OTLP, by result.",
	}, []string{"result"})
	// IngestBytes counts encoded bytes of accepted records.
	IngestBytes = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "talus_ingest_bytes_total", Help: "Bytes of accepted log records as stored (before compression).",
	})
	// IngestRequests counts export requests by transport and outcome code.
	IngestRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "talus_ingest_requests_total", Help: "OTLP export requests, by transport and status code.",
	}, []string{"transport", "code"})
	// IngestErrors counts failed export requests by reason.
	IngestErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "talus_ingest_errors_total", Help: "OTLP export requests that failed, by reason.",
	}, []string{"reason"})
	// QueryDuration observes query API latency by endpoint.
	QueryDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "talus_query_duration_seconds",
		Help:    "Query API latency, by endpoint.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"endpoint"})
	// QueryErrors counts failed queries by endpoint and status.
	QueryErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "talus_query_errors_total", Help: "Query API requests that failed, by endpoint and status.",
	}, []string{"endpoint", "status"})
	// StoreDiskBytes reports the bytes the store occupies on disk.
	StoreDiskBytes = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "talus_store_disk_bytes", Help: "Bytes the store occupies on disk.",
	})
)

func init() {
	Registry.MustRegister(IngestRecords, IngestBytes, IngestRequests, IngestErrors, QueryDuration, QueryErrors, StoreDiskBytes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
