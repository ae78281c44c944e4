package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// replica is this node's member of one raft group: its RawNode, its
// raft.Storage on the raft-log engine, and its Pebble.
//
// Clients only touch the inbox (under qmu) and the atomics; everything else
// belongs to the worker that holds mu while it processes the group.
type replica struct {
	n       *node
	groupID uint64

	qmu sync.Mutex
	// inbox is the work queued for the next round. Guarded by qmu.
	inbox inbox
	// peers maps replica ids to nodes for replicas not (yet) in the
	// descriptor, learned from incoming messages. Guarded by qmu.
	peers map[uint64]uint64

	// mu is held by the worker processing the group; it guards the fields
	// below down to dbMu.
	mu          sync.Mutex
	replicaID   uint64
	rn          *raft.RawNode
	ls          *logStorage
	applied     uint64
	appliedTerm uint64
	// durableApplied is the applied index flushed in the group's Pebble;
	// applySeqs the apply batches since, oldest first (log_truncate.go).
	durableApplied uint64
	applySeqs      []appliedAt
	// unflushedBytes counts the entry bytes applied since durableApplied
	// last moved; flushing is set while a flush maybeTruncate forced runs.
	unflushedBytes int64
	flushing       bool
	// retries mirrors the group Pebble's records of ids applied from
	// retried proposals (dedupe.go).
	retries       *retrySet
	confState     *pb.ConfState
	tick          uint64
	proposals     map[uint64]*proposal // by proposal id
	propByIndex   map[uint64]*proposal // by log index, once known
	readBatches   map[uint64]*readBatch
	unissuedReads []*readRequest
	readWaiting   []*readRequest // read index known, waiting for apply
	lastLdr       uint64
	// pendingSnap is a received snapshot's Pebble between staging and
	// installing.
	pendingSnap *groupDB
	// removed is set once this replica applied its own removal.
	removed bool

	// dbMu guards g, the group's current Pebble, which a snapshot swaps.
	// The worker (holding mu) uses g directly; other goroutines go through
	// acquireDB.
	dbMu sync.RWMutex
	g    *groupDB

	// quiesced is set while the group is idle and not ticked (quiesce.go).
	quiesced atomic.Bool
	// splitting is set while a size-triggered split runs (split.go), and
	// splitCheckedAt holds the applied index at the last size check.
	splitting      atomic.Bool
	splitCheckedAt atomic.Uint64
	// settledAt is the applied index at the group's last settle
	// (settle.go).
	settledAt atomic.Uint64

	desc     atomic.Pointer[RangeDescriptor]
	leader   atomic.Uint64 // leader replica id, 0 if unknown
	isLead   atomic.Bool
	appliedA atomic.Uint64
	// lone is set while reads may skip the read index; loneLease orders
	// such reads with membership changes (lone_read.go).
	lone      atomic.Bool
	loneLease sync.RWMutex
}

// inbox is what clients and the network queue for a group.
type inbox struct {
	ticks int
	msgs  []*pb.Message
	props []*proposal
	reads []*readRequest
	// campaign asks the replica to start an election now.
	campaign bool
	// snapStatus reports how sending snapshots ended.
	snapStatus []snapStatus
	// unreachable lists replica ids messages could not be sent to.
	unreachable []uint64
	// confChanges are membership changes to propose.
	confChanges []*pb.ConfChangeV2
	// quiesceFrom is the replica whose quiesce heartbeat is among msgs.
	quiesceFrom uint64
}

// raftConfig returns the etcd raft configuration of a replica.
func (n *node) raftConfig(id uint64, ls *logStorage, applied uint64) *raft.Config {
	return &raft.Config{
		ID:                        id,
		ElectionTick:              n.cfg.ElectionTicks,
		HeartbeatTick:             n.cfg.HeartbeatTicks,
		Storage:                   ls,
		Applied:                   applied,
		MaxSizePerMsg:             1 << 20,
		MaxCommittedSizePerReady:  64 << 20,
		MaxUncommittedEntriesSize: 256 << 20,
		MaxInflightMsgs:           256,
		CheckQuorum:               true,
		PreVote:                   true,
		ReadOnlyOption:            raft.ReadOnlySafe,
		StepDownOnRemoval:         true,
		Logger:                    raftLogger{},
	}
}

// openReplica opens group gid from the raft-log engine's registry.
func (n *node) openReplica(gid, replicaID uint64, dbDir string) (*replica, error) {
	r := &replica{
		n: n, groupID: gid, replicaID: replicaID,
		proposals:   map[uint64]*proposal{},
		propByIndex: map[uint64]*proposal{},
		readBatches: map[uint64]*readBatch{},
		peers:       map[uint64]uint64{},
	}
	fl := r.newFlushState()
	db, err := n.openGroupPebble(dbDir, fl)
	if err != nil {
		return nil, err
	}
	r.g = newGroupDB(n, db, dbDir, fl)
	if err := r.loadLocalState(); err != nil {
		db.Close()
		return nil, err
	}
	ls, err := loadLogStorage(n.logdb, n.elog, gid, r.confState)
	if err != nil {
		db.Close()
		return nil, err
	}
	// An apply that reached the group's Pebble may be durable while the
	// commit index that allowed it was not yet synced: the entries were
	// committed, so raise the commit index.
	if ls.hs.GetCommit() < r.applied {
		ls.hs.Commit = proto.Uint64(r.applied)
	}
	if ls.lastIndex < r.applied {
		db.Close()
		return nil, fmt.Errorf("group %d: applied index %d is beyond the last log index %d: %w", gid, r.applied, ls.lastIndex, ErrCorruption)
	}
	ls.snapshot = r.snapshot
	r.ls = ls
	r.durableApplied = r.applied
	rn, err := raft.NewRawNode(n.raftConfig(replicaID, ls, r.applied))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot start raft for group %d: %w", gid, err)
	}
	r.rn = rn
	r.appliedA.Store(r.applied)
	return r, nil
}

// newFlushState returns the flush state of a Pebble of this replica: each
// flush schedules the group, to truncate its log.
func (r *replica) newFlushState() *flushState {
	return &flushState{onFlush: func() { r.n.sched.mark(r.groupID) }}
}

// markFlushed records that every apply so far is flushed (after a
// synchronous Flush, or on a new Pebble). Called with mu held.
func (r *replica) markFlushed() {
	r.durableApplied = r.applied
	r.applySeqs = r.applySeqs[:0]
	r.unflushedBytes = 0
	r.flushing = false
}

// loadLocalState reads the applied state from the group's Pebble. A group
// created for an incoming snapshot has none yet.
func (r *replica) loadLocalState() error {
	r.confState = &pb.ConfState{}
	db := r.g.db
	v, closer, err := db.Get(localAppliedKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if len(v) != 16 {
		closer.Close()
		return fmt.Errorf("group %d applied state has %d bytes: %w", r.groupID, len(v), ErrCorruption)
	}
	r.applied, r.appliedTerm = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
	closer.Close()
	if v, closer, err = db.Get(localConfStateKey); err != nil {
		return fmt.Errorf("group %d has an applied index but no conf state: %v: %w", r.groupID, err, ErrCorruption)
	}
	err = proto.Unmarshal(v, r.confState)
	closer.Close()
	if err != nil {
		return fmt.Errorf("cannot decode conf state of group %d: %v: %w", r.groupID, err, ErrCorruption)
	}
	if v, closer, err = db.Get(localDescriptorKey); err != nil {
		return fmt.Errorf("group %d has an applied index but no descriptor: %v: %w", r.groupID, err, ErrCorruption)
	}
	d, err := decodeDescriptor(v)
	closer.Close()
	if err != nil {
		return err
	}
	r.desc.Store(d)
	return nil
}

func appendAppliedState(dst []byte, index, term uint64) []byte {
	dst = binary.BigEndian.AppendUint64(dst, index)
	return binary.BigEndian.AppendUint64(dst, term)
}

// enqueue adds work to the inbox and schedules the group.
func (r *replica) enqueue(f func(in *inbox)) {
	r.qmu.Lock()
	f(&r.inbox)
	r.qmu.Unlock()
	r.n.sched.mark(r.groupID)
}

// drainInbox feeds queued work into the RawNode. Called with mu held.
func (r *replica) drainInbox() {
	r.qmu.Lock()
	in := r.inbox
	r.inbox = inbox{}
	r.qmu.Unlock()

	if in.campaign {
		_ = r.rn.Campaign()
	}
	for _, id := range in.unreachable {
		r.rn.ReportUnreachable(id)
	}
	for _, st := range in.snapStatus {
		if st.ok {
			r.rn.ReportSnapshot(st.to, raft.SnapshotFinish)
		} else {
			r.rn.ReportSnapshot(st.to, raft.SnapshotFailure)
		}
	}
	for _, cc := range in.confChanges {
		_ = r.rn.ProposeConfChange(cc)
	}
	for i := 0; i < in.ticks; i++ {
		r.rn.Tick()
		r.tick++
		r.onTick()
	}
	for _, m := range in.msgs {
		// Errors are for messages raft does not accept from this peer
		// (for example a response from a removed replica); drop them.
		_ = r.rn.Step(m)
	}
	if in.quiesceFrom != 0 {
		r.maybeQuiesceFollower(in.quiesceFrom)
	}
	for _, p := range in.props {
		if err := r.rn.Propose(p.data); err != nil {
			p.fut.complete(0, fmt.Errorf("group %d: %v: %w", r.groupID, err, ErrProposalDropped))
			continue
		}
		p.tick, p.proposedTick = r.tick, r.tick
		r.proposals[p.id] = p
	}
	r.unissuedReads = append(r.unissuedReads, in.reads...)
	if len(r.unissuedReads) > 0 {
		r.issueRead(r.unissuedReads)
		r.unissuedReads = nil
	}
}

// issueRead sends one ReadIndex request for reqs.
func (r *replica) issueRead(reqs []*readRequest) {
	id := r.n.nextID()
	var ctx [8]byte
	binary.BigEndian.PutUint64(ctx[:], id)
	r.readBatches[id] = &readBatch{reqs: reqs, tick: r.tick}
	r.rn.ReadIndex(ctx[:])
}

// timeoutTicks is how long, in ticks, a proposal or read may wait inside raft
// before it is failed (proposals) or reissued (reads).
func (r *replica) timeoutTicks() uint64 { return uint64(4 * r.n.cfg.ElectionTicks) }

// onTick expires stale proposals, proposes again those that may have been
// lost (forwarded to a leader that went away, or overwritten in this log),
// and reissues stale reads. Proposing a command again is safe: apply skips
// a proposal id it already applied (see dedupe.go).
func (r *replica) onTick() {
	limit := r.timeoutTicks()
	for id, p := range r.proposals {
		switch {
		case r.tick-p.tick >= 2*limit:
			p.fut.complete(0, fmt.Errorf("group %d: proposal not applied after %d ticks: %w", r.groupID, r.tick-p.tick, ErrAmbiguousResult))
			delete(r.proposals, id)
			if r.propByIndex[p.index] == p {
				delete(r.propByIndex, p.index)
			}
		case p.index == 0 && r.tick-p.proposedTick >= uint64(r.n.cfg.ElectionTicks):
			r.repropose(p)
		}
	}
	if r.tick%uint64(r.n.cfg.ElectionTicks) != 0 {
		return
	}
	for id, b := range r.readBatches {
		if r.tick-b.tick >= limit {
			delete(r.readBatches, id)
			r.unissuedReads = append(r.unissuedReads, b.reqs...)
		}
	}
}

// repropose hands a pending proposal to raft again.
func (r *replica) repropose(p *proposal) {
	p.proposedTick = r.tick
	p.data = asRetry(p.data)
	_ = r.rn.Propose(p.data) // if dropped, the next tick tries again
}

// reproposeUnplaced proposes again every pending proposal not seen in this
// replica's log, after a leader change.
func (r *replica) reproposeUnplaced() {
	for _, p := range r.proposals {
		if p.index == 0 {
			r.repropose(p)
		}
	}
}

// reissueReads re-sends every outstanding ReadIndex, after a leader change
// (raft drops read requests it cannot serve).
func (r *replica) reissueReads() {
	for id, b := range r.readBatches {
		delete(r.readBatches, id)
		r.unissuedReads = append(r.unissuedReads, b.reqs...)
	}
}

// stage writes the persistent part of rd into the raft-log batch b and its
// entries into the entry log round er.
func (r *replica) stage(b *pebble.Batch, er *entryRound, rd *raft.Ready) error {
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := r.stageSnapshotApply(b, rd.Snapshot); err != nil {
			return err
		}
	}
	if err := r.ls.stageEntries(b, er, rd.Entries); err != nil {
		return err
	}
	if rd.HardState != nil && !raft.IsEmptyHardState(rd.HardState) {
		if err := r.ls.stageHardState(b, rd.HardState); err != nil {
			return err
		}
	}
	// Learn where our proposals landed, and which ones an overwriting
	// leader removed from this log.
	for _, e := range rd.Entries {
		var id uint64
		if e.GetType() == pb.EntryNormal && len(e.GetData()) >= commandHeaderLen {
			_, id, _, _ = decodeCommandHeader(e.GetData())
		}
		r.placeEntry(e.GetIndex(), id)
		if p := r.proposals[id]; id != 0 && p != nil {
			p.index, p.term = e.GetIndex(), e.GetTerm()
			r.propByIndex[p.index] = p
		}
	}
	return nil
}

// placeEntry notes that the entry at index carries proposal id (0: none).
// A pending proposal that sat at that index is no longer in this log; it is
// proposed again on the next tick.
func (r *replica) placeEntry(index, id uint64) {
	if p := r.propByIndex[index]; p != nil && p.id != id {
		delete(r.propByIndex, index)
		p.index, p.proposedTick = 0, 0
	}
}

// afterPersist runs the rest of the Ready once it is durable: messages are
// returned for sending, committed entries applied, reads answered. The
// caller sends the messages and then calls Advance.
//
// sentEarly says the Ready's messages were already sent (leaderMaySendEarly).
func (r *replica) afterPersist(rd *raft.Ready, sentEarly bool) ([]envelope, error) {
	r.ls.commitStaged()
	if r.pendingSnap != nil {
		if err := r.installSnapshot(); err != nil {
			return nil, err
		}
	}
	if rd.SoftState != nil {
		ld := rd.SoftState.Lead
		r.leader.Store(ld)
		r.isLead.Store(rd.SoftState.RaftState == raft.StateLeader)
		if ld != r.lastLdr {
			r.lastLdr = ld
			r.reissueReads()
			if ld != 0 {
				r.reproposeUnplaced()
			}
		}
	}
	var envs []envelope
	if !sentEarly {
		envs = r.envelopes(rd.Messages)
	}
	ents := rd.CommittedEntries
	for len(ents) > 0 && ents[0].GetIndex() <= r.applied {
		ents = ents[1:] // applied during the fsync (applyDurable)
	}
	if len(ents) > 0 {
		if err := r.applyEntries(ents); err != nil {
			return envs, err
		}
	}
	for _, rs := range rd.ReadStates {
		if len(rs.RequestCtx) != 8 {
			continue
		}
		id := binary.BigEndian.Uint64(rs.RequestCtx)
		b := r.readBatches[id]
		if b == nil {
			continue
		}
		delete(r.readBatches, id)
		for _, q := range b.reqs {
			q.index = rs.Index
			r.readWaiting = append(r.readWaiting, q)
		}
	}
	r.serveReads()
	r.updateLone()
	return envs, nil
}

// applyDurable applies, while the raft-log batch holding rd is being
// fsynced, the leading committed entries of rd that earlier batches made
// durable here (index <= the log's durable last index; raft may hand a
// follower committed entries that are only in rd). Only plain writes: a
// snapshot, membership change or split waits for afterPersist. Called with
// mu held, before afterPersist.
func (r *replica) applyDurable(rd *raft.Ready) error {
	if r.pendingSnap != nil || !raft.IsEmptySnap(rd.Snapshot) {
		return nil
	}
	durable := r.ls.lastIndex // commitStaged has not run for rd yet
	n := 0
	for _, e := range rd.CommittedEntries {
		if e.GetIndex() > durable || e.GetType() != pb.EntryNormal {
			break
		}
		if d := e.GetData(); len(d) > 0 {
			if kind, _, _, err := decodeCommandHeader(d); err != nil || !kind.isBatch() {
				break
			}
		}
		n++
	}
	ents := rd.CommittedEntries[:n]
	for len(ents) > 0 && ents[0].GetIndex() <= r.applied {
		ents = ents[1:]
	}
	if len(ents) == 0 {
		return nil
	}
	if r.n.trace != nil {
		r.n.trace("g%d: entries [%d..%d] durable in an earlier batch: apply during the fsync", r.groupID, ents[0].GetIndex(), ents[len(ents)-1].GetIndex())
	}
	return r.applyEntries(ents)
}

// inboxHasWrites reports whether proposals or messages wait in the inbox.
func (r *replica) inboxHasWrites() bool {
	r.qmu.Lock()
	defer r.qmu.Unlock()
	return len(r.inbox.props) > 0 || len(r.inbox.msgs) > 0
}

// serveReads completes the reads whose index is applied.
func (r *replica) serveReads() {
	kept := r.readWaiting[:0]
	for _, q := range r.readWaiting {
		if q.index <= r.applied {
			q.fut.complete(q.index, nil)
		} else {
			kept = append(kept, q)
		}
	}
	clear(r.readWaiting[len(kept):])
	r.readWaiting = kept
}

// envelopes addresses raft messages to their nodes (dropping those to
// replicas whose node is unknown; raft retries).
func (r *replica) envelopes(msgs []*pb.Message) []envelope {
	envs := make([]envelope, 0, len(msgs))
	for _, m := range msgs {
		if to := r.nodeOf(m.GetTo()); to != 0 {
			envs = append(envs, envelope{GroupID: r.groupID, FromNode: r.n.id, ToNode: to, Msg: m})
		}
	}
	return envs
}

// leaderMaySendEarly reports whether the messages of rd may go out before rd
// is persisted: a leader's appends can be written by followers while the
// leader writes its own log (Raft thesis §10.2.1; etcd does the same), as
// the leader counts its own copy only after Advance. Not when the Ready
// changes the term or vote: those must be durable before anyone hears of
// them.
func (r *replica) leaderMaySendEarly(rd *raft.Ready) bool {
	if len(rd.Messages) == 0 || !raft.IsEmptySnap(rd.Snapshot) || r.rn.BasicStatus().RaftState != raft.StateLeader {
		return false
	}
	if hs := rd.HardState; hs != nil && (hs.GetTerm() != r.ls.hs.GetTerm() || hs.GetVote() != r.ls.hs.GetVote()) {
		return false
	}
	return true
}

// nodeOf returns the node holding replica id of this group, or 0.
func (r *replica) nodeOf(id uint64) uint64 {
	if d := r.desc.Load(); d != nil {
		if n := d.nodeOfReplica(id); n != 0 {
			return n
		}
	}
	r.qmu.Lock()
	defer r.qmu.Unlock()
	return r.peers[id]
}

// applyEntries applies committed entries to the group's Pebble in one batch,
// together with the new applied index.
func (r *replica) applyEntries(ents []*pb.Entry) error {
	b := r.g.db.NewBatch()
	defer func() { b.Close() }()
	retries, err := r.retriesOf()
	if err != nil {
		return err
	}
	dd := newDeduper(r.g.db, retries, r.applied)
	var done []*proposal
	type refused struct {
		p   *proposal
		err error
	}
	var refusals []refused
	var metaDescs []*RangeDescriptor
	metaGens := map[uint64]uint64{}
	var key []byte
	wrote := false
	for _, e := range ents {
		idx := e.GetIndex()
		if idx <= r.applied {
			continue
		}
		switch e.GetType() {
		case pb.EntryNormal:
			if len(e.GetData()) == 0 {
				break // empty entry of a new leader
			}
			if !wrote {
				wrote = true
				r.n.noteWrite() // once per call: it reads the clock
			}
			kind, id, body, err := decodeCommandHeader(e.GetData())
			if err != nil {
				return fmt.Errorf("group %d entry %d: %w", r.groupID, idx, err)
			}
			if kind.isBatch() {
				// A command proposed before a split may hold keys the
				// group no longer owns: refuse it whole, so the
				// proposer retries on the new ranges.
				if badKey, ok := opsWithin(body, r.desc.Load()); !ok {
					if p := r.proposals[id]; p != nil {
						delete(r.proposals, id)
						refusals = append(refusals, refused{p, &RangeMismatchError{Key: badKey, Descriptors: []*RangeDescriptor{r.desc.Load()}}})
					}
					r.placeEntry(idx, id)
					delete(r.propByIndex, idx)
					break
				}
			}
			if kind == cmdSplit {
				nb, err := r.applySplit(b, idx, e.GetTerm(), body)
				if err != nil {
					return fmt.Errorf("group %d entry %d: %w", r.groupID, idx, err)
				}
				b = nb
				dd = newDeduper(r.g.db, retries, idx-1)
			}
			dup, err := dd.seen(b, id, idx, kind == cmdBatchFirst)
			if err != nil {
				return fmt.Errorf("group %d entry %d: %w", r.groupID, idx, err)
			}
			if kind.isBatch() && !dup {
				if idem, rest := splitIdempotency(body); idem != nil {
					if dup, err = dd.seenKey(b, idem, idx); err != nil {
						return fmt.Errorf("group %d entry %d: %w", r.groupID, idx, err)
					}
					body = rest
				}
			}
			if kind.isBatch() && !dup {
				if key, err = applyBatchBody(b, body, key); err != nil {
					return fmt.Errorf("group %d entry %d: %w", r.groupID, idx, err)
				}
			}
			if kind == cmdDescriptor && !dup && r.groupID == metaGroupID {
				d, err := applyMetaDescriptor(r.g.db, b, body, metaGens)
				if err != nil {
					return fmt.Errorf("group %d entry %d: %w", r.groupID, idx, err)
				}
				if d != nil {
					metaDescs = append(metaDescs, d)
				}
			}
			if p := r.proposals[id]; p != nil {
				delete(r.proposals, id)
				done = append(done, p)
			}
			r.placeEntry(idx, id)
			delete(r.propByIndex, idx)
		case pb.EntryConfChange, pb.EntryConfChangeV2:
			if err := r.applyConfChange(b, e); err != nil {
				return err
			}
		}
		r.applied, r.appliedTerm = idx, e.GetTerm()
		r.unflushedBytes += int64(len(e.GetData()))
	}
	if err := b.Set(localAppliedKey, appendAppliedState(nil, r.applied, r.appliedTerm), nil); err != nil {
		return err
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("cannot apply to group %d: %w", r.groupID, err)
	}
	r.applySeqs = append(r.applySeqs, appliedAt{seq: uint64(b.SeqNum()) + uint64(b.Count()) - 1, index: r.applied})
	if r.n.trace != nil {
		r.n.trace("apply g%d [%d..%d] applied=%d (group pebble, no sync)", r.groupID, ents[0].GetIndex(), ents[len(ents)-1].GetIndex(), r.applied)
	}
	r.appliedA.Store(r.applied)
	// The log is truncated only after a flush of the group's Pebble (tens
	// of MiB later): keep only maxCacheBytes of applied entries in memory.
	r.ls.trimCache(r.applied)
	r.n.metrics.entriesApplied.Add(uint64(len(ents)))
	for _, d := range metaDescs {
		r.n.noteMetaDescriptor(d)
	}
	for _, p := range done {
		p.fut.complete(p.index, nil)
	}
	for _, x := range refusals {
		x.p.fut.complete(0, x.err)
	}
	return nil
}

// applyBatchBody adds the operations of a cmdBatch body to b, with user keys
// prefixed. scratch is reused for prefixed keys and returned.
func applyBatchBody(b *pebble.Batch, body, scratch []byte) ([]byte, error) {
	for len(body) > 0 {
		op, key, value, tail, err := decodeOp(body)
		if err != nil {
			return scratch, err
		}
		body = tail
		scratch = append(append(scratch[:0], userKeyPrefix), key...)
		switch op {
		case opSet:
			err = b.Set(scratch, value, nil)
		case opMerge:
			err = b.Merge(scratch, value, nil)
		case opDelete:
			err = b.Delete(scratch, nil)
		case opIdempotency:
			return scratch, fmt.Errorf("idempotency key inside a batch: %w", ErrCorruption)
		case opDeleteRange:
			end := userKeysEnd
			if len(value) > 0 {
				end = append([]byte{userKeyPrefix}, value...)
			}
			err = b.DeleteRange(scratch, end, nil)
		}
		if err != nil {
			return scratch, err
		}
	}
	return scratch, nil
}

// applyConfChange applies a membership change: raft's configuration, and the
// descriptor carried in the change's context, written with the applied index.
func (r *replica) applyConfChange(b *pebble.Batch, e *pb.Entry) error {
	var cc pb.ConfChangeI
	var ctx []byte
	if e.GetType() == pb.EntryConfChange {
		var c pb.ConfChange
		if err := proto.Unmarshal(e.GetData(), &c); err != nil {
			return fmt.Errorf("group %d: cannot decode conf change at %d: %v: %w", r.groupID, e.GetIndex(), err, ErrCorruption)
		}
		cc, ctx = &c, c.GetContext()
	} else {
		var c pb.ConfChangeV2
		if err := proto.Unmarshal(e.GetData(), &c); err != nil {
			return fmt.Errorf("group %d: cannot decode conf change at %d: %v: %w", r.groupID, e.GetIndex(), err, ErrCorruption)
		}
		cc, ctx = &c, c.GetContext()
	}
	cur := r.desc.Load()
	var next *RangeDescriptor
	if len(ctx) > 0 {
		d, err := decodeDescriptor(ctx)
		if err != nil {
			return err
		}
		if cur != nil && d.Generation != cur.Generation+1 {
			// Proposed against a descriptor that changed since: reject
			// by not applying it (etcd raft's contract for refusals).
			return nil
		}
		next = d
	}
	r.loneLease.Lock()
	r.lone.Store(false)
	r.confState = r.rn.ApplyConfChange(cc)
	r.removed = !confStateHas(r.confState, r.replicaID)
	r.updateLone()
	r.loneLease.Unlock()
	v, err := proto.Marshal(r.confState)
	if err != nil {
		return err
	}
	if err := b.Set(localConfStateKey, v, nil); err != nil {
		return err
	}
	if next != nil {
		if err := b.Set(localDescriptorKey, encodeDescriptor(next), nil); err != nil {
			return err
		}
		r.desc.Store(next)
		r.n.updateDirectory(next)
	}
	return nil
}

// notePeer remembers the node of a replica id seen in a message.
func (r *replica) notePeer(rid, node uint64) {
	if d := r.desc.Load(); d != nil && d.nodeOfReplica(rid) == node {
		return
	}
	r.qmu.Lock()
	r.peers[rid] = node
	r.qmu.Unlock()
}

// failPending completes every waiting proposal and read with err.
func (r *replica) failPending(err error) {
	for id, p := range r.proposals {
		p.fut.complete(0, err)
		delete(r.proposals, id)
	}
	clear(r.propByIndex)
	for id, b := range r.readBatches {
		for _, q := range b.reqs {
			q.fut.complete(0, err)
		}
		delete(r.readBatches, id)
	}
	for _, q := range append(r.readWaiting, r.unissuedReads...) {
		q.fut.complete(0, err)
	}
	r.readWaiting, r.unissuedReads = nil, nil
	r.qmu.Lock()
	in := r.inbox
	r.inbox = inbox{}
	r.qmu.Unlock()
	for _, p := range in.props {
		p.fut.complete(0, err)
	}
	for _, q := range in.reads {
		q.fut.complete(0, err)
	}
}

// confStateHas reports whether replica id is a member of cs.
func confStateHas(cs *pb.ConfState, id uint64) bool {
	for _, ids := range [][]uint64{cs.GetVoters(), cs.GetLearners(), cs.GetVotersOutgoing(), cs.GetLearnersNext()} {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
	}
	return false
}
