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

// TestJobsWithRecords: the jobs JobsWithRecords names all have records,
// and the next job (if any) has none, for workloads that cover a part of
// their resources and all of them.
func TestJobsWithRecords(t *testing.T) {
	for _, c := range []struct{ resources, records int }{{5000, 20000}, {200, 20000}, {8, 3}} {
		g := New(Config{Seed: 1, Resources: c.resources, Start: time.Now(), Total: c.records})
		seen := map[string]bool{}
		for made := 0; made < c.records; made += 1000 {
			ld := g.Batch(min(1000, c.records-made))
			for i := 0; i < ld.ResourceLogs().Len(); i++ {
				v, _ := ld.ResourceLogs().At(i).Resource().Attributes().Get("k8s.job.name")
				seen[v.Str()] = true
			}
		}
		n := g.JobsWithRecords()
		if n == 0 || len(seen) != n {
			t.Errorf("%d resources, %d records: JobsWithRecords %d, jobs seen %d", c.resources, c.records, n, len(seen))
		}
		for i := 0; i < n; i++ {
			if !seen[JobName(i)] {
				t.Errorf("%d resources, %d records: %s has no records", c.resources, c.records, JobName(i))
			}
		}
	}
}
