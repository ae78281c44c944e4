package raftstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/talus-logs/talus/kv"
)

// Store is a kv.Store on the raft groups of one node. It is safe for
// concurrent use. Batches and iterators it returns belong to one goroutine.
//
// Commit returns after each part of the batch is committed by a quorum of its
// group and applied on this node; sync is ignored (every commit is durable in
// a quorum's raft log). Reads are linearizable per group.
type Store struct {
	n *node
}

var _ kv.Store = (*Store)(nil)

// Open opens (creating or joining if needed) the node described by cfg and
// starts it. With an empty DataDir and no Join, the node bootstraps a new
// cluster of itself: a one-voter group per initial range.
func Open(cfg Config) (*Store, error) {
	cfg.EnsureDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("raftstore: invalid config: %w", err)
	}
	n, err := openNode(cfg)
	if err != nil {
		return nil, err
	}
	n.mu.RLock()
	empty := len(n.groups) == 0
	n.mu.RUnlock()
	if empty && len(cfg.Join) == 0 {
		if err := n.bootstrapCluster([]uint64{n.id}); err != nil {
			n.closeStorage()
			return nil, err
		}
	}
	if !cfg.manual {
		n.start()
	}
	if empty && len(cfg.Join) > 0 {
		t, ok := n.trans.(*grpcTransport)
		if !ok {
			_ = n.stop()
			return nil, errNoNetwork
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := t.join(ctx, cfg.Join)
		cancel()
		if err != nil {
			_ = n.stop()
			return nil, fmt.Errorf("raftstore: cannot join the cluster: %w", err)
		}
		// Serve only once the range directory (the meta group) has
		// arrived, so the first requests can be routed.
		deadline := time.Now().Add(3 * cfg.ProposalTimeout)
		for !n.hasDirectory() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if !n.hasDirectory() {
			n.logf("joined, but the range directory has not arrived after %v; requests fail until it does", 3*cfg.ProposalTimeout)
		}
	}
	n.campaignSoleVoters()
	return &Store{n: n}, nil
}

// RaftAddr returns the address the raft transport listens on ("" without
// network); with RaftAddr ":0" in the Config it names the chosen port.
func (s *Store) RaftAddr() string {
	if t, ok := s.n.trans.(*grpcTransport); ok {
		return t.addr
	}
	return ""
}

// initialDescriptors returns the descriptors of the groups a new cluster
// starts with: one per initial split, replicated on nodes (at most
// ReplicationFactor of them).
func initialDescriptors(cfg *Config, nodes []uint64) []*RangeDescriptor {
	starts := append([][]byte{nil}, cfg.InitialSplits...)
	var out []*RangeDescriptor
	for i, s := range starts {
		d := &RangeDescriptor{GroupID: firstDataGroupID + uint64(i), StartKey: s, Generation: 1}
		if i+1 < len(starts) {
			d.EndKey = starts[i+1]
		}
		for j, nid := range nodes {
			if j == cfg.ReplicationFactor {
				break
			}
			d.Replicas = append(d.Replicas, ReplicaDescriptor{NodeID: nid, ReplicaID: uint64(j + 1)})
		}
		d.NextReplicaID = uint64(len(d.Replicas) + 1)
		out = append(out, d)
	}
	return out
}

// bootstrapCluster creates the initial groups of a cluster made of nodes.
// Every node of the initial cluster must run it with the same arguments.
func (n *node) bootstrapCluster(nodes []uint64) error {
	data := initialDescriptors(&n.cfg, nodes)
	if err := n.bootstrapGroup(metaDescriptor(nodes), data); err != nil {
		return err
	}
	if err := n.loadMetaDirectory(n.replica(metaGroupID).g.db); err != nil {
		return err
	}
	for _, d := range data {
		if _, ok := d.replicaOnNode(n.id); !ok {
			continue
		}
		if err := n.bootstrapGroup(d, nil); err != nil {
			return err
		}
	}
	return nil
}

// campaignSoleVoters starts an election right away in groups where this
// node is the only voter, instead of waiting for an election timeout.
func (n *node) campaignSoleVoters() {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, r := range n.groups {
		d := r.desc.Load()
		if d == nil {
			continue
		}
		voters := 0
		mine := false
		for _, rd := range d.Replicas {
			if !rd.Learner {
				voters++
				mine = mine || rd.NodeID == n.id
			}
		}
		if voters == 1 && mine {
			r.enqueue(func(in *inbox) { in.campaign = true })
		}
	}
}

// propose queues a command for group gid. data must carry proposal id id.
func (n *node) propose(gid, id uint64, data []byte) *future {
	return n.submit(gid, func(f *future, in *inbox) {
		in.props = append(in.props, &proposal{id: id, data: data, fut: f})
	})
}

// readIndex queues a linearizable read of group gid: the future completes
// once the group applied an index that covers every write acknowledged
// before the call.
func (n *node) readIndex(gid uint64) *future {
	return n.submit(gid, func(f *future, in *inbox) {
		in.reads = append(in.reads, &readRequest{fut: f})
	})
}

// submit queues work for group gid with a new future.
func (n *node) submit(gid uint64, add func(f *future, in *inbox)) *future {
	f := newFuture()
	r := n.replica(gid)
	switch {
	case r == nil:
		f.complete(0, fmt.Errorf("group %d: %w", gid, ErrGroupNotFound))
	case n.stopped.Load():
		f.complete(0, ErrStopped)
	default:
		r.wake()
		r.enqueue(func(in *inbox) { add(f, in) })
	}
	return f
}

// queueProposal queues proposal id (cmd, header written) for replica r
// without waking its worker (the caller does, with sched.wakeAll).
func (n *node) queueProposal(r *replica, id uint64, cmd []byte) *future {
	f := newFuture()
	if n.stopped.Load() {
		f.complete(0, ErrStopped)
		return f
	}
	r.wake()
	r.qmu.Lock()
	r.inbox.props = append(r.inbox.props, &proposal{id: id, data: cmd, fut: f})
	r.qmu.Unlock()
	n.sched.markQuiet(r.groupID)
	return f
}

// proposeWait proposes body (a cmdBatch body) to group gid and waits until
// it is applied here, retrying while raft drops it, until ProposalTimeout.
//
// Every attempt carries the same proposal id, so that however many copies
// commit, the command applies once (dedupe.go); a write forwarded from
// another node keeps that node's id for the same reason.
//
// cmd is the command with its first commandHeaderLen bytes free for the
// header, which is written in place (no copy of the body); raft keeps cmd,
// so the caller must not modify it afterwards.
func (n *node) proposeWait(gid, id uint64, kind commandKind, cmd []byte) error {
	deadline := time.Now().Add(n.cfg.ProposalTimeout)
	appendCommandHeader(cmd[:0], kind, id)
	return n.awaitProposal(gid, id, cmd, n.propose(gid, id, cmd), deadline)
}

// awaitProposal waits for f, the future of proposal id (cmd, header
// written) to group gid, and proposes cmd again while raft drops it, until
// deadline.
func (n *node) awaitProposal(gid, id uint64, cmd []byte, f *future, deadline time.Time) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	backoff := time.Millisecond
	for {
		select {
		case <-f.done:
		case <-timer.C:
			n.metrics.proposalsAmbiguous.Add(1)
			return fmt.Errorf("group %d: no result after %v: %w", gid, n.cfg.ProposalTimeout, ErrAmbiguousResult)
		}
		if f.err == nil || !errors.Is(f.err, ErrProposalDropped) {
			if errors.Is(f.err, ErrAmbiguousResult) {
				n.metrics.proposalsAmbiguous.Add(1)
			}
			return f.err
		}
		if time.Now().Add(backoff).After(deadline) {
			n.metrics.proposalsDropped.Add(1)
			return f.err
		}
		// Dropped (no leader yet, or lost to a new leader): the write is
		// not applied, so trying again is safe. Back off a little while
		// an election runs.
		time.Sleep(backoff)
		cmd = asRetry(cmd)
		if backoff < 50*time.Millisecond {
			backoff *= 2
		}
		f = n.propose(gid, id, cmd)
	}
}

// readWait waits until a linearizable read may read this node's replica of
// gid: at once for a lone voter (lone_read.go), else once a read index is
// applied here. The caller calls release once its Pebble view exists.
func (n *node) readWait(gid uint64) (r *replica, release func(), err error) {
	if r := n.replica(gid); r != nil {
		if release, ok := r.loneRead(); ok {
			return r, release, nil
		}
	}
	r, err = n.readIndexWait(gid)
	return r, func() {}, err
}

// readIndexWait waits for a read index of group gid to be applied here.
func (n *node) readIndexWait(gid uint64) (*replica, error) {
	timer := time.NewTimer(n.cfg.ProposalTimeout)
	defer timer.Stop()
	f := n.readIndex(gid)
	select {
	case <-f.done:
	case <-timer.C:
		return nil, fmt.Errorf("group %d: no read index after %v: %w", gid, n.cfg.ProposalTimeout, ErrTimeout)
	}
	if f.err != nil {
		return nil, f.err
	}
	return n.replica(gid), nil
}

// NewBatch implements kv.Store.
func (s *Store) NewBatch() kv.Batch { return &batch{s: s} }

// Get implements kv.Store.
func (s *Store) Get(key []byte) ([]byte, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		d, err := s.n.lookup(key)
		if err != nil {
			return nil, err
		}
		var v []byte
		if s.n.servingReplica(d.GroupID) == nil {
			v, err = s.n.forwardGet(d.GroupID, key)
		} else {
			v, err = s.n.localGet(d.GroupID, key)
		}
		var rm *RangeMismatchError
		if errors.As(err, &rm) && attempt < maxMismatchRetries {
			continue // the range split under the read: look it up again
		}
		return v, err
	}
}

// localGet reads key from this node's replica of gid after a read index.
func (n *node) localGet(gid uint64, key []byte) ([]byte, error) {
	r, release, err := n.readWait(gid)
	if err != nil {
		return nil, err
	}
	g := r.acquireDB()
	if g == nil {
		release()
		return nil, kv.ErrClosed
	}
	defer g.release()
	if d := r.desc.Load(); d == nil || !d.ContainsKey(key) {
		release()
		return nil, &RangeMismatchError{Key: key, Descriptors: []*RangeDescriptor{d}}
	}
	pk := append([]byte{userKeyPrefix}, key...)
	v, closer, err := g.db.Get(pk)
	release()
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, kv.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, nil
}

// NewIter implements kv.Store. Each range's part of the view is consistent
// and linearizable on its own; views of different ranges are taken one
// after the other, not at one instant.
func (s *Store) NewIter(o *kv.IterOptions) (kv.Iterator, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	var lo, hi []byte
	if o != nil {
		lo, hi = o.LowerBound, o.UpperBound
	}
	for attempt := 0; ; attempt++ {
		it, err := s.newIter(lo, hi)
		var rm *RangeMismatchError
		if errors.As(err, &rm) && attempt < maxMismatchRetries {
			continue // a range split while the iterator was built
		}
		return it, err
	}
}

// newIter builds a stitched iterator over the ranges of [lo, hi) as the
// directory has them; a RangeMismatchError means one of them changed.
func (s *Store) newIter(lo, hi []byte) (kv.Iterator, error) {
	descs, err := s.n.rangesOverlapping(lo, hi)
	if err != nil {
		return nil, err
	}
	it := &rangeIter{cur: -1}
	for _, d := range descs {
		if s.n.servingReplica(d.GroupID) == nil {
			part, err := s.n.forwardScan(d.GroupID, maxKey(lo, d.StartKey), minEnd(hi, d.EndKey))
			if err != nil {
				it.Close()
				return nil, err
			}
			it.parts = append(it.parts, part)
			continue
		}
		r, release, err := s.n.readWait(d.GroupID)
		if err != nil {
			it.Close()
			return nil, err
		}
		plo := append([]byte{userKeyPrefix}, maxKey(lo, d.StartKey)...)
		phi := userKeysEnd
		if e := minEnd(hi, d.EndKey); e != nil {
			phi = append([]byte{userKeyPrefix}, e...)
		}
		g := r.acquireDB()
		if g == nil {
			release()
			it.Close()
			return nil, kv.ErrClosed
		}
		pit, err := g.db.NewIter(&pebble.IterOptions{LowerBound: plo, UpperBound: phi})
		release()
		if err != nil {
			g.release()
			it.Close()
			return nil, err
		}
		it.parts = append(it.parts, pit)
		it.dbs = append(it.dbs, g)
		// Checked after the Pebble iterator exists: a split that shrank
		// the range since deletes what the view must hold.
		if cur := r.desc.Load(); cur == nil || !bytes.Equal(cur.StartKey, d.StartKey) || !bytes.Equal(cur.EndKey, d.EndKey) {
			it.Close()
			return nil, &RangeMismatchError{Descriptors: []*RangeDescriptor{cur}}
		}
	}
	return it, nil
}

func maxKey(a, b []byte) []byte {
	if bytes.Compare(a, b) >= 0 {
		return a
	}
	return b
}

// minEnd returns the smaller of two exclusive ends, nil meaning infinity.
func minEnd(a, b []byte) []byte {
	switch {
	case len(a) == 0 && a == nil:
		if len(b) == 0 {
			return nil
		}
		return b
	case len(b) == 0:
		return a
	case bytes.Compare(a, b) <= 0:
		return a
	}
	return b
}

// DiskUsage implements kv.Store: the bytes of every group's Pebble and of
// the raft-log engine.
func (s *Store) DiskUsage() uint64 {
	n := s.n
	n.mu.RLock()
	defer n.mu.RUnlock()
	var total uint64
	if n.logdb != nil {
		total += n.logdb.Metrics().DiskSpaceUsage()
	}
	if n.elog != nil {
		total += n.elog.diskUsage()
	}
	for _, r := range n.groups {
		if g := r.acquireDB(); g != nil {
			total += g.db.Metrics().DiskSpaceUsage()
			g.release()
		}
	}
	return total
}

// Close implements kv.Store. Waiting writes and reads fail with ErrStopped.
func (s *Store) Close() error {
	if err := s.n.stop(); err != nil {
		if errors.Is(err, ErrStopped) {
			return kv.ErrClosed
		}
		return err
	}
	return nil
}

func (s *Store) checkOpen() error {
	if s.n.stopped.Load() {
		return kv.ErrClosed
	}
	if e := s.n.fatal.Load(); e != nil {
		return *e
	}
	return nil
}

// batch implements kv.Batch: operations are encoded as cmdBatch bodies,
// one per range, as they are added (the range of the previous key is
// checked first: writes come in key runs), so Commit proposes them as they
// are. A range that split in between refuses its part with a
// RangeMismatchError and Commit splits that part again.
type batch struct {
	s *Store
	// parts are the commands being built per group: commandHeaderLen
	// bytes left for the header, then the operations.
	parts map[uint64][]byte
	// last is the range of the previous key, lastPart its part.
	last  *RangeDescriptor
	count uint32
	size  int
	// err is a failed range lookup, returned by Commit.
	err error
	// idem is the idempotency op every part starts with (nil: none).
	idem []byte
}

var _ kv.IdempotentBatch = (*batch)(nil)

// SetIdempotencyKey implements kv.IdempotentBatch: every part of the batch
// carries the key, and each group applies its part once (dedupe.go).
func (b *batch) SetIdempotencyKey(key [16]byte) {
	b.idem = appendOp(nil, opIdempotency, key[:], nil)
	for gid, p := range b.parts {
		if _, rest := splitIdempotency(p[commandHeaderLen:]); len(rest) < len(p)-commandHeaderLen {
			p = append(p[:commandHeaderLen:commandHeaderLen], rest...) // a key set twice: the last wins
		}
		np := make([]byte, 0, len(p)+len(b.idem))
		np = append(append(append(np, p[:commandHeaderLen]...), b.idem...), p[commandHeaderLen:]...)
		b.parts[gid] = np
	}
}

func (b *batch) part(gid uint64) []byte {
	if p := b.parts[gid]; p != nil {
		return p
	}
	// Start at the size of the last part committed to this group (writes
	// of one kind have similar sizes): growing a 100 KiB part from 4 KiB
	// by doubling cost ~3% of the server's CPU per record.
	size := 4096
	if v, ok := b.s.n.partSizes.Load(gid); ok {
		size = min(max(size, v.(int)+v.(int)/8), maxCommandBytes)
	}
	return append(make([]byte, commandHeaderLen, size), b.idem...)
}

func (b *batch) add(op opKind, key, value []byte) error {
	if b.parts == nil {
		b.parts = map[uint64][]byte{}
	}
	b.count++
	b.size += opLen(key, value)
	d := b.last
	if d == nil || !d.ContainsKey(key) {
		var err error
		if d, err = b.s.n.lookup(key); err != nil {
			if b.err == nil {
				b.err = err
			}
			return nil
		}
		b.last = d
	}
	if op == opDeleteRange && !rangeWithin(key, value, d) {
		var end []byte
		if len(value) > 0 {
			end = value
		}
		ds, err := b.s.n.rangesOverlapping(key, end)
		if err != nil {
			if b.err == nil {
				b.err = err
			}
			return nil
		}
		for _, d := range ds {
			b.parts[d.GroupID] = appendOp(b.part(d.GroupID), opDeleteRange, maxKey(key, d.StartKey), minEnd(end, d.EndKey))
		}
		return nil
	}
	b.parts[d.GroupID] = appendOp(b.part(d.GroupID), op, key, value)
	return nil
}

func (b *batch) Set(k, v []byte) error   { return b.add(opSet, k, v) }
func (b *batch) Merge(k, v []byte) error { return b.add(opMerge, k, v) }
func (b *batch) Delete(k []byte) error   { return b.add(opDelete, k, nil) }
func (b *batch) DeleteRange(start, end []byte) error {
	if end != nil && bytes.Compare(start, end) >= 0 {
		return nil
	}
	if end != nil && len(end) == 0 {
		return nil
	}
	return b.add(opDeleteRange, start, end)
}
func (b *batch) Count() uint32 { return b.count }
func (b *batch) Len() int      { return b.size }
func (b *batch) Close() error  { b.parts, b.last, b.idem = nil, nil, nil; return nil }

// Commit implements kv.Batch. The parts of the batch in different ranges
// are committed independently and concurrently.
func (b *batch) Commit(bool) error {
	if err := b.s.checkOpen(); err != nil {
		return err
	}
	if b.err != nil {
		return b.err
	}
	if b.count == 0 {
		return nil
	}
	parts := b.parts
	b.parts, b.last = nil, nil // raft may keep them: a batch is not reused after Commit
	for gid, p := range parts {
		if v, ok := b.s.n.partSizes.Load(gid); !ok || v.(int) != len(p) {
			b.s.n.partSizes.Store(gid, len(p))
		}
	}
	start := time.Now()
	err := b.s.n.commitParts(parts, maxMismatchRetries)
	b.s.n.metrics.writes.observe(time.Since(start))
	return err
}

// maxMismatchRetries bounds how often a write is re-split after a range
// changed under it (a split).
const maxMismatchRetries = 3

// commitCommand splits cmd by range, writes the parts concurrently, and
// writes again, re-split on the current directory, a part refused with a
// RangeMismatchError (it was not applied).
func (n *node) commitCommand(cmd []byte, retries int) error {
	parts, err := n.splitByRange(cmd)
	if err != nil {
		return err
	}
	return n.commitParts(parts, retries)
}

// commitParts writes the commands of parts (by group) concurrently, and
// writes again, re-split on the current directory, a part refused with a
// RangeMismatchError (it was not applied).
//
// The parts for groups this node serves are all queued before their worker
// is woken, so that one round persists them together (woken at the first,
// it could take that one alone and leave the others to the next round), and
// are waited for here: a goroutine per part would add a wake-up to every
// write's acknowledgement on a busy machine. Parts this node forwards run
// in goroutines.
func (n *node) commitParts(parts map[uint64][]byte, retries int) error {
	retry := func(err error, part []byte) error {
		var rm *RangeMismatchError
		if errors.As(err, &rm) && retries > 0 {
			for _, d := range rm.Descriptors {
				n.updateDirectory(d)
			}
			return n.commitCommand(part, retries-1)
		}
		return err
	}
	if len(parts) == 1 {
		for gid, part := range parts {
			return retry(n.write(gid, part), part)
		}
	}
	type pending struct {
		gid, id uint64
		cmd     []byte
		f       *future
	}
	var local []pending
	var errs []error
	var errc chan error
	forwarded := 0
	deadline := time.Now().Add(n.cfg.ProposalTimeout)
	for gid, part := range parts {
		if r := n.servingReplica(gid); r != nil {
			if err := checkPartSize(gid, part); err != nil {
				errs = append(errs, err)
				continue
			}
			id := n.nextID()
			appendCommandHeader(part[:0], cmdBatchFirst, id)
			local = append(local, pending{gid, id, part, n.queueProposal(r, id, part)})
			continue
		}
		if errc == nil {
			errc = make(chan error, len(parts))
		}
		forwarded++
		go func() { errc <- retry(n.write(gid, part), part) }()
	}
	n.sched.wakeAll()
	for _, p := range local {
		if err := retry(n.awaitProposal(p.gid, p.id, p.cmd, p.f, deadline), p.cmd); err != nil {
			errs = append(errs, err)
		}
	}
	for range forwarded {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// splitByRange splits a command's operations by the range owning their
// keys, into commands with room for their header. A command inside one
// range is returned as is.
func (n *node) splitByRange(cmd []byte) (map[uint64][]byte, error) {
	idemKey, ops := splitIdempotency(cmd[commandHeaderLen:])
	var idem []byte
	if idemKey != nil {
		idem = appendOp(nil, opIdempotency, idemKey, nil)
	}
	var first *RangeDescriptor
	single := true
	for rest := ops; len(rest) > 0; {
		op, key, value, tail, err := decodeOp(rest)
		if err != nil {
			return nil, err
		}
		rest = tail
		d, err := n.lookup(key)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = d
		}
		if d.GroupID != first.GroupID || (op == opDeleteRange && !rangeWithin(key, value, d)) {
			single = false
			break
		}
	}
	if single {
		return map[uint64][]byte{first.GroupID: cmd}, nil
	}
	parts := map[uint64][]byte{}
	part := func(gid uint64) []byte {
		if p := parts[gid]; p != nil {
			return p
		}
		return append(make([]byte, commandHeaderLen, commandHeaderLen+len(ops)/2), idem...)
	}
	for rest := ops; len(rest) > 0; {
		op, key, value, tail, _ := decodeOp(rest)
		rest = tail
		if op != opDeleteRange {
			d, err := n.lookup(key)
			if err != nil {
				return nil, err
			}
			parts[d.GroupID] = appendOp(part(d.GroupID), op, key, value)
			continue
		}
		var end []byte
		if len(value) > 0 {
			end = value
		}
		ds, err := n.rangesOverlapping(key, end)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			s := maxKey(key, d.StartKey)
			e := minEnd(end, d.EndKey)
			parts[d.GroupID] = appendOp(part(d.GroupID), opDeleteRange, s, e)
		}
	}
	return parts, nil
}

// rangeWithin reports whether [start, end) (end empty: infinity) lies in d.
func rangeWithin(start, end []byte, d *RangeDescriptor) bool {
	if !d.ContainsKey(start) {
		return false
	}
	if len(d.EndKey) == 0 {
		return true
	}
	return len(end) > 0 && bytes.Compare(end, d.EndKey) <= 0
}
