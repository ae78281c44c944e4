package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/talus-logs/talus/api"
)

// defaultServerURL is where the CLI finds the API unless --server or
// TALUS_SERVER says otherwise.
func defaultServerURL() string {
	if v := os.Getenv("TALUS_SERVER"); v != "" {
		return v
	}
	return "http://127.0.0.1:7070"
}

// clientFlags are the flags every API command shares.
type clientFlags struct {
	server   string
	instance string
	output   string
	since    time.Duration
}

func (c *clientFlags) register(fs *flag.FlagSet, since time.Duration) {
	fs.StringVar(&c.server, "server", defaultServerURL(), "query API URL (or set TALUS_SERVER)")
	fs.StringVar(&c.instance, "instance", "", "tenant instance (X-Talus-Instance); empty means the server's default")
	fs.StringVar(&c.output, "output", "text", "output format: text or json")
	c.since = since
	fs.Var((*sinceFlag)(&c.since), "since", "how far back to look: a Go duration (90m, 24h) or days and weeks as Loki and Prometheus write them (7d, 2w, 1d12h)")
}

// sinceFlag is a positive duration that also takes days (d) and weeks (w).
type sinceFlag time.Duration

func (f *sinceFlag) String() string { return time.Duration(*f).String() }

func (f *sinceFlag) Set(s string) error {
	d, err := parseSince(s)
	if err != nil {
		return err
	}
	*f = sinceFlag(d)
	return nil
}

// parseSince parses a Go duration, optionally led by whole weeks and days
// (2w, 7d, 1d12h).
func parseSince(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration: use e.g. 90m, 24h, 7d or 1d12h", s)
	var d time.Duration
	rest := s
	for _, u := range []struct {
		suffix byte
		unit   time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := strings.IndexByte(rest, u.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 100000 {
			return 0, bad
		}
		d += time.Duration(n) * u.unit
		rest = rest[i+1:]
	}
	if rest != "" || d == 0 {
		g, err := time.ParseDuration(rest)
		if err != nil || (d > 0 && g < 0) {
			return 0, bad
		}
		d += g
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: how far back must be more than zero", s)
	}
	return d, nil
}

func (c *clientFlags) client() (*api.Client, error) {
	if c.output != "text" && c.output != "json" {
		return nil, fmt.Errorf("--output %q: use text or json", c.output)
	}
	server := c.server
	if !strings.Contains(server, "://") {
		server = "http://" + server // --server 127.0.0.1:7070
	}
	cl := api.NewClient(server)
	cl.Instance = c.instance
	return cl, nil
}

// parseInterleaved parses flags that may come before or after positional
// arguments (talus logs '{...}' --since 1h).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

const logsUsage = `Usage: talus logs QUERY [--since 1h] [--limit 100] [--server URL] [--output text|json]

Prints the latest logs matching QUERY, newest first. QUERY is a stream
selector on resource attributes with optional line and severity filters:

  talus logs '{k8s.job.name="etl"}'
  talus logs '{service.name=~"check.*"} |= "timeout" | severity >= error' --since 24h
  talus logs '{}' --limit 20          # everything

Flags:
`

func runLogs(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("talus logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs, time.Hour)
	limit := fs.Int("limit", 100, "maximum number of entries")
	fingerprint := fs.String("fingerprint", "", "only the entries of this error fingerprint")
	fs.Usage = func() { fmt.Fprint(stderr, logsUsage); fs.PrintDefaults() }
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "talus logs: one QUERY expected, got %d arguments (quote the query)\n", len(pos))
		return 2
	}
	query := "{}"
	if len(pos) == 1 {
		query = pos[0]
	}
	if *limit < 1 {
		// The client leaves a limit of 0 out of the request, and the server
		// then answered its default of 100 entries.
		fmt.Fprintf(stderr, "talus logs: --limit %d: give a number of entries from 1\n", *limit)
		return 2
	}
	cl, err := cf.client()
	if err != nil {
		fmt.Fprintln(stderr, "talus logs:", err)
		return 2
	}
	now := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cl.Logs(ctx, api.LogsQuery{Query: query, Start: now.Add(-cf.since), End: now, Limit: *limit, Fingerprint: *fingerprint})
	if err != nil {
		fmt.Fprintln(stderr, "talus logs:", err)
		return 1
	}
	if cf.output == "json" {
		return printJSON(stdout, res)
	}
	for _, l := range res.Logs {
		fmt.Fprintln(stdout, formatLogLine(&l))
	}
	if len(res.Logs) == 0 {
		fmt.Fprintf(stderr, "no logs matched %s in the last %s\n", query, cf.since)
	}
	return 0
}

// formatLogLine renders an entry as one line: time, level, resource job or
// service, body, attributes.
func formatLogLine(l *api.LogEntry) string {
	var sb strings.Builder
	ns, _ := strconv.ParseInt(l.TimeUnixNano, 10, 64)
	sb.WriteString(time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000000Z"))
	sev := l.SeverityText
	if sev == "" {
		sev = levelWord(l.SeverityNumber)
	}
	fmt.Fprintf(&sb, " %-5s", strings.ToUpper(sev))
	for _, k := range []string{"k8s.job.name", "service.name"} {
		if v, ok := l.Resource[k]; ok {
			fmt.Fprintf(&sb, " [%v]", v)
			break
		}
	}
	var body any
	if err := json.Unmarshal(l.Body, &body); err == nil {
		if s, ok := body.(string); ok {
			sb.WriteString(" " + s)
		} else {
			sb.WriteString(" " + string(l.Body))
		}
	}
	keys := make([]string, 0, len(l.Attributes))
	for k := range l.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&sb, " %s=%v", k, l.Attributes[k])
	}
	return sb.String()
}

func levelWord(n int32) string {
	switch {
	case n == 0:
		return "-"
	case n < 5:
		return "trace"
	case n < 9:
		return "debug"
	case n < 13:
		return "info"
	case n < 17:
		return "warn"
	case n < 21:
		return "error"
	default:
		return "fatal"
	}
}

func runErrorsTop(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("talus errors top", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs, 24*time.Hour)
	limit := fs.Int("limit", 20, "number of fingerprints")
	query := fs.String("query", "", "stream selector narrowing to some resources, e.g. '{service.name=\"checkout\"}'")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	// Parsing stops at the first argument that is not a flag, so a stray
	// argument would silently drop the flags after it (--server among them).
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "talus errors top: unexpected argument %q (use --query SELECTOR)\n", fs.Arg(0))
		return 2
	}
	if *limit < 1 {
		// The client leaves a limit below 1 out, i.e. the server's default.
		fmt.Fprintf(stderr, "talus errors top: --limit %d: must be at least 1\n", *limit)
		return 2
	}
	cl, err := cf.client()
	if err != nil {
		fmt.Fprintln(stderr, "talus errors top:", err)
		return 2
	}
	now := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cl.ErrorsTop(ctx, api.ErrorsQuery{Query: *query, Start: now.Add(-cf.since), End: now, Limit: *limit})
	if err != nil {
		fmt.Fprintln(stderr, "talus errors top:", err)
		return 1
	}
	if cf.output == "json" {
		return printJSON(stdout, res)
	}
	fmt.Fprintf(stdout, "%-10s %-22s %-20s %s\n", "COUNT", "FINGERPRINT", "LAST SEEN", "ERROR")
	for _, g := range res.Errors {
		last, _ := strconv.ParseInt(g.LastSeenUnixNano, 10, 64)
		what := g.Message
		if g.ExceptionType != "" {
			what = g.ExceptionType + ": " + what
		}
		fmt.Fprintf(stdout, "%-10d %-22s %-20s %s\n", g.Count, g.Fingerprint, time.Unix(0, last).UTC().Format("2006-01-02 15:04:05"), oneLine(what, 100))
	}
	return 0
}

func runErrorsShow(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("talus errors show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs, 24*time.Hour)
	step := fs.Duration("step", time.Hour, "trend bucket width")
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: talus errors show FINGERPRINT [--since 24h] [--step 1h]")
		return 2
	}
	cl, err := cf.client()
	if err != nil {
		fmt.Fprintln(stderr, "talus errors show:", err)
		return 2
	}
	now := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	g, err := cl.Error(ctx, pos[0], api.ErrorsQuery{Start: now.Add(-cf.since), End: now, Step: *step})
	if err != nil {
		fmt.Fprintln(stderr, "talus errors show:", err)
		return 1
	}
	if cf.output == "json" {
		return printJSON(stdout, g)
	}
	first, _ := strconv.ParseInt(g.FirstSeenUnixNano, 10, 64)
	last, _ := strconv.ParseInt(g.LastSeenUnixNano, 10, 64)
	fmt.Fprintf(stdout, "fingerprint  %s\ncount        %d\nfirst seen   %s\nlast seen    %s\n", g.Fingerprint, g.Count,
		time.Unix(0, first).UTC().Format(time.RFC3339), time.Unix(0, last).UTC().Format(time.RFC3339))
	if g.ExceptionType != "" {
		fmt.Fprintf(stdout, "exception    %s\n", g.ExceptionType)
	}
	fmt.Fprintf(stdout, "message      %s\ntemplate     %s\nservices     %s\n", oneLine(g.Message, 200), g.Template, strings.Join(g.Services, ", "))
	if g.SampleTraceID != "" {
		fmt.Fprintf(stdout, "sample trace %s\n", g.SampleTraceID)
	}
	fmt.Fprintln(stdout, "trend:")
	for _, p := range g.Trend {
		ts, _ := strconv.ParseInt(p.TimeUnixNano, 10, 64)
		fmt.Fprintf(stdout, "  %s %d\n", time.Unix(0, ts).UTC().Format("2006-01-02 15:04"), p.Count)
	}
	return 0
}

// printJSON writes v as indented JSON and returns the exit code.
func printJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return 1
	}
	return 0
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ⏎ ")
	if len(s) > n {
		// Cut on a rune boundary, so that the output stays valid UTF-8.
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		return s[:n] + "…"
	}
	return s
}
