package rollup

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

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

// recordOf fills r from the record of rc and returns whether it is an error
// (fingerprint.IsError; a record without a severity number is judged by its
// severity text, fingerprint.SeverityFromText) and its service.name. For
// non-errors r is left partly filled. It reads the store's views of the
// request, so strings point into the request (valid until the write ends)
// and cost no allocation; a map or array value, whose string form is
// pdata's JSON, is rendered by decoding the record or resource into pdata.
// fromEntry gives the same Record for the stored entry.
func recordOf(r *fingerprint.Record, rc *storage.RecordContext) (isError bool, service string) {
	*r = fingerprint.Record{SeverityNumber: rc.SeverityNumber}
	if r.SeverityNumber == 0 {
		r.SeverityNumber = fingerprint.SeverityFromText(rc.SeverityText)
	}
	var pattrs []pcommon.Value // the record's attributes in pdata, decoded when needed
	attr := func(i int, v storage.Value) string {
		if s, ok := valueString(v); ok {
			return s
		}
		if pattrs == nil {
			for _, pv := range rc.LogRecord().Attributes().All() {
				pattrs = append(pattrs, pv)
			}
		}
		return pvalueString(pattrs[i])
	}
	resourceAttr := func(k string) string {
		v, found := rc.ResourceAttribute(k)
		if !found {
			return ""
		}
		if s, ok := valueString(v); ok {
			return s
		}
		pv, _ := rc.ResourceAttributes().Get(k)
		return pvalueString(pv)
	}
	// Most records are not errors: find the attributes first and render
	// their values only for an error. The last of a repeated key wins.
	hasException := false
	idx := [...]int{-1, -1, -1, -1, -1, -1}
	const typ, msg, stack, fp, codeFn, codeFnOld = 0, 1, 2, 3, 4, 5
	for i := 0; i < rc.NumAttributes(); i++ {
		switch k, _ := rc.Attribute(i); {
		case strings.HasPrefix(k, attrExceptionPrefix):
			hasException = true
			switch k {
			case attrExceptionType:
				idx[typ] = i
			case attrExceptionMsg:
				idx[msg] = i
			case attrExceptionStack:
				idx[stack] = i
			}
		case k == attrFingerprint:
			idx[fp] = i
		case k == attrCodeFunction:
			idx[codeFn] = i
		case k == attrCodeFunctionOld:
			idx[codeFnOld] = i
		}
	}
	if !fingerprint.IsError(r.SeverityNumber, hasException) {
		return false, ""
	}
	for slot, dst := range [...]*string{typ: &r.ExceptionType, msg: &r.ExceptionMessage, stack: &r.ExceptionStacktrace,
		fp: &r.Fingerprint, codeFn: &r.CodeFunction} {
		if i := idx[slot]; i >= 0 {
			_, v := rc.Attribute(i)
			*dst = attr(i, v)
		}
	}
	if i := idx[codeFnOld]; r.CodeFunction == "" && i >= 0 {
		_, v := rc.Attribute(i)
		r.CodeFunction = attr(i, v)
	}
	if s, ok := valueString(rc.Body()); ok {
		r.Body = s
	} else {
		r.Body = pbodyString(rc.LogRecord().Body())
	}
	r.SDKLanguage = resourceAttr(attrSDKLanguage)
	return true, resourceAttr(attrServiceName)
}

// valueString is pvalueString on a view; ok is false for maps and arrays.
func valueString(v storage.Value) (string, bool) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return validUTF8(v.Str()), true
	case pcommon.ValueTypeEmpty:
		return "", true
	case pcommon.ValueTypeDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64), true
	case pcommon.ValueTypeBool:
		return strconv.FormatBool(v.Bool()), true
	case pcommon.ValueTypeInt:
		return strconv.FormatInt(v.Int(), 10), true
	case pcommon.ValueTypeBytes:
		return base64.StdEncoding.EncodeToString(v.Bytes()), true
	}
	return "", false
}

// fromEntry is recordOf for a stored entry. Both give the same Record for
// the same record, so that a stored entry recomputes the fingerprint it was
// counted under.
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

// ValueString is the string an attribute value gives the fingerprint at
// ingest (pvalueString), for tools that build a fingerprint.Record from
// OTLP data themselves (talus errors fingerprint --json).
func ValueString(v pcommon.Value) string { return pvalueString(v) }

// BodyString is the fingerprint's body of a log body at ingest
// (pbodyString).
func BodyString(v pcommon.Value) string { return pbodyString(v) }

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

// validUTF8 replaces invalid UTF-8 as the store does when it encodes a
// string, so that the hook sees what a stored entry will hold.
func validUTF8(s string) string {
	if !utf8.ValidString(s) {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}
