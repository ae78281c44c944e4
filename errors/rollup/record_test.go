package rollup

import (
	"math"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/talus-logs/talus/errors/fingerprint"
	"github.com/talus-logs/talus/storage"
)

// fromLogRecord and serviceOf are how the hook read records before the store
// stopped building pdata, kept as the reference recordOf must agree with.

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

// serviceOf returns a resource's service.name in selector string form.
func serviceOf(resource pcommon.Map) string {
	if v, ok := resource.Get(attrServiceName); ok {
		return pvalueString(v)
	}
	return ""
}

// checkViews compares what the hook reads from the store's views (recordOf,
// which decodes pdata only for map and array values) with what it read from
// the record decoded into pdata: the counters must not change.
func checkViews(t *testing.T, resource pcommon.Map, rec plog.LogRecord) {
	t.Helper()
	rc := storage.NewRecordContext("default", 0, 1, nil, resource, rec)
	var want, got fingerprint.Record
	wantErr := fromLogRecord(&want, rec, resource)
	gotErr, service := recordOf(&got, rc)
	if gotErr != wantErr || wantErr && (got != want || service != serviceOf(resource)) {
		t.Fatalf("from views: %v %q %+v\nfrom pdata: %v %q %+v", gotErr, service, got, wantErr, serviceOf(resource), want)
	}
	if rc.TraceID() != rec.TraceID() {
		t.Fatalf("trace id %x, pdata %x", rc.TraceID(), rec.TraceID())
	}
}

func TestRecordOfMatchesPdata(t *testing.T) {
	for _, ld := range batches(generate(5, 2000, time.Hour, 0.3), 500) {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			recs := rl.ScopeLogs().At(0).LogRecords()
			for j := 0; j < recs.Len(); j++ {
				checkViews(t, rl.Resource().Attributes(), recs.At(j))
			}
		}
	}
	for _, c := range edgeRecords() {
		checkViews(t, c.resource, c.rec)
	}
}

type edgeRecord struct {
	resource pcommon.Map
	rec      plog.LogRecord
}

// edgeRecords are error records whose values take every type, with invalid
// UTF-8, repeated keys and structured bodies.
func edgeRecords() []edgeRecord {
	var out []edgeRecord
	add := func(f func(res pcommon.Map, rec plog.LogRecord)) {
		res, rec := pcommon.NewMap(), plog.NewLogRecord()
		res.PutStr("service.name", "checkout")
		f(res, rec)
		out = append(out, edgeRecord{res, rec})
	}
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityText("error")
		rec.Body().SetStr("boom \xff")
		rec.Attributes().PutInt("exception.type", 7)
		rec.Attributes().PutDouble("exception.message", math.NaN())
		rec.Attributes().PutEmptyBytes("error.fingerprint").FromRaw([]byte{1, 2, 3})
		rec.Attributes().PutBool("code.function", true)
		rec.SetTraceID(pcommon.TraceID{9})
		res.PutInt("service.name", 3)
		res.PutStr("telemetry.sdk.language", "go\xfe")
	})
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityNumber(21)
		rec.Body().SetDouble(-0.0)
		rec.Attributes().PutEmpty("code.function.name")
		rec.Attributes().PutStr("exception.stacktrace", "at a.b(c.go:1)\n\xc3")
	})
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityNumber(9)
		rec.Attributes().PutStr("exception.escaped", "true") // an exception makes an error
		rec.Body().SetEmptyBytes().FromRaw([]byte("raw"))
		res.PutEmptyMap("service.name").PutStr("x", "y") // a map: pdata's JSON
	})
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityNumber(17)
		rec.Body().SetEmptyMap().PutStr("msg", "from the map") // a map body: pdata
	})
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityNumber(17)
		rec.Body().SetEmptySlice().AppendEmpty().SetStr("a")
		rec.Attributes().PutEmptySlice("exception.type").AppendEmpty().SetInt(1)
	})
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityNumber(5) // not an error
		rec.Attributes().PutEmptyMap("exception.type")
	})
	add(func(res pcommon.Map, rec plog.LogRecord) {
		rec.SetSeverityNumber(17)
		rec.SetSeverityText("INFO") // the number wins
		rec.Body().SetInt(-12)
		res.PutEmpty("telemetry.sdk.language")
	})
	return out
}

// FuzzRecordOf builds error records from fuzzed values and compares the
// views with pdata.
func FuzzRecordOf(f *testing.F) {
	f.Add(int32(17), "ERROR", "exception.type", "E", "code.function", int64(3), 1.5, []byte("b"), "body", uint8(0), "svc")
	f.Add(int32(0), "fatal", "exception.message", "\xff", "error.fingerprint", int64(-1), math.Inf(1), []byte{}, "", uint8(3), "")
	f.Fuzz(func(t *testing.T, sev int32, text, k1, v1, k2 string, i int64, d float64, b []byte, body string, kinds uint8, service string) {
		res, rec := pcommon.NewMap(), plog.NewLogRecord()
		rec.SetSeverityNumber(plog.SeverityNumber(sev))
		rec.SetSeverityText(text)
		a := rec.Attributes()
		a.PutStr(k1, v1)
		switch kinds % 4 {
		case 0:
			a.PutInt(k2, i)
		case 1:
			a.PutDouble(k2, d)
		case 2:
			a.PutEmptyBytes(k2).FromRaw(b)
		case 3:
			a.PutBool(k2, i%2 == 0)
		}
		switch kinds / 4 % 4 {
		case 0:
			rec.Body().SetStr(body)
		case 1:
			rec.Body().SetDouble(d)
		case 2:
			rec.Body().SetEmptyMap().PutStr(k1, body)
		}
		if kinds&16 != 0 {
			res.PutStr("service.name", service)
		} else {
			res.PutInt("service.name", i)
		}
		res.PutStr("telemetry.sdk.language", v1)
		checkViews(t, res, rec)
	})
}
