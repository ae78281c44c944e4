package storage

import (
	"fmt"

	"github.com/talus-logs/talus/kv"
)

// DropResult reports what a retention pass deleted.
type DropResult struct {
	Instances int
	Epochs    int
}

// DropBefore deletes, in every instance, each whole epoch that ended at or
// before cutoff (Unix nanoseconds). Because epochs are stored inverted, all
// epochs older than a given one form one contiguous span per table, zone
// and instance, so a pass is a handful of range deletions.
func (s *Store) DropBefore(cutoff int64) (DropResult, error) {
	var res DropResult
	type victim struct {
		newest int64 // newest epoch to drop; everything older goes too
		zones  map[string]struct{}
	}
	victims := make(map[string]*victim)
	var order []string
	it, err := s.kv.NewIter(&kv.IterOptions{LowerBound: []byte{TableEpochs}, UpperBound: []byte{TableEpochs + 1}})
	if err != nil {
		return res, err
	}
	for ok := it.First(); ok; ok = it.Next() {
		inst, off, err := splitInstance(it.Key())
		if err != nil {
			it.Close()
			return res, err
		}
		es, err := decodeEpochAt(it.Key(), off)
		if err != nil {
			it.Close()
			return res, err
		}
		if es+int64(s.opts.EpochDuration) > cutoff {
			continue
		}
		sum, err := decodeEpochSummary(it.Value())
		if err != nil {
			it.Close()
			return res, fmt.Errorf("epoch summary of %q: %w", inst, err)
		}
		v := victims[inst]
		if v == nil {
			v = &victim{newest: es, zones: make(map[string]struct{})}
			victims[inst] = v
			order = append(order, inst)
		}
		v.newest = max(v.newest, es)
		for _, z := range sum.zones {
			v.zones[z] = struct{}{}
		}
		res.Epochs++
	}
	if err := it.Close(); err != nil {
		return res, err
	}
	if len(victims) == 0 {
		return res, nil
	}
	b := s.kv.NewBatch()
	defer b.Close()
	for _, inst := range order {
		v := victims[inst]
		for z := range v.zones {
			from := AppendLogKeyPrefix(nil, inst, z, v.newest, 0)
			from = from[:len(from)-8]
			zonePrefix := append(append(appendPrefix(nil, TableLogs, inst), z...), 0)
			if err := b.DeleteRange(from, kv.PrefixEnd(zonePrefix)); err != nil {
				return res, err
			}
		}
		for _, t := range []byte{TableResources, TablePostings, TableActivity, TableEpochs, TableErrors} {
			from := AppendEpochPrefix(nil, t, inst, v.newest)
			if err := b.DeleteRange(from, kv.PrefixEnd(appendPrefix(nil, t, inst))); err != nil {
				return res, err
			}
		}
	}
	if err := b.Commit(true); err != nil {
		return res, fmt.Errorf("drop epochs: %w", err)
	}
	res.Instances = len(victims)
	return res, nil
}
