package raftstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/talus-logs/talus/kv"
)

// Forwarding. A node that holds no replica of a range sends the request to a
// node that does (Forward RPC), picked from its directory. A node that turns
// out not to hold the group answers with a mismatch carrying the descriptor
// it knows; the caller updates its directory and tries another replica.
// Writes carry the caller's proposal id, so trying another node after a lost
// answer cannot apply a write twice (dedupe.go).
//
//	request:  | kind (1B) | groupID uvarint | body |
//	          write body: | proposalID (8B BE) | cmdBatch body |
//	          get body:   | key |
//	          scan body:  | len(lo) uvarint | lo | len(hi) uvarint | hi | (hi empty: to the range's end)
//	response: | status (1B) | payload |
//	          ok: get → value; scan → count uvarint, count × (len(key) uvarint | key | len(value) uvarint | value);
//	          not found: ∅; mismatch: encoded descriptor or ∅;
//	          error: | class (1B) | message |
const (
	fwdWrite = 1
	fwdGet   = 2
	fwdScan  = 3

	// maxScanBytes bounds a forwarded scan's answer: an iterator over a
	// range held elsewhere is read in one piece (see docs/raftstore.md).
	maxScanBytes = maxGRPCMessageSize - 1<<20

	fwdOK       = 0
	fwdNotFound = 1
	fwdMismatch = 2
	fwdError    = 3
)

// errorClasses maps sentinel errors to their wire class and back.
var errorClasses = []struct {
	class byte
	err   error
}{
	{'a', ErrAmbiguousResult},
	{'d', ErrProposalDropped},
	{'t', ErrTimeout},
	{'s', ErrStopped},
	{'g', ErrGroupNotFound},
}

func encodeFwdError(err error) []byte {
	class := byte('o')
	for _, c := range errorClasses {
		if errors.Is(err, c.err) {
			class = c.class
			break
		}
	}
	return append([]byte{fwdError, class}, err.Error()...)
}

func decodeFwdError(payload []byte) error {
	if len(payload) == 0 {
		return errors.New("raftstore: empty error from forwarded request")
	}
	for _, c := range errorClasses {
		if c.class == payload[0] {
			return fmt.Errorf("forwarded: %s: %w", payload[1:], c.err)
		}
	}
	return fmt.Errorf("forwarded: %s", payload[1:])
}

// handleForward implements raftService.
func (n *node) handleForward(req []byte) ([]byte, error) {
	if len(req) < 2 {
		return nil, errors.New("bad forwarded request")
	}
	kind := req[0]
	gid, k := binary.Uvarint(req[1:])
	if k <= 0 {
		return nil, errors.New("bad group in forwarded request")
	}
	body := req[1+k:]
	mismatch := func() []byte {
		out := []byte{fwdMismatch}
		if d, err := n.descriptor(gid); err == nil {
			out = append(out, encodeDescriptor(d)...)
		}
		return out
	}
	r := n.servingReplica(gid)
	if r == nil {
		return mismatch(), nil
	}
	switch kind {
	case fwdWrite:
		if len(body) < 8 {
			return nil, errors.New("bad forwarded write")
		}
		cmd := append(make([]byte, commandHeaderLen, commandHeaderLen+len(body)-8), body[8:]...)
		if err := n.proposeWait(gid, binary.BigEndian.Uint64(body), cmdBatch, cmd); err != nil {
			if errors.Is(err, ErrGroupNotFound) {
				return mismatch(), nil
			}
			return encodeFwdError(err), nil
		}
		return []byte{fwdOK}, nil
	case fwdGet:
		if d := r.desc.Load(); d == nil || !d.ContainsKey(body) {
			return mismatch(), nil
		}
		v, err := n.localGet(gid, body)
		switch {
		case errors.Is(err, kv.ErrNotFound):
			return []byte{fwdNotFound}, nil
		case err != nil:
			return encodeFwdError(err), nil
		}
		return append([]byte{fwdOK}, v...), nil
	case fwdScan:
		lo, rest, err := decodeBytes(body)
		if err != nil {
			return nil, err
		}
		hi, _, err := decodeBytes(rest)
		if err != nil {
			return nil, err
		}
		out, err := n.localScan(gid, lo, hi)
		if err != nil {
			return encodeFwdError(err), nil
		}
		if out[0] == fwdMismatch {
			return mismatch(), nil
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown forwarded request kind %d", kind)
}

// localScan reads [lo, hi) (hi empty: the range's end) of this node's
// replica of gid after a read index, as a forwarded scan answer.
func (n *node) localScan(gid uint64, lo, hi []byte) ([]byte, error) {
	r, release, err := n.readWait(gid)
	if err != nil {
		return nil, err
	}
	g := r.acquireDB()
	if g == nil {
		release()
		return nil, ErrStopped
	}
	defer g.release()
	o := &pebble.IterOptions{LowerBound: append([]byte{userKeyPrefix}, lo...), UpperBound: userKeysEnd}
	if len(hi) > 0 {
		o.UpperBound = append([]byte{userKeyPrefix}, hi...)
	}
	it, err := g.db.NewIter(o)
	release()
	if err != nil {
		return nil, err
	}
	defer it.Close()
	if d := r.desc.Load(); d == nil || !d.ContainsKey(lo) || (len(d.EndKey) > 0 && (len(hi) == 0 || bytes.Compare(hi, d.EndKey) > 0)) {
		return []byte{fwdMismatch}, nil
	}
	var body []byte
	count := 0
	for valid := it.First(); valid; valid = it.Next() {
		body = binary.AppendUvarint(body, uint64(len(it.Key())-1))
		body = append(body, it.Key()[1:]...)
		body = binary.AppendUvarint(body, uint64(len(it.Value())))
		body = append(body, it.Value()...)
		count++
		if len(body) > maxScanBytes {
			return nil, fmt.Errorf("raftstore: range %d holds more than %d bytes in [%q, %q); scan it on a node that holds a replica", gid, maxScanBytes, lo, hi)
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	out := binary.AppendUvarint([]byte{fwdOK}, uint64(count))
	return append(out, body...), nil
}

// forwardScan reads [lo, hi) of group gid from a node that holds it.
func (n *node) forwardScan(gid uint64, lo, hi []byte) (*sliceIter, error) {
	req := binary.AppendUvarint([]byte{fwdScan}, gid)
	req = binary.AppendUvarint(req, uint64(len(lo)))
	req = append(req, lo...)
	req = binary.AppendUvarint(req, uint64(len(hi)))
	req = append(req, hi...)
	resp, err := n.forward(gid, req, false)
	if err != nil {
		return nil, err
	}
	count, k := binary.Uvarint(resp)
	if k <= 0 {
		return nil, fmt.Errorf("bad forwarded scan answer: %w", ErrCorruption)
	}
	resp = resp[k:]
	s := &sliceIter{pos: -1}
	for i := uint64(0); i < count; i++ {
		var key, value []byte
		if key, resp, err = decodeBytes(resp); err != nil {
			return nil, err
		}
		if value, resp, err = decodeBytes(resp); err != nil {
			return nil, err
		}
		s.keys = append(s.keys, append([]byte{userKeyPrefix}, key...))
		s.values = append(s.values, value)
	}
	return s, nil
}

// write commits a cmdBatch command (header space, then the operations) to
// group gid: here if this node holds a replica, else through a node that
// does.
func (n *node) write(gid uint64, cmd []byte) error {
	if err := checkPartSize(gid, cmd); err != nil {
		return err
	}
	body := cmd[commandHeaderLen:]
	id := n.nextID()
	if n.servingReplica(gid) != nil {
		return n.proposeWait(gid, id, cmdBatchFirst, cmd)
	}
	req := binary.AppendUvarint([]byte{fwdWrite}, gid)
	req = binary.BigEndian.AppendUint64(req, id)
	req = append(req, body...)
	_, err := n.forward(gid, req, true)
	return err
}

// checkPartSize refuses a batch part (cmd, with room for its header) for
// group gid that would not fit one raft entry.
func checkPartSize(gid uint64, cmd []byte) error {
	if n := len(cmd) - commandHeaderLen; n > maxCommandBytes {
		return fmt.Errorf("raftstore: the part of a batch for range %d has %d bytes; at most %d fit one raft entry, commit smaller batches", gid, n, maxCommandBytes)
	}
	return nil
}

// forwardGet reads key of group gid through a node that holds it.
func (n *node) forwardGet(gid uint64, key []byte) ([]byte, error) {
	req := binary.AppendUvarint([]byte{fwdGet}, gid)
	return n.forward(gid, append(req, key...), false)
}

// forward sends req to the replicas of group gid in turn until one serves
// it, following mismatches, until ProposalTimeout.
func (n *node) forward(gid uint64, req []byte, write bool) ([]byte, error) {
	deadline := time.Now().Add(n.cfg.ProposalTimeout)
	tried := map[uint64]bool{}
	var lastErr error
	for time.Now().Before(deadline) {
		d, err := n.descriptor(gid)
		if err != nil {
			return nil, err
		}
		target := n.forwardTarget(d, tried)
		if target == 0 {
			if lastErr == nil {
				lastErr = fmt.Errorf("group %d: no reachable replica: %w", gid, ErrGroupNotFound)
			}
			if len(tried) == 0 {
				return nil, lastErr
			}
			clear(tried) // every replica failed once: go round again
			time.Sleep(20 * time.Millisecond)
			continue
		}
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		n.metrics.forwarded.Add(1)
		resp, err := n.trans.call(ctx, target, req)
		cancel()
		if err != nil {
			tried[target] = true
			lastErr = err
			if write && status.Code(err) == codes.DeadlineExceeded {
				return nil, fmt.Errorf("group %d: forwarded write: %v: %w", gid, err, ErrAmbiguousResult)
			}
			continue
		}
		if len(resp) == 0 {
			return nil, errors.New("raftstore: empty forwarded response")
		}
		switch resp[0] {
		case fwdOK:
			n.noteForwardTarget(gid, target)
			return resp[1:], nil
		case fwdNotFound:
			n.noteForwardTarget(gid, target)
			return nil, kv.ErrNotFound
		case fwdMismatch:
			tried[target] = true
			lastErr = &RangeMismatchError{}
			if len(resp) > 1 {
				if nd, err := decodeDescriptor(resp[1:]); err == nil {
					n.updateDirectory(nd)
					lastErr = &RangeMismatchError{Descriptors: []*RangeDescriptor{nd}}
					if nd.Generation > d.Generation {
						// The range itself changed (a split): the caller
						// looks the key up again.
						return nil, lastErr
					}
				}
			}
		default:
			return nil, decodeFwdError(resp[1:])
		}
	}
	return nil, fmt.Errorf("group %d: forwarding timed out after %v (last: %v): %w", gid, n.cfg.ProposalTimeout, lastErr, ErrTimeout)
}

// forwardTarget picks the replica to try: the last one that served, else
// the first voter not tried yet.
func (n *node) forwardTarget(d *RangeDescriptor, tried map[uint64]bool) uint64 {
	n.mu.RLock()
	hint := n.fwdHint[d.GroupID]
	n.mu.RUnlock()
	if _, ok := d.replicaOnNode(hint); ok && !tried[hint] && hint != n.id {
		return hint
	}
	for _, rd := range d.Replicas {
		if !rd.Learner && !tried[rd.NodeID] && rd.NodeID != n.id {
			return rd.NodeID
		}
	}
	return 0
}

func (n *node) noteForwardTarget(gid, node uint64) {
	n.mu.Lock()
	n.fwdHint[gid] = node
	n.mu.Unlock()
}

// servingReplica returns this node's replica of gid if it can serve
// requests: it has state (a replica created for an incoming snapshot has
// none yet). Otherwise requests are forwarded.
func (n *node) servingReplica(gid uint64) *replica {
	if r := n.replica(gid); r != nil && r.desc.Load() != nil {
		return r
	}
	return nil
}
