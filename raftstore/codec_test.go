package raftstore

import (
	"bytes"
	"reflect"
	"testing"

	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestCommandRoundTrip(t *testing.T) {
	var body []byte
	body = appendOp(body, opSet, []byte("k"), []byte("v"))
	body = appendOp(body, opMerge, []byte(""), []byte("x"))
	body = appendOp(body, opDelete, []byte("d"), nil)
	body = appendOp(body, opDeleteRange, []byte("a"), nil)
	data := append(appendCommandHeader(nil, cmdBatch, 42), body...)
	kind, id, rest, err := decodeCommandHeader(data)
	if err != nil || kind != cmdBatch || id != 42 || !bytes.Equal(rest, body) {
		t.Fatalf("header: %v %v %v %v", kind, id, rest, err)
	}
	var got []string
	for len(rest) > 0 {
		op, k, v, tail, err := decodeOp(rest)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(rune('0'+op))+string(k)+"="+string(v))
		rest = tail
	}
	if want := []string{"1k=v", "2=x", "3d=", "4a="}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ops: %q, want %q", got, want)
	}
	for _, bad := range [][]byte{nil, {2, 1}, append([]byte{9}, data[1:]...)} {
		if _, _, _, err := decodeCommandHeader(bad); err == nil {
			t.Fatalf("decoded %x", bad)
		}
	}
}

func TestDescriptorRoundTrip(t *testing.T) {
	d := &RangeDescriptor{GroupID: 7, StartKey: []byte("a"), EndKey: []byte("m"), Generation: 3,
		Replicas: []ReplicaDescriptor{{NodeID: 1, ReplicaID: 1}, {NodeID: 4, ReplicaID: 5, Learner: true}}, NextReplicaID: 6}
	got, err := decodeDescriptor(encodeDescriptor(d))
	if err != nil || !reflect.DeepEqual(got, d) {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := decodeDescriptor([]byte(`{"v":2}`)); err == nil {
		t.Fatal("decoded an unknown version")
	}
}

func TestFrameRoundTrip(t *testing.T) {
	envs := []envelope{
		{GroupID: 2, FromNode: 1, ToNode: 3, Msg: &pb.Message{Type: pb.MsgApp.Enum(), To: proto.Uint64(3), From: proto.Uint64(1), Entries: []*pb.Entry{{Data: []byte("x")}}}},
		{GroupID: 0, FromNode: 1, ToNode: 3, Msg: &pb.Message{}},
		{GroupID: 9, FromNode: 1, ToNode: 3, Msg: &pb.Message{Type: pb.MsgHeartbeat.Enum()}, Quiesce: true},
	}
	frame, err := appendFrame(nil, 1, "127.0.0.1:1", envs)
	if err != nil {
		t.Fatal(err)
	}
	from, addr, got, err := decodeFrame(frame)
	if err != nil || from != 1 || addr != "127.0.0.1:1" || len(got) != len(envs) {
		t.Fatalf("decode: %v %v %v %v", from, addr, len(got), err)
	}
	for i := range envs {
		if got[i].GroupID != envs[i].GroupID || got[i].ToNode != envs[i].ToNode || got[i].FromNode != 1 ||
			got[i].Quiesce != envs[i].Quiesce || !proto.Equal(got[i].Msg, envs[i].Msg) {
			t.Fatalf("envelope %d: got %+v, want %+v", i, got[i], envs[i])
		}
	}
}

func TestSnapHeaderRoundTrip(t *testing.T) {
	env := envelope{GroupID: 2, FromNode: 1, ToNode: 3, Msg: &pb.Message{Type: pb.MsgSnap.Enum(), Snapshot: &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: proto.Uint64(9)}}}}
	files := []snapFile{{name: "000005.sst", size: 900, crc: 0xdeadbeef}, {name: "MANIFEST-000001", size: 87, crc: 1}}
	h, err := appendSnapHeader(nil, 1, "a:1", env, files)
	if err != nil {
		t.Fatal(err)
	}
	addr, got, gotFiles, err := decodeSnapHeader(h)
	if err != nil || addr != "a:1" || got.GroupID != 2 || got.ToNode != 3 || got.FromNode != 1 || !reflect.DeepEqual(gotFiles, files) {
		t.Fatalf("got %v %+v %+v %v", addr, got, gotFiles, err)
	}
	bad, _ := appendSnapHeader(nil, 1, "a:1", env, []snapFile{{name: "../etc/passwd", size: 1}})
	if _, _, _, err := decodeSnapHeader(bad); err == nil {
		t.Fatal("accepted a file name with a path separator")
	}
}

// The decoders read bytes from the network or the disk: they must fail
// cleanly, never panic.
func FuzzDecodeFrame(f *testing.F) {
	frame, _ := appendFrame(nil, 1, "x", []envelope{{GroupID: 2, ToNode: 3, Msg: &pb.Message{Type: pb.MsgApp.Enum()}}})
	f.Add(frame)
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _, _ = decodeFrame(b) })
}

func FuzzDecodeSnapHeader(f *testing.F) {
	env := envelope{GroupID: 2, ToNode: 3, Msg: &pb.Message{Type: pb.MsgSnap.Enum()}}
	h, _ := appendSnapHeader(nil, 1, "x", env, []snapFile{{name: "f", size: 1}})
	f.Add(h)
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _, _ = decodeSnapHeader(b) })
}

func FuzzDecodeCommand(f *testing.F) {
	f.Add(append(appendCommandHeader(nil, cmdBatch, 1), appendOp(nil, opSet, []byte("k"), []byte("v"))...))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, body, err := decodeCommandHeader(b)
		for err == nil && len(body) > 0 {
			_, _, _, body, err = decodeOp(body)
		}
	})
}

func FuzzDecodeAddrs(f *testing.F) {
	f.Add(encodeAddrs(map[uint64]string{1: "a:1", 2: "b:2"}))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = decodeAddrs(b) })
}

// raftCodec reads a BytesValue into a pooledBytes without copying its
// value, and falls back to the proto codec for any other encoding.
func TestRaftCodecPooledBytes(t *testing.T) {
	c := newRaftCodec()
	f := func(enc []byte, want []byte) {
		t.Helper()
		p := &pooledBytes{}
		if err := c.Unmarshal(mem.BufferSlice{mem.SliceBuffer(enc)}, p); err != nil {
			t.Fatalf("%x: %v", enc, err)
		}
		if !bytes.Equal(p.val, want) {
			t.Fatalf("%x: got %x, want %x", enc, p.val, want)
		}
		p.free()
	}
	for _, v := range [][]byte{nil, {1}, bytes.Repeat([]byte("frame"), 1000)} {
		enc, err := proto.Marshal(&wrapperspb.BytesValue{Value: v})
		if err != nil {
			t.Fatal(err)
		}
		f(enc, v)
	}
	// Two copies of field 1 (the last wins) and an unknown field.
	f([]byte{0x0a, 1, 'a', 0x0a, 1, 'b'}, []byte("b"))
	f([]byte{0x0a, 1, 'a', 0x10, 5}, []byte("a"))
	if err := c.Unmarshal(mem.BufferSlice{mem.SliceBuffer([]byte{0x0a, 9})}, &pooledBytes{}); err == nil {
		t.Fatal("a truncated value decoded")
	}
}
