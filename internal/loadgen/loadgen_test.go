package loadgen

import (
	"testing"
	"time"

	"github.com/talus-logs/talus/errors/fingerprint"
)

// TestErrorKindsFingerprintApart checks the generator's ground truth: its
// error records fall into exactly ErrorKinds() fingerprints per language,
// whatever the variable parts, so benchmarks can check error counts.
func TestErrorKindsFingerprintApart(t *testing.T) {
	g := New(Config{Seed: 3, Resources: 60, Start: time.Now(), Total: 20000, ErrorRate: 0.3})
	fps := map[string]map[fingerprint.Fingerprint]bool{}
	for i := 0; i < 20; i++ {
		ld := g.Batch(1000)
		for j := 0; j < ld.ResourceLogs().Len(); j++ {
			rl := ld.ResourceLogs().At(j)
			lang, _ := rl.Resource().Attributes().Get("telemetry.sdk.language")
			recs := rl.ScopeLogs().At(0).LogRecords()
			for k := 0; k < recs.Len(); k++ {
				lr := recs.At(k)
				typ, ok := lr.Attributes().Get("exception.type")
				if !ok {
					continue
				}
				msg, _ := lr.Attributes().Get("exception.message")
				st, _ := lr.Attributes().Get("exception.stacktrace")
				fp := fingerprint.Compute(&fingerprint.Record{
					Body: lr.Body().Str(), SeverityNumber: int32(lr.SeverityNumber()),
					ExceptionType: typ.Str(), ExceptionMessage: msg.Str(), ExceptionStacktrace: st.Str(),
					SDKLanguage: lang.Str(),
				})
				if fps[lang.Str()] == nil {
					fps[lang.Str()] = map[fingerprint.Fingerprint]bool{}
				}
				fps[lang.Str()][fp] = true
			}
		}
	}
	for lang, set := range fps {
		if len(set) > ErrorKinds() {
			t.Errorf("%s: %d fingerprints for %d error kinds", lang, len(set), ErrorKinds())
		}
	}
}
