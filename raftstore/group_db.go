package raftstore

import (
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
)

// groupDB is an open group Pebble with a reference count, so that a
// snapshot can replace a group's Pebble while readers still use the old one:
// the replica holds one reference while the Pebble is current, and every
// reader (Get, iterator) one more while it reads. The last release closes
// the Pebble and, once retired, removes its directory.
type groupDB struct {
	n   *node
	db  *pebble.DB
	dir string // name under groups/
	// flushed tracks what the Pebble's flushes made durable.
	flushed *flushState
	refs    atomic.Int64
	// retired is set when the replica stopped using it (snapshot or
	// removal); its directory is deleted on close.
	retired atomic.Bool
}

func newGroupDB(n *node, db *pebble.DB, dir string, fl *flushState) *groupDB {
	g := &groupDB{n: n, db: db, dir: dir, flushed: fl}
	g.refs.Store(1)
	return g
}

func (g *groupDB) release() {
	if g.refs.Add(-1) != 0 {
		return
	}
	if err := g.db.Close(); err != nil {
		g.n.logf("closing group pebble %s: %v", g.dir, err)
	}
	if g.retired.Load() {
		fs := g.n.cfg.FS
		if err := fs.RemoveAll(fs.PathJoin(g.n.cfg.DataDir, groupsDirname, g.dir)); err != nil {
			g.n.logf("removing group pebble %s: %v", g.dir, err)
		}
	}
}

// acquireDB returns the group's current Pebble with a reference the caller
// must release, or nil once the replica is closed.
func (r *replica) acquireDB() *groupDB {
	r.dbMu.RLock()
	defer r.dbMu.RUnlock()
	if r.g == nil {
		return nil
	}
	r.g.refs.Add(1)
	return r.g
}

// swapDB installs g as the group's Pebble (nil: none) and releases the old
// one, retiring it (its directory goes when its last reader is done).
func (r *replica) swapDB(g *groupDB, retire bool) {
	r.dbMu.Lock()
	old := r.g
	r.g = g
	r.dbMu.Unlock()
	if old != nil {
		if retire {
			old.retired.Store(true)
		}
		old.release()
	}
}
