// Command talus is the one Talus binary: the server and the clients of its API.
package main

import (
	"fmt"
	"github.com/talus-logs/talus/internal/gunzip"
	"io"
	"os"
)

const usage = `talus: an OpenTelemetry logs database.

Usage:
  talus server [flags]              run a node (OTLP on :4317/:4318, query API on :7070)
  talus logs QUERY [flags]          print the latest logs matching a selector
  talus errors top [flags]          the error fingerprints with the most errors
  talus errors show FINGERPRINT     one error fingerprint with its trend
  talus errors fingerprint [flags]  fingerprint messages read from stdin, one per line
  talus cluster status [flags]      nodes and Raft groups of a cluster
  talus cluster compact [flags]     compact one node's storage fully
  talus bench [flags]               measure ingest and query speed on generated data
  talus version

Run 'talus COMMAND --help' for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "server":
		return runServer(args[1:], stderr)
	case "logs":
		return runLogs(args[1:], stdout, stderr)
	case "errors":
		return runErrors(args[1:], stdin, stdout, stderr)
	case "bench":
		return runBench(args[1:], stdout, stderr)
	case "cluster":
		return runCluster(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "talus %s\ngzip'd requests inflated with: %s\n", version, gunzip.Inflater())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "talus: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func runErrors(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const errorsUsage = `Usage:
  talus errors top [--since 24h] [--limit 20] [--query SELECTOR] [--server URL]
  talus errors show FINGERPRINT [--since 24h] [--server URL]
  talus errors fingerprint [--explain] [--json] [--per-message] < messages
`
	if len(args) == 0 {
		fmt.Fprint(stderr, errorsUsage)
		return 2
	}
	switch args[0] {
	case "top":
		return runErrorsTop(args[1:], stdout, stderr)
	case "show":
		return runErrorsShow(args[1:], stdout, stderr)
	case "fingerprint":
		return runErrorsFingerprint(args[1:], stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, errorsUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "talus errors: unknown command %q\n%s", args[0], errorsUsage)
		return 2
	}
}
