package raftstore

import "sync"

// scheduler tracks the groups with pending work, sharded by group id over
// the workers. A group is in at most one shard's set, so at most one worker
// processes it at a time.
type scheduler struct {
	shards []*schedShard
}

type schedShard struct {
	mu sync.Mutex
	// dirty holds the groups with pending work, in the order they became
	// dirty. It must be accessed under mu.
	dirty []uint64
	// inDirty mirrors dirty for membership tests. Guarded by mu.
	inDirty map[uint64]struct{}
	// wake has capacity 1; a send means dirty may be non-empty.
	wake chan struct{}
}

func newScheduler(workers int) *scheduler {
	s := &scheduler{}
	for i := 0; i < workers; i++ {
		s.shards = append(s.shards, &schedShard{inDirty: map[uint64]struct{}{}, wake: make(chan struct{}, 1)})
	}
	return s
}

func (s *scheduler) shard(gid uint64) *schedShard { return s.shards[gid%uint64(len(s.shards))] }

// mark records that group gid has work and wakes its worker.
func (s *scheduler) mark(gid uint64) {
	s.markQuiet(gid)
	s.shard(gid).wakeUp()
}

// markQuiet records that group gid has work without waking its worker
// (wakeAll does, once several groups are marked).
func (s *scheduler) markQuiet(gid uint64) {
	sh := s.shard(gid)
	sh.mu.Lock()
	if _, ok := sh.inDirty[gid]; !ok {
		sh.inDirty[gid] = struct{}{}
		sh.dirty = append(sh.dirty, gid)
	}
	sh.mu.Unlock()
}

// wakeAll wakes every worker (those without dirty groups find none).
func (s *scheduler) wakeAll() {
	for _, sh := range s.shards {
		sh.wakeUp()
	}
}

func (sh *schedShard) wakeUp() {
	select {
	case sh.wake <- struct{}{}:
	default:
	}
}

// take empties the shard's set and returns it.
func (sh *schedShard) take() []uint64 {
	sh.mu.Lock()
	ids := sh.dirty
	sh.dirty = nil
	clear(sh.inDirty)
	sh.mu.Unlock()
	return ids
}
