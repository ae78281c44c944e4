//go:build e2e

// Package e2e holds Talus's end-to-end tests: real processes, real protocols.
// They start the talus binary (TALUS_BIN) on a temporary data directory and a
// real OpenTelemetry Collector (OTELCOL_BIN, built from
// deploy/otelcol/builder-config.yaml), send OTLP logs into the collector, and
// read them back through the query API's Go client (package api).
//
// Run them with `make test-e2e`, which builds both binaries and sets the two
// variables. Without them the tests fail rather than skip, so CI can never
// pass by running nothing.
//
// Every process binds only 127.0.0.1 on ports picked by the kernel; every wait
// polls with a deadline; process output goes to files in the test's temporary
// directory and its tail is printed when a test fails.
//
// The package imports nothing from the server: only the wire (OTLP via pdata)
// and the public query API client.
package e2e
