package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/errors/rollup"
)

const errorsFingerprintUsage = `Usage: talus errors fingerprint [--explain] [--json] [--per-message] < messages

Reads one message per line on stdin and prints one fingerprint per line, in the
same order, as "v5:" followed by 16 hex digits.

Two levels, as in "talus errors top":
  1. Each message is normalized to a template on its own (variable parts such
     as numbers, ids, IPs, paths, file and host names, quoted values,
     key=value and "key: value" values, and names after words such as "user"
     masked as <*>). This is the key stored at ingest: stateless, so the same
     message always gets the same value.
  2. The templates of the whole input are then merged where they differ in
     single words that vary: a position that takes 3 or more distinct words
     among templates otherwise the same becomes <*> (user, host or program
     names without digits), and a word where another template has a mask
     joins it; a run of up to 8 words that takes 3 or more values among
     templates equal around it (4 or more unmasked words) becomes one <*>
     (reasons, signal names). Two templates that differ by one word in only
     two ways (opened/closed) stay apart.
By default the output is level 2, so the whole input is read before anything
is printed. --per-message prints level 1 as each line is read.

Plain mode (default): each line is a log message (with or without a header such
as a timestamp, a level and a logger name).

--json: each line is an OTLP-JSON LogRecord, e.g.
  {"severityNumber":17,"body":{"stringValue":"boom"},
   "attributes":[{"key":"exception.type","value":{"stringValue":"java.io.IOException"}},
                 {"key":"exception.stacktrace","value":{"stringValue":"..."}}],
   "resource":{"attributes":[{"key":"telemetry.sdk.language","value":{"stringValue":"java"}}]}}
  Used attributes: error.fingerprint, exception.type, exception.message,
  exception.stacktrace, code.function.name (or code.function) and, from the
  resource, telemetry.sdk.language. A line that is not a JSON object prints "-"
  and is reported on stderr; the exit code is then 1.

Flags:
`

// runErrorsFingerprint implements `talus errors fingerprint`. It returns the
// process exit code: 0 on success, 1 if a line could not be read or decoded,
// 2 on a usage error.
func runErrorsFingerprint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("talus errors fingerprint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	explain := fs.Bool("explain", false, "print the normalized template after the fingerprint, tab-separated\n(with --json: fingerprint, rule and explanation)")
	jsonIn := fs.Bool("json", false, "read OTLP-JSON log records, one per line, instead of plain messages")
	perMessage := fs.Bool("per-message", false, "print each line's own fingerprint (the key stored at ingest) as it is read,\nwithout merging templates across the input")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), errorsFingerprintUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "talus errors fingerprint: unexpected argument %q (messages are read from stdin)\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	in := bufio.NewReaderSize(stdin, 64<<10)
	out := bufio.NewWriterSize(stdout, 64<<10)
	var (
		fp      fingerprint.Fingerprinter
		long    []byte // a line longer than the reader's buffer
		outBuf  []byte
		lineNo  int
		badLine bool
		lines   statementLines
	)
	for {
		if in.Buffered() == 0 {
			// About to block on input: let a reader on the other end see what
			// we have so far.
			if err := out.Flush(); err != nil {
				fmt.Fprintf(stderr, "talus errors fingerprint: %v\n", err)
				return 1
			}
		}
		chunk, err := in.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if len(long) > 0 {
			long = append(long, chunk...)
			line = long
		}
		if len(line) == 0 && err != nil {
			if err != io.EOF {
				fmt.Fprintf(stderr, "talus errors fingerprint: reading stdin: %v\n", err)
				out.Flush()
				return 1
			}
			break
		}
		lineNo++
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})

		var (
			stmt fingerprint.Statement
			ok   = true
		)
		switch {
		case *jsonIn:
			stmt, ok = fingerprintJSONLine(&fp, line)
			if !ok {
				fmt.Fprintf(stderr, "talus errors fingerprint: line %d: not an OTLP-JSON log record\n", lineNo)
				badLine = true
			}
		case *perMessage:
			stmt = fingerprint.Statement{Fingerprint: fp.Message(string(line)), Rule: fingerprint.RuleMessage}
			if *explain {
				stmt.Template = string(fp.Template())
			}
		default:
			lines.addMessage(fp.Message(string(line)), fp.Template())
		}
		switch {
		case *perMessage:
			outBuf = appendFingerprintLine(outBuf[:0], stmt, ok, *jsonIn, *explain)
			if _, werr := out.Write(outBuf); werr != nil {
				fmt.Fprintf(stderr, "talus errors fingerprint: %v\n", werr)
				return 1
			}
		case *jsonIn:
			lines.add(stmt, ok)
		}
		long = long[:0]
		if err != nil {
			break // EOF after a last line without '\n'
		}
	}
	if !*perMessage {
		groups := fingerprint.Merge(lines.stmts)
		for _, i := range lines.line {
			if i < 0 {
				outBuf = appendFingerprintLine(outBuf[:0], fingerprint.Statement{}, false, *jsonIn, *explain)
			} else {
				st := lines.stmts[i]
				st.Fingerprint, st.Template = groups[i].Fingerprint, groups[i].Template
				outBuf = appendFingerprintLine(outBuf[:0], st, true, *jsonIn, *explain)
			}
			if _, werr := out.Write(outBuf); werr != nil {
				fmt.Fprintf(stderr, "talus errors fingerprint: %v\n", werr)
				return 1
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "talus errors fingerprint: %v\n", err)
		return 1
	}
	if badLine {
		return 1
	}
	return 0
}

// otlpKeyValue is an OTLP-JSON KeyValue; the value stays raw (an AnyValue).
type otlpKeyValue struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// otlpLogRecord is the subset of an OTLP-JSON LogRecord the fingerprint uses,
// plus an optional "resource" (an object with "attributes", or the list itself).
type otlpLogRecord struct {
	Body           json.RawMessage `json:"body"`
	SeverityNumber json.RawMessage `json:"severityNumber"`
	Attributes     []otlpKeyValue  `json:"attributes"`
	Resource       json.RawMessage `json:"resource"`
}

// statementLines holds what the merged mode prints at the end: the
// distinct statements met, and for each line the index of its statement
// (-1 for a line that could not be decoded). A line costs 4 bytes, a
// statement its template once.
type statementLines struct {
	stmts []fingerprint.Statement
	index map[fingerprint.Fingerprint]int32
	line  []int32
}

// addMessage adds a plain line's statement, copying its template only the
// first time it is met.
func (l *statementLines) addMessage(f fingerprint.Fingerprint, template []byte) {
	if i, seen := l.index[f]; seen {
		l.line = append(l.line, i)
		return
	}
	l.add(fingerprint.Statement{Fingerprint: f, Rule: fingerprint.RuleMessage, Template: string(template)}, true)
}

func (l *statementLines) add(s fingerprint.Statement, ok bool) {
	if !ok {
		l.line = append(l.line, -1)
		return
	}
	if l.index == nil {
		l.index = make(map[fingerprint.Fingerprint]int32)
	}
	i, seen := l.index[s.Fingerprint]
	if !seen {
		i = int32(len(l.stmts))
		l.index[s.Fingerprint] = i
		l.stmts = append(l.stmts, s)
	}
	l.line = append(l.line, i)
}

// appendFingerprintLine appends the output line of a statement: its
// fingerprint and, with explain, its template (with json, its rule and
// explanation), or "-" when the line was not a record.
func appendFingerprintLine(dst []byte, s fingerprint.Statement, ok, jsonIn, explain bool) []byte {
	if !ok {
		return append(dst, '-', '\n')
	}
	dst = s.Fingerprint.AppendText(dst)
	if explain {
		dst = append(dst, '\t')
		if jsonIn {
			dst = append(dst, s.Rule.String()...)
			dst = append(dst, '\t')
			if s.CodeFunction != "" && s.Rule != fingerprint.RuleStack {
				dst = appendOneLine(dst, s.CodeFunction)
				dst = append(dst, ": "...)
			}
			if s.ExceptionType != "" {
				dst = appendOneLine(dst, s.ExceptionType)
				dst = append(dst, ": "...)
			}
		}
		dst = appendOneLine(dst, s.Template)
	}
	return append(dst, '\n')
}

// fingerprintJSONLine decodes one OTLP-JSON LogRecord and returns its
// statement; ok is false when the line is not a JSON object.
func fingerprintJSONLine(fp *fingerprint.Fingerprinter, line []byte) (s fingerprint.Statement, ok bool) {
	var rec otlpLogRecord
	// json.Unmarshal accepts null into a struct; a record is an object.
	if t := bytes.TrimLeft(line, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return s, false
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return s, false
	}
	r := recordFromOTLP(&rec)
	f, ex := fp.Explain(&r)
	return fingerprint.StatementOf(f, &ex), true
}

// appendOneLine appends s with tabs and line breaks turned into spaces, so that
// each input line gives exactly one tab-separated output line.
func appendOneLine(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\n' || c == '\r' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// recordFromOTLP maps the decoded record onto a fingerprint.Record.
func recordFromOTLP(rec *otlpLogRecord) fingerprint.Record {
	r := fingerprint.Record{
		Body:           bodyString(rec.Body),
		SeverityNumber: severityNumber(rec.SeverityNumber),
	}
	codeFunction := ""
	for _, kv := range rec.Attributes {
		switch kv.Key {
		case "error.fingerprint":
			r.Fingerprint = anyValueString(kv.Value)
		case "exception.type":
			r.ExceptionType = anyValueString(kv.Value)
		case "exception.message":
			r.ExceptionMessage = anyValueString(kv.Value)
		case "exception.stacktrace":
			r.ExceptionStacktrace = anyValueString(kv.Value)
		case "code.function.name":
			r.CodeFunction = anyValueString(kv.Value)
		case "code.function":
			codeFunction = anyValueString(kv.Value)
		}
	}
	if r.CodeFunction == "" {
		r.CodeFunction = codeFunction
	}
	if len(rec.Resource) > 0 {
		var res struct {
			Attributes []otlpKeyValue `json:"attributes"`
		}
		var list []otlpKeyValue
		if json.Unmarshal(rec.Resource, &res) != nil || res.Attributes == nil {
			if json.Unmarshal(rec.Resource, &list) == nil {
				res.Attributes = list
			}
		}
		for _, kv := range res.Attributes {
			if kv.Key == "telemetry.sdk.language" {
				r.SDKLanguage = anyValueString(kv.Value)
			}
		}
	}
	return r
}

// pdataValue decodes an OTLP-JSON AnyValue with pdata's decoder, the one the
// OTLP/HTTP receiver uses, so that the value renders as it does at ingest.
// ok is false when pdata refuses it (e.g. a bare JSON string).
func pdataValue(raw json.RawMessage) (v pcommon.Value, ok bool) {
	if len(raw) == 0 {
		return v, false
	}
	doc := make([]byte, 0, len(raw)+64)
	doc = append(doc, `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":`...)
	doc = append(doc, raw...)
	doc = append(doc, `}]}]}]}`...)
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(doc)
	if err != nil || ld.LogRecordCount() != 1 {
		return v, false
	}
	return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body(), true
}

// bodyString renders a log body as the ingest path does (rollup.BodyString):
// a map body (kvlistValue) gives its message, msg or error string field; any
// other value its string form. A body pdata cannot decode falls back to the
// same rules on the raw JSON.
func bodyString(raw json.RawMessage) string {
	if v, ok := pdataValue(raw); ok {
		return rollup.BodyString(v)
	}
	var v struct {
		KVList *struct {
			Values []otlpKeyValue `json:"values"`
		} `json:"kvlistValue"`
	}
	if json.Unmarshal(raw, &v) == nil && v.KVList != nil {
		for _, key := range [...]string{"message", "msg", "error"} {
			for _, kv := range v.KVList.Values {
				if kv.Key == key {
					return anyValueString(kv.Value)
				}
			}
		}
	}
	return anyValueString(raw)
}

// anyValueString renders an OTLP-JSON AnyValue as the ingest path does
// (rollup.ValueString). One pdata cannot decode (a bare JSON string) falls
// back to: stringValue as is, other scalars in their JSON text, anything else
// as compact JSON.
func anyValueString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if v, ok := pdataValue(raw); ok {
		return rollup.ValueString(v)
	}
	var v struct {
		StringValue *string          `json:"stringValue"`
		BoolValue   *bool            `json:"boolValue"`
		IntValue    *json.RawMessage `json:"intValue"`
		DoubleValue *json.RawMessage `json:"doubleValue"`
	}
	if json.Unmarshal(raw, &v) != nil {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s // a bare JSON string
		}
		return string(raw)
	}
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return strconv.FormatBool(*v.BoolValue)
	case v.IntValue != nil:
		return strings.Trim(string(*v.IntValue), `"`)
	case v.DoubleValue != nil:
		return string(*v.DoubleValue)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

// severityNumber decodes severityNumber given as a number, a numeric string or
// an enum name (SEVERITY_NUMBER_ERROR).
func severityNumber(raw json.RawMessage) int32 {
	s := strings.Trim(string(raw), `" `)
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		return int32(n)
	}
	levels := [...]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
	name := strings.TrimPrefix(s, "SEVERITY_NUMBER_")
	for i, l := range levels {
		if strings.HasPrefix(name, l) {
			n := int32(i*4 + 1)
			if d := strings.TrimPrefix(name, l); d != "" {
				if k, err := strconv.Atoi(d); err == nil && k >= 1 && k <= 4 {
					n += int32(k - 1)
				}
			}
			return n
		}
	}
	return 0
}
