package storage

import (
	"sort"
	"strings"
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
// end], sorted. Values longer than MaxPostingValue come back cut to that length.
func (s *Store) LabelValues(instance, name string, start, end int64) ([]string, error) {
	epochs, err := s.epochsIn(instance, start, end)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{})
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

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
