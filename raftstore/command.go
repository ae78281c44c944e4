package raftstore

import (
	"encoding/binary"
	"fmt"
)

// A raft command is the Data of a normal raft entry. Its layout is durable
// (it sits in raft logs) and therefore stable:
//
//	| version (1B) = commandVersion | kind (1B) | proposalID (8B, big endian) | body |
//
// kind cmdBatch: the body is a sequence of operations on user keys (without
// userKeyPrefix):
//
//	| op (1B) | len(key) uvarint | key | len(value) uvarint | value |
//
// op is opSet, opMerge, opDelete (value empty) or opDeleteRange (value is
// the exclusive end key; empty means the end of the key space).
//
// kind cmdBatchFirst is a cmdBatch proposed for the first time: no copy of
// it with the same proposal id was proposed before (a proposer marks its
// first attempt only; re-proposals and retries are cmdBatch). Apply then
// needs to check only the rare records of retried ids (dedupe.go).
//
// kind cmdNoop has an empty body; it only proves leadership.
//
// kind cmdDescriptor (meta group only) has an encoded RangeDescriptor as its
// body: the directory entry of a data group (meta.go).
//
// kind cmdSplit splits the group at a key (split.go):
//
//	| childGroupID (8B BE) | parentGeneration (8B BE) | len(key) uvarint | key |
//
// New kinds and ops may be added; existing ones are never changed. A
// breaking change needs a new commandVersion.
const (
	commandVersion   = 1
	commandHeaderLen = 10
)

type commandKind byte

const (
	cmdBatch      commandKind = 1
	cmdNoop       commandKind = 2
	cmdDescriptor commandKind = 3
	cmdSplit      commandKind = 4
	cmdBatchFirst commandKind = 5
)

// isBatch reports whether kind has a cmdBatch body.
func (k commandKind) isBatch() bool { return k == cmdBatch || k == cmdBatchFirst }

// asRetry returns cmd, or a copy of it marked as a retry (cmdBatch) if it is
// a first attempt: a copy, since raft may still hold the first one.
func asRetry(cmd []byte) []byte {
	if len(cmd) < commandHeaderLen || commandKind(cmd[1]) != cmdBatchFirst {
		return cmd
	}
	c := append([]byte(nil), cmd...)
	c[1] = byte(cmdBatch)
	return c
}

type opKind byte

const (
	opSet         opKind = 1
	opMerge       opKind = 2
	opDelete      opKind = 3
	opDeleteRange opKind = 4
	// opIdempotency, first in a batch body when present, carries the
	// batch's idempotency key (kv.IdempotentBatch; 16 bytes) in the key
	// and no value. It is not a write: apply checks it (dedupe.go).
	opIdempotency opKind = 5
)

// splitIdempotency returns the idempotency key at the start of a batch
// body (nil when there is none) and the rest of the body. key aliases body.
func splitIdempotency(body []byte) (key, rest []byte) {
	if len(body) == 0 || opKind(body[0]) != opIdempotency {
		return nil, body
	}
	op, key, _, tail, err := decodeOp(body)
	if err != nil || op != opIdempotency {
		return nil, body // apply reports the corruption
	}
	return key, tail
}

// appendCommandHeader appends a command header to dst.
func appendCommandHeader(dst []byte, kind commandKind, proposalID uint64) []byte {
	dst = append(dst, commandVersion, byte(kind))
	return binary.BigEndian.AppendUint64(dst, proposalID)
}

// decodeCommandHeader returns the kind, proposal id and body of a command.
func decodeCommandHeader(data []byte) (commandKind, uint64, []byte, error) {
	if len(data) < commandHeaderLen {
		return 0, 0, nil, fmt.Errorf("command of %d bytes is shorter than its %d-byte header: %w", len(data), commandHeaderLen, ErrCorruption)
	}
	if data[0] != commandVersion {
		return 0, 0, nil, fmt.Errorf("unknown command version %d: %w", data[0], ErrCorruption)
	}
	return commandKind(data[1]), binary.BigEndian.Uint64(data[2:10]), data[commandHeaderLen:], nil
}

// appendOp appends one batch operation to dst.
func appendOp(dst []byte, op opKind, key, value []byte) []byte {
	dst = append(dst, byte(op))
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	dst = append(dst, key...)
	dst = binary.AppendUvarint(dst, uint64(len(value)))
	return append(dst, value...)
}

// opLen is the encoded size of an operation on key and value.
func opLen(key, value []byte) int {
	return 1 + uvarintLen(uint64(len(key))) + len(key) + uvarintLen(uint64(len(value))) + len(value)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// decodeOp decodes one operation from src and returns the rest of src. key
// and value alias src.
func decodeOp(src []byte) (op opKind, key, value, tail []byte, err error) {
	if len(src) == 0 {
		return 0, nil, nil, src, fmt.Errorf("empty operation: %w", ErrCorruption)
	}
	op = opKind(src[0])
	if op < opSet || op > opIdempotency {
		return 0, nil, nil, src, fmt.Errorf("unknown operation %d: %w", op, ErrCorruption)
	}
	rest := src[1:]
	if key, rest, err = decodeBytes(rest); err != nil {
		return 0, nil, nil, src, fmt.Errorf("cannot decode key of operation %d: %w", op, err)
	}
	if value, rest, err = decodeBytes(rest); err != nil {
		return 0, nil, nil, src, fmt.Errorf("cannot decode value of operation %d: %w", op, err)
	}
	return op, key, value, rest, nil
}

func decodeBytes(src []byte) ([]byte, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 {
		return nil, src, fmt.Errorf("bad length varint: %w", ErrCorruption)
	}
	src = src[k:]
	if uint64(len(src)) < n {
		return nil, src, fmt.Errorf("length %d exceeds the %d bytes left: %w", n, len(src), ErrCorruption)
	}
	return src[:n:n], src[n:], nil
}
