package fingerprint

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/corpus from the generator in corpus_gen_test.go")

const corpusDir = "testdata/corpus"

// The quality bars. A change that drops below them fails the build.
// heldout.tsv and heldout2.tsv estimate generalization (their templates were
// written after the rules they were first measured with), so they have their
// own bars. heldout2.tsv stresses variables without digits, some of which no
// per-message rule can see; with the v1 rules it scored 0.3548, with v2 0.7175.
// heldout3.tsv was written before the v3 rules: v2 scores 0.7841 on it, v3
// 0.8958 (with its misses in view, so optimistic). heldout4.tsv was written
// after the first v3 rules and measured once: v2 0.6369, v3 0.6728 (the
// honest estimate); the last v3 rules were written with its misses in view
// (0.7128, optimistic). heldout5.tsv was written after the last v3 rule and
// measured once: v2 0.7014, v3 0.7226, the honest estimate for v3 as
// committed. heldout6.tsv and heldout7.tsv hold message content only, in
// the styles of the public benchmark families, and were written before the
// v4 rules: v3 scores 0.7449 and 0.8986 on them (0.6990 and 0.8843 on the
// statements no earlier file has). The v4 rules were written on their misses:
// v4 scores 0.9603 and 0.9913 on them (optimistic), and 0.8236 on
// heldout2.tsv, 0.9017 on heldout3.tsv, 0.7365 on heldout5.tsv. The overall
// figure includes them all. heldout8.tsv, content-only too, was written after
// the v4 rules and measured once: v3 and v4 both score 0.8349 on it (0.8659
// on its new statements), the honest estimate for v4: the v4 rules gained
// nothing there. Two rules were then written with its misses in view (0.8577
// on it, optimistic), and heldout9.tsv was written after them and measured
// once: v3 and v4 both score 0.8445 on it. Three more v4 rules were then
// written with its misses in view (0.9729 on it, optimistic), and
// heldout10.tsv was written after them and measured once: v3 0.8462, v4
// 0.8505, the honest estimate for v4 as committed. heldout11.tsv, content-only
// in the styles of the families the earlier files cover least (macOS,
// Windows servicing, Android, the health app, proxy logs, OpenStack,
// ZooKeeper, Thunderbird), was written after v4 and measured once with it:
// 0.7636 (0.7584 on its new statements), the honest v4 figure. The v5
// rules were then written with the misses of heldout8–11 in view: v5 scores
// 0.8805, 0.9757, 0.9289 and 0.8922 on them (optimistic). heldout12.tsv was
// written after the v5 rules and measured once: v4 and v5 both score 0.8210
// on it (0.7919 on its new statements), the honest estimate for v5.
// heldout13.tsv was written after v5 and before the v6 experiment (a
// vocabulary prior) and measured once with v5: 0.7500 (0.4398 on its 15
// new statements; 39 of its 54 statements are in earlier files); the v6
// experiment, scored on it after its rule was chosen on the other files,
// 0.7727 (not adopted: docs/fingerprint.md, "v6 experiment"). With it,
// the overall figure for v5 fell from 0.9020 to 0.8864. heldout14.tsv was
// written after the v6 experiment was final and measured once with v5 and
// v6: 0.7564 for both (0.5127 on its 25 new statements). With both files
// the overall figure for v5 is 0.8750, so the overall bar is now 0.87 (was
// 0.89 before heldout13).
const (
	minOverallGroupingAccuracy = 0.87
	minFileGroupingAccuracy    = 0.90
)

// heldoutBars is each held-out file's grouping accuracy bar; newStatements
// also logs the score on the statements no earlier file has (the
// content-only files).
var heldoutBars = map[string]struct {
	bar           float64
	newStatements bool
}{
	"heldout.tsv":   {0.90, false},
	"heldout2.tsv":  {0.80, false},
	"heldout3.tsv":  {0.88, false},
	"heldout4.tsv":  {0.70, false},
	"heldout5.tsv":  {0.72, false},
	"heldout6.tsv":  {0.95, true},
	"heldout7.tsv":  {0.98, true},
	"heldout8.tsv":  {0.88, true},
	"heldout9.tsv":  {0.95, true},
	"heldout10.tsv": {0.92, true},
	"heldout11.tsv": {0.89, true},
	"heldout12.tsv": {0.82, true},
	"heldout13.tsv": {0.75, true},
	"heldout14.tsv": {0.75, true},
	// heldout15: one content-only file per benchmark family, written by a
	// helper that had not seen the rules, after the second level (Merge)
	// was final, and measured once: per message 0.8641, merged 0.8932 (mean
	// of the sixteen files, as the public benchmarks are scored). The bars
	// are the per-message figures, rounded down.
	"heldout15_android.tsv":     {0.81, false},
	"heldout15_apache.tsv":      {0.75, false},
	"heldout15_bgl.tsv":         {0.67, false},
	"heldout15_hadoop.tsv":      {0.84, false},
	"heldout15_hdfs.tsv":        {1, false},
	"heldout15_healthapp.tsv":   {1, false},
	"heldout15_hpc.tsv":         {0.72, false},
	"heldout15_linux.tsv":       {0.79, false},
	"heldout15_mac.tsv":         {0.71, false},
	"heldout15_openssh.tsv":     {1, false},
	"heldout15_openstack.tsv":   {0.83, false},
	"heldout15_proxifier.tsv":   {0.92, false},
	"heldout15_spark.tsv":       {1, false},
	"heldout15_thunderbird.tsv": {0.92, false},
	"heldout15_windows.tsv":     {0.80, false},
	"heldout15_zookeeper.tsv":   {1, false},
	// heldout16: the same, by another helper, written after heldout15 was
	// measured and measured once with the span rule of Merge as a switch:
	// per message 0.8980, merged by words 0.9221, with spans 0.9276. Bars:
	// the per-message figures, rounded down.
	"heldout16_android.tsv":     {0.97, false},
	"heldout16_apache.tsv":      {1, false},
	"heldout16_bgl.tsv":         {0.90, false},
	"heldout16_hadoop.tsv":      {1, false},
	"heldout16_hdfs.tsv":        {1, false},
	"heldout16_healthapp.tsv":   {1, false},
	"heldout16_hpc.tsv":         {0.85, false},
	"heldout16_linux.tsv":       {0.93, false},
	"heldout16_mac.tsv":         {0.59, false},
	"heldout16_openssh.tsv":     {1, false},
	"heldout16_openstack.tsv":   {0.70, false},
	"heldout16_proxifier.tsv":   {0.61, false},
	"heldout16_spark.tsv":       {0.94, false},
	"heldout16_thunderbird.tsv": {1, false},
	"heldout16_windows.tsv":     {0.93, false},
	"heldout16_zookeeper.tsv":   {0.90, false},
}

// heldoutSet names the set a held-out file belongs to for the merged
// means: the per-family files of heldoutN_family.tsv form set heldoutN,
// heldout.tsv to heldout14.tsv the set "heldout1-14"; "" for other files.
func heldoutSet(name string) string {
	if !strings.HasPrefix(name, "heldout") {
		return ""
	}
	if set, _, ok := strings.Cut(name, "_"); ok {
		return set
	}
	return "heldout1-14"
}

// minMergedHeldoutMean is the bar of each set's mean grouping accuracy with
// the second level (Merge) applied per file. With the word rules alone:
// 0.9294, 0.8932 (heldout15 measured once, after) and 0.9221 (heldout16,
// measured once); with the span rule, chosen on heldout1-15: 0.9413,
// 0.9203 and 0.9276 (heldout16, measured once).
var minMergedHeldoutMean = map[string]float64{
	"heldout1-14": 0.94,
	"heldout15":   0.92,
	"heldout16":   0.92,
}

// TestCorpusFilesUpToDate checks that testdata/corpus is what the generator
// writes, so the labels are reproducible ground truth.
func TestCorpusFilesUpToDate(t *testing.T) {
	files := corpusFiles()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(corpusDir, name)
		if *updateCorpus {
			if err := os.WriteFile(path, []byte(files[name]), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update-corpus to create it)", err)
		}
		if string(got) != files[name] {
			t.Errorf("%s differs from the generator; run go test -run TestCorpusFilesUpToDate -update-corpus and review the diff", path)
		}
	}
}

// labeled is one corpus item: its true group and its fingerprint.
type labeled struct {
	label string
	fp    Fingerprint
	types string // exception type chain, for stacks
	text  string // what was fingerprinted, for failure reports
	stmt  Statement
}

// scanLines calls fn for each line of the file at path.
func scanLines(t *testing.T, path string, fn func(line []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func readTSV(t *testing.T, path string) []labeled {
	t.Helper()
	var out []labeled
	var fpr Fingerprinter
	scanLines(t, path, func(line []byte) {
		label, msg, ok := strings.Cut(string(line), "\t")
		if !ok {
			t.Fatalf("%s: line without a tab: %q", path, line)
		}
		fp := fpr.Message(msg)
		tmpl := string(fpr.Template())
		out = append(out, labeled{label: label, fp: fp, text: tmpl,
			stmt: Statement{Fingerprint: fp, Rule: RuleMessage, Template: tmpl}})
	})
	return out
}

func readJSONL(t *testing.T, path string) []labeled {
	t.Helper()
	var out []labeled
	var fpr Fingerprinter
	scanLines(t, path, func(line []byte) {
		var sr stackRecord
		if err := json.Unmarshal(line, &sr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		r := sr.record()
		fp, ex := fpr.Explain(&r)
		out = append(out, labeled{label: sr.Label, fp: fp, types: strings.Join(ex.ExceptionTypes, " < "), text: ex.Rule.String() + " " + ex.Template,
			stmt: StatementOf(fp, &ex)})
	})
	return out
}

// groupingScores are the metrics of a predicted grouping against the truth.
type groupingScores struct {
	messages  int
	groups    int     // true groups
	predicted int     // predicted groups
	accuracy  float64 // grouping accuracy (Zhu et al. 2019)
	precision float64 // pairwise
	recall    float64 // pairwise
	f1        float64 // pairwise
}

// scoreGrouping computes grouping accuracy (a message is correct only if its
// predicted group is exactly its true group) and pairwise precision, recall and
// F1 (over all pairs of messages: same true group vs same fingerprint).
func scoreGrouping(items []labeled) groupingScores {
	trueSize := map[string]int{}
	predSize := map[Fingerprint]int{}
	cell := map[string]map[Fingerprint]int{}
	for _, it := range items {
		trueSize[it.label]++
		predSize[it.fp]++
		if cell[it.label] == nil {
			cell[it.label] = map[Fingerprint]int{}
		}
		cell[it.label][it.fp]++
	}
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	s := groupingScores{messages: len(items), groups: len(trueSize), predicted: len(predSize)}
	correct := 0
	var tp, truePairs, predPairs float64
	for label, byFP := range cell {
		truePairs += pairs(trueSize[label])
		for fp, n := range byFP {
			tp += pairs(n)
			if len(byFP) == 1 && predSize[fp] == n {
				correct += n
			}
		}
	}
	for _, n := range predSize {
		predPairs += pairs(n)
	}
	ratio := func(a, b float64) float64 {
		if b == 0 {
			return 1
		}
		return a / b
	}
	s.accuracy = ratio(float64(correct), float64(len(items)))
	s.precision = ratio(tp, predPairs)
	s.recall = ratio(tp, truePairs)
	if s.precision+s.recall > 0 {
		s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall)
	}
	return s
}

func (s groupingScores) String() string {
	return fmt.Sprintf("messages=%5d groups=%4d predicted=%4d  GA=%.4f  P=%.4f R=%.4f F1=%.4f",
		s.messages, s.groups, s.predicted, s.accuracy, s.precision, s.recall, s.f1)
}

func TestScoreGrouping(t *testing.T) {
	fp := func(h uint64) Fingerprint { return Fingerprint{Version: 1, Hash: h} }
	f := func(items []labeled, wantGA, wantP, wantR float64) {
		t.Helper()
		s := scoreGrouping(items)
		if s.accuracy != wantGA || s.precision != wantP || s.recall != wantR {
			t.Errorf("got %v; want GA=%v P=%v R=%v", s, wantGA, wantP, wantR)
		}
	}
	// Perfect.
	f([]labeled{{label: "a", fp: fp(1)}, {label: "a", fp: fp(1)}, {label: "b", fp: fp(2)}}, 1, 1, 1)
	// Over-merged: a and b share a fingerprint; no message is correct.
	f([]labeled{{label: "a", fp: fp(1)}, {label: "a", fp: fp(1)}, {label: "b", fp: fp(1)}}, 0, 1.0/3, 1)
	// Split: a is cut in two; only b is correct.
	f([]labeled{{label: "a", fp: fp(1)}, {label: "a", fp: fp(2)}, {label: "b", fp: fp(3)}}, 1.0/3, 1, 0)
}

// TestCorpusAccuracy reports grouping accuracy and pairwise precision, recall
// and F1 per corpus file and overall, and fails below the bars. Run with -v to
// see the figures and the worst groups.
func TestCorpusAccuracy(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var all []labeled
	perMessageSum, mergedSum, setFiles := map[string]float64{}, map[string]float64{}, map[string]int{}
	for _, e := range entries {
		path := filepath.Join(corpusDir, e.Name())
		var items []labeled
		switch filepath.Ext(e.Name()) {
		case ".tsv":
			items = readTSV(t, path)
		case ".jsonl":
			items = readJSONL(t, path)
			checkTypesNeverShare(t, path, items)
		default:
			continue
		}
		s := scoreGrouping(items)
		t.Logf("%-14s %v", e.Name(), s)
		bar := minFileGroupingAccuracy
		if h, ok := heldoutBars[e.Name()]; ok {
			bar = h.bar
			if h.newStatements {
				logNewStatements(t, e.Name(), items)
			}
		}
		if s.accuracy < bar {
			t.Errorf("%s: grouping accuracy %.4f < %.2f", e.Name(), s.accuracy, bar)
		}
		reportMistakes(t, e.Name(), items)
		// Labels are global: a template used by two files is one true group.
		// The per-family sets label their statements on their own (some
		// repeat an earlier file's under another label), so they stay out.
		if !strings.Contains(e.Name(), "_") {
			all = append(all, items...)
		}

		// The second level: the file's statements merged (Merge), as
		// talus errors fingerprint prints them.
		merged := mergedItems(items)
		ms := scoreGrouping(merged)
		t.Logf("%-14s %v (merged)", e.Name(), ms)
		if ms.accuracy < s.accuracy {
			t.Logf("%s: merging lowers grouping accuracy from %.4f to %.4f", e.Name(), s.accuracy, ms.accuracy)
		}
		if filepath.Ext(e.Name()) == ".jsonl" {
			checkTypesNeverShare(t, path+" (merged)", merged)
		}
		if os.Getenv("TALUS_CORPUS_MERGED_MISTAKES") != "" {
			reportMistakes(t, e.Name()+" (merged)", merged)
		}
		if set := heldoutSet(e.Name()); set != "" {
			perMessageSum[set] += s.accuracy
			mergedSum[set] += ms.accuracy
			setFiles[set]++
		}
	}
	s := scoreGrouping(all)
	t.Logf("%-14s %v", "overall", s)
	reportMistakes(t, "overall", all)
	if s.accuracy < minOverallGroupingAccuracy {
		t.Errorf("overall grouping accuracy %.4f < %.2f", s.accuracy, minOverallGroupingAccuracy)
	}
	for set, bar := range minMergedHeldoutMean {
		n := float64(setFiles[set])
		mean := mergedSum[set] / n
		t.Logf("%s: mean GA of %d files: per message %.4f, merged %.4f", set, setFiles[set], perMessageSum[set]/n, mean)
		if mean < bar {
			t.Errorf("%s: mean merged grouping accuracy %.4f < %.2f", set, mean, bar)
		}
	}
}

// mergedItems returns items with each fingerprint replaced by its group's
// from Merge over all of them.
func mergedItems(items []labeled) []labeled {
	stmts := make([]Statement, len(items))
	for i, it := range items {
		stmts[i] = it.stmt
	}
	groups := Merge(stmts)
	out := slices.Clone(items)
	for i := range out {
		out[i].fp = groups[i].Fingerprint
		out[i].text = groups[i].Template
	}
	return out
}

// logNewStatements logs the scores of a content-only held-out file over
// the statements it does not share with an earlier file (labels with its own
// prefix, hld6 for heldout6.tsv): the statements no rule had seen.
func logNewStatements(t *testing.T, name string, items []labeled) {
	t.Helper()
	prefix := "hld" + strings.TrimSuffix(strings.TrimPrefix(name, "heldout"), ".tsv")
	var own []labeled
	for _, it := range items {
		if strings.HasPrefix(it.label, prefix) {
			own = append(own, it)
		}
	}
	t.Logf("%-14s %v (new statements only)", name, scoreGrouping(own))
}

// checkTypesNeverShare fails if two records with different exception type
// chains got the same fingerprint.
func checkTypesNeverShare(t *testing.T, path string, items []labeled) {
	t.Helper()
	byFP := map[Fingerprint]string{}
	for _, it := range items {
		if it.types == "" {
			continue
		}
		if prev, ok := byFP[it.fp]; ok && prev != it.types {
			t.Errorf("%s: types %q and %q share fingerprint %v", path, prev, it.types, it.fp)
		}
		byFP[it.fp] = it.types
	}
}

// reportMistakes logs, for -v runs, the true groups that were split and the
// fingerprints that merged several true groups.
func reportMistakes(t *testing.T, name string, items []labeled) {
	t.Helper()
	if !testing.Verbose() {
		return
	}
	byLabel := map[string]map[Fingerprint]string{}
	byFP := map[Fingerprint]map[string]string{}
	for _, it := range items {
		if byLabel[it.label] == nil {
			byLabel[it.label] = map[Fingerprint]string{}
		}
		byLabel[it.label][it.fp] = it.text
		if byFP[it.fp] == nil {
			byFP[it.fp] = map[string]string{}
		}
		byFP[it.fp][it.label] = it.text
	}
	var lines []string
	for label, fps := range byLabel {
		if len(fps) > 1 {
			var ts []string
			for _, txt := range fps {
				ts = append(ts, txt)
			}
			sort.Strings(ts)
			if len(ts) > 3 {
				ts = append(ts[:3], "...")
			}
			lines = append(lines, fmt.Sprintf("  split %s into %d: %q", label, len(fps), ts))
		}
	}
	for fp, labels := range byFP {
		if len(labels) > 1 {
			var ls []string
			for l := range labels {
				ls = append(ls, l)
			}
			sort.Strings(ls)
			lines = append(lines, fmt.Sprintf("  merged %v: %v %q", fp, ls, labels[ls[0]]))
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		t.Logf("%s%s", name, l)
	}
}
