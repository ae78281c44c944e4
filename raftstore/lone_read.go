package raftstore

// Reads of a lone voter without a read index.
//
// A linearizable read normally waits for a read index: a request to the
// worker, a Ready that carries the index back, and the apply of everything
// committed up to it. Under ingest each of those waits for a worker round
// (~1.5 ms with its fsyncs), and a query reads several ranges one after the
// other, so queries took 10–50 ms while the server ingested.
//
// A group whose leader is its only voter needs none of it. Writes are
// acknowledged once applied (awaitProposal returns when the entry is
// applied here), and no other replica can commit one, so every write
// acknowledged before a read began is already in this replica's Pebble;
// a view of it taken now is linearizable. Two conditions make that hold:
//
//   - the leader has applied an entry of its own term: after a restart the
//     entries acknowledged before the crash may be committed but not yet
//     applied again; applying the new leader's first entry applies them;
//   - membership does not change while the view is taken: applying a
//     change takes loneLease for writing, and a read holds it for reading
//     from the check until its Pebble view exists.

// updateLone recomputes whether reads may skip the read index. Called by
// the worker (mu held) after applies and membership changes.
func (r *replica) updateLone() {
	cs := r.confState
	st := r.rn.BasicStatus()
	lone := !r.removed && r.isLead.Load() && len(cs.GetVoters()) == 1 && cs.GetVoters()[0] == r.replicaID &&
		len(cs.GetVotersOutgoing()) == 0 && r.appliedTerm == st.GetTerm()
	if r.lone.Load() != lone {
		r.lone.Store(lone)
	}
}

// loneRead reports whether a read of r may skip the read index; if so the
// caller must call release once its Pebble view (iterator or Get) exists.
func (r *replica) loneRead() (release func(), ok bool) {
	r.loneLease.RLock()
	if r.lone.Load() {
		return r.loneLease.RUnlock, true
	}
	r.loneLease.RUnlock()
	return nil, false
}
