package storage

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage/selector"
)

// plan is how one epoch answers a selector.
type plan struct {
	// all: every resource of the epoch is selected.
	all bool
	// set: the candidate resources from posting lists; nil means every
	// resource is a candidate (no matcher could use a posting list).
	set map[uint64]struct{}
	// exact: membership in set alone decides, with no resource-map check.
	exact bool
}

// plan turns a selector into candidate resources of one epoch. Matchers that
// a missing attribute satisfies (!=, !~, ="", regexps matching "") cannot
// narrow through posting lists; they are checked on the resource map.
func (s *Store) plan(instance string, epoch int64, sel *selector.Query) (*plan, error) {
	if sel.MatchesAll() {
		return &plan{all: true}, nil
	}
	p := &plan{exact: true}
	for _, m := range sel.Matchers {
		if m.MatchesEmpty() {
			p.exact = false
			continue
		}
		hashes, exact, err := s.postings(instance, epoch, m)
		if err != nil {
			return nil, err
		}
		p.exact = p.exact && exact
		if p.set == nil {
			p.set = hashes
			continue
		}
		for h := range p.set {
			if _, ok := hashes[h]; !ok {
				delete(p.set, h)
			}
		}
	}
	if p.set == nil {
		p.exact = false
	}
	return p, nil
}

// postings returns the resources whose attribute m.Name satisfies m. The
// answer is exact unless a truncated posting value had to be included.
func (s *Store) postings(instance string, epoch int64, m *selector.Matcher) (map[uint64]struct{}, bool, error) {
	out := make(map[uint64]struct{})
	add := func(h uint64) { out[h] = struct{}{} }
	if m.Type == selector.MatchEqual {
		pv := postingValue(m.Value)
		v, err := s.kv.Get(AppendPostingKey(nil, instance, epoch, m.Name, pv))
		if errors.Is(err, kv.ErrNotFound) {
			return out, pv == m.Value, nil
		}
		if err != nil {
			return nil, false, err
		}
		return out, pv == m.Value, forEachPosting(v, add)
	}
	exact := true
	err := s.scanValues(instance, epoch, m.Name, func(v string, set []byte) error {
		if isTruncatedPosting(v) {
			exact = false
		} else if !m.Matches(v) {
			return nil
		}
		return forEachPosting(set, add)
	})
	return out, exact, err
}

// scanValues calls fn for each posting value of name in the epoch, with its
// posting set (valid only during the call).
func (s *Store) scanValues(instance string, epoch int64, name string, fn func(v string, set []byte) error) error {
	namePrefix := AppendPostingPrefix(nil, instance, epoch, name, nil)
	it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: namePrefix, UpperBound: kv.PrefixEnd(namePrefix)})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		v, rest, err := readEscaped(k[len(namePrefix):])
		if err != nil {
			return err
		}
		if len(rest) != 0 {
			return fmt.Errorf("%w: posting key %x", ErrBadKey, k)
		}
		if err := fn(v, it.Value()); err != nil {
			return err
		}
	}
	return it.Error()
}

// scanNames calls fn for each distinct attribute name with postings in the epoch.
func (s *Store) scanNames(instance string, epoch int64, fn func(name string)) error {
	prefix := AppendEpochPrefix(nil, TablePostings, instance, epoch)
	it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: prefix, UpperBound: kv.PrefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; {
		k := it.Key()
		name, rest, err := readEscaped(k[len(prefix):])
		if err != nil {
			return err
		}
		fn(name)
		next := kv.PrefixEnd(k[:len(k)-len(rest)])
		if next == nil || bytes.Compare(next, k) <= 0 {
			break
		}
		ok = it.SeekGE(next)
	}
	return it.Error()
}
