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
// found in turn.
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
	slices.SortFunc(sorted, func(a, b *mergeItem) int {
		if c := compareClass(a, b); c != 0 {
			return c
		}
		return strings.Compare(a.stmt.Template, b.stmt.Template)
	})
	for lo := 0; lo < len(sorted); {
		hi := lo + 1
		for hi < len(sorted) && compareClass(sorted[lo], sorted[hi]) == 0 {
			hi++
		}
		if hi-lo > 1 {
			mergeClass(sorted[lo:hi])
		}
		lo = hi
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

func compareClass(a, b *mergeItem) int {
	if c := int(a.stmt.Rule) - int(b.stmt.Rule); c != 0 {
		return c
	}
	if c := strings.Compare(a.stmt.ExceptionType, b.stmt.ExceptionType); c != 0 {
		return c
	}
	if c := strings.Compare(a.stmt.CodeFunction, b.stmt.CodeFunction); c != 0 {
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
		for j := 0; j < len(w); j++ {
			h ^= uint64(w[j])
			h *= fnvPrime64
		}
		h ^= ' '
		h *= fnvPrime64
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
