package rollup

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

// Attribute names the fingerprint reads (OTel semantic conventions; the
// override is Datadog-compatible).
const (
	attrFingerprint     = "error.fingerprint"
	attrExceptionPrefix = "exception."
	attrExceptionType   = "exception.type"
	attrExceptionMsg    = "exception.message"
	attrExceptionStack  = "exception.stacktrace"
	attrCodeFunction    = "code.function.name"
	attrCodeFunctionOld = "code.function"
	attrSDKLanguage     = "telemetry.sdk.language"
	attrServiceName     = "service.name"
)

// Body fields that hold the message of a structured (map) body, in order of
// preference.
var bodyMessageFields = [...]string{"message", "msg", "error"}

// mayBeError reports whether fromLogRecord can report the record of rc an
// error, from the fields the store gives without decoding the record: the
// same test (fingerprint.IsError) on the same severity and attribute keys.
// Only for these records does the hook decode the record (about 5% of them).
func mayBeError(rc *storage.RecordContext) bool {
	sev := rc.SeverityNumber
	if sev == 0 {
		sev = fingerprint.SeverityFromText(rc.SeverityText)
	}
	hasException := false
	for _, k := range rc.AttributeKeys {
		if strings.HasPrefix(k, attrExceptionPrefix) {
			hasException = true
			break
		}
	}
	return fingerprint.IsError(sev, hasException)
}

// fromLogRecord fills r from an OTLP record and its resource and reports
// whether the record is an error (fingerprint.IsError; a record without a
// severity number is judged by its severity text, fingerprint.SeverityFromText). For non-errors r is
// left partly filled. It does not allocate for string attributes and bodies.
func fromLogRecord(r *fingerprint.Record, rec plog.LogRecord, resource pcommon.Map) bool {
	*r = fingerprint.Record{SeverityNumber: int32(rec.SeverityNumber())}
	if r.SeverityNumber == 0 {
		r.SeverityNumber = fingerprint.SeverityFromText(rec.SeverityText())
	}
	hasException := false
	codeFnOld := ""
	for k, v := range rec.Attributes().All() {
		switch {
		case strings.HasPrefix(k, attrExceptionPrefix):
			hasException = true
			switch k {
			case attrExceptionType:
				r.ExceptionType = pvalueString(v)
			case attrExceptionMsg:
				r.ExceptionMessage = pvalueString(v)
			case attrExceptionStack:
				r.ExceptionStacktrace = pvalueString(v)
			}
		case k == attrFingerprint:
			r.Fingerprint = pvalueString(v)
		case k == attrCodeFunction:
			r.CodeFunction = pvalueString(v)
		case k == attrCodeFunctionOld:
			codeFnOld = pvalueString(v)
		}
	}
	if !fingerprint.IsError(r.SeverityNumber, hasException) {
		return false
	}
	if r.CodeFunction == "" {
		r.CodeFunction = codeFnOld
	}
	r.Body = pbodyString(rec.Body())
	if v, ok := resource.Get(attrSDKLanguage); ok {
		r.SDKLanguage = pvalueString(v)
	}
	return true
}

// fromEntry is fromLogRecord for a stored entry. Both give the same Record
// for the same record, so that a stored entry recomputes the fingerprint it
// was counted under.
func fromEntry(r *fingerprint.Record, e *storage.Entry) bool {
	*r = fingerprint.Record{SeverityNumber: e.SeverityNumber}
	if r.SeverityNumber == 0 {
		r.SeverityNumber = fingerprint.SeverityFromText(e.SeverityText)
	}
	hasException := false
	for k := range e.Attributes {
		if strings.HasPrefix(k, attrExceptionPrefix) {
			hasException = true
			break
		}
	}
	if !fingerprint.IsError(r.SeverityNumber, hasException) {
		return false
	}
	get := func(name string) string {
		v, ok := e.Attributes[name]
		if !ok {
			return ""
		}
		return storage.ValueString(v)
	}
	r.ExceptionType = get(attrExceptionType)
	r.ExceptionMessage = get(attrExceptionMsg)
	r.ExceptionStacktrace = get(attrExceptionStack)
	r.Fingerprint = get(attrFingerprint)
	r.CodeFunction = get(attrCodeFunction)
	if r.CodeFunction == "" {
		r.CodeFunction = get(attrCodeFunctionOld)
	}
	r.Body = bodyString(e.Body)
	if e.Resource != nil {
		r.SDKLanguage = e.Resource.Get(attrSDKLanguage)
	}
	return true
}

// pvalueString renders an OTLP value as storage.ValueString renders the
// stored (decoded) value: strings as they are (invalid UTF-8 replaced, as the
// store does), scalars in their shortest form, bytes as base64, the rest as
// JSON.
func pvalueString(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return validUTF8(v.Str())
	case pcommon.ValueTypeEmpty:
		return ""
	case pcommon.ValueTypeDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	default: // bool and int as strconv formats them, bytes as base64, maps and slices as JSON
		return v.AsString()
	}
}

// pbodyString is the fingerprint's body: the string itself, or for a map the
// first of message/msg/error that is a string, else the value's string form.
func pbodyString(v pcommon.Value) string {
	if v.Type() == pcommon.ValueTypeStr {
		return validUTF8(v.Str())
	}
	if v.Type() == pcommon.ValueTypeMap {
		m := v.Map()
		for _, f := range bodyMessageFields {
			if fv, ok := m.Get(f); ok && fv.Type() == pcommon.ValueTypeStr {
				return validUTF8(fv.Str())
			}
		}
	}
	return pvalueString(v)
}

// bodyString is pbodyString for a decoded body.
func bodyString(v any) string {
	if m, ok := v.(map[string]any); ok {
		for _, f := range bodyMessageFields {
			if s, ok := m[f].(string); ok {
				return s
			}
		}
	}
	return storage.ValueString(v)
}

// serviceOf returns a resource's service.name in selector string form.
func serviceOf(resource pcommon.Map) string {
	if v, ok := resource.Get(attrServiceName); ok {
		return pvalueString(v)
	}
	return ""
}

// validUTF8 replaces invalid UTF-8 as the store does when it encodes a
// string, so that the hook sees what a stored entry will hold.
func validUTF8(s string) string {
	if !utf8.ValidString(s) {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}
