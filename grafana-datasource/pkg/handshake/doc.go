// Package handshake tests the built plugin binary the way Grafana runs it:
// a subprocess started by hashicorp/go-plugin with Grafana's handshake
// (protocol 2, cookie grafana_plugin_type=datasource, gRPC only), driven
// through the SDK's gRPC plugin clients (data, diagnostics, resource,
// stream). It has no non-test code.
//
// The binary comes from $GPX_TALUS_BIN (the Makefile passes dist/'s) or is
// built into a temporary directory once per test run. The tests against a
// live Talus server use $TALUS_BIN or build ./cmd/talus.
package handshake
