// Package plugin is the backend of the Talus Grafana datasource: it turns
// Grafana queries into calls of the Talus query API (package api, its only
// Talus import) and the answers into data frames.
//
// Query types (the JSON model is queryModel):
//
//   - logs: a dataplane "log-lines" frame, newest first (logs.go).
//   - topErrors: a table of error fingerprints sorted by count, with a data
//     link from each fingerprint to its logs (errors.go).
//   - errorTrend: zero-filled "timeseries-multi" frames per fingerprint,
//     per service or in total; numeric, so alert rules can use them.
//   - logsVolume: one "timeseries-multi" frame per level, the supplementary
//     histogram Explore shows above the logs (volume.go). The API has no
//     volume endpoint yet, so the backend counts rows it pages through.
//
// Live tail runs through Grafana Live: channel paths tail/<id> with the
// query model as the subscription data; one goroutine per channel polls the
// logs API (stream.go). Resource calls labels and label/NAME/values feed the
// query editor's autocompletion (resource.go).
//
// A Datasource is created per datasource instance by the SDK's instance
// manager and is safe for concurrent use.
package plugin
