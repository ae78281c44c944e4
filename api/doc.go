// Package api serves Talus's HTTP query API (JSON) and holds its Go client,
// which the CLI and the Grafana datasource plugin use. The wire types in
// types.go are the contract between them: fields may be added, never renamed.
//
// Endpoints:
//
//	GET /api/v1/logs?query=Q&start=T&end=T&limit=N[&cursor=C][&fingerprint=FP]
//	GET /api/v1/logs/volume?query=Q&start=T&end=T[&step=D][&fingerprint=FP]
//	GET /api/v1/labels?start=T&end=T
//	GET /api/v1/label/NAME/values?start=T&end=T[&query=Q]
//	GET /api/v1/errors/top?query=Q&start=T&end=T&limit=N
//	GET /api/v1/errors/FINGERPRINT?start=T&end=T&step=D
//	GET /healthz, GET /readyz, GET /metrics
//
// T is RFC 3339 or Unix nanoseconds. Every request may carry the tenant in
// the X-Talus-Instance header (default "default"). Errors are JSON
// {"error":"...","status":400}.
package api
