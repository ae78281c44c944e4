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

const errorsFingerprintUsage = `Usage: talus errors fingerprint [--explain] [--json] < messages

Reads one message per line on stdin and prints one fingerprint per line, in the
same order, as "v5:" followed by 16 hex digits. The fingerprint is the Talus v5
error fingerprint: stateless, so the same message always gets the same value.

Plain mode (default): each line is a log message (with or without a header such
as a timestamp, a level and a logger name). Lines that normalize to the same
template (variable parts such as numbers, ids, IPs, paths, file and host names,
quoted values, key=value and "key: value" values, and names after words such
as "user" masked as <*>) get the same fingerprint.

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

		outBuf = outBuf[:0]
		if *jsonIn {
			var ok bool
			outBuf, ok = fingerprintJSONLine(&fp, outBuf, line, *explain)
			if !ok {
				fmt.Fprintf(stderr, "talus errors fingerprint: line %d: not an OTLP-JSON log record\n", lineNo)
				badLine = true
			}
		} else {
			f := fp.Message(string(line))
			outBuf = f.AppendText(outBuf)
			if *explain {
				outBuf = append(outBuf, '\t')
				outBuf = append(outBuf, fp.Template()...)
			}
		}
		outBuf = append(outBuf, '\n')
		if _, werr := out.Write(outBuf); werr != nil {
			fmt.Fprintf(stderr, "talus errors fingerprint: %v\n", werr)
			return 1
		}
		long = long[:0]
		if err != nil {
			break // EOF after a last line without '\n'
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

// fingerprintJSONLine decodes one OTLP-JSON LogRecord and appends its
// fingerprint (and explanation) to dst. It appends "-" and reports false when the
// line is not a JSON object.
func fingerprintJSONLine(fp *fingerprint.Fingerprinter, dst, line []byte, explain bool) ([]byte, bool) {
	var rec otlpLogRecord
	// json.Unmarshal accepts null into a struct; a record is an object.
	if t := bytes.TrimLeft(line, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return append(dst, '-'), false
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return append(dst, '-'), false
	}
	r := recordFromOTLP(&rec)
	f, ex := fp.Explain(&r)
	dst = f.AppendText(dst)
	if explain {
		dst = append(dst, '\t')
		dst = append(dst, ex.Rule.String()...)
		dst = append(dst, '\t')
		if ex.CodeFunction != "" && ex.Rule != fingerprint.RuleStack {
			dst = appendOneLine(dst, ex.CodeFunction)
			dst = append(dst, ": "...)
		}
		if ex.Rule == fingerprint.RuleException && len(ex.ExceptionTypes) > 0 {
			dst = appendOneLine(dst, ex.ExceptionTypes[0])
			dst = append(dst, ": "...)
		}
		dst = appendOneLine(dst, ex.Template)
	}
	return dst, true
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
