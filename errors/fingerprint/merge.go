package fingerprint

import (
	"slices"
	"strings"
)

// MergeMinValues is how many distinct words one position must take, among
// statements that are otherwise word for word the same, before Merge takes
// it for a variable. Two is not enough: statements that differ by one
// constant word usually come in pairs (opened/closed, up/down,
// succeeded/failed) and must stay apart.
const MergeMinValues = 3

// Statement is one fingerprint as Merge sees it: the parts of its canonical
// encoding. Explain gives them for a record.
type Statement struct {
	// Fingerprint is the statement's own key. Statements of other rules than
	// RuleMessage and RuleException keep it.
	Fingerprint   Fingerprint
	Rule          Rule
	ExceptionType string
	CodeFunction  string
	Template      string
}

// StatementOf returns the Statement of a fingerprint and its explanation.
func StatementOf(fp Fingerprint, ex *Explanation) Statement {
	s := Statement{Fingerprint: fp, Rule: ex.Rule, CodeFunction: ex.CodeFunction, Template: ex.Template}
	if ex.Rule == RuleException && len(ex.ExceptionTypes) > 0 {
		s.ExceptionType = ex.ExceptionTypes[0]
	}
	return s
}

// Key returns the fingerprint of a RuleMessage or RuleException statement
// from its parts: the key ingest computed for a record with these parts.
// It is how a caller that kept only a template (a counter's sample) checks
// that the template is the whole of what its key was computed from.
func (s *Statement) Key() Fingerprint {
	enc := appendCanonicalMessage(make([]byte, 0, 64+len(s.Template)), s.Rule, s.ExceptionType, s.CodeFunction, []byte(s.Template))
	return Fingerprint{Version: Version, Hash: hash64(enc)}
}

// Merged is the group a statement joined.
type Merged struct {
	// Fingerprint is the group's key: the fingerprint of a message whose
	// template is the group's (the statement's own key when its template
	// did not change).
	Fingerprint Fingerprint
	// Template is the group's template.
	Template string
}

// Merge groups statements whose templates differ in single words that vary:
// the second level of grouping, over a set of fingerprints (the lines of a
// file, the fingerprints of a time range) rather than one record. A
// per-record rule cannot know that a plain word varies (a user, program or
// host name without a digit); across statements it shows. Among statements
// of the same rule, exception type, code.function and number of words that
// are equal except at one position:
//
//   - when that position takes MergeMinValues or more distinct words, it
//     becomes "<*>" in all of them;
//   - when some of them already have a mask there ("<*>", or a word with a
//     mask in it such as "[<*>]"), a word that the mask matches becomes that
//     mask (a variable seen once as a number and once as a word).
//
// The other words must hold at least one that is not masked. This repeats
// until nothing changes, so several variable words of one statement are
// found in turn. Then the span rule (mergeSpanRun) merges values of several
// words, and the word rules run again.
//
// The result depends only on the set of statements, not on their order or
// repetition, and out[i] is the group of in[i]. Exception types never
// share a group, since they are part of what must be equal.
func Merge(in []Statement) []Merged {
	out := make([]Merged, len(in))
	type uniqueKey struct {
		rule           Rule
		typ, fn, templ string
	}
	index := make(map[uniqueKey]int, len(in))
	var uniq []*mergeItem
	which := make([]int, len(in))
	for i, s := range in {
		if s.Rule != RuleMessage && s.Rule != RuleException {
			which[i] = -1
			out[i] = Merged{Fingerprint: s.Fingerprint, Template: s.Template}
			continue
		}
		k := uniqueKey{s.Rule, s.ExceptionType, s.CodeFunction, s.Template}
		j, ok := index[k]
		if !ok {
			j = len(uniq)
			index[k] = j
			uniq = append(uniq, &mergeItem{stmt: s, words: strings.Fields(s.Template)})
		}
		which[i] = j
	}
	// Only statements of the same class can merge: sort so that each class
	// is a run, in an order that does not depend on the input's.
	sorted := slices.Clone(uniq)
	for round := 0; round < maxMergeRounds; round++ {
		slices.SortFunc(sorted, func(a, b *mergeItem) int {
			if c := compareClass(a, b); c != 0 {
				return c
			}
			return compareWords(a.words, b.words)
		})
		forRuns(sorted, func(a, b *mergeItem) bool { return compareClass(a, b) == 0 }, mergeClass)
		changed := false
		forRuns(sorted, func(a, b *mergeItem) bool { return compareKind(a, b) == 0 }, func(items []*mergeItem) {
			if mergeSpanRun(items) {
				changed = true
			}
		})
		if !changed {
			break
		}
	}
	for i, j := range which {
		if j < 0 {
			continue
		}
		it := uniq[j]
		if !it.changed {
			out[i] = Merged{Fingerprint: it.stmt.Fingerprint, Template: it.stmt.Template}
			continue
		}
		if it.merged == "" {
			it.merged = strings.Join(it.words, " ")
			st := it.stmt
			st.Template = it.merged
			it.fp = st.Key()
		}
		out[i] = Merged{Fingerprint: it.fp, Template: it.merged}
	}
	return out
}

type mergeItem struct {
	stmt    Statement
	words   []string
	changed bool
	merged  string
	fp      Fingerprint
}

// forRuns calls fn on each run of two or more neighbours that same
// says belong together.
func forRuns(items []*mergeItem, same func(a, b *mergeItem) bool, fn func([]*mergeItem)) {
	for lo := 0; lo < len(items); {
		hi := lo + 1
		for hi < len(items) && same(items[lo], items[hi]) {
			hi++
		}
		if hi-lo > 1 {
			fn(items[lo:hi])
		}
		lo = hi
	}
}

func compareWords(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// compareKind orders by rule, exception type and code.function: what must
// be equal for statements to merge.
func compareKind(a, b *mergeItem) int {
	if c := int(a.stmt.Rule) - int(b.stmt.Rule); c != 0 {
		return c
	}
	if c := strings.Compare(a.stmt.ExceptionType, b.stmt.ExceptionType); c != 0 {
		return c
	}
	return strings.Compare(a.stmt.CodeFunction, b.stmt.CodeFunction)
}

func compareClass(a, b *mergeItem) int {
	if c := compareKind(a, b); c != 0 {
		return c
	}
	return len(a.words) - len(b.words)
}

const mask = "<*>"

// mergeClass merges the items of one class (same rule, type, function and
// number of words), given in template order.
func mergeClass(items []*mergeItem) {
	n := len(items[0].words)
	type bucket struct {
		members []*mergeItem
	}
	for changed := true; changed; {
		changed = false
		for p := 0; p < n; p++ {
			buckets := make(map[uint64]*bucket)
			var order []*bucket
			for _, it := range items {
				h, constant := restHash(it.words, p)
				if !constant {
					continue
				}
				b := buckets[h]
				if b == nil {
					b = &bucket{}
					buckets[h] = b
					order = append(order, b)
				}
				b.members = append(b.members, it)
			}
			for _, b := range order {
				if len(b.members) > 1 && mergeAt(b.members, p) {
					changed = true
				}
			}
		}
	}
}

// restHash hashes the words other than words[p]; constant says whether one
// of them is not masked.
func restHash(words []string, p int) (h uint64, constant bool) {
	h = fnvOffset64
	for i, w := range words {
		if i == p {
			w = "\x00"
		} else if !strings.Contains(w, mask) {
			constant = true
		}
		h = hashWord(h, w)
	}
	return h, constant
}

// mergeAt applies Merge's two rules to statements equal but at position p
// and reports whether a word changed.
func mergeAt(members []*mergeItem, p int) bool {
	var values, masks []string
	for _, it := range members {
		w := it.words[p]
		if slices.Contains(values, w) {
			continue
		}
		values = append(values, w)
		if strings.Contains(w, mask) {
			masks = append(masks, w)
		}
	}
	if len(values) < 2 {
		return false
	}
	constants := len(values)
	if slices.Contains(values, mask) {
		constants--
	}
	changed := false
	if constants >= MergeMinValues {
		for _, it := range members {
			if it.words[p] != mask {
				setWord(it, p, mask)
				changed = true
			}
		}
		return changed
	}
	slices.Sort(masks)
	for _, it := range members {
		w := it.words[p]
		for _, m := range masks {
			if w != m && maskMatches(m, w) {
				setWord(it, p, m)
				changed = true
				break
			}
		}
	}
	return changed
}

func setWord(it *mergeItem, p int, w string) {
	if !it.changed {
		it.words = slices.Clone(it.words)
		it.changed = true
	}
	it.words[p] = w
}

// maskMatches says whether a word with a mask in it ("[<*>]", "<*>,")
// matches w: the same text around a non-empty middle.
func maskMatches(m, w string) bool {
	pre, suf, _ := strings.Cut(m, mask)
	return len(w) > len(pre)+len(suf) && strings.HasPrefix(w, pre) && strings.HasSuffix(w, suf)
}

// The span rule: statements of one kind that are equal outside one run of
// words (of any length up to maxSpanWords) merge that run into one mask
// when it takes MergeMinValues or more distinct values and the words
// around it hold minSpanContext or more unmasked words ("child pid <*>
// exit signal Aborted (<*>)", "... exit signal Bus error (<*>)").
const (
	maxSpanWords   = 8
	minSpanContext = 4
	maxMergeRounds = 4
)

type spanBucket struct {
	key     uint64
	context int // words around the span
	members []spanMember
	middles []uint64 // distinct span hashes, up to MergeMinValues
}

type spanMember struct {
	it   *mergeItem
	i, j int // words before and after the span
}

// mergeSpanRun applies the span rule to items of one kind, in template
// order, and reports whether a statement changed.
func mergeSpanRun(items []*mergeItem) bool {
	buckets := make(map[uint64]*spanBucket)
	var order []*spanBucket
	var ph, sh []uint64
	var pc, sc []int
	for _, it := range items {
		w := it.words
		n := len(w)
		ph, pc = ph[:0], pc[:0]
		h, c := uint64(fnvOffset64), 0
		ph, pc = append(ph, h), append(pc, c)
		for _, x := range w {
			h = hashWord(h, x)
			if !strings.Contains(x, mask) {
				c++
			}
			ph, pc = append(ph, h), append(pc, c)
		}
		sh, sc = sh[:0], sc[:0]
		h, c = uint64(fnvPrime64), 0
		sh, sc = append(sh, h), append(sc, c)
		for k := n - 1; k >= 0; k-- {
			h = hashWord(h, w[k])
			if !strings.Contains(w[k], mask) {
				c++
			}
			sh, sc = append(sh, h), append(sc, c)
		}
		for i := 0; i < n; i++ {
			for j := max(0, n-i-maxSpanWords); i+j < n; j++ {
				if pc[i]+sc[j] < minSpanContext {
					continue
				}
				key := (ph[i]*31+uint64(i))*fnvPrime64 ^ (sh[j]*37 + uint64(j))
				b := buckets[key]
				if b == nil {
					b = &spanBucket{key: key, context: i + j}
					buckets[key] = b
					order = append(order, b)
				}
				b.members = append(b.members, spanMember{it, i, j})
				if len(b.middles) < MergeMinValues {
					mid := uint64(fnvOffset64)
					for _, x := range w[i : n-j] {
						mid = hashWord(mid, x)
					}
					if !slices.Contains(b.middles, mid) {
						b.middles = append(b.middles, mid)
					}
				}
			}
		}
	}
	var ready []*spanBucket
	for _, b := range order {
		if len(b.middles) >= MergeMinValues {
			ready = append(ready, b)
		}
	}
	// The widest context first: a statement joins its closest relatives.
	slices.SortFunc(ready, func(a, b *spanBucket) int {
		if a.context != b.context {
			return b.context - a.context
		}
		return cmpUint64(a.key, b.key)
	})
	taken := make(map[*mergeItem]bool)
	changed := false
	for _, b := range ready {
		for _, m := range b.members {
			if taken[m.it] {
				continue
			}
			taken[m.it] = true
			n := len(m.it.words)
			if n-m.i-m.j == 1 && m.it.words[m.i] == mask {
				continue
			}
			w := make([]string, 0, m.i+1+m.j)
			w = append(w, m.it.words[:m.i]...)
			w = append(w, mask)
			w = append(w, m.it.words[n-m.j:]...)
			m.it.words, m.it.changed = w, true
			changed = true
		}
	}
	return changed
}

func hashWord(h uint64, w string) uint64 {
	for k := 0; k < len(w); k++ {
		h ^= uint64(w[k])
		h *= fnvPrime64
	}
	h ^= ' '
	return h * fnvPrime64
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
