package raftstore

import (
	"encoding/binary"
	"fmt"

	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// A frame carries the messages of many groups from one node to another in
// one gRPC stream message. Layout (wire format, versioned by frameVersion):
//
//	| version (1B) | fromNode uvarint | len(fromAddr) uvarint | fromAddr |
//	| count uvarint | count × envelope |
//
//	envelope: | groupID uvarint | toNode uvarint | flags (1B) | len(msg) uvarint | msg (protobuf raftpb.Message) |
//
// flags bit 0: quiesce.
const frameVersion = 1

// maxFrameEnvelopes bounds the envelopes a decoder accepts in one frame.
const maxFrameEnvelopes = 1 << 20

func appendFrame(dst []byte, fromNode uint64, fromAddr string, envs []envelope) ([]byte, error) {
	dst = append(dst, frameVersion)
	dst = binary.AppendUvarint(dst, fromNode)
	dst = binary.AppendUvarint(dst, uint64(len(fromAddr)))
	dst = append(dst, fromAddr...)
	dst = binary.AppendUvarint(dst, uint64(len(envs)))
	for _, e := range envs {
		dst = binary.AppendUvarint(dst, e.GroupID)
		dst = binary.AppendUvarint(dst, e.ToNode)
		var flags byte
		if e.Quiesce {
			flags |= 1
		}
		dst = append(dst, flags)
		n := proto.Size(e.Msg)
		dst = binary.AppendUvarint(dst, uint64(n))
		var err error
		if dst, err = (proto.MarshalOptions{}).MarshalAppend(dst, e.Msg); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func decodeFrame(src []byte) (fromNode uint64, fromAddr string, envs []envelope, err error) {
	if len(src) == 0 || src[0] != frameVersion {
		return 0, "", nil, fmt.Errorf("unknown raft frame version")
	}
	src = src[1:]
	var k int
	if fromNode, k = binary.Uvarint(src); k <= 0 {
		return 0, "", nil, fmt.Errorf("bad sender in raft frame")
	}
	src = src[k:]
	var addr []byte
	if addr, src, err = decodeBytes(src); err != nil {
		return 0, "", nil, fmt.Errorf("bad sender address in raft frame: %w", err)
	}
	count, k := binary.Uvarint(src)
	if k <= 0 || count > maxFrameEnvelopes {
		return 0, "", nil, fmt.Errorf("bad message count in raft frame")
	}
	src = src[k:]
	envs = make([]envelope, 0, count)
	for i := uint64(0); i < count; i++ {
		var e envelope
		if e.GroupID, k = binary.Uvarint(src); k <= 0 {
			return 0, "", nil, fmt.Errorf("bad group id in raft frame")
		}
		src = src[k:]
		if e.ToNode, k = binary.Uvarint(src); k <= 0 {
			return 0, "", nil, fmt.Errorf("bad destination in raft frame")
		}
		src = src[k:]
		if len(src) == 0 {
			return 0, "", nil, fmt.Errorf("bad flags in raft frame")
		}
		e.Quiesce = src[0]&1 != 0
		src = src[1:]
		var mb []byte
		if mb, src, err = decodeBytes(src); err != nil {
			return 0, "", nil, fmt.Errorf("bad message in raft frame: %w", err)
		}
		e.Msg = &pb.Message{}
		if err := proto.Unmarshal(mb, e.Msg); err != nil {
			return 0, "", nil, fmt.Errorf("cannot decode raft message: %w", err)
		}
		e.FromNode = fromNode
		envs = append(envs, e)
	}
	if len(src) != 0 {
		return 0, "", nil, fmt.Errorf("%d trailing bytes in raft frame", len(src))
	}
	return fromNode, string(addr), envs, nil
}
