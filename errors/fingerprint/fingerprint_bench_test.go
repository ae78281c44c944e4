package fingerprint

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"
)

// benchLines returns the messages of a corpus file (without labels): typical
// log lines with and without headers.
func benchLines(b *testing.B, name string) []string {
	b.Helper()
	f, err := os.Open(corpusDir + "/" + name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, msg, _ := strings.Cut(sc.Text(), "\t")
		lines = append(lines, msg)
	}
	return lines
}

func benchMessages(b *testing.B, lines []string) {
	var total int64
	for _, l := range lines {
		total += int64(len(l))
	}
	b.SetBytes(total / int64(len(lines))) // bytes per message
	b.ReportAllocs()
	var f Fingerprinter
	b.ResetTimer()
	cpu0 := processCPUTime()
	for i := 0; i < b.N; i++ {
		f.Message(lines[i%len(lines)])
	}
	reportRates(b, cpu0, "msgs")
}

// reportRates reports items per wall-clock second and, where the platform
// gives process CPU time, items per CPU-second: the single-core throughput,
// which stays meaningful when other processes share the machine.
func reportRates(b *testing.B, cpu0 time.Duration, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if cpu := processCPUTime() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), unit+"/cpu-s")
	}
}

// BenchmarkMessage measures plain log lines on one core: the
// `talus errors fingerprint` path and the ingest path for plain error logs.
func BenchmarkMessage(b *testing.B) {
	b.Run("system", func(b *testing.B) { benchMessages(b, benchLines(b, "system.tsv")) })
	b.Run("app", func(b *testing.B) { benchMessages(b, benchLines(b, "app.tsv")) })
}

// BenchmarkRecordStack measures records carrying a stack trace (six runtimes).
func BenchmarkRecordStack(b *testing.B) {
	var recs []Record
	var total int64
	for _, sr := range genStackCorpus() {
		r := sr.record()
		if r.ExceptionStacktrace != "" {
			recs = append(recs, r)
			total += int64(len(r.ExceptionStacktrace))
		}
	}
	b.SetBytes(total / int64(len(recs)))
	b.ReportAllocs()
	var f Fingerprinter
	b.ResetTimer()
	cpu0 := processCPUTime()
	for i := 0; i < b.N; i++ {
		f.Fingerprint(&recs[i%len(recs)])
	}
	reportRates(b, cpu0, "records")
}
