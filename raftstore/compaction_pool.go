package raftstore

import (
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// compactionPool schedules the compactions of all group Pebbles of a node:
// at most limit run at once across the node, and one goroutine polls for
// waiting compactions, where Pebble's default scheduler runs a 100ms ticker
// per database (with 1,000 groups that alone costs several percent of a
// core while everything is idle).
//
// Lock order, as Pebble's CompactionScheduler requires: a database may call
// into the pool holding its own locks, so the pool never calls into a
// database while holding mu.
type compactionPool struct {
	limit int
	poke  chan struct{}
	stopc chan struct{}
	wg    sync.WaitGroup

	mu sync.Mutex
	// running counts granted compactions; dbs the registered databases.
	// Both guarded by mu.
	running int
	dbs     map[*dbCompactionScheduler]struct{}
}

// compactionPollInterval is how often the pool looks for waiting
// compactions besides being poked by flushes and finished compactions.
const compactionPollInterval = time.Second

func newCompactionPool(limit int) *compactionPool {
	p := &compactionPool{limit: limit, poke: make(chan struct{}, 1), stopc: make(chan struct{}), dbs: map[*dbCompactionScheduler]struct{}{}}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *compactionPool) stop() {
	close(p.stopc)
	p.wg.Wait()
}

func (p *compactionPool) wake() {
	select {
	case p.poke <- struct{}{}:
	default:
	}
}

func (p *compactionPool) run() {
	defer p.wg.Done()
	t := time.NewTicker(compactionPollInterval)
	defer t.Stop()
	for {
		select {
		case <-p.stopc:
			return
		case <-t.C:
		case <-p.poke:
		}
		p.grant()
	}
}

// grant offers free slots to databases with waiting compactions.
func (p *compactionPool) grant() {
	p.mu.Lock()
	if p.running >= p.limit {
		p.mu.Unlock()
		return
	}
	dbs := make([]*dbCompactionScheduler, 0, len(p.dbs))
	for s := range p.dbs {
		dbs = append(dbs, s)
	}
	p.mu.Unlock()
	for _, s := range dbs {
		for s.tryGrant() {
		}
		p.mu.Lock()
		full := p.running >= p.limit
		p.mu.Unlock()
		if full {
			return
		}
	}
}

// newScheduler returns the pebble.CompactionScheduler of one database.
func (p *compactionPool) newScheduler() *dbCompactionScheduler {
	return &dbCompactionScheduler{p: p}
}

// dbCompactionScheduler is one database's handle on the pool; it is also the
// grant handle of that database's compactions.
type dbCompactionScheduler struct {
	p *compactionPool
	// callMu is held while the pool calls into db, so that Unregister
	// waits for those calls.
	callMu       sync.Mutex
	db           pebble.DBForCompaction
	unregistered bool // guarded by callMu
	running      int  // guarded by p.mu
}

var _ pebble.CompactionScheduler = (*dbCompactionScheduler)(nil)
var _ pebble.CompactionGrantHandle = (*dbCompactionScheduler)(nil)

func (s *dbCompactionScheduler) Register(_ int, db pebble.DBForCompaction) {
	s.db = db
	s.p.mu.Lock()
	s.p.dbs[s] = struct{}{}
	s.p.mu.Unlock()
	s.p.wake()
}

func (s *dbCompactionScheduler) Unregister() {
	s.p.mu.Lock()
	delete(s.p.dbs, s)
	s.p.mu.Unlock()
	s.callMu.Lock()
	s.unregistered = true
	s.callMu.Unlock()
}

// take reserves a slot for this database if the pool and the database allow.
func (s *dbCompactionScheduler) take(allowed int) bool {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if s.p.running >= s.p.limit || s.running >= allowed {
		return false
	}
	s.p.running++
	s.running++
	return true
}

func (s *dbCompactionScheduler) TrySchedule() (bool, pebble.CompactionGrantHandle) {
	if s.take(s.db.GetAllowedWithoutPermission()) {
		return true, s
	}
	return false, nil
}

func (s *dbCompactionScheduler) UpdateGetAllowedWithoutPermission() { s.p.wake() }

// tryGrant offers this database one compaction slot and reports whether it
// took it.
func (s *dbCompactionScheduler) tryGrant() bool {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	if s.unregistered {
		return false
	}
	if waiting, _ := s.db.GetWaitingCompaction(); !waiting {
		return false
	}
	if !s.take(s.db.GetAllowedWithoutPermission()) {
		return false
	}
	if !s.db.Schedule(s) {
		s.Done()
		return false
	}
	return true
}

func (s *dbCompactionScheduler) Started()                                          {}
func (s *dbCompactionScheduler) MeasureCPU(pebble.CompactionGoroutineKind)         {}
func (s *dbCompactionScheduler) CumulativeStats(pebble.CompactionGrantHandleStats) {}

// Done implements CompactionGrantHandle.
func (s *dbCompactionScheduler) Done() {
	s.p.mu.Lock()
	s.p.running--
	s.running--
	s.p.mu.Unlock()
	s.p.wake()
}
