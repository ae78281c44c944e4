package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/talus-logs/talus/kv"
	"github.com/talus-logs/talus/storage/selector"
)

// LabelNames returns the resource attribute names seen in [start, end], sorted.
func (s *Store) LabelNames(instance string, start, end int64) ([]string, error) {
	epochs, err := s.epochsIn(instance, start, end)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{})
	for _, e := range epochs {
		if err := s.scanNames(instance, e.start, func(n string) { seen[n] = struct{}{} }); err != nil {
			return nil, err
		}
	}
	return sortedKeys(seen), nil
}

// LabelValues returns the values of a resource attribute seen in [start,
// end], sorted. Values longer than MaxPostingValue come back cut to that
// length. A selector other than {} narrows to the resources it matches
// (read from the resource map, so the values come back whole).
func (s *Store) LabelValues(instance, name string, sel *selector.Query, start, end int64) ([]string, error) {
	epochs, err := s.epochsIn(instance, start, end)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{})
	if sel != nil && !sel.MatchesAll() {
		for _, e := range epochs {
			if err := s.matchingResources(instance, e.start, sel, func(r *StoredResource) {
				if _, ok := r.Attributes[name]; ok {
					seen[r.Get(name)] = struct{}{}
				}
			}); err != nil {
				return nil, err
			}
		}
		return sortedKeys(seen), nil
	}
	for _, e := range epochs {
		err := s.scanValues(instance, e.start, name, func(v string, _ []byte) error {
			seen[strings.TrimSuffix(v, "\xff")] = struct{}{}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return sortedKeys(seen), nil
}

// matchingResources calls fn for each resource of the epoch that sel matches.
func (s *Store) matchingResources(instance string, epoch int64, sel *selector.Query, fn func(*StoredResource)) error {
	p, err := s.plan(instance, epoch, sel)
	if err != nil {
		return err
	}
	visit := func(hash uint64, v []byte) error {
		r, err := decodeResourceValue(hash, v)
		if err != nil {
			return fmt.Errorf("resource %016x: %w", hash, err)
		}
		if sel.MatchesResource(r.Get) {
			fn(r)
		}
		return nil
	}
	if p.set != nil {
		for hash := range p.set {
			v, err := s.kv.Get(AppendResourceKey(nil, instance, epoch, hash))
			if errors.Is(err, kv.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := visit(hash, v); err != nil {
				return err
			}
		}
		return nil
	}
	prefix := AppendEpochPrefix(nil, TableResources, instance, epoch)
	it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: prefix, UpperBound: kv.PrefixEnd(prefix)})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != len(prefix)+8 {
			continue
		}
		if err := visit(binary.BigEndian.Uint64(k[len(prefix):]), it.Value()); err != nil {
			return err
		}
	}
	return it.Error()
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
